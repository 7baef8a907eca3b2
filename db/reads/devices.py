"""Cameras and loudspeakers as a video pane, the talk panel and the wall open them, and the wall's presets.

Read in one short session each and handed out as frozen values, so no widget holds a database row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from gridwatch.db.models import Device, WallPreset
from gridwatch.db.store import Store


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    code: str
    kind: str  # camera|loudspeaker|sensor
    name: str
    online: bool
    stream_url: str | None = None
    speaker_code: str | None = None  # a camera's linked loudspeaker
    speaker_name: str | None = None


@dataclass(frozen=True)
class CameraRow:
    """A camera with a stream: its URLs as stored (a `demo://` one is resolved by the caller)."""

    code: str
    name: str
    stream_url: str
    sub_stream_url: str | None  # the camera's sub-stream for small tiles, if it has one
    lon: float
    lat: float
    online: bool


def device(store: Store, device_id: int | None = None, *, code: str | None = None) -> DeviceInfo | None:
    """One device by id or by code, with its linked loudspeaker's code and name; None if there is none."""
    speaker = aliased(Device)
    query = select(
        Device.id,
        Device.code,
        Device.kind,
        Device.name,
        Device.online,
        Device.stream_url,
        speaker.code,
        speaker.name,
    ).outerjoin(speaker, speaker.id == Device.speaker_id)
    query = query.where(Device.id == device_id) if device_id is not None else query.where(Device.code == code)
    with store.session() as session:
        row = session.execute(query).first()
    return None if row is None else DeviceInfo(*row)


def cameras(store: Store) -> list[CameraRow]:
    """Every camera with a stream, in code order."""
    with store.session() as session:
        rows = session.execute(
            select(
                Device.code,
                Device.name,
                Device.stream_url,
                Device.attrs,
                Device.lon,
                Device.lat,
                Device.online,
            )
            .where(Device.kind == "camera", Device.stream_url.is_not(None))
            .order_by(Device.code)
        ).all()
    return [
        CameraRow(r.code, r.name, r.stream_url, _sub_stream(r.attrs), r.lon, r.lat, r.online) for r in rows
    ]


def _sub_stream(attrs: dict[str, Any] | None) -> str | None:
    url = (attrs or {}).get("sub_stream_url")
    return str(url) if url else None


def preset_names(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(WallPreset.name).order_by(WallPreset.name)))


def preset_layout(store: Store, name: str) -> dict[str, Any] | None:
    """A wall preset's layout (see `gridwatch.db.wall.validate_layout`); None when there is no such preset."""
    with store.session() as session:
        layout = session.scalar(select(WallPreset.layout).where(WallPreset.name == name))
    return None if layout is None else dict(layout)
