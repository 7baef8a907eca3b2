"""The cameras and loudspeakers the dispatcher opens: what a pane or the talk panel needs of a device row.

Read in one short session and handed to widgets as frozen values, so no widget holds a database row. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from gridwatch.db.models import Device
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


def read_device(store: Store, device_id: int | None = None, *, code: str | None = None) -> DeviceInfo | None:
    """One device by id or by code, with its linked loudspeaker's code and name; None if there is none."""
    speaker = aliased(Device)
    query = select(Device, speaker.code, speaker.name).outerjoin(speaker, speaker.id == Device.speaker_id)
    query = query.where(Device.id == device_id) if device_id is not None else query.where(Device.code == code)
    with store.session() as session:
        row = session.execute(query).first()
    if row is None:
        return None
    device, speaker_code, speaker_name = row
    return DeviceInfo(
        device.id,
        device.code,
        device.kind,
        device.name,
        device.online,
        device.stream_url,
        speaker_code,
        speaker_name,
    )
