"""The demo's departments, routing rules and staff: one grid worker per grid and a command center crew.

Rows refer to each other by code and username; the seeder turns them into ids when it inserts them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from gridwatch.db.demo_city.names import DISTRICT_CODE, GIVEN, SURNAMES
from gridwatch.db.demo_city.territory import M_PER_DEG_LAT, M_PER_DEG_LON, Territory, random_points_in

DEMO_DISPATCHER = "leader_dispatch"
"""Who `gridwatch demo` signs in by itself: a shift leader who also dispatches, so the whole desk works."""
DEMO_REVIEWER = "leader_review"
"""Who the review station signs in on the demo (`gridwatch review`): a 督查长, supervisor and shift leader,
so the evaluation reads everything and the closure queue's 结案 can be decided."""
ADMIN_ROLES = ("acceptor", "shift_leader", "dispatcher", "handler", "grid_worker", "supervisor", "admin")


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    level: str  # district|street
    street_code: str | None
    phone: str


@dataclass(frozen=True)
class RuleSpec:
    area_code: str | None
    category_code: str | None
    department_code: str


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    phone: str
    roles: tuple[str, ...]
    department_code: str | None = None
    grid_code: str | None = None
    on_duty: bool = False


# (code suffix, name): district departments; each street adds its own 城管科.
_DISTRICT_DEPARTMENTS = (
    ("CGZF", "城管执法局"),
    ("SZYL", "市政园林局"),
    ("HWZX", "环卫中心"),
    ("JJDD", "交警大队"),
    ("ZJJ", "住建局"),
    ("STHJ", "生态环境局"),
    ("SCJG", "市场监管局"),
    ("XFJY", "消防救援大队"),
    ("GSGS", "供水公司"),
    ("GDGS", "供电公司"),
)

# Category prefix → department suffix, most specific first; "STREET" means the street's own 城管科.
_CATEGORY_ROUTES = (
    ("01001", "GSGS"),
    ("01037", "GDGS"),
    ("08011", "CGZF"),
    ("09009", "JJDD"),
    ("09005", "SCJG"),
    ("10001", "XFJY"),
    ("10003", "STHJ"),
    ("06036", "STREET"),
    ("01", "SZYL"),
    ("02", "JJDD"),
    ("03", "HWZX"),
    ("04", "SZYL"),
    ("05", "CGZF"),
    ("06", "HWZX"),
    ("07", "STREET"),
    ("08", "ZJJ"),
    ("09", "STREET"),
    ("10", "CGZF"),
)


def street_department_code(street_code: str) -> str:
    return f"{street_code}-CGK"


def departments(territory: Territory) -> list[DepartmentSpec]:
    """Ten district departments and one 城管科 per street: thirteen with the demo's three streets."""
    out = [
        DepartmentSpec(f"{DISTRICT_CODE}-{suffix}", name, "district", None, f"0592-{2100000 + i * 1111}")
        for i, (suffix, name) in enumerate(_DISTRICT_DEPARTMENTS, start=1)
    ]
    out += [
        DepartmentSpec(
            street_department_code(s.code), f"{s.name}城管科", "street", s.code, f"0592-{2200000 + i * 1111}"
        )
        for i, s in enumerate(territory.streets, start=1)
    ]
    return out


def routing_rules(territory: Territory) -> list[RuleSpec]:
    """Per-street rules first (a street's 城管科 handles its own street order), then district-wide ones."""
    out: list[RuleSpec] = []
    for street in territory.streets:
        out += [
            RuleSpec(street.code, prefix, street_department_code(street.code))
            for prefix, suffix in _CATEGORY_ROUTES
            if suffix == "STREET"
        ]
    out += [
        RuleSpec(None, prefix, f"{DISTRICT_CODE}-{suffix}")
        for prefix, suffix in _CATEGORY_ROUTES
        if suffix != "STREET"
    ]
    out.append(RuleSpec(None, None, f"{DISTRICT_CODE}-CGZF"))  # anything else: the enforcement bureau
    return out


def route(rules: list[RuleSpec], grid_code: str, category_code: str) -> str | None:
    """The department the rules give a case, the way `gridwatch.db.routing` reads them (first match)."""
    for rule in rules:
        if rule.area_code and not grid_code.startswith(rule.area_code):
            continue
        if rule.category_code and not category_code.startswith(rule.category_code):
            continue
        return rule.department_code
    return None


class _Names:
    """Distinct Chinese names and mobile numbers, drawn without repeats from the seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def next(self) -> tuple[str, str]:
        while True:
            surname = SURNAMES[int(self._rng.integers(len(SURNAMES)))]
            given = "".join(
                GIVEN[int(i)] for i in self._rng.integers(len(GIVEN), size=int(self._rng.integers(1, 3)))
            )
            if surname + given not in self._used:
                self._used.add(surname + given)
                return (
                    surname + given,
                    f"1{self._rng.choice([35, 38, 39, 59, 86, 88])}{self._rng.integers(10**8):08d}",
                )


def staff(rng: np.random.Generator, territory: Territory, depts: list[DepartmentSpec]) -> list[StaffSpec]:
    """The admin (every role), the center's crew, two handlers per department and a worker per grid."""
    names = _Names(rng)
    out = [StaffSpec("admin", "系统管理员", "0592-2000000", ADMIN_ROLES, on_duty=True)]
    crew = (("acceptor", 4), ("shift_leader", 3), ("dispatcher", 3), ("supervisor", 2))
    for role, count in crew:
        for n in range(1, count + 1):
            name, phone = names.next()
            out.append(StaffSpec(f"{role}{n:02d}", name, phone, (role,), on_duty=n == 1))
    out.append(StaffSpec(DEMO_DISPATCHER, *names.next(), ("shift_leader", "dispatcher")))
    for dept in depts:
        for n in (1, 2):
            name, phone = names.next()
            slug = dept.code.split("-")[-1].lower() + (dept.street_code or "")[6:]
            out.append(StaffSpec(f"{slug}_{n}", name, phone, ("handler",), dept.code, on_duty=n == 1))
    for grid in territory.grids:
        name, phone = names.next()
        out.append(
            StaffSpec(f"gw{grid.code[6:]}", name, phone, ("grid_worker",), grid_code=grid.code, on_duty=True)
        )
    # last, so nobody else's name moves; the history's rota leaves them out (`trail.Crew`), as the admin
    out.append(StaffSpec(DEMO_REVIEWER, *names.next(), ("supervisor", "shift_leader"), on_duty=True))
    return out


def patrol_track(
    rng: np.random.Generator,
    grid: shapely.Geometry,
    now: datetime,
    points: int = 50,
    every: timedelta = timedelta(minutes=5),
) -> list[tuple[datetime, float, float]]:
    """A walk with some persistence that never leaves the grid: one fix every `every` up to `now`."""
    shapely.prepare(grid)
    lon, lat = random_points_in(rng, grid, 1)[0]
    heading = rng.uniform(0, 2 * math.pi)
    start = now - every * (points - 1)
    track = [(start, float(lon), float(lat))]
    for i in range(1, points):
        stride = rng.uniform(20.0, 160.0)  # metres in five minutes: walking, stopping, talking
        for turn in range(8):
            heading += rng.normal(0, 0.5) + (turn > 0) * math.pi / 2
            nlon = lon + stride * math.sin(heading) / M_PER_DEG_LON
            nlat = lat + stride * math.cos(heading) / M_PER_DEG_LAT
            if shapely.contains_xy(grid, nlon, nlat):
                lon, lat = nlon, nlat
                break
        track.append((start + every * i, float(lon), float(lat)))
    return track
