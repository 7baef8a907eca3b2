"""Keeps the demo district living: new cases from every source, grid workers walking, departments working.

Everything goes through the store API, as a real intake service or a department client would, so the
desktop sees the simulation through the change feed exactly as it would see other workstations. No Qt:
the demo runs `DemoSimulation.run` in a thread of its own.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from shapely import contains_xy
from sqlalchemy import func, insert, select

from gridwatch.db.errors import StoreError
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, Category, GridAssignment, OrgUnit, Position
from gridwatch.db.seeds import OPEN_STATES, SOURCES
from gridwatch.db.store import Store, utcnow

ACTOR = "admin"  # the demo's administrator holds every role
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


@dataclass
class TickReport:
    reported: list[str] = field(default_factory=list)
    advanced: list[tuple[str, str]] = field(default_factory=list)
    moved: int = 0


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
        """`steps` and `sources` narrow what the simulation does as the administrator when the demo's field
        is simulated through the HTTP API (app/api/demo_field.py): then only the desk's steps remain. A
        reported case of one of `direct_sources` is registered directly (docs/DOMAIN.md: a grid worker's
        report may be), whatever `steps` says for `reported`."""
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
        if self.walkers and self.categories and self.rng.random() < self.new_case_chance:
            out.reported.append(self._new_case(now))
        out.advanced = self._advance()
        out.moved = self._walk(now)
        return out

    def _new_case(self, now: datetime) -> str:
        walker = self.rng.choice(self.walkers)
        source = self.rng.choice(self.sources)  # grid worker, citizen, hotline, video, sensor
        category = self.rng.choice(self.categories)
        lon = walker.lon + self.rng.uniform(-0.0008, 0.0008)
        lat = walker.lat + self.rng.uniform(-0.0008, 0.0008)
        case = self.store.report(
            actor=ACTOR,
            source=source,
            category_code=category,
            lon=lon,
            lat=lat,
            description="模拟上报",
            reported_at=now,
        )
        return case.case_no

    def _advance(self) -> list[tuple[str, str]]:
        with self.store.session() as session:
            rows = session.execute(
                select(Case.case_no, Case.state, Case.version, Case.source)
                .where(Case.state.in_(sorted(OPEN_STATES & set(self.steps))))
                .order_by(func.random())
                .limit(self.advance_per_tick)
            ).all()
        done = []
        for case_no, state, version, source in rows:
            action = (
                "register" if state == "reported" and source in self.direct_sources else self.steps.get(state)
            )
            if action is None:
                continue
            try:
                self.store.act(case_no, action, actor=ACTOR, inp=ActionInput(expected_version=version))
            except StoreError:  # a dispatcher got there first, or a case waits for a person: leave it
                continue
            done.append((case_no, action))
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
