"""What the wall reads from the store besides `gridwatch.db.wall`: cameras, preset tours, alarm cases.

No Qt here: the controller calls these in the GUI thread (each is one short query).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gridwatch.db import wall as walls
from gridwatch.db.reads import devices
from gridwatch.db.reads.cases import briefs
from gridwatch.db.store import Store
from gridwatch.plugins.video.demo_streams import is_demo, resolve_stream

ALARM_SOURCES = ("video", "sensor")
SENSOR_CAMERA_REACH_M = 300.0  # a sensor alarm shows the nearest camera only if it can see the spot
M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Camera:
    code: str
    name: str
    url: str
    sub_url: str  # the camera's sub-stream (small tiles), or `url` where it has none
    lon: float
    lat: float
    online: bool

    def stream(self, small: bool) -> str:
        return self.sub_url if small else self.url


@dataclass(frozen=True)
class Alarm:
    case_no: str
    camera: str
    source: str


def load_cameras(store: Store) -> dict[str, Camera]:
    """Every camera with a stream, by code, in code order (the demo's streams resolved to files)."""
    return {c.code: _camera(c) for c in devices.cameras(store)}


def _camera(row: devices.CameraRow) -> Camera:
    url = row.stream_url
    if is_demo(url):
        main, sub = resolve_stream(url), resolve_stream(url, substream=True)
    else:
        main, sub = url, row.sub_stream_url or url
    return Camera(row.code, row.name, main, sub, row.lon, row.lat, row.online)


def preset_tours(store: Store, wall: str) -> dict[str, Any]:
    """The tours of the preset the wall shows now ({} without a preset)."""
    shown = walls.current(store, wall)
    return dict(shown["tours"]) if shown else {}


def alarm_for(store: Store, case_id: int, cameras: dict[str, Camera]) -> Alarm | None:
    """The camera a new video or sensor case should pop up: its own camera, or the one nearest the
    sensor within reach; None for other cases."""
    found = briefs(store, [case_id])
    if not found or found[0].source not in ALARM_SOURCES:
        return None
    case = found[0]
    if case.device_kind == "camera" and case.device_code in cameras:
        return Alarm(case.case_no, case.device_code, case.source)
    lon, lat = (case.device_lon, case.device_lat) if case.device_code is not None else (case.lon, case.lat)
    if lon is None or lat is None or not cameras:
        return None
    nearest = min(cameras.values(), key=lambda c: _metres(lon, lat, c.lon, c.lat))
    if _metres(lon, lat, nearest.lon, nearest.lat) > SENSOR_CAMERA_REACH_M:
        return None
    return Alarm(case.case_no, nearest.code, case.source)


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dx = (lon2 - lon1) * M_PER_DEG_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, (lat2 - lat1) * M_PER_DEG_LAT)
