"""Keeps the demo district living: new cases from every source, grid workers walking, departments working.

Everything goes through the store API, as a real intake service or a department client would, so the
desktop sees the simulation through the change feed exactly as it would see other workstations. No Qt:
the demo runs `DemoSimulation.run` in a thread of its own.

Each step is taken by a person of the demo's staff whose role takes it, as the seeded history's trail
does (`demo_city.trail`): a grid worker reports from the grid the point lies in, an acceptor takes a
citizen's or a hotline's report, the system account (as the intake services) a camera's or a sensor's;
later steps by whoever the workflow table allows, a handler only on their department's case and a grid
worker only on their grid's. Never the admin, who holds every role: a trail of "admin registered, admin
dispatched, admin accepted" is not what a command center looks like, and it would hide a step the crew
may not take. A step nobody in the store may take is left, as a real desk would leave it. On SQLite (and
the owner's connection on PostgreSQL) the store takes the actor's name per call.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from shapely import contains_xy
from sqlalchemy import func, insert, select

from gridwatch.db.demo_city.people import DEMO_DISPATCHER, DEMO_REVIEWER
from gridwatch.db.demo_city.trail import MACHINE_SOURCES
from gridwatch.db.errors import StoreError
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, Category, GridAssignment, OrgUnit, Person, PersonRole, Position
from gridwatch.db.seeds import OPEN_STATES, SOURCES
from gridwatch.db.store import Store, utcnow
from gridwatch.db.workflow import SUPER_ROLES, Workflow

NOT_THE_CREW = frozenset({"admin", DEMO_DISPATCHER, DEMO_REVIEWER})
"""Who the simulation never acts as: the admin (every role), and the two people the demo's own windows
sign in as (the desk's dispatcher, the review station's reviewer), whose trail is the user's own clicks."""
M_PER_DEG = 111_000.0
# The next step a department or the center takes on a case in each state, as the demo plays it.
NEXT_STEP = {
    "reported": "register",
    "verifying": "register",
    "registered": "dispatch",
    "dispatched": "accept",
    "handling": "feedback",
    "handled": "send_check",
    "checking": "check_pass",
    "checked": "close",
}


@dataclass
class Walker:
    person_id: int
    lon: float
    lat: float
    heading: float
    grid: object = field(repr=False)  # the shapely polygon the worker patrols


@dataclass(frozen=True)
class Member:
    """One active person of the crew, as much as choosing who takes a step needs."""

    username: str
    roles: frozenset[str]
    department_id: int | None
    grids: frozenset[int]


@dataclass
class TickReport:
    reported: list[str] = field(default_factory=list)
    advanced: list[tuple[str, str]] = field(default_factory=list)
    moved: int = 0
    # (case number, action) left because nobody in the store may take it; (None, source) for a report
    skipped: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _OpenCase:
    """What choosing a case's next step and its taker reads of the case row."""

    case_no: str
    state: str
    version: int
    source: str
    department_id: int | None
    grid_id: int | None
    pending: str | None


class DemoSimulation:
    """One `tick()` is a few seconds of a command center's afternoon."""

    def __init__(
        self,
        store: Store,
        *,
        seed: int | None = None,
        new_case_chance: float = 0.5,
        advance_per_tick: int = 2,
        steps: dict[str, str] | None = None,
        sources: tuple[str, ...] | None = None,
        direct_sources: frozenset[str] = frozenset(),
    ) -> None:
        """`steps` and `sources` narrow what the simulation does when the demo's field is simulated through
        the HTTP API (app/api/demo_field.py): then only the desk's steps remain. A reported case of one of
        `direct_sources` is registered directly (docs/DOMAIN.md: a grid worker's report may be), whatever
        `steps` says for `reported`. Who takes each step is drawn from `seed`'s generator too."""
        self.store = store
        self.direct_sources = direct_sources
        self.steps = NEXT_STEP if steps is None else steps
        self.sources = tuple(SOURCES[:5]) if sources is None else sources
        self.rng = random.Random(seed)
        self.new_case_chance = new_case_chance
        self.advance_per_tick = advance_per_tick
        self.walkers = self._load_walkers()
        with store.session() as session:
            self.categories = list(
                session.scalars(select(Category.code).where(func.length(Category.code) == 5))
            )

    def _load_walkers(self) -> list[Walker]:
        with self.store.session() as session:
            rows = session.execute(
                select(GridAssignment.person_id, OrgUnit.geom).join(
                    OrgUnit, OrgUnit.id == GridAssignment.grid_id
                )
            ).all()
            walkers = []
            for person_id, geom in rows:
                last = session.execute(
                    select(Position.lon, Position.lat)
                    .where(Position.person_id == person_id)
                    .order_by(Position.at.desc())
                    .limit(1)
                ).first()
                point = geom.representative_point()
                lon, lat = (last.lon, last.lat) if last else (point.x, point.y)
                walkers.append(Walker(person_id, lon, lat, self.rng.uniform(0, 2 * np.pi), geom))
            return walkers

    def tick(self, now: datetime | None = None) -> TickReport:
        now = now or utcnow()
        out = TickReport()
        crew = self._load_crew()  # each tick: a person the desk deactivates stops being picked at once
        if self.walkers and self.categories and self.rng.random() < self.new_case_chance:
            case_no, source = self._new_case(now, crew)
            if case_no is None:
                out.skipped.append((None, source))
            else:
                out.reported.append(case_no)
        out.advanced = self._advance(crew, out.skipped)
        out.moved = self._walk(now)
        return out

    def _load_crew(self) -> list[Member]:
        """The active people the simulation may act as, in id order (so a seeded pick repeats): everyone
        but `NOT_THE_CREW`, with their roles, department and grids."""
        with self.store.session() as session:
            rows = session.execute(
                select(Person.id, Person.username, Person.department_id, PersonRole.role)
                .join(PersonRole, PersonRole.person_id == Person.id)
                .where(Person.active, Person.username.not_in(sorted(NOT_THE_CREW)))
                .order_by(Person.id, PersonRole.role)
            ).all()
            grids: dict[int, set[int]] = {}
            for person_id, grid_id in session.execute(
                select(GridAssignment.person_id, GridAssignment.grid_id)
            ):
                grids.setdefault(person_id, set()).add(grid_id)
        people: dict[int, tuple[str, int | None, set[str]]] = {}
        for person_id, username, department_id, role in rows:
            people.setdefault(person_id, (username, department_id, set()))[2].add(role)
        return [
            Member(username, frozenset(roles), department_id, frozenset(grids.get(person_id, ())))
            for person_id, (username, department_id, roles) in people.items()
        ]

    def _reporters(self, crew: list[Member], source: str, grid_id: int | None) -> list[Member]:
        """Who reports a case of `source` at a point in `grid_id`, as the seeded trail and the intake
        services do: the system account for a camera or a sensor (plugins/analytics, db/sensors), the
        grid's worker for their own report, an acceptor for a citizen's or a hotline's (the demo's citizen
        app reports in an acceptor's name, app/api/demo_field.py)."""
        if source in MACHINE_SOURCES:
            return [m for m in crew if "system" in m.roles]
        if source == "grid_worker":
            return [m for m in crew if grid_id in m.grids and "grid_worker" in m.roles]
        return [m for m in crew if "acceptor" in m.roles and not m.roles & SUPER_ROLES]

    def _new_case(self, now: datetime, crew: list[Member]) -> tuple[str | None, str]:
        """Report a case near a walking grid worker: its number (None if nobody may report it), its source."""
        walker = self.rng.choice(self.walkers)
        source = self.rng.choice(self.sources)  # grid worker, citizen, hotline, video, sensor
        category = self.rng.choice(self.categories)
        lon = walker.lon + self.rng.uniform(-0.0008, 0.0008)
        lat = walker.lat + self.rng.uniform(-0.0008, 0.0008)
        with self.store.session() as session:
            place = self.store.locator.locate(session, lon, lat)
        reporters = self._reporters(crew, source, place.grid_id)
        if not reporters:  # a grid worker's report from outside every grid, say: nobody makes it
            return None, source
        case = self.store.report(
            actor=self.rng.choice(reporters).username,
            source=source,
            category_code=category,
            lon=lon,
            lat=lat,
            description="模拟上报",
            reported_at=now,
        )
        return case.case_no, source

    @staticmethod
    def _takers(crew: list[Member], workflow: Workflow, case: _OpenCase, action: str) -> list[Member]:
        """Who may take `action` on `case`: the workflow table's roles (never the super roles), and in the
        role the store would have them act in, a handler of the case's department or a worker of its grid."""
        out = []
        for member in crew:
            if member.roles & SUPER_ROLES:
                continue
            try:
                _, role = workflow.step(case.case_no, case.state, action, member.roles, case.pending)
            except StoreError:
                continue
            if role == "handler" and (
                case.department_id is None or member.department_id != case.department_id
            ):
                continue
            if role == "grid_worker" and case.grid_id not in member.grids:
                continue
            out.append(member)
        return out

    def _advance(self, crew: list[Member], skipped: list[tuple[str | None, str]]) -> list[tuple[str, str]]:
        """Take the next step on a few open cases, the cases and their takers drawn by the seeded rng."""
        with self.store.session() as session:
            workflow = self.store.workflow(session)
            ids = list(
                session.scalars(
                    select(Case.id)
                    .where(Case.state.in_(sorted(OPEN_STATES & set(self.steps))))
                    .order_by(Case.id)
                )
            )
            chosen = self.rng.sample(ids, k=min(len(ids), self.advance_per_tick))
            found = {
                row.id: _OpenCase(
                    row.case_no,
                    row.state,
                    row.version,
                    row.source,
                    row.department_id,
                    row.grid_id,
                    (row.pending_request or {}).get("kind"),
                )
                for row in session.execute(
                    select(
                        Case.id,
                        Case.case_no,
                        Case.state,
                        Case.version,
                        Case.source,
                        Case.department_id,
                        Case.grid_id,
                        Case.pending_request,
                    ).where(Case.id.in_(chosen))
                )
            }
        done = []
        for case in (found[i] for i in chosen):
            direct = case.state == "reported" and case.source in self.direct_sources
            action = "register" if direct else self.steps.get(case.state)
            if action is None:
                continue
            takers = self._takers(crew, workflow, case, action)
            if not takers:  # a check of a case outside every grid, say: nobody may take it, it waits
                skipped.append((case.case_no, action))
                continue
            actor = self.rng.choice(takers).username
            try:
                self.store.act(
                    case.case_no, action, actor=actor, inp=ActionInput(expected_version=case.version)
                )
            except StoreError:  # a dispatcher got there first, or a case waits for a person: leave it
                continue
            done.append((case.case_no, action))
        return done

    def _walk(self, now: datetime) -> int:
        moved = self.rng.sample(self.walkers, k=min(len(self.walkers), 25))
        rows = []
        for w in moved:
            w.heading += self.rng.uniform(-0.6, 0.6)
            step = 15.0 / M_PER_DEG  # ~15 m
            lon, lat = w.lon + step * np.cos(w.heading), w.lat + step * np.sin(w.heading)
            if not contains_xy(w.grid, lon, lat):  # turn back at the grid's edge
                w.heading += np.pi
                continue
            w.lon, w.lat = lon, lat
            rows.append({"person_id": w.person_id, "at": now, "lon": lon, "lat": lat})
        if rows:
            with self.store.session() as session:
                session.execute(insert(Position), rows)
        return len(rows)

    def run(self, stop: threading.Event, interval: float = 3.0) -> None:
        """Tick until `stop` is set; a failed tick is skipped, never fatal to the demo."""
        while not stop.wait(interval):
            try:
                self.tick()
            except StoreError:
                continue
