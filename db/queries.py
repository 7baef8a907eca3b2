"""Read-side queries shared by the CLI and the desktop queue: filtered case lists and deadline lights.

`light_of` and `time_left` are the one traffic light of a case's current step (the map's vectorised
form is `deadlines.yellow_times`, the same rule); they take anything that carries the clock fields, so
the store's frozen rows (`gridwatch.db.reads`) and table rows alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, select
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
    ids: Sequence[int] = ()  # only these cases (the map's box selection); empty: no such limit
    limit: int | None = 1000
    offset: int = 0
    order: list[str] = field(default_factory=lambda: ["-reported_at"])


HANDLING_STEPS = ("dispatched", "handling")
"""The steps the handling clock (处置时限) runs in: the metrics' "overdue awaiting handling" (超期待处置)."""

NULLABLE_SORT = {"deadline_at", "stage_due_at"}
"""Sort keys a case may lack (no clock runs): those cases sort last in either direction, on both backends."""
SORTABLE = {"reported_at", "case_no", "state", "urgency", "deadline_at", "stage_due_at", "updated_at"}


def case_query(flt: CaseFilter, *columns: Any) -> Select[Any]:
    """The filtered, ordered case list: `columns` of the case (the whole row when none are given), then
    its category's name, its department's code and its grid's code."""
    grid = aliased(OrgUnit)
    q = (
        select(
            *(columns or (Case,)),
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
    if flt.department:  # by id, so the planner walks ix_cases_open_department in order (a handler's queue)
        department = select(Department.id).where(Department.code == flt.department).scalar_subquery()
        q = q.where(Case.department_id == department)
    if flt.area_code:
        q = q.where(grid.code.startswith(flt.area_code, autoescape=True))
    if flt.overdue_at is not None:
        q = q.where(overdue(flt.overdue_at))
    if flt.assigned_to is not None:
        q = q.where((Case.reporter_id == flt.assigned_to) | (Case.updated_by_id == flt.assigned_to))
    if flt.ids:
        q = q.where(Case.id.in_(list(flt.ids)))
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
        ordered = column.desc() if key.startswith("-") else column.asc()
        q = q.order_by(ordered.nulls_last() if name in NULLABLE_SORT else ordered)
    q = q.order_by(Case.id.desc())
    if flt.limit is not None:
        q = q.limit(flt.limit)
    return q.offset(flt.offset)


def overdue(at: datetime, steps: Sequence[str] = tuple(sorted(OPEN_STATES))) -> ColumnElement[bool]:
    """The one definition of overdue (docs/DEADLINES.md): an open case whose current step's clock runs
    and whose step is due before `at`, in `steps` (every open state unless narrowed, e.g. to handling).

    It is `light_of(...) == "red"` and a negative `time_left` as SQL, so the Overdue filter, the light,
    the countdown column and the metrics count the same cases; a suspended case has no running clock
    (`stage_due_at` is cleared by approve_suspend) and is never overdue while it waits.
    """
    return and_(
        Case.state.in_(sorted(OPEN_STATES & set(steps))),
        Case.stage_started_at.is_not(None),
        Case.stage_due_at.is_not(None),
        Case.stage_due_at < at,
    )


def clock_is_working(state: str, limit_unit: str | None) -> bool:
    """Whether a case's current step runs on working time: registration and dispatch always (within one
    working hour), handling when its limit is in working units; other steps run on the wall clock."""
    if state in ("reported", "registered"):
        return True
    return state in ("dispatched", "handling") and (limit_unit or "").startswith("working")


class Clocked(Protocol):
    """What the light of a case's step needs: a table row or any of the store's frozen case rows."""

    @property
    def state(self) -> str: ...
    @property
    def limit_unit(self) -> str | None: ...
    @property
    def stage_started_at(self) -> datetime | None: ...
    @property
    def stage_due_at(self) -> datetime | None: ...


def clock_runs(case: Clocked) -> bool:
    """An open case's step with a start and a due time; closed and suspended cases have no clock."""
    return case.stage_due_at is not None and case.stage_started_at is not None and case.state in OPEN_STATES


def light_of(rules: Rules, case: Clocked, now: datetime) -> Light | None:
    """The traffic light of an open case's current step; None when no clock runs (closed, suspended …)."""
    if case.stage_due_at is None or case.stage_started_at is None or not clock_runs(case):
        return None
    working = clock_is_working(case.state, case.limit_unit)
    return traffic_light(rules.calendar, case.stage_started_at, case.stage_due_at, now, working)


def time_left(rules: Rules, case: Clocked, now: datetime) -> tuple[float, bool] | None:
    """Seconds left in the current step (negative once overdue) and whether they are working seconds;
    None when no clock runs, as for `light_of`. Overdue time is wall time: late is late."""
    due = case.stage_due_at
    if due is None or not clock_runs(case):
        return None
    if now > due:
        return -(now - due).total_seconds(), False
    if clock_is_working(case.state, case.limit_unit):
        return rules.calendar.working_seconds(now, due), True
    return (due - now).total_seconds(), False


def paused_until(rules: Rules, case: Clocked, now: datetime) -> datetime | None:
    """When a working-time step's clock starts again if it stands still now (outside working hours, on a
    rest day); None while it runs, once it is overdue (late is wall time) and when no clock runs."""
    due = case.stage_due_at
    if due is None or not clock_runs(case) or now > due or not clock_is_working(case.state, case.limit_unit):
        return None
    resumes = rules.calendar.add_working(now, 1.0) - timedelta(seconds=1)
    return resumes if resumes > now else None


def list_cases(session: Session, flt: CaseFilter) -> list[tuple[Case, str, str | None, str | None]]:
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(case_query(flt))]
