"""The demo's named roads (db/demo_city/roads.py): every name of `ROADS` on a through route inside the
district, and each case address naming the road nearest the case, so the address matches the basemap.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry import Point

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule, Limit
from gridwatch.db.demo_city.names import ROADS
from gridwatch.db.demo_city.plan import plan_demo
from gridwatch.db.demo_city.roads import named_roads
from gridwatch.db.demo_city.territory import CENTER, M_PER_DEG_LAT, M_PER_DEG_LON, build_territory
from gridwatch.db.seeds import DEADLINE_RULES

NOW = datetime(2026, 6, 17, 15, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
RULES = [DeadlineRule(Limit(a, u), c, g) for c, g, a, u in DEADLINE_RULES]  # type: ignore[arg-type]
IN_GRID = re.compile(r"社区(\D+?)(\d+)号附近$")
OUTSIDE = re.compile(r"^思明区界外 (\D+?)延长线附近")


def metres(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geom,
        lambda xy: np.column_stack(
            ((xy[:, 0] - CENTER[0]) * M_PER_DEG_LON, (xy[:, 1] - CENTER[1]) * M_PER_DEG_LAT)
        ),
    )


def test_every_road_name_is_a_long_route_inside_the_district() -> None:
    territory = build_territory(1)
    roads = named_roads(territory)
    assert [r.name for r in roads] == list(ROADS)
    district = territory.district.geom.buffer(1e-6)
    assert all(district.contains(r.line) for r in roads)
    lengths = [metres(r.line).length for r in roads]
    assert lengths == sorted(lengths, reverse=True) and lengths[-1] > 1_000.0
    assert named_roads(build_territory(1)) == roads  # the same seed, the same roads


def test_each_case_address_names_the_road_nearest_the_case() -> None:
    plan = plan_demo(1, 300, NOW, WorkingCalendar(), RULES)
    roads = [(r.name, metres(r.line)) for r in named_roads(plan.territory)]
    named = 0
    for case in plan.cases:
        address = case.row["address"]
        match = IN_GRID.search(address) or OUTSIDE.search(address)
        assert match, address
        spot = metres(Point(case.row["lon"], case.row["lat"]))
        nearest = min(roads, key=lambda r: r[1].distance(spot))[0]
        assert match.group(1) == nearest, (address, case.row["lon"], case.row["lat"])
        named += 1
    assert named == 300
    assert len({IN_GRID.search(c.row["address"] or "") is not None for c in plan.cases}) == 2  # both kinds


def test_another_seed_names_other_routes() -> None:
    one = named_roads(build_territory(1))
    other = named_roads(build_territory(2))
    assert [r.name for r in other] == list(ROADS)
    assert other[0].line.coords[0] != one[0].line.coords[0]
