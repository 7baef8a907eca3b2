"""What the desk shows of video analytics: a camera's zones (the zone editor, the live pane's overlay),
what the worker says of a camera, a machine case's detection (the case detail's snapshot-first view), and
the false alarms per camera and detector. Each read in one session, so row-level security applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from gridwatch.db.analytics import FALSE_ALARM
from gridwatch.db.errors import NotFound
from gridwatch.db.models import AnalyticsLease, Attachment, CameraZones, Case, CaseEvent, Detection, Device
from gridwatch.db.store import Store


@dataclass(frozen=True)
class CameraZonesRow:
    """A camera's zones document and its version (0: none saved yet, an empty document)."""

    camera_code: str
    version: int
    zones: dict[str, Any]


@dataclass(frozen=True)
class CameraWatchState:
    """Which worker watches the camera and what it last said (state, error, disabled detectors)."""

    holder: str | None
    expires_at: datetime | None
    status: dict[str, Any]


@dataclass(frozen=True)
class MachineCase:
    """A video case's detection: the best one of those merged into it, and its first snapshot."""

    camera_code: str
    camera_name: str
    detector: str
    zone: str
    category_code: str
    confidence: float
    box: dict[str, float]
    detections: int
    snapshot_id: int | None
    snapshot: bytes | None


@dataclass(frozen=True)
class FalseAlarms:
    camera_code: str
    camera_name: str
    detector: str
    false_alarms: int  # cases rejected as 误报
    cases: int  # cases the detector opened on the camera


def zones(store: Store, camera_code: str) -> CameraZonesRow:
    with store.session() as session:
        device_id = session.scalar(
            select(Device.id).where(Device.code == camera_code, Device.kind == "camera")
        )
        if device_id is None:
            raise NotFound(f"No camera with code '{camera_code}'.")
        row = session.get(CameraZones, device_id)
    if row is None:
        return CameraZonesRow(camera_code, 0, {"zones": []})
    return CameraZonesRow(camera_code, row.version, dict(row.zones))


def watch_state(store: Store, camera_code: str) -> CameraWatchState | None:
    with store.session() as session:
        row = session.execute(
            select(AnalyticsLease.holder, AnalyticsLease.expires_at, AnalyticsLease.status)
            .join(Device, Device.id == AnalyticsLease.device_id)
            .where(Device.code == camera_code)
        ).first()
    return None if row is None else CameraWatchState(row.holder, row.expires_at, dict(row.status or {}))


def machine_case(store: Store, case_no: str) -> MachineCase | None:
    """None for a case no detector opened."""
    with store.session() as session:
        rows = session.execute(
            select(Detection, Device.code, Device.name)
            .join(Case, Case.id == Detection.case_id)
            .join(Device, Device.id == Detection.device_id)
            .where(Case.case_no == case_no)
            .order_by(Detection.confidence.desc(), Detection.id)
        ).all()
        if not rows:
            return None
        best, code, name = rows[0]
        snapshot = session.execute(
            select(Attachment.id, Attachment.data)
            .where(
                Attachment.case_id == best.case_id,
                Attachment.kind == "snapshot",
                Attachment.mime == "image/jpeg",
            )
            .order_by(Attachment.id)
            .limit(1)
        ).first()
        return MachineCase(
            code,
            name,
            best.detector,
            best.zone,
            best.category_code,
            best.confidence,
            dict(best.box),
            len(rows),
            snapshot.id if snapshot else None,
            snapshot.data if snapshot else None,
        )


def false_alarms(store: Store, camera_code: str | None = None) -> list[FalseAlarms]:
    """Per camera and detector (of one camera if given): the cases its detections opened, and how many a
    desk rejected as 误报."""
    opened = (
        select(Detection.case_id, Detection.device_id, func.min(Detection.detector).label("detector"))
        .group_by(Detection.case_id, Detection.device_id)
        .subquery()
    )
    reject = aliased(CaseEvent)
    false = (
        select(reject.case_id)
        .where(reject.action == "reject", reject.note == FALSE_ALARM)
        .distinct()
        .subquery()
    )
    with store.session() as session:
        rows = session.execute(
            select(
                Device.code,
                Device.name,
                opened.c.detector,
                func.count(false.c.case_id),
                func.count(opened.c.case_id),
            )
            .select_from(opened)
            .join(Device, Device.id == opened.c.device_id)
            .outerjoin(false, false.c.case_id == opened.c.case_id)
            .where(Device.code == camera_code if camera_code is not None else Device.id.is_not(None))
            .group_by(Device.code, Device.name, opened.c.detector)
            .order_by(Device.code, opened.c.detector)
        ).all()
    return [FalseAlarms(*r) for r in rows]
