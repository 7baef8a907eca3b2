"""What the field API reads: a person's tasks with their clocks, and cases as Open311 requests.

Each read names the person's work explicitly (their grids, their department), so SQLite answers the same
as PostgreSQL, where row-level security narrows the rows further to what the person may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.models import (
    Case,
    CheckIn,
    Department,
    GridAssignment,
    OrgUnit,
    Person,
    PersonRole,
    Rating,
)
from gridwatch.db.store import Store, utcnow

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


# --- who in the field has work (the demo's simulated phones) ---------------------------------------------


@dataclass(frozen=True)
class FieldWork:
    """A field task waiting on a case and a person whose phone would show it."""

    case_no: str
    kind: str  # verify | check | handle
    state: str
    username: str


def waiting_field_work(store: Store, limit: int = 2) -> list[FieldWork]:
    """Up to `limit` open field tasks picked at random, each with one person who holds it: the grid worker
    of the case's grid (verify, check) or a handler of its department (handle). The demo's field
    simulation uses it to choose whose phone wakes up; that person then acts through the HTTP API."""
    with store.session() as session:
        rows = session.execute(
            select(Case.case_no, Case.state, Case.grid_id, Case.department_id)
            .where(Case.state.in_(tuple(TASK_STATES)))
            .order_by(func.random())
            .limit(limit)
        ).all()
        out = []
        for r in rows:
            kind = TASK_STATES[r.state]
            if kind == "handle":
                who = session.scalar(
                    select(Person.username)
                    .join(PersonRole, PersonRole.person_id == Person.id)
                    .where(Person.department_id == r.department_id, PersonRole.role == "handler")
                    .where(Person.active)
                    .order_by(Person.username)
                    .limit(1)
                )
            else:
                who = session.scalar(
                    select(Person.username)
                    .join(GridAssignment, GridAssignment.person_id == Person.id)
                    .where(GridAssignment.grid_id == r.grid_id, Person.active)
                    .order_by(Person.username)
                    .limit(1)
                )
            if who is not None:
                out.append(FieldWork(r.case_no, kind, r.state, who))
        return out


@dataclass(frozen=True)
class Patroller:
    """An active grid worker and a point inside their first grid (where their phone reports from)."""

    username: str
    grid_code: str
    lon: float
    lat: float


def patrollers(store: Store) -> list[Patroller]:
    """Every active grid worker with a grid, by username."""
    with store.session() as session:
        rows = session.execute(
            select(Person.username, OrgUnit.code, OrgUnit.geom)
            .join(GridAssignment, GridAssignment.person_id == Person.id)
            .join(OrgUnit, OrgUnit.id == GridAssignment.grid_id)
            .where(Person.active, OrgUnit.geom.is_not(None))
            .order_by(Person.username, OrgUnit.code)
        ).all()
    seen: dict[str, Patroller] = {}
    for username, code, geom in rows:
        if username not in seen:
            point = geom.representative_point()
            seen[username] = Patroller(username, code, float(point.x), float(point.y))
    return list(seen.values())


# --- attendance (docs/DOMAIN.md "Grid workers' attendance") ---------------------------------------------


@dataclass(frozen=True)
class AttendanceDay:
    """One grid worker's day: `status` is absent (a working day without a clock-on inside their grids),
    late, early_leave, or normal; `late` and `early_leave` both hold when both happened (the status then
    says late). A day off appears only when the person clocked on."""

    person_id: int
    username: str
    name: str
    department_code: str | None
    day: date
    workday: bool
    status: str  # normal | late | early_leave | absent
    late: bool
    early_leave: bool
    clock_on: datetime | None  # the first clock-on inside the geofence
    clock_off: datetime | None  # the last clock-off inside the geofence
    outside: int  # clock records outside every assigned grid (kept, flagged, not counted)


def attendance(
    store: Store, start: date, end: date, *, username: str | None = None, now: datetime | None = None
) -> list[AttendanceDay]:
    """Each active grid worker's attendance per day from `start` to `end` (inclusive, site dates), by
    person then day: what the desk's personnel layer and the evaluation read (`attendance_in` for a
    caller with its own session). A day counts from the date the person was given their first grid;
    today counts as absent only once its working hours are over (before that a missing clock-on is not
    yet an absence)."""
    with store.session() as session:
        return attendance_in(session, store.rules(session).calendar, start, end, username=username, now=now)


def attendance_in(
    session: Session,
    calendar: WorkingCalendar,
    start: date,
    end: date,
    *,
    username: str | None = None,
    person_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> list[AttendanceDay]:
    """`attendance` in the caller's session and calendar, optionally for these people only."""
    moment = now or utcnow()
    tz = calendar.tz
    query = (
        select(
            Person.id,
            Person.username,
            Person.name,
            Department.code.label("department"),
            func.min(GridAssignment.since).label("since"),
        )
        .join(GridAssignment, GridAssignment.person_id == Person.id)
        .join(PersonRole, (PersonRole.person_id == Person.id) & (PersonRole.role == "grid_worker"))
        .outerjoin(Department, Department.id == Person.department_id)
        .where(Person.active)
        .group_by(Person.id, Person.username, Person.name, Department.code)
        .order_by(Person.username)
    )
    if username is not None:
        query = query.where(Person.username == username)
    if person_ids is not None:
        query = query.where(Person.id.in_(list(person_ids)))
    people = session.execute(query).all()
    midnight = datetime.min.time()
    first = (datetime.combine(start, midnight, tz) - timedelta(hours=1)).astimezone(UTC)
    last = (datetime.combine(end + timedelta(days=1), midnight, tz) + timedelta(hours=1)).astimezone(UTC)
    clocks = session.execute(
        select(CheckIn.person_id, CheckIn.kind, CheckIn.at, CheckIn.status)
        .where(CheckIn.person_id.in_([p.id for p in people]), CheckIn.at >= first, CheckIn.at < last)
        .order_by(CheckIn.person_id, CheckIn.at)
    ).all()
    by_day: dict[tuple[int, date], list[tuple[str, datetime, str]]] = {}
    for c in clocks:
        local = _aware(c.at).astimezone(tz)
        by_day.setdefault((c.person_id, local.date()), []).append((c.kind, local, c.status))
    local_now = _aware(moment).astimezone(tz)
    day_over = local_now.hour * 3600 + local_now.minute * 60 + local_now.second >= calendar.periods[-1][1]
    out = []
    for p in people:
        day = max(start, p.since)
        while day <= end:
            records = by_day.get((p.id, day), [])
            inside = [r for r in records if r[2] != "outside"]
            ons = [r for r in inside if r[0] == "on"]
            offs = [r for r in inside if r[0] == "off"]
            workday = calendar.is_workday(day)
            clock_on = ons[0][1] if ons else None
            clock_off = offs[-1][1] if offs else None
            late = bool(ons) and ons[0][2] == "late"
            early = bool(offs) and offs[-1][2] == "early_leave"
            future = day > local_now.date() or (day == local_now.date() and not day_over)
            if workday and not ons and not future:
                status = "absent"
            elif not ons and (not workday or future):
                day += timedelta(days=1)
                continue
            else:
                status = "late" if late else "early_leave" if early else "normal"
            out.append(
                AttendanceDay(
                    p.id,
                    p.username,
                    p.name,
                    p.department,
                    day,
                    workday,
                    status,
                    late,
                    early,
                    clock_on,
                    clock_off,
                    len(records) - len(inside),
                )
            )
            day += timedelta(days=1)
    return out


def today_attendance(store: Store, now: datetime | None = None) -> dict[int, AttendanceDay]:
    """Each grid worker's attendance today (the site's date at `now`), by person id: what the desk's
    personnel layer rings and names. Nobody is absent today until the day's working hours are over."""
    moment = now or utcnow()
    with store.session() as session:
        calendar = store.rules(session).calendar
        today = _aware(moment).astimezone(calendar.tz).date()
        days = attendance_in(session, calendar, today, today, now=moment)
    return {d.person_id: d for d in days}


def _aware(moment: datetime) -> datetime:
    """A stored moment as UTC-aware (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
