"""Read-side queries shared by the CLI and the desktop queue: filtered case lists and deadline lights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from gridwatch.db.deadlines import Light, traffic_light
from gridwatch.db.lifecycle import Rules
from gridwatch.db.models import Case, Category, Department, OrgUnit
from gridwatch.db.seeds import OPEN_STATES, SOURCES, STATES
from gridwatch.db.validation import check_choice


@dataclass
class CaseFilter:
    """What a dispatcher narrows the queue by; empty means everything."""

    states: Sequence[str] = ()
    open_only: bool = False
    sources: Sequence[str] = ()
    category_prefix: str | None = None
    urgencies: Sequence[str] = ()
    department: str | None = None  # department code
    area_code: str | None = None  # org code prefix: a street, community or grid
    overdue_at: datetime | None = None  # only cases whose handling deadline passed before this moment
    assigned_to: int | None = None  # "mine": cases this person reported or last changed
    text: str | None = None
    limit: int | None = 1000
    offset: int = 0
    order: list[str] = field(default_factory=lambda: ["-reported_at"])


SORTABLE = {"reported_at", "case_no", "state", "urgency", "deadline_at", "stage_due_at", "updated_at"}


def case_query(flt: CaseFilter) -> Select[Case, str, str, str]:
    grid = aliased(OrgUnit)
    q = (
        select(
            Case,
            Category.name.label("category_name"),
            Department.code.label("department_code"),
            grid.code.label("grid_code"),
        )
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(grid, grid.id == Case.grid_id)
    )
    check_choice("state", flt.states, STATES)  # a misspelled state would silently match nothing
    check_choice("source", flt.sources, SOURCES)
    if flt.states:
        q = q.where(Case.state.in_(flt.states))
    if flt.open_only:
        q = q.where(Case.state.in_(sorted(OPEN_STATES)))
    if flt.sources:
        q = q.where(Case.source.in_(flt.sources))
    if flt.category_prefix:
        q = q.where(Case.category_code.startswith(flt.category_prefix, autoescape=True))
    if flt.urgencies:
        q = q.where(Case.urgency.in_(flt.urgencies))
    if flt.department:
        q = q.where(Department.code == flt.department)
    if flt.area_code:
        q = q.where(grid.code.startswith(flt.area_code, autoescape=True))
    if flt.overdue_at is not None:
        q = q.where(
            Case.deadline_at < flt.overdue_at, Case.handled_at.is_(None), Case.state.in_(sorted(OPEN_STATES))
        )
    if flt.assigned_to is not None:
        q = q.where((Case.reporter_id == flt.assigned_to) | (Case.updated_by_id == flt.assigned_to))
    if flt.text:
        q = q.where(
            Case.description.contains(flt.text, autoescape=True)
            | Case.case_no.contains(flt.text, autoescape=True)
            | Case.address.contains(flt.text, autoescape=True)
        )
    for key in flt.order:
        name = key.lstrip("-")
        if name not in SORTABLE:
            raise ValueError(f"Cannot sort by '{name}': choose one of {', '.join(sorted(SORTABLE))}.")
        column = getattr(Case, name)
        q = q.order_by(column.desc() if key.startswith("-") else column.asc())
    q = q.order_by(Case.id.desc())
    if flt.limit is not None:
        q = q.limit(flt.limit)
    return q.offset(flt.offset)


def clock_is_working(state: str, limit_unit: str | None) -> bool:
    """Whether a case's current step runs on working time: registration and dispatch always (within one
    working hour), handling when its limit is in working units; other steps run on the wall clock."""
    if state in ("reported", "registered"):
        return True
    return state in ("dispatched", "handling") and (limit_unit or "").startswith("working")


def light_of(rules: Rules, case: Case, now: datetime) -> Light | None:
    """The traffic light of an open case's current step; None when no clock runs (closed, suspended …)."""
    if case.stage_due_at is None or case.stage_started_at is None or case.state not in OPEN_STATES:
        return None
    working = clock_is_working(case.state, case.limit_unit)
    return traffic_light(rules.calendar, case.stage_started_at, case.stage_due_at, now, working)


def list_cases(session: Session, flt: CaseFilter) -> list[tuple[Case, str, str | None, str | None]]:
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(case_query(flt))]
