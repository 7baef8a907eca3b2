"""What the field API reads: a person's tasks with their clocks, and cases as Open311 requests.

Each read names the person's work explicitly (their grids, their department), so SQLite answers the same
as PostgreSQL, where row-level security narrows the rows further to what the person may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, or_, select

from gridwatch.db.models import Case, GridAssignment, Person, Rating
from gridwatch.db.store import Store

TASK_STATES = {
    "verifying": "verify",
    "checking": "check",
    "dispatched": "handle",
    "handling": "handle",
    "suspended": "handle",
}
"""A case in one of these states is a field task of this kind: a grid worker verifies and checks in their
grids, a handler handles their department's cases (docs/DOMAIN.md's lifecycle)."""
CLOSED_STATES = ("closed", "rejected", "cancelled")
MAX_REQUESTS = 1000
"""Open311 lists at most this many requests per call (FixMyStreet caps the same way)."""


@dataclass(frozen=True)
class Task:
    case_no: str
    kind: str  # verify | check | handle
    state: str
    category_code: str
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    stage_due_at: datetime | None  # the step's clock (verify and check: 30 min by default)
    deadline_at: datetime | None  # the handling deadline
    version: int


def my_tasks(store: Store, username: str) -> list[Task]:
    """The person's open field tasks, the most urgent clock first."""
    with store.session() as session:
        actor = store.actor(session, username)
        department = session.scalar(select(Person.department_id).where(Person.id == actor.id))
        grids = select(GridAssignment.grid_id).where(GridAssignment.person_id == actor.id)
        mine = []
        if "grid_worker" in actor.roles:
            mine.append(Case.state.in_(("verifying", "checking")) & Case.grid_id.in_(grids))
        if "handler" in actor.roles and department is not None:
            mine.append(
                Case.state.in_(("dispatched", "handling", "suspended")) & (Case.department_id == department)
            )
        if not mine:
            return []
        columns = (
            Case.case_no,
            Case.state,
            Case.category_code,
            Case.description,
            Case.address,
            Case.lon,
            Case.lat,
            Case.stage_due_at,
            Case.deadline_at,
            Case.version,
        )
        rows = session.execute(select(*columns).where(or_(*mine)).order_by(Case.stage_due_at, Case.id)).all()
        return [
            Task(
                r.case_no,
                TASK_STATES[r.state],
                r.state,
                r.category_code,
                r.description,
                r.address,
                r.lon,
                r.lat,
                r.stage_due_at,
                r.deadline_at if r.state != "verifying" else None,
                r.version,
            )
            for r in rows
        ]


@dataclass(frozen=True)
class Request:
    """A case as an Open311 service request."""

    case_no: str
    category_code: str
    state: str
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    reported_at: datetime
    updated_at: datetime
    close_type: str | None
    rating: str | None

    @property
    def status(self) -> str:
        return "closed" if self.state in CLOSED_STATES else "open"


def requests(
    store: Store,
    *,
    case_nos: list[str] | None = None,
    category_code: str | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = MAX_REQUESTS,
) -> list[Request]:
    """Cases as Open311 requests, newest first, narrowed as GET requests asks (a NUL byte names nothing)."""
    query = select(
        Case.case_no,
        Case.category_code,
        Case.state,
        Case.description,
        Case.address,
        Case.lon,
        Case.lat,
        Case.reported_at,
        Case.updated_at,
        Case.close_type,
        Rating.rating,
    ).outerjoin(Rating, Rating.case_id == Case.id)
    if case_nos is not None:
        query = query.where(Case.case_no.in_([n for n in case_nos if "\x00" not in n]))
    if category_code is not None:
        query = query.where(Case.category_code == category_code if "\x00" not in category_code else false())
    if status == "open":
        query = query.where(Case.state.not_in(CLOSED_STATES))
    elif status == "closed":
        query = query.where(Case.state.in_(CLOSED_STATES))
    if start is not None:
        query = query.where(Case.reported_at >= start)
    if end is not None:
        query = query.where(Case.reported_at <= end)
    query = query.order_by(Case.reported_at.desc(), Case.id.desc()).limit(min(limit, MAX_REQUESTS))
    with store.session() as session:
        return [Request(*row) for row in session.execute(query)]
