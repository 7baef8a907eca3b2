"""The evaluation metrics of DOMAIN.md for a period, grouped by a key, computed by the database.

One pass over the cases touched in the period (reported, first dispatched, or checked in it) with
conditional sums; the rates and the department score are derived from the counts in Python, so what is
published always adds up. Each count is one named condition (`measures`): the sums here and the
drill-down to the cases behind a number (`cases_behind`) use the same one, so a count and its cases
always agree. On PostgreSQL every grouping comes from one scan (GROUPING SETS); SQLite runs one query per
grouping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, false, func, not_, or_, select, text, true, tuple_
from sqlalchemy.orm import Session

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.levels import CENTER_KEY, LEVEL_KEY, SELF_HANDLED_KEY, TOP, level_of
from gridwatch.db.models import Case, Category, Department, OrgUnit, Rating, Setting
from gridwatch.db.queries import HANDLING_STEPS, overdue

GroupKey = Literal["department", "street", "grid", "source", "category", "level", "center"]
GROUP_KEYS: tuple[GroupKey, ...] = ("department", "street", "grid", "source", "category", "level", "center")
DEFAULT_WEIGHTS = {"handle": 30, "handle_on_time": 20, "rework": 20, "overdue": 20, "extension": 10}
GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"))
SATISFIED = ("satisfied", "basically")
"""The ratings 满意率 counts (满意, 基本满意; docs/DOMAIN.md)."""
NONE_KEY = "—"
"""The key of the cases with no value for a grouping (never dispatched, outside every grid)."""

CASE_COUNTS = (
    "reported",
    "registered",
    "self_handled",
    "to_handle",
    "handled",
    "handled_on_time",
    "due_to_close",
    "closed",
    "closed_on_time",
    "reworks",
    "extended",
    "overdue_open",
)
"""The counts over cases, in MetricRow's order; `reworks` sums the reworks of its cases."""
RATING_COUNTS = ("rated", "satisfied")
DRILLABLE = (*CASE_COUNTS, *RATING_COUNTS, "late")
"""Every number whose cases `cases_behind` lists."""


@dataclass(frozen=True)
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
    late: int = 0  # of 应处置数, handled after the deadline or still open past it
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

    @property
    def empty(self) -> bool:
        """No case and no rating in the period: the row says "no cases" and every rate is undefined."""
        return not any(getattr(self, name) for name in (*CASE_COUNTS, *RATING_COUNTS))

    def score(self, weights: Mapping[str, float] | None = None) -> float | None:
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

    def grade(self, weights: Mapping[str, float] | None = None) -> str | None:
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

    def as_dict(self, weights: Mapping[str, float] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        for rate in self.RATES:
            out[rate] = percent(getattr(self, rate))
        score = self.score(weights)
        out["score"] = None if score is None else round(score, 2)
        out["grade"] = self.grade(weights)
        return out


RATE_PARTS: dict[str, tuple[str, str]] = {
    "handle_rate": ("handled", "to_handle"),
    "handle_on_time_rate": ("handled_on_time", "to_handle"),
    "close_rate": ("closed", "due_to_close"),
    "close_on_time_rate": ("closed_on_time", "due_to_close"),
    "rework_rate": ("reworks", "handled"),
    "extension_rate": ("extended", "to_handle"),
    "overdue_rate": ("overdue_open", "to_handle"),
    "satisfaction_rate": ("satisfied", "rated"),
}
"""A rate's numerator and denominator: what a rate's cell drills down to."""


def total_row(rows: Iterable[MetricRow], key: str = "total", name: str = "合计") -> MetricRow:
    """The total of a grouping's rows: every case falls in exactly one row of a grouping (cases with no
    value in the "—" row), so the column sums are the territory's figures and its rates are recomputed
    from them, never averaged."""
    rows = list(rows)
    sums = {n: sum(getattr(r, n) for r in rows) for n in (*CASE_COUNTS, *RATING_COUNTS, "late")}
    judged = [r.estimated_calendar for r in rows if r.estimated_calendar is not None]
    return MetricRow(key, name, **sums, estimated_calendar=any(judged) if judged else None)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """Rates as centers publish them: a percentage with two decimals (99.86%); '—' where undefined."""
    return "—" if value is None else f"{value * 100:.2f}%"


def period_bounds(start: date, end: date, tz: str = "Asia/Shanghai") -> tuple[datetime, datetime]:
    """Local calendar days [start, end] inclusive as an aware half-open interval."""
    zone = ZoneInfo(tz)
    return datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone)


def judged_moment(
    start: date, end: date, tz: str = "Asia/Shanghai", as_of: datetime | None = None
) -> datetime:
    """The moment "still open past the deadline" is judged at: now, or the period's end if that is earlier.
    An evaluation and its drill-downs pass the same one, so a count and its cases agree."""
    lo, hi = period_bounds(start, end, tz)
    return min(as_of or datetime.now(lo.tzinfo), hi)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def measures(lo: datetime, hi: datetime, as_of: datetime) -> dict[str, ColumnElement[bool]]:
    """Each count of DOMAIN.md as one condition on a case (`reworks`: the cases with a rework; the count
    sums their reworks). `touched` is the period's cases at all."""

    def within(column: Any) -> ColumnElement[bool]:
        return and_(column >= lo, column < hi)

    c = Case
    reported, dispatched, checked = within(c.reported_at), within(c.dispatched_at), within(c.checked_at)
    on_time_handled = and_(c.handled_at.is_not(None), c.handled_at <= c.deadline_at)
    overdue_open = and_(dispatched, overdue(as_of, HANDLING_STEPS))
    return {
        "touched": or_(reported, dispatched, checked),
        "reported": reported,
        "registered": and_(reported, c.registered_at.is_not(None)),
        "self_handled": and_(reported, c.close_type == "self_handled"),
        "to_handle": dispatched,
        "handled": and_(dispatched, c.handled_at.is_not(None)),
        "handled_on_time": and_(dispatched, on_time_handled),
        "due_to_close": checked,
        "closed": and_(checked, c.closed_at.is_not(None)),
        "closed_on_time": and_(checked, c.closed_at.is_not(None), c.closed_at <= c.deadline_at),
        "reworks": and_(dispatched, c.rework_count > 0),
        "extended": and_(dispatched, c.extension_count > 0),
        "overdue_open": overdue_open,
        "late": and_(
            dispatched,
            or_(
                and_(c.handled_at.is_not(None), not_(func.coalesce(c.handled_at <= c.deadline_at, false()))),
                overdue_open,
            ),
        ),
        "dispatched_or_checked": or_(dispatched, checked),
    }


def _sums(m: Mapping[str, ColumnElement[bool]]) -> list[ColumnElement[Any]]:
    out: list[ColumnElement[Any]] = []
    for name in (*CASE_COUNTS, "late"):
        if name == "reworks":
            out.append(func.coalesce(func.sum(case((m["to_handle"], Case.rework_count), else_=0)), 0))
        else:
            out.append(_count(m[name]))
    return out


KEY_COLUMNS: dict[GroupKey, Any] = {
    "department": Case.department_id,
    "street": Case.street_id,
    "grid": Case.grid_id,
    "source": Case.source,
    "category": Case.category_code,
    "level": LEVEL_KEY,  # the level and center accountable for a case (docs/LEVELS.md)
    "center": CENTER_KEY,
}


def in_scope(units: Sequence[int] | None) -> ColumnElement[bool]:
    """The cases under an org-tree node (`units`: the node and everything below it; None: everywhere)."""
    if units is None:
        return true()
    ids = list(units)
    return or_(Case.grid_id.in_(ids), Case.street_id.in_(ids))


def units_under(session: Session, code: str) -> list[int] | None:
    """The ids of the org-tree node `code` and every node below it; None if there is no such node."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.code)).all()
    root = next((r.id for r in rows if r.code == code), None)
    if root is None:
        return None
    children: dict[int | None, list[int]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r.id)
    found, todo = [], [root]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(children.get(node, ()))
    return found


class Names:
    """Codes and names of the raw key values (department and org ids, category codes), read once."""

    def __init__(self, session: Session) -> None:
        self.department = {
            r.id: (r.code, r.name)
            for r in session.execute(select(Department.id, Department.code, Department.name))
        }
        units = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.level)).all()
        self.org = {r.id: (r.code, r.name) for r in units}
        self.level = {r.id: r.level for r in units}
        self.category = {r.code: r.name for r in session.execute(select(Category.code, Category.name))}

    def of(self, by: GroupKey, value: Any) -> tuple[str, str]:
        if value is None:
            return NONE_KEY, NONE_KEY
        if by == "department":
            return self.department.get(value, (str(value), str(value)))
        if by in ("street", "grid"):
            return self.org.get(value, (str(value), str(value)))
        if by == "center":
            return ("top", TOP) if value == 0 else self.org.get(value, (str(value), str(value)))
        if by == "level":
            level = level_of(value, self.level)
            return level, level
        if by == "category":
            return str(value), self.category.get(value, str(value))
        return str(value), str(value)

    def value(self, by: GroupKey, key: str) -> tuple[bool, Any]:
        """The raw column value of a shown key: (found, value); "—" is the NULL value."""
        if key == NONE_KEY:
            return True, None
        if by == "center" and key == "top":
            return True, 0
        if by == "department":
            table = self.department
        elif by in ("street", "grid", "center"):
            table = self.org
        else:
            return True, key
        found = next((i for i, (code, _) in table.items() if code == key), None)
        return found is not None, found


@contextmanager
def by_period_indexes(session: Session) -> Iterator[None]:
    """PostgreSQL: read a period's cases through its moments' indexes (a BitmapOr of the reported,
    dispatched and checked ranges), not a scan of the whole table, for the statements run inside.

    A store holds its cases roughly in the order they were reported, so a quarter's cases lie in about a
    quarter of the table's pages; the planner prices a bitmap read of a quarter of the rows as reading
    every page and scans the whole table instead (on 1,000,000 cases kept in report order: 8,816 pages
    read instead of 33,427, the scan 154 ms instead of 268 ms; bench/evaluation.py). Where the order is
    random the bitmap reads every page once, as the scan would."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.scalar(text("SELECT current_setting('enable_seqscan')"))
    session.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
    try:
        yield
    finally:
        session.execute(text("SELECT set_config('enable_seqscan', :before, true)"), {"before": before})


def compute(
    session: Session,
    start: date,
    end: date,
    by: GroupKey = "department",
    *,
    tz: str = "Asia/Shanghai",
    as_of: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    scope: Sequence[int] | None = None,
) -> list[MetricRow]:
    """Every DOMAIN.md metric for the local days [start, end], one row per value of `by`.

    With the site's `calendar`, each row also says whether its on-time figures rest on an estimated year.
    """
    return compute_groups(session, start, end, (by,), tz=tz, as_of=as_of, calendar=calendar, scope=scope)[by]


def compute_groups(
    session: Session,
    start: date,
    end: date,
    keys: Sequence[GroupKey] = GROUP_KEYS,
    *,
    tz: str = "Asia/Shanghai",
    as_of: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    scope: Sequence[int] | None = None,
) -> dict[GroupKey, list[MetricRow]]:
    """`compute` for several groupings at once (one scan on PostgreSQL), each sorted by key, "—" last."""
    for by in keys:
        if by not in GROUP_KEYS:
            raise ValueError(f"Cannot group by '{by}': choose one of {', '.join(GROUP_KEYS)}.")
    lo, hi = period_bounds(start, end, tz)
    m = measures(lo, hi, judged_moment(start, end, tz, as_of))
    judged_deadline = case((m["dispatched_or_checked"], Case.deadline_at))  # the deadlines on-time uses
    values = [*_sums(m), func.min(judged_deadline), func.max(judged_deadline)]
    where = and_(m["touched"], in_scope(scope))
    names = Names(session)
    raw: dict[GroupKey, dict[Any, list[Any]]] = {by: {} for by in keys}
    folds: list[Fold] = ["sum"] * (len(values) - 2)
    folds += ["min", "max"]
    with by_period_indexes(session):
        for by, value, sums in _grouped(session, keys, select(*values).select_from(Case).where(where), folds):
            raw[by][value] = sums
    rated = select(func.count(), _count(Rating.rating.in_(SATISFIED))).select_from(Rating)
    rated = rated.join(Case, Case.id == Rating.case_id).where(
        Rating.rated_at >= lo, Rating.rated_at < hi, in_scope(scope)
    )
    ratings: dict[GroupKey, dict[Any, list[Any]]] = {by: {} for by in keys}
    for by, value, sums in _grouped(session, keys, rated, ("sum", "sum")):
        ratings[by][value] = sums
    out: dict[GroupKey, list[MetricRow]] = {}
    width = len(CASE_COUNTS) + 1
    for by in keys:
        # several raw values can show as one row (`level`: every center of one level): their sums add up
        shown: dict[tuple[str, str], tuple[list[int], list[int], list[Any]]] = {}
        for value in set(raw[by]) | set(ratings[by]):
            counts: list[Any] | None = raw[by].get(value)
            ints, rated_sums, spans = shown.setdefault(names.of(by, value), ([0] * width, [0, 0], []))
            if counts:
                ints[:] = [a + int(b) for a, b in zip(ints, counts[:-2], strict=True)]
                spans.extend(x for x in counts[-2:] if x is not None)
            rated_sums[:] = [
                a + int(b) for a, b in zip(rated_sums, ratings[by].get(value, (0, 0)), strict=True)
            ]
        rows = []
        for (code, name), (ints, (rated_n, satisfied), spans) in shown.items():
            estimated = None
            if calendar is not None:
                estimated = bool(spans) and calendar.estimated(min(spans), max(spans))
            counted: dict[str, Any] = dict(zip((*CASE_COUNTS, "late"), ints, strict=True))
            rows.append(
                MetricRow(
                    code, name, **counted, rated=rated_n, satisfied=satisfied, estimated_calendar=estimated
                )
            )
        rows.sort(key=lambda r: (r.key == NONE_KEY, r.key))
        out[by] = rows
    return out


PACKS: tuple[tuple[GroupKey, ...], ...] = (
    ("department", "source", "category"),
    ("grid", "street", "level", "center"),
)
"""The groupings read together, as one combined key each, and added up in Python: a hashed GROUPING SET
costs every aggregate once per case, so two sets of a few thousand combined keys (a category is mostly one
department's; a grid lies in one street and is mostly held by one center) cost a third of seven sets of
single keys (bench/evaluation.py). Each grouping is in exactly one pack."""

Fold = Literal["sum", "min", "max"]


def _fold(how: Fold, a: Any, b: Any) -> Any:
    if how == "sum":
        return a + b
    present = [x for x in (a, b) if x is not None]
    if not present:
        return None
    return min(present) if how == "min" else max(present)


def _grouped(
    session: Session, keys: Sequence[GroupKey], query: Any, folds: Sequence[Fold]
) -> Iterable[tuple[GroupKey, Any, list[Any]]]:
    """Run `query` grouped by each key: (key, raw value, the selected aggregates, one `folds` each: how the
    aggregates of the combined keys a value is part of add up to the value's)."""
    packs = [tuple(by for by in pack if by in keys) for pack in PACKS]
    packs = [pack for pack in packs if pack]
    width = len(folds)
    out: dict[GroupKey, dict[Any, list[Any]]] = {by: {} for by in keys}

    def add(pack: tuple[GroupKey, ...], values: Sequence[Any], aggregates: Sequence[Any]) -> None:
        for by, value in zip(pack, values, strict=True):
            seen = out[by].get(value)
            out[by][value] = (
                list(aggregates)
                if seen is None
                else [_fold(how, a, b) for how, a, b in zip(folds, seen, aggregates, strict=True)]
            )

    if session.get_bind().dialect.name == "postgresql" and len(packs) > 1:
        columns = [KEY_COLUMNS[by] for pack in packs for by in pack]
        flags = [func.grouping(KEY_COLUMNS[pack[0]]) for pack in packs]
        sets = [tuple_(*[KEY_COLUMNS[by] for by in pack]) for pack in packs]
        grouped = query.add_columns(*columns, *flags).group_by(func.grouping_sets(*sets))
        for row in session.execute(grouped):
            values, flag = row[width : width + len(columns)], list(row[width + len(columns) :])
            i = flag.index(0)
            offset = sum(len(pack) for pack in packs[:i])
            add(packs[i], values[offset : offset + len(packs[i])], row[:width])
    else:
        for pack in packs:
            columns = [KEY_COLUMNS[by] for by in pack]
            for row in session.execute(query.add_columns(*columns).group_by(*columns)):
                add(pack, row[width:], row[:width])
    for by in keys:
        for value, aggregates in out[by].items():
            yield by, value, aggregates


def key_condition(names: Names, by: GroupKey | Literal["total"], key: str) -> ColumnElement[bool]:
    """The cases of one row of a grouping ("total": all of them)."""
    if by == "total":
        return true()
    if by == "level":  # a level's row adds up its centers
        if key == "grid":
            return LEVEL_KEY == SELF_HANDLED_KEY
        centers = [i for i, level in names.level.items() if level == key]
        top = [0] if key == "top" else []
        return and_(LEVEL_KEY != SELF_HANDLED_KEY, CENTER_KEY.in_([*top, *centers]))
    found, value = names.value(by, key)
    if not found:
        return false()
    column = KEY_COLUMNS[by]
    condition: ColumnElement[bool] = column.is_(None) if value is None else column == value
    return condition


def case_ids_query(
    session: Session,
    start: date,
    end: date,
    by: GroupKey | Literal["total"],
    key: str,
    metric: str,
    *,
    tz: str = "Asia/Shanghai",
    as_of: datetime | None = None,
    scope: Sequence[int] | None = None,
    columns: Sequence[Any] = (Case.id,),
) -> Select[Any]:
    """The SELECT of the cases behind one number (id, with the row's weight: a case's reworks for
    `reworks`, else 1), by the same condition the count used."""
    if metric not in DRILLABLE:
        raise ValueError(f"No cases behind '{metric}': choose one of {', '.join(DRILLABLE)}.")
    if by != "total" and by not in GROUP_KEYS:
        raise ValueError(f"Cannot group by '{by}': choose one of total, {', '.join(GROUP_KEYS)}.")
    lo, hi = period_bounds(start, end, tz)
    names = Names(session)
    where = and_(key_condition(names, by, key), in_scope(scope))
    if metric in RATING_COUNTS:
        rated = and_(Rating.rated_at >= lo, Rating.rated_at < hi)
        if metric == "satisfied":
            rated = and_(rated, Rating.rating.in_(SATISFIED))
        query = select(*columns).select_from(Case).join(Rating, Rating.case_id == Case.id)
        return query.where(rated, where).order_by(Case.id)
    m = measures(lo, hi, judged_moment(start, end, tz, as_of))
    # every count's condition implies the case was touched in the period: no OR of three ranges here, so
    # a department's late cases come from its (department, dispatched) index (migration 0013)
    return select(*columns).select_from(Case).where(m[metric], where).order_by(Case.id)


def score_weights(session: Session) -> dict[str, float]:
    """The site's score weights (setting `score_weights`), the published defaults where it says none."""
    value = session.scalar(select(Setting.value).where(Setting.key == "score_weights")) or {}
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in value.items() if k in DEFAULT_WEIGHTS}}
