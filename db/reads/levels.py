"""Centers, hops and the handbook as the desks, the field API and the CLI show them (docs/LEVELS.md).

`hops` is a case's trail between centers (who, when, from, to, why, the deadline carried); `holding` says
which center holds a case and which center and department its lateness is attributed to; `standard` is
the handbook's row for a category with the limit the clock uses; `closing_shares` reads
"小事不出网格，大事不出社区，难事不出街道" as the share of cases closed at each level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from gridwatch.db.deadlines import DeadlineRule, pick_limit
from gridwatch.db.handbook import entry_for
from gridwatch.db.levels import HOPS, LEVELS, center_ref, centers_below, departments_for
from gridwatch.db.metrics import period_bounds
from gridwatch.db.models import Case, CaseEvent, Category, Center, Department, HandbookEntry, OrgUnit, Person
from gridwatch.db.reads.reference import Named
from gridwatch.db.store import Store


@dataclass(frozen=True)
class CenterRow:
    code: str | None  # None: the top center
    name: str
    level: str  # district|street|community|top


@dataclass(frozen=True)
class Hop:
    """One move of a case between centers, from its event."""

    at: datetime
    action: str  # dispatch_down|hand_back|escalate
    actor_name: str | None
    from_center: str | None  # org code; None: the top center
    to_center: str | None
    reason: str | None
    deadline: datetime | None  # the handling deadline carried (None before the clock started)


@dataclass(frozen=True)
class Holding:
    """Where a case is, and where its lateness is counted (docs/LEVELS.md)."""

    holder: CenterRow
    escalated: bool
    late_at: datetime | None  # the deadline that passed while `late_center` held it
    late_center: CenterRow | None
    late_department_code: str | None


@dataclass(frozen=True)
class Standard:
    """The handbook's row for a category, with the handling limit the clock uses for it."""

    category_code: str  # the row's own code (the category or its class)
    category_name: str
    standard: str
    department_kind: str | None
    photos_before: int
    photos_after: int
    limit_amount: float  # the clock's limit for the category (deadline_rules), e.g. 4 …
    limit_unit: str  # … working_hours (docs/DOMAIN.md units); each client says it in its language


@dataclass(frozen=True)
class Share:
    level: str  # grid|community|street|district|top
    closed: int
    share: float | None


def _row(ref_code: str | None, name: str, level: str) -> CenterRow:
    return CenterRow(ref_code, name, level)


def centers(store: Store) -> list[CenterRow]:
    """Every center, the top one first, then by org code."""
    with store.session() as session:
        rows = session.execute(
            select(OrgUnit.code, Center.name, OrgUnit.level)
            .join(OrgUnit, OrgUnit.id == Center.org_unit_id)
            .order_by(OrgUnit.code)
        )
        return [CenterRow(None, "the top center", "top"), *(CenterRow(*r) for r in rows)]


def below(store: Store, case_no: str) -> list[CenterRow]:
    """The centers the holder of this case may dispatch it down to."""
    with store.session() as session:
        case = store.case(session, case_no)
        return [CenterRow(c.code, c.name, c.level) for c in centers_below(session, case.holder_id)]


def departments(store: Store, case_no: str) -> list[Named]:
    """The departments the holder of this case may dispatch it to: those on its line of the tree."""
    with store.session() as session:
        case = store.case(session, case_no)
        return [Named(d.code, d.name) for d in departments_for(session, case.holder_id)]


def hops(store: Store, case_no: str) -> list[Hop]:
    with store.session() as session:
        case = store.case(session, case_no)
        rows = session.execute(
            select(CaseEvent.at, CaseEvent.action, Person.name, CaseEvent.note, CaseEvent.data)
            .outerjoin(Person, Person.id == CaseEvent.actor_id)
            .where(CaseEvent.case_id == case.id, CaseEvent.action.in_(HOPS))
            .order_by(CaseEvent.at, CaseEvent.id)
        )
        return [
            Hop(at, action, name, (data or {}).get("from_center"), (data or {}).get("to_center"), note,
                _time((data or {}).get("deadline")))
            for at, action, name, note, data in rows
        ]  # fmt: skip


def _time(iso: str | None) -> datetime | None:
    return None if iso is None else datetime.fromisoformat(iso)


def holding(store: Store, case_no: str) -> Holding:
    with store.session() as session:
        case = store.case(session, case_no)
        holder = center_ref(session, case.holder_id)
        late = center_ref(session, case.late_center_id) if case.late_at is not None else None
        department = (
            session.scalar(select(Department.code).where(Department.id == case.late_department_id))
            if case.late_department_id is not None
            else None
        )
        return Holding(
            _row(holder.code, holder.name, holder.level),
            case.escalated,
            case.late_at,
            _row(late.code, late.name, late.level) if late else None,
            department,
        )


def standard(store: Store, category_code: str, urgency: str = "C") -> Standard | None:
    """The handbook's standard for a category (its own row, else its class's); None without one."""
    with store.session() as session:
        entry = entry_for(session, category_code)
        if entry is None:
            return None
        rules = store.rules(session)
        return _standard(session, entry, category_code, urgency, rules.deadline_rules)


def _standard(
    session: Session, entry: HandbookEntry, code: str, urgency: str, rules: Sequence[DeadlineRule]
) -> Standard:
    limit = pick_limit(rules, code, urgency)
    name = session.scalar(select(Category.name).where(Category.code == entry.category_code))
    return Standard(
        entry.category_code, name or entry.category_code, entry.standard, entry.department_kind,
        entry.photos_before, entry.photos_after, limit.amount, limit.unit,
    )  # fmt: skip


def handbook(store: Store) -> list[Standard]:
    """The whole handbook in category order (the limit shown is the category's at urgency C)."""
    with store.session() as session:
        rules = store.rules(session).deadline_rules
        entries = session.scalars(select(HandbookEntry).order_by(HandbookEntry.category_code)).all()
        return [_standard(session, e, e.category_code, "C", rules) for e in entries]


def closing_shares(store: Store, start: date, end: date, tz: str = "Asia/Shanghai") -> list[Share]:
    """Cases closed in the local days [start, end] by the level that closed them, lowest level first.

    A grid worker's self-handling counts for the grid; any other close for the level of the center that
    held the case (its lateness aside: a case is closed where it is)."""
    lo, hi = period_bounds(start, end, tz)
    holder = aliased(OrgUnit)
    with store.session() as session:
        query = (
            select(Case.close_type, holder.level, func.count())
            .select_from(Case)
            .outerjoin(holder, holder.id == Case.holder_id)
            .where(Case.state == "closed", Case.closed_at >= lo, Case.closed_at < hi)
            .group_by(Case.close_type, holder.level)
        )
        counts = dict.fromkeys(LEVELS, 0)
        for close_type, at_level, count in session.execute(query):
            key = "grid" if close_type == "self_handled" else str(at_level or "top")
            counts[key] = counts.get(key, 0) + int(count)
    total = sum(counts.values())
    return [Share(k, n, n / total if total else None) for k, n in counts.items()]
