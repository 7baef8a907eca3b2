"""The evaluation metrics of DOMAIN.md for a period, grouped by a key, computed by the database.

One pass over the cases touched in the period (reported, first dispatched, or checked in it) with
conditional sums; the rates and the department score are derived from the counts in Python, so what is
published always adds up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.models import Case, Category, Department, OrgUnit, Rating
from gridwatch.db.queries import HANDLING_STEPS, overdue

GroupKey = Literal["department", "street", "grid", "source", "category"]
GROUP_KEYS: tuple[GroupKey, ...] = ("department", "street", "grid", "source", "category")
DEFAULT_WEIGHTS = {"handle": 30, "handle_on_time": 20, "rework": 20, "overdue": 20, "extension": 10}
GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"))
SATISFIED = ("satisfied", "basically")
"""The ratings 满意率 counts (满意, 基本满意; docs/DOMAIN.md)."""


@dataclass
class MetricRow:
    key: str
    name: str
    reported: int  # 上报数
    registered: int  # 立案数
    self_handled: int  # 自行处置数
    to_handle: int  # 应处置数
    handled: int  # 处置数
    handled_on_time: int  # 按期处置数
    due_to_close: int  # 应结案数
    closed: int  # 结案数
    closed_on_time: int  # 按期结案数
    reworks: int
    extended: int
    overdue_open: int
    rated: int = 0  # 评价数: ratings given in the period
    satisfied: int = 0  # of them 满意 or 基本满意
    estimated_calendar: bool | None = field(default=None, kw_only=True)
    """Some on-time figure rests on a deadline in a year whose holidays are only estimated (the State
    Council's notice is not entered, docs/CALENDAR.md); None when no calendar was given to judge it."""

    @property
    def handle_rate(self) -> float | None:  # 处置率
        return _rate(self.handled, self.to_handle)

    @property
    def handle_on_time_rate(self) -> float | None:  # 按期处置率
        return _rate(self.handled_on_time, self.to_handle)

    @property
    def close_rate(self) -> float | None:  # 结案率
        return _rate(self.closed, self.due_to_close)

    @property
    def close_on_time_rate(self) -> float | None:  # 按期结案率
        return _rate(self.closed_on_time, self.due_to_close)

    @property
    def rework_rate(self) -> float | None:  # 返工率
        return _rate(self.reworks, self.handled)

    @property
    def extension_rate(self) -> float | None:  # 延期率
        return _rate(self.extended, self.to_handle)

    @property
    def overdue_rate(self) -> float | None:  # 超期待处置率
        return _rate(self.overdue_open, self.to_handle)

    @property
    def satisfaction_rate(self) -> float | None:  # 满意率 = (满意 + 基本满意) / rated (docs/DOMAIN.md)
        return _rate(self.satisfied, self.rated)

    def score(self, weights: dict[str, float] | None = None) -> float | None:
        """The published rule (weights are configuration):

        处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10
        """
        if not self.to_handle:
            return None
        w = {**DEFAULT_WEIGHTS, **(weights or {})}
        return (
            w["handle"] * (self.handle_rate or 0.0)
            + w["handle_on_time"] * (self.handle_on_time_rate or 0.0)
            + w["rework"] * (1 - (self.rework_rate or 0.0))
            + w["overdue"] * (1 - (self.overdue_rate or 0.0))
            + w["extension"] * (1 - (self.extension_rate or 0.0))
        )

    def grade(self, weights: dict[str, float] | None = None) -> str | None:
        score = self.score(weights)
        if score is None:
            return None
        return next((g for floor, g in GRADES if score >= floor), "E")

    RATES = (
        "handle_rate",
        "handle_on_time_rate",
        "close_rate",
        "close_on_time_rate",
        "rework_rate",
        "extension_rate",
        "overdue_rate",
        "satisfaction_rate",
    )

    def as_dict(self, weights: dict[str, float] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        for rate in self.RATES:
            out[rate] = percent(getattr(self, rate))
        score = self.score(weights)
        out["score"] = None if score is None else round(score, 2)
        out["grade"] = self.grade(weights)
        return out


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """Rates as centers publish them: a percentage with two decimals (99.86%); '—' where undefined."""
    return "—" if value is None else f"{value * 100:.2f}%"


def period_bounds(start: date, end: date, tz: str = "Asia/Shanghai") -> tuple[datetime, datetime]:
    """Local calendar days [start, end] inclusive as an aware half-open interval."""
    zone = ZoneInfo(tz)
    return datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def compute(
    session: Session,
    start: date,
    end: date,
    by: GroupKey = "department",
    *,
    tz: str = "Asia/Shanghai",
    as_of: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[MetricRow]:
    """Every DOMAIN.md metric for the local days [start, end], one row per value of `by`.

    With the site's `calendar`, each row also says whether its on-time figures rest on an estimated year.
    """
    if by not in GROUP_KEYS:
        raise ValueError(f"Cannot group by '{by}': choose one of {', '.join(GROUP_KEYS)}.")
    lo, hi = period_bounds(start, end, tz)
    as_of = min(as_of or datetime.now(lo.tzinfo), hi)

    def within(column: Any) -> ColumnElement[bool]:
        return and_(column >= lo, column < hi)

    c = Case
    reported, dispatched, checked = within(c.reported_at), within(c.dispatched_at), within(c.checked_at)
    on_time_handled = and_(c.handled_at.is_not(None), c.handled_at <= c.deadline_at)
    key_column, name_column, join = _group(by)
    judged_deadline = case((or_(dispatched, checked), c.deadline_at))  # the deadlines on-time figures use
    query = (
        select(
            key_column.label("key"),
            name_column.label("name"),
            _count(reported),
            _count(and_(reported, c.registered_at.is_not(None))),
            _count(and_(reported, c.close_type == "self_handled")),
            _count(dispatched),
            _count(and_(dispatched, c.handled_at.is_not(None))),
            _count(and_(dispatched, on_time_handled)),
            _count(checked),
            _count(and_(checked, c.closed_at.is_not(None))),
            _count(and_(checked, c.closed_at.is_not(None), c.closed_at <= c.deadline_at)),
            func.coalesce(func.sum(case((dispatched, c.rework_count), else_=0)), 0),
            _count(and_(dispatched, c.extension_count > 0)),
            _count(and_(dispatched, overdue(as_of, HANDLING_STEPS))),
            func.min(judged_deadline),
            func.max(judged_deadline),
        )
        .select_from(c)
        .where(or_(reported, dispatched, checked))
        .group_by(key_column, name_column)
        .order_by(key_column)
    )
    if join is not None:
        query = query.outerjoin(*join)
    rows = []
    for r in session.execute(query):
        row = MetricRow(str(r[0] if r[0] is not None else "—"), str(r[1] or "—"), *map(int, r[2:-2]))
        first, last = r[-2:]
        if calendar is not None:
            row.estimated_calendar = first is not None and calendar.estimated(first, last)
        rows.append(row)
    _add_ratings(session, rows, key_column, name_column, join, within(Rating.rated_at))
    return rows


def _add_ratings(
    session: Session, rows: list[MetricRow], key_column: Any, name_column: Any, join: Any, rated: Any
) -> None:
    """满意率's counts: ratings given in the period, by the same key, in a query of their own (the main
    pass over the cases stays as fast as it was); a key with ratings only gets a row of its own."""
    query = (
        select(
            key_column.label("key"),
            name_column.label("name"),
            func.count(),
            _count(Rating.rating.in_(SATISFIED)),
        )
        .select_from(Rating)
        .join(Case, Case.id == Rating.case_id)
        .where(rated)
        .group_by(key_column, name_column)
    )
    if join is not None:
        query = query.outerjoin(*join)
    by_key = {row.key: row for row in rows}
    added = False
    for key, name, count, satisfied in session.execute(query):
        shown = str(key if key is not None else "—")
        row = by_key.get(shown)
        if row is None:
            row = by_key[shown] = MetricRow(shown, str(name or "—"), *([0] * 12))
            rows.append(row)
            added = True
        row.rated, row.satisfied = int(count), int(satisfied)
    if added:
        rows.sort(key=lambda r: r.key)


def _group(by: GroupKey) -> tuple[Any, Any, tuple[Any, Any] | None]:
    if by == "department":
        return Department.code, Department.name, (Department, Department.id == Case.department_id)
    if by in ("street", "grid"):
        unit = aliased(OrgUnit)
        column = Case.street_id if by == "street" else Case.grid_id
        return unit.code, unit.name, (unit, unit.id == column)
    if by == "category":
        return Case.category_code, Category.name, (Category, Category.code == Case.category_code)
    return Case.source, Case.source, None
