"""The whole demo as plain data, before any of it touches a store.

Each part draws from its own generator stream (`[seed, part]`), so asking for more cases never moves a
grid, a camera or a grid worker: the same seed always gives the same district.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule
from gridwatch.db.demo_city import devices as device_maker
from gridwatch.db.demo_city import people as people_maker
from gridwatch.db.demo_city.cases import CaseMaker, DemoCase
from gridwatch.db.demo_city.territory import Territory, build_territory

PATROL_POINTS = 50

Track = list[tuple[datetime, float, float]]


@dataclass
class DemoPlan:
    seed: int
    now: datetime
    territory: Territory
    departments: list[people_maker.DepartmentSpec]
    routing: list[people_maker.RuleSpec]
    staff: list[people_maker.StaffSpec]
    tracks: dict[str, Track]  # grid worker's username → today's patrol
    devices: list[device_maker.DeviceSpec]  # loudspeakers first: cameras refer to them
    components: list[device_maker.ComponentSpec]
    cases: list[DemoCase]


def plan_demo(
    seed: int, cases: int, now: datetime, calendar: WorkingCalendar, deadline_rules: list[DeadlineRule]
) -> DemoPlan:
    territory = build_territory(seed)
    departments = people_maker.departments(territory)
    routing = people_maker.routing_rules(territory)
    staff = people_maker.staff(np.random.default_rng([seed, 2]), territory, departments)
    grid_geoms = {g.code: g.geom for g in territory.grids}
    track_rng = np.random.default_rng([seed, 5])
    tracks = {
        s.username: people_maker.patrol_track(track_rng, grid_geoms[s.grid_code], now, PATROL_POINTS)
        for s in staff
        if s.grid_code
    }
    rng = np.random.default_rng([seed, 3])
    placer = device_maker.Placer(territory)
    speakers = device_maker.loudspeakers(rng, territory, placer)
    devices = [
        *speakers,
        *device_maker.cameras(rng, territory, placer, speakers),
        *device_maker.sensors(rng, placer),
    ]
    components = device_maker.components(rng, placer)
    maker = CaseMaker(seed, territory, devices, components, routing, calendar, deadline_rules)
    return DemoPlan(
        seed, now, territory, departments, routing, staff, tracks, devices, components, maker.make(cases, now)
    )
