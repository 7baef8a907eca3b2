"""What the wall reads from the store besides `gridwatch.db.wall`: cameras, preset tours, alarm cases.

No Qt here: the controller calls these in the GUI thread (each is one short query).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from gridwatch.db.models import Case, Device, WallPreset, WallState
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
    with store.session() as session:
        rows = session.scalars(
            select(Device)
            .where(Device.kind == "camera", Device.stream_url.is_not(None))
            .order_by(Device.code)
        ).all()
        return {d.code: _camera(d) for d in rows}


def _camera(device: Device) -> Camera:
    url = device.stream_url or ""
    if is_demo(url):
        main, sub = resolve_stream(url), resolve_stream(url, substream=True)
    else:
        main = url
        sub = str((device.attrs or {}).get("sub_stream_url") or url)
    return Camera(device.code, device.name, main, sub, device.lon, device.lat, device.online)


def preset_tours(store: Store, wall: str) -> dict[str, Any]:
    """The tours of the preset the wall shows now ({} without a preset)."""
    with store.session() as session:
        tours = session.scalar(
            select(WallPreset.tours)
            .join(WallState, WallState.preset_id == WallPreset.id)
            .where(WallState.wall == wall)
        )
        return dict(tours or {})


def alarm_for(store: Store, case_id: int, cameras: dict[str, Camera]) -> Alarm | None:
    """The camera a new video or sensor case should pop up: its own camera, or the one nearest the
    sensor within reach; None for other cases."""
    with store.session() as session:
        row = session.execute(
            select(
                Case.case_no,
                Case.source,
                Case.lon,
                Case.lat,
                Device.code,
                Device.kind,
                Device.lon,
                Device.lat,
            )
            .outerjoin(Device, Device.id == Case.device_id)
            .where(Case.id == case_id)
        ).first()
    if row is None or row.source not in ALARM_SOURCES:
        return None
    case_no, source, lon, lat, code, kind, device_lon, device_lat = row
    if kind == "camera" and code in cameras:
        return Alarm(case_no, code, source)
    lon, lat = (device_lon, device_lat) if code is not None else (lon, lat)
    if lon is None or lat is None or not cameras:
        return None
    nearest = min(cameras.values(), key=lambda c: _metres(lon, lat, c.lon, c.lat))
    if _metres(lon, lat, nearest.lon, nearest.lat) > SENSOR_CAMERA_REACH_M:
        return None
    return Alarm(case_no, nearest.code, source)


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dx = (lon2 - lon1) * M_PER_DEG_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, (lat2 - lat1) * M_PER_DEG_LAT)
