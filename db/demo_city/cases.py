"""Ninety days of demo cases as work-order interchange rows (DOMAIN.md), from every source.

Each case gets a source, a category that source would report, a place (a camera's view, a sensor, a
component, or a busy spot in some grid; a few outside every grid on purpose), a report time with the
source's daily rhythm, and a planned life (`timeline`) cut at `now`. Every state is made to appear:
if chance left one empty, a recent finished case is stopped at that step (a case stuck there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule
from gridwatch.db.demo_city.devices import ComponentSpec, DeviceSpec
from gridwatch.db.demo_city.names import DISTRICT_CODE
from gridwatch.db.demo_city.people import RuleSpec, route
from gridwatch.db.demo_city.roads import RoadFinder, named_roads
from gridwatch.db.demo_city.territory import (
    M_PER_DEG_LAT,
    M_PER_DEG_LON,
    Territory,
    outside_points,
    random_points_in,
)
from gridwatch.db.demo_city.timeline import Life, Planner, Step
from gridwatch.db.seeds import CATEGORIES, STATES

DAYS = 90
OUTSIDE_SHARE = 0.003

SOURCE_MIX = {
    "grid_worker": 0.45,
    "citizen": 0.12,
    "hotline": 0.18,
    "video": 0.12,
    "sensor": 0.04,
    "superior": 0.03,
    "center": 0.06,
}

# Category weights of human reports (how often centers see each), and what cameras and sensors find.
HUMAN_MIX = {
    "06010": 12,
    "06012": 6,
    "06036": 8,
    "06042": 6,
    "07001": 10,
    "08004": 3,
    "08011": 2,
    "09001": 5,
    "09005": 9,
    "09006": 9,
    "09009": 10,
    "09010": 6,
    "10001": 0.5,
    "10002": 0.5,
    "10003": 1.5,
    "10004": 2,
    "01001": 2,
    "01002": 2,
    "01037": 4,
    "03005": 3,
}
VIDEO_MIX = {
    "09006": 20,
    "09005": 18,
    "09001": 10,
    "06042": 10,
    "06010": 10,
    "06036": 8,
    "07001": 6,
    "09010": 8,
    "09009": 8,
    "10001": 1,
    "10002": 1,
}
SENSOR_CATEGORY = {"lampblack": "10003", "smoke": "10001"}

# Hour-of-day weights (0–23) per rhythm.
_DAYTIME: list[float] = [0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 10, 9, 5, 6, 9, 10, 9, 7, 3, 1, 0, 0, 0, 0]
_PUBLIC: list[float] = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 5, 8, 9, 9, 8, 6, 6, 7, 8, 8, 7, 6, 6, 7, 6, 4, 2]
_STREET: list[float] = [0.5, 0.3, 0.2, 0.2, 0.3, 1, 3, 6, 7, 7, 8, 9, 8, 6, 5, 6, 7, 9, 10, 10, 9, 6, 3, 1]
_MEALS: list[float] = [1, 0.5, 0.2, 0.2, 0.2, 0.5, 1, 2, 2, 3, 6, 12, 12, 5, 2, 2, 4, 10, 14, 10, 5, 3, 2, 1]
RHYTHM: dict[str, list[float]] = {
    "grid_worker": _DAYTIME,
    "superior": _DAYTIME,
    "center": _DAYTIME,
    "citizen": _PUBLIC,
    "hotline": _PUBLIC,
    "video": _STREET,
    "sensor": _MEALS,
}
WORKDAY_SOURCES = frozenset({"grid_worker", "superior", "center"})

DESCRIPTIONS = {
    "06010": "路边暴露垃圾约{k}袋未清运",
    "06012": "路面油污、泥土污染约{k}0平方米",
    "06036": "人行道乱堆杂物{k}处",
    "06042": "垃圾桶满溢，周边散落垃圾",
    "07001": "墙面、电箱张贴非法小广告{k}张",
    "08004": "工地未覆盖裸土，扬尘明显",
    "08011": "渣土车未密闭，沿途撒漏",
    "09001": "流动摊贩{k}处，占用人行道",
    "09005": "店外摆放桌椅、货架经营",
    "09006": "占道摆摊经营{k}处",
    "09009": "机动车违停{k}辆，占用人行道",
    "09010": "共享单车乱停放约{k}0辆",
    "10001": "疑似烟雾火情，请速核实",
    "10002": "疑似高空抛物",
    "10003": "餐饮油烟浓度超标，净化器疑未开启",
    "10004": "屋顶私搭乱建，正在施工",
    "01001": "供水井盖破损",
    "01002": "污水井盖缺失，存在安全隐患",
    "01037": "路灯不亮{k}盏",
    "03005": "垃圾箱破损",
}
_URGENCY = {code: urgency for code, _name, _kind, urgency in CATEGORIES}
_BUMP = {"C": "B", "B": "A", "A": "A"}


@dataclass
class DemoCase:
    """An interchange row and the life it was cut from (for the extras the file has no column for)."""

    row: dict[str, Any]
    life: Life
    kept: list[Step]
    grid_code: str | None
    device_code: str | None


@dataclass
class _Places:
    lonlat: np.ndarray
    grid: list[str | None]
    device: list[str | None]
    component: list[str | None]


class CaseMaker:
    def __init__(
        self,
        seed: int,
        territory: Territory,
        devices: list[DeviceSpec],
        components: list[ComponentSpec],
        rules: list[RuleSpec],
        calendar: WorkingCalendar,
        deadline_rules: list[DeadlineRule],
    ) -> None:
        self.rng = np.random.default_rng([seed, 4])
        self.territory = territory
        self.cameras = [d for d in devices if d.kind == "camera"]
        self.sensors = [d for d in devices if d.kind == "sensor"]
        self.components = components
        self.rules = rules
        self.cal = calendar
        self.planner = Planner(self.rng, calendar, deadline_rules)
        self.community = {c.code: c.name for c in territory.communities}
        self.street = {s.code: s.name for s in territory.streets}
        self.roads = RoadFinder(named_roads(territory))  # an address names the road the map shows there

    def make(self, n: int, now: datetime) -> list[DemoCase]:
        rng = self.rng
        sources = rng.choice(list(SOURCE_MIX), size=n, p=_norm(SOURCE_MIX.values()))
        categories = [self._category(str(s)) for s in sources]
        places = self._places([str(s) for s in sources], categories)
        reported = sorted(self._report_time(str(s), now) for s in sources)
        out = []
        for i in range(n):
            source, category = str(sources[i]), categories[i]
            urgency = _URGENCY[category]
            if rng.random() < 0.1:
                urgency = _BUMP[urgency]
            life = self.planner.plan(source, category, urgency, reported[i])
            out.append(self._case(i, source, category, urgency, places, life, now))
        self._every_state(out, now)
        for case in out:
            case.row.update(_times(case, self.cal))
        return out

    def _category(self, source: str) -> str:
        if source == "video":
            return _pick(self.rng, VIDEO_MIX)
        if source == "sensor":
            return SENSOR_CATEGORY[self.sensors[int(self.rng.integers(len(self.sensors)))].subtype or "smoke"]
        return _pick(self.rng, HUMAN_MIX)

    def _places(self, sources: list[str], categories: list[str]) -> _Places:
        """Where each case is: at a device or component for those, else at a busy spot in some grid."""
        rng, n = self.rng, len(sources)
        grids = self.territory.grids
        heat = rng.gamma(1.2, 1.0, len(grids))
        grid_pick = rng.choice(len(grids), size=n, p=heat / heat.sum())
        lonlat = np.empty((n, 2))
        grid: list[str | None] = [None] * n
        device: list[str | None] = [None] * n
        component: list[str | None] = [None] * n
        for g in np.unique(grid_pick):
            rows = np.flatnonzero(grid_pick == g)
            lonlat[rows] = random_points_in(rng, grids[g].geom, rows.size)
            for r in rows:
                grid[r] = grids[g].code
        by_category: dict[str, list[ComponentSpec]] = {}
        for c in self.components:
            by_category.setdefault(c.category_code, []).append(c)
        for i, (source, category) in enumerate(zip(sources, categories, strict=True)):
            spot: DeviceSpec | ComponentSpec | None = None
            if source == "video":
                spot = self.cameras[int(rng.integers(len(self.cameras)))]
                device[i] = spot.code
            elif source == "sensor":
                matching = [s for s in self.sensors if SENSOR_CATEGORY[s.subtype or "smoke"] == category]
                spot = matching[int(rng.integers(len(matching)))]
                device[i] = spot.code
            elif category in by_category:
                spot = by_category[category][int(rng.integers(len(by_category[category])))]
                component[i] = spot.code
            if spot is not None:
                metres = rng.normal(0, 8.0, 2)
                lonlat[i] = (spot.lon + metres[0] / M_PER_DEG_LON, spot.lat + metres[1] / M_PER_DEG_LAT)
                grid[i] = spot.grid_code
        humans = [i for i, s in enumerate(sources) if s not in ("video", "sensor") and component[i] is None]
        # a few reports come from just outside the district (kept and flagged), however small the demo
        size = min(len(humans), max(3, round(n * OUTSIDE_SHARE)))
        outside = rng.choice(np.array(humans, dtype=np.intp), size=size, replace=False)
        lonlat[outside] = outside_points(rng, self.territory.district.geom, outside.size)
        for i in outside:
            grid[i] = None
        return _Places(lonlat, grid, device, component)

    def _report_time(self, source: str, now: datetime) -> datetime:
        """Any day of the last 90 (working days for desk sources), at an hour of the source's rhythm."""
        local_now = now.astimezone(self.cal.tz)
        while True:
            day = local_now.date() - timedelta(days=int(self.rng.integers(DAYS)))
            if source in WORKDAY_SOURCES and not self.cal.is_workday(day) and self.rng.random() < 0.85:
                continue
            hour = int(self.rng.choice(24, p=_norm(RHYTHM[source])))
            at = datetime(day.year, day.month, day.day, hour, tzinfo=self.cal.tz) + timedelta(
                seconds=float(self.rng.uniform(0, 3600))
            )
            if at < now:
                return at.replace(microsecond=0)

    def _case(
        self, i: int, source: str, category: str, urgency: str, places: _Places, life: Life, now: datetime
    ) -> DemoCase:
        grid = places.grid[i]
        lon, lat = places.lonlat[i]
        road = self.roads.nearest(float(lon), float(lat))
        if grid is None:
            address = f"思明区界外 {road}延长线附近（不在任何网格内）"
        else:
            number = int(self.rng.integers(1, 300))
            address = f"{self.street[grid[:9]]}{self.community[grid[:12]]}{road}{number}号附近"
        reported = life.steps[0].at.astimezone(self.cal.tz)
        row: dict[str, Any] = {
            # the store's own numbering (`Store.report`: local day + row id; the rows are the first ids), so
            # a case reported live reads like the history around it
            "case_no": f"{reported:%Y%m%d}{i + 1:06d}",
            "source": source,
            "category_code": category,
            "urgency": urgency,
            "description": DESCRIPTIONS[category].format(k=int(self.rng.integers(2, 9))),
            "lon": round(float(lon), 7),
            "lat": round(float(lat), 7),
            "address": address,
            # Outside every grid the center routes by hand: the district-wide rule for the category.
            "department_code": route(self.rules, grid or DISTRICT_CODE, category),
        }
        if places.device[i]:
            row["device_code"] = places.device[i]
        if places.component[i]:
            row["component_code"] = places.component[i]
        return DemoCase(row, life, life.cut(now), grid, places.device[i])

    def _every_state(self, cases: list[DemoCase], now: datetime) -> None:
        """Stop a few recent finished cases at any step chance left empty: a few cases stuck there."""
        want = max(2, len(cases) // 400)
        have = Counter(c.kept[-1].to_state for c in cases)
        for state in STATES:
            missing = want - have[state]
            if missing <= 0:
                continue
            candidates = sorted(
                (
                    c
                    for c in cases
                    if c.kept[-1].to_state in ("closed", "rejected")
                    and c.grid_code is not None
                    and any(s.to_state == state for s in c.kept[1:])
                ),
                key=lambda c: max(s.at for s in c.kept if s.to_state == state),
                reverse=True,
            )
            for case in candidates[:missing]:
                last = max(k for k, s in enumerate(case.kept) if s.to_state == state)
                case.kept = case.kept[: last + 1]
                have[state] += 1


# The interchange columns each final state fills (the importer refuses a time a state cannot have).
_LADDER = ("registered_at", "dispatched_at", "accepted_at", "handled_at", "checked_at", "closed_at")
_FILLED = {
    "reported": 0,
    "verifying": 0,
    "registered": 1,
    "dispatched": 2,
    "handling": 3,
    "suspended": 3,
    "handled": 4,
    "checking": 4,
    "checked": 5,
    "closed": 6,
}


def _times(case: DemoCase, cal: WorkingCalendar) -> dict[str, Any]:
    """The interchange columns the kept steps fill (times as ISO 8601 with the site's offset)."""
    kept = case.kept
    state, end = kept[-1].to_state, kept[-1].at

    def at(action: str, last: bool = False) -> datetime | None:
        found = [s.at for s in kept if s.action == action]
        return (found[-1] if last else found[0]) if found else None

    moments: dict[str, datetime | None] = dict.fromkeys(_LADDER)
    if state in ("rejected", "cancelled") or (state == "closed" and at("register") is None):
        moments.update(registered_at=at("register"), closed_at=end)  # finished before any dispatch
    else:
        found = {
            "registered_at": at("register"),
            "dispatched_at": at("dispatch"),
            "accepted_at": at("accept"),
            "handled_at": at("feedback", last=True),
            "checked_at": at("check_pass"),
            "closed_at": at("close"),
        }
        for name in _LADDER[: _FILLED[state]]:
            moments[name] = found[name]

    def iso(moment: datetime | None) -> str:
        return moment.astimezone(cal.tz).isoformat() if moment else ""

    out = {
        "reported_at": iso(kept[0].at),
        **{k: iso(v) for k, v in moments.items()},
        "suspended_at": iso(end) if state == "suspended" else "",
        "status": state,
    }
    return out


def _norm(weights: Iterable[float]) -> npt.NDArray[np.float64]:
    w = np.asarray(list(weights), dtype=np.float64)
    return np.asarray(w / w.sum(), dtype=np.float64)


def _pick(rng: np.random.Generator, mix: Mapping[str, float]) -> str:
    return str(rng.choice(list(mix), p=_norm(mix.values())))
