"""The demo's cameras, loudspeakers, sensors and city components, placed along the grid boundaries.

Grid boundaries in the demo stand in for streets, so street furniture sits a few metres off them, and
every item lands in the grid that holds its point (`GridIndex`, the same rule cases follow).
Cameras carry a `demo://camera/<code>` stream the demo's local video source resolves; loudspeakers
listen on 127.0.0.1 ports from 40001 (RTP, G.711 µ-law), one per 40000 + n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from gridwatch.db.demo_city.names import DISTRICT_CODE, ROADS
from gridwatch.db.demo_city.territory import M_PER_DEG_LAT, M_PER_DEG_LON, Territory
from gridwatch.db.grid_index import GridIndex

CAMERAS = 320
LOUDSPEAKERS = 65
LAMPBLACK_MONITORS = 30
SMOKE_SENSORS = 20
SPEAKER_PORT_BASE = 40000
SPEAKER_REACH_M = 350.0  # a camera gets the nearest loudspeaker within this distance
COMPONENTS = (("01037", 2400), ("01001", 700), ("01002", 900), ("03005", 800))  # lamps, covers, bins


@dataclass(frozen=True)
class DeviceSpec:
    code: str
    kind: str
    name: str
    lon: float
    lat: float
    grid_code: str
    subtype: str | None = None
    stream_url: str | None = None
    address: str | None = None
    protocol: str | None = None
    heading: float | None = None
    speaker_code: str | None = None
    priority_group: str | None = None
    online: bool = True
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    category_code: str
    lon: float
    lat: float
    grid_code: str
    status: str


class Placer:
    """Random spots near the district's boundaries (its "streets"), each with the grid that holds it."""

    def __init__(self, territory: Territory) -> None:
        self.grid_codes = [g.code for g in territory.grids]
        self.index = GridIndex([g.geom for g in territory.grids])
        self._lines = np.asarray([e.line for e in territory.edges], dtype=object)
        self._roads = np.asarray([e.road for e in territory.edges])
        self._lengths = shapely.length(self._lines)

    def along(
        self, rng: np.random.Generator, n: int, *, roads_only: bool = False, grids: list[int] | None = None
    ) -> tuple[npt.NDArray[np.float64], list[int]]:
        """n lon/lat points 4–15 m off a boundary, inside a grid (inside `grids` if given)."""
        weights = self._lengths * (self._roads if roads_only else 1.0)
        xy_parts: list[npt.NDArray[np.float64]] = []
        cell_parts: list[npt.NDArray[np.int32]] = []
        count = 0
        while count < n:
            pick = rng.choice(len(self._lines), size=2 * n + 8, p=weights / weights.sum())
            spots = shapely.get_coordinates(
                shapely.line_interpolate_point(
                    self._lines[pick], rng.uniform(0, 1, pick.size), normalized=True
                )
            )
            angle = rng.uniform(0, 2 * math.pi, pick.size)
            dist = rng.uniform(4.0, 15.0, pick.size)
            spots[:, 0] += dist * np.sin(angle) / M_PER_DEG_LON
            spots[:, 1] += dist * np.cos(angle) / M_PER_DEG_LAT
            cells = self.index.locate(spots[:, 0], spots[:, 1])
            keep = cells >= 0 if grids is None else np.isin(cells, grids)
            xy_parts.append(spots[keep])
            cell_parts.append(cells[keep])
            count += int(keep.sum())
        return np.concatenate(xy_parts)[:n], np.concatenate(cell_parts)[:n].tolist()


def _street_of(grid_code: str, territory: Territory) -> str:
    return next(s.name for s in territory.streets if grid_code.startswith(s.code))


def loudspeakers(rng: np.random.Generator, territory: Territory, placer: Placer) -> list[DeviceSpec]:
    xy, cells = placer.along(rng, LOUDSPEAKERS, roads_only=True)
    out = []
    for n, ((lon, lat), cell) in enumerate(zip(xy, cells, strict=True), start=1):
        grid = placer.grid_codes[cell]
        out.append(
            DeviceSpec(
                f"{DISTRICT_CODE}0000137{n:07d}",
                "loudspeaker",
                f"{ROADS[n % len(ROADS)]}广播{n}号",
                float(lon),
                float(lat),
                grid,
                address=f"127.0.0.1:{SPEAKER_PORT_BASE + n}",
                protocol="rtp-pcmu",
                priority_group=_street_of(grid, territory),
                online=bool(rng.random() > 0.03),
            )
        )
    return out


def cameras(
    rng: np.random.Generator, territory: Territory, placer: Placer, speakers: list[DeviceSpec]
) -> list[DeviceSpec]:
    """Cameras on poles near the streets; those with a loudspeaker in reach get the nearest one."""
    xy, cells = placer.along(rng, CAMERAS)
    speaker_xy = np.array([(s.lon, s.lat) for s in speakers])
    metres = np.hypot(
        (xy[:, None, 0] - speaker_xy[None, :, 0]) * M_PER_DEG_LON,
        (xy[:, None, 1] - speaker_xy[None, :, 1]) * M_PER_DEG_LAT,
    )
    nearest = metres.argmin(axis=1)
    out = []
    for n, ((lon, lat), cell) in enumerate(zip(xy, cells, strict=True), start=1):
        code = f"{DISTRICT_CODE}0000132{n:07d}"  # GB/T 28181 style: center, type 132 (IP camera), serial
        i = n - 1
        out.append(
            DeviceSpec(
                code,
                "camera",
                f"{ROADS[int(rng.integers(len(ROADS)))]}{int(rng.integers(1, 400))}号监控",
                float(lon),
                float(lat),
                placer.grid_codes[cell],
                subtype="dome" if rng.random() < 0.3 else "bullet",
                stream_url=f"demo://camera/{code}",
                protocol="rtsp",
                heading=round(float(rng.uniform(0, 360)), 1),
                speaker_code=speakers[nearest[i]].code if metres[i, nearest[i]] <= SPEAKER_REACH_M else None,
                online=bool(rng.random() > 0.04),
            )
        )
    return out


def sensors(rng: np.random.Generator, placer: Placer) -> list[DeviceSpec]:
    """Lampblack monitors cluster on a few food streets; smoke sensors spread over the district."""
    food = rng.choice(len(placer.grid_codes), size=8, replace=False).tolist()
    out = []
    specs = (
        ("lampblack", "YY", "油烟监测", LAMPBLACK_MONITORS, food),
        ("smoke", "YG", "烟感", SMOKE_SENSORS, None),
    )
    for subtype, prefix, label, count, grids in specs:
        xy, cells = placer.along(rng, count, grids=grids)
        for n, ((lon, lat), cell) in enumerate(zip(xy, cells, strict=True), start=1):
            code = f"{prefix}{DISTRICT_CODE}{n:04d}"
            attrs: dict[str, Any] = (
                {
                    "limit_mg_m3": 2.0,
                    "concentration_mg_m3": round(float(rng.uniform(0.2, 1.6)), 2),
                    "purifier_on": bool(rng.random() > 0.1),
                }
                if subtype == "lampblack"
                else {"alarm": False}
            )
            out.append(
                DeviceSpec(
                    code,
                    "sensor",
                    f"{label}{n:02d}",
                    float(lon),
                    float(lat),
                    placer.grid_codes[cell],
                    subtype=subtype,
                    address=f"gridwatch/demo/sensors/{code}",
                    protocol="mqtt",
                    online=bool(rng.random() > 0.05),
                    attrs=attrs,
                )
            )
    return out


def components(rng: np.random.Generator, placer: Placer) -> list[ComponentSpec]:
    """Street lamps along the roads; manhole covers and litter bins along every boundary."""
    out = []
    for category, count in COMPONENTS:
        xy, cells = placer.along(rng, count, roads_only=category == "01037")
        status = rng.choice(["ok", "damaged", "missing"], size=count, p=[0.96, 0.03, 0.01])
        out += [
            ComponentSpec(
                f"{DISTRICT_CODE}{category}{n:06d}",
                category,
                float(lon),
                float(lat),
                placer.grid_codes[cell],
                str(state),
            )
            for n, ((lon, lat), cell, state) in enumerate(zip(xy, cells, status, strict=True), start=1)
        ]
    return out
