"""Video analytics in the store: camera zones, the workers' leases on cameras, detections (docs/ANALYTICS.md).

Zones are kept as the JSON document the detectors read (`{"zones": [{"name": …, "detector": …,
"polygon": [[x, y], …], …}]}`, x and y fractions of the frame). The store checks only its shape and size
here: what a detector's settings mean is the detectors' business (`gridwatch.plugins.detectors.ZoneSet`),
and `db/` imports no plugin. Writers validate with ZoneSet first (`plugins/analytics/zones.py`); the
worker validates again when it loads a camera, so a document written by any other client is refused
there with its reason, never run half-understood.

Leases: each camera with zones has one row in `analytics_leases`. A worker claims free or expired rows
`FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer and ignores the clause), renews what it holds
before the lease time runs out, and releases on a clean stop. Times are the database's clock, so workers
on several machines agree. `analytics_holds` keeps each holder's time on a camera.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Update, delete, func, insert, select, update
from sqlalchemy.orm import Session

from gridwatch.db.errors import Conflict, Forbidden, InvalidInput, NotFound, StoreError
from gridwatch.db.models import (
    AnalyticsHold,
    AnalyticsLease,
    AnalyticsWorker,
    Attachment,
    CameraZones,
    Category,
    Detection,
    Device,
    Person,
)
from gridwatch.db.store import NewAttachment, Store

ZONE_EDITOR_ROLES = frozenset({"admin", "shift_leader", "dispatcher"})
"""Who may change a camera's zones (the migration grants the same group roles)."""
MAX_ZONES_BYTES = 64 * 1024
MAX_ZONES = 32
MAX_POINTS = 64
MAX_SNAPSHOTS = 6
"""Pictures (snapshots and clips) a case keeps from its repeats; later repeats are counted, not kept."""
FALSE_ALARM = "误报"
"""The reason a desk's "not a case" rejects a machine case with; false alarms are counted by it."""


# --- zones -----------------------------------------------------------------------------------------------


def check_zones_shape(document: Any) -> dict[str, Any]:
    """The store's own check of a zones document: its shape and size, not what the detectors make of it.

    Raises InvalidInput naming the first thing wrong; returns the document as plain JSON values."""
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"Zones must be plain JSON: {exc}.") from exc
    if len(text.encode("utf-8")) > MAX_ZONES_BYTES:
        raise InvalidInput(f"Zones are limited to {MAX_ZONES_BYTES // 1024} KiB of JSON.")
    if not isinstance(document, dict) or not isinstance(document.get("zones"), list):
        raise InvalidInput('Zones are a JSON object {"zones": [...]}.')
    zones = document["zones"]
    if len(zones) > MAX_ZONES:
        raise InvalidInput(f"A camera has at most {MAX_ZONES} zones; this has {len(zones)}.")
    names: set[str] = set()
    for i, zone in enumerate(zones, 1):
        if not isinstance(zone, dict):
            raise InvalidInput(f"Zone {i} is not an object.")
        name, detector = zone.get("name"), zone.get("detector")
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise InvalidInput(f"Zone {i} needs a name of 1 to 64 characters.")
        if name in names:
            raise InvalidInput(f"Two zones are named '{name}': each zone's name is its own.")
        names.add(name)
        if not isinstance(detector, str) or not detector or len(detector) > 40:
            raise InvalidInput(f"Zone '{name}' needs a detector (its type name).")
        polygon = zone.get("polygon")
        if not isinstance(polygon, list) or not 3 <= len(polygon) <= MAX_POINTS:
            raise InvalidInput(f"Zone '{name}': a polygon has 3 to {MAX_POINTS} points.")
        for point in polygon:
            if (
                not isinstance(point, list | tuple)
                or len(point) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
                or not all(0.0 <= float(v) <= 1.0 and math.isfinite(v) for v in point)
            ):
                raise InvalidInput(
                    f"Zone '{name}': each point is [x, y] with x and y fractions (0 to 1) of the frame; "
                    f"got {point!r}."
                )
    return dict(json.loads(text))


class ZonesChanged(Conflict):
    """Someone saved the camera's zones after the editor loaded them; nothing was overwritten."""

    def __init__(self, camera_code: str, expected: int, current: int, by: str | None, at: datetime) -> None:
        self.case_no, self.expected, self.current, self.by, self.at = camera_code, expected, current, by, at
        StoreError.__init__(
            self,
            f"The zones of camera {camera_code} were changed by {by or 'another user'} at "
            f"{at:%Y-%m-%d %H:%M:%S} UTC (version {current}, you had version {expected}). "
            "Your zones were not saved: reopen the editor and draw them again.",
        )


def _camera(session: Session, code: str) -> Device:
    camera = session.scalar(select(Device).where(Device.code == code, Device.kind == "camera"))
    if camera is None:
        raise NotFound(f"No camera with code '{code}'.")
    return camera


def save_zones(
    store: Store,
    camera_code: str,
    document: Mapping[str, Any],
    *,
    actor: str,
    expected_version: int | None = None,
) -> int:
    """Store a camera's zones (already validated by the detectors' ZoneSet); returns the new version.

    `expected_version` (the version the editor loaded, 0 for none) refuses to overwrite someone else's
    newer zones (Conflict)."""
    doc = check_zones_shape(dict(document))
    with store.session() as session:
        person = store.actor(session, actor)
        if not person.roles & ZONE_EDITOR_ROLES:
            raise Forbidden(
                f"Changing a camera's zones needs the role admin, shift_leader or dispatcher; "
                f"{actor} holds {', '.join(sorted(person.roles)) or 'none'}."
            )
        camera = _camera(session, camera_code)
        for zone in doc["zones"]:  # a case needs a known category: refused now, not at the first detection
            code = zone.get("category")
            if code is not None and (not isinstance(code, str) or session.get(Category, code) is None):
                raise InvalidInput(
                    f"Zone '{zone['name']}': no category '{code}' in the store's category list."
                )
        row = session.get(CameraZones, camera.id, with_for_update=True)
        current = row.version if row is not None else 0
        if expected_version is not None and expected_version != current:
            assert row is not None  # version 0 is "none saved", which can only be expected, not current
            by = session.get(Person, row.updated_by_id) if row.updated_by_id else None
            raise ZonesChanged(
                camera_code, expected_version, current, by.name if by else None, row.updated_at
            )
        now = datetime.now(UTC)
        if row is None:
            session.add(
                CameraZones(
                    device_id=camera.id, zones=doc, version=1, updated_at=now, updated_by_id=person.id
                )
            )
            return 1
        row.zones, row.version, row.updated_at, row.updated_by_id = doc, current + 1, now, person.id
        return current + 1


# --- leases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeasedCamera:
    """A camera a worker holds, with what it needs to watch it."""

    device_id: int
    code: str
    name: str
    stream_url: str
    sub_stream_url: str | None
    lon: float
    lat: float
    zones: dict[str, Any]
    zones_version: int
    generation: int
    expires_at: datetime


@dataclass
class Renewal:
    """What a renewal found: the cameras still held (with their zones' versions) and those lost."""

    held: dict[int, int] = field(default_factory=dict)  # device id → zones version
    lost: set[int] = field(default_factory=set)


def db_now(session: Session) -> datetime:
    """The database's clock (PostgreSQL's `clock_timestamp()`): workers on several machines share it."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(select(func.clock_timestamp()))
        assert isinstance(value, datetime)
        return value.astimezone(UTC)
    return datetime.now(UTC)


class Leases:
    """One worker's leases: claim free or expired cameras, renew them, release them."""

    def __init__(self, store: Store, holder: str, lease_s: float = 15.0) -> None:
        if len(holder) > 100:
            raise InvalidInput("A worker's name is at most 100 characters.")
        self.store, self.holder, self.ttl = store, holder, timedelta(seconds=lease_s)

    def _offer(self, session: Session) -> None:
        """Every camera with zones and a stream gets its lease row (free) the first time it is seen."""
        have = select(AnalyticsLease.device_id)
        missing = session.scalars(
            select(CameraZones.device_id)
            .join(Device, Device.id == CameraZones.device_id)
            .where(Device.stream_url.is_not(None), CameraZones.device_id.not_in(have))
        ).all()
        for device_id in missing:
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                session.execute(
                    pg_insert(AnalyticsLease)
                    .values(device_id=device_id, generation=0, status={})
                    .on_conflict_do_nothing()
                )
            else:
                session.execute(insert(AnalyticsLease).values(device_id=device_id, generation=0, status={}))

    def fair_share(self) -> int:
        """How many cameras this worker should hold: the cameras over the live workers (itself included).

        Says that this worker is alive until its lease time from now, and forgets workers gone an hour."""
        with self.store.session() as session:
            now = db_now(session)
            seen = session.get(AnalyticsWorker, self.holder)
            if seen is None:
                session.add(AnalyticsWorker(holder=self.holder, expires_at=now + self.ttl))
            else:
                seen.expires_at = now + self.ttl
            session.execute(
                delete(AnalyticsWorker).where(AnalyticsWorker.expires_at < now - timedelta(hours=1))
            )
            session.flush()
            total = session.scalar(
                select(func.count())
                .select_from(CameraZones)
                .join(Device, Device.id == CameraZones.device_id)
                .where(Device.stream_url.is_not(None))
            )
            workers = session.scalar(
                select(func.count()).select_from(AnalyticsWorker).where(AnalyticsWorker.expires_at > now)
            )
        return math.ceil((total or 0) / max(workers or 0, 1))

    def claim(self, limit: int) -> list[LeasedCamera]:
        """Take up to `limit` cameras nobody holds (or whose holder stopped renewing)."""
        if limit <= 0:
            return []
        with self.store.session() as session:
            if session.get_bind().dialect.name != "postgresql":  # SQLite: take its one write lock first
                session.execute(
                    update(AnalyticsLease)
                    .where(AnalyticsLease.device_id == -1)
                    .values(generation=AnalyticsLease.generation)
                )
            self._offer(session)
            session.flush()
            now = db_now(session)
            free = session.scalars(
                select(AnalyticsLease)
                .join(Device, Device.id == AnalyticsLease.device_id)
                .where(
                    (AnalyticsLease.holder.is_(None)) | (AnalyticsLease.expires_at < now),
                    Device.stream_url.is_not(None),  # a camera whose stream was removed is not offered
                )
                .order_by(AnalyticsLease.device_id)
                .limit(limit)
                .with_for_update(skip_locked=True, of=AnalyticsLease)
            ).all()
            taken = []
            for lease in free:
                session.execute(  # the previous holder's time ended when its lease did
                    update(AnalyticsHold)
                    .where(AnalyticsHold.device_id == lease.device_id, AnalyticsHold.ended_at.is_(None))
                    .values(ended_at=AnalyticsHold.expires_at)
                )
                expires = now + self.ttl
                lease.holder, lease.generation, lease.expires_at = self.holder, lease.generation + 1, expires
                lease.status = {}
                session.add(
                    AnalyticsHold(
                        device_id=lease.device_id,
                        holder=self.holder,
                        generation=lease.generation,
                        started_at=now,
                        expires_at=expires,
                    )
                )
                taken.append((lease.device_id, lease.generation, expires))
            session.flush()
            return [c for c in (self._camera(session, *t) for t in taken) if c is not None]

    @staticmethod
    def _camera(session: Session, device_id: int, generation: int, expires: datetime) -> LeasedCamera | None:
        row = session.execute(
            select(Device, CameraZones)
            .join(CameraZones, CameraZones.device_id == Device.id)
            .where(Device.id == device_id)
        ).first()
        if row is None:
            return None
        device, zones = row
        if device.stream_url is None:
            return None
        sub = (device.attrs or {}).get("sub_stream_url")
        return LeasedCamera(
            device.id,
            device.code,
            device.name,
            device.stream_url,
            str(sub) if sub else None,
            device.lon,
            device.lat,
            dict(zones.zones),
            zones.version,
            generation,
            expires,
        )

    def camera(self, device_id: int) -> LeasedCamera | None:
        """A held camera read again (its zones changed)."""
        with self.store.session() as session:
            lease = session.get(AnalyticsLease, device_id)
            if lease is None or lease.holder != self.holder or lease.expires_at is None:
                return None
            return self._camera(session, device_id, lease.generation, lease.expires_at)

    def _open_holds(self, device_ids: Collection[int]) -> Update:
        """The update of this worker's open holds of `device_ids` (renewing pushes them on, releasing ends
        them): the one definition of which hold rows a lease change touches."""
        return update(AnalyticsHold).where(
            AnalyticsHold.holder == self.holder,
            AnalyticsHold.device_id.in_(device_ids),
            AnalyticsHold.ended_at.is_(None),
        )

    def renew(self, device_ids: Collection[int]) -> Renewal:
        """Push the leases of `device_ids` on; a lease that expired or was taken is lost (stop watching)."""
        result = Renewal()
        if not device_ids:
            return result
        with self.store.session() as session:
            now = db_now(session)
            expires = now + self.ttl
            renewed = set(
                session.scalars(
                    update(AnalyticsLease)
                    .where(
                        AnalyticsLease.holder == self.holder,
                        AnalyticsLease.device_id.in_(list(device_ids)),
                        AnalyticsLease.expires_at > now,
                    )
                    .values(expires_at=expires)
                    .returning(AnalyticsLease.device_id)
                )
            )
            if renewed:
                session.execute(self._open_holds(renewed).values(expires_at=expires))
                versions = session.execute(
                    select(CameraZones.device_id, CameraZones.version).where(
                        CameraZones.device_id.in_(renewed)
                    )
                )
                result.held = {device_id: version for device_id, version in versions}
        result.lost = set(device_ids) - set(result.held)
        return result

    def leave(self) -> None:
        """This worker stops: the others' fair share grows at once."""
        with self.store.session() as session:
            session.execute(delete(AnalyticsWorker).where(AnalyticsWorker.holder == self.holder))

    def release(self, device_ids: Iterable[int]) -> None:
        """Give cameras back at once (a clean stop, more than a fair share): another worker starts now."""
        ids = list(device_ids)
        if not ids:
            return
        with self.store.session() as session:
            now = db_now(session)
            mine = list(
                session.scalars(
                    update(AnalyticsLease)
                    .where(AnalyticsLease.holder == self.holder, AnalyticsLease.device_id.in_(ids))
                    .values(holder=None, expires_at=None)
                    .returning(AnalyticsLease.device_id)
                )
            )
            if mine:
                session.execute(self._open_holds(mine).values(ended_at=now))

    def report(self, device_id: int, status: Mapping[str, Any], online: bool | None = None) -> None:
        """Say how a held camera is (shown to the desk) and, when it changed, whether its stream is online
        (the devices table the map's device layer shows)."""
        with self.store.session() as session:
            session.execute(
                update(AnalyticsLease)
                .where(AnalyticsLease.device_id == device_id, AnalyticsLease.holder == self.holder)
                .values(status=dict(status))
            )
            if online is not None:
                session.execute(
                    update(Device)
                    .where(Device.id == device_id, Device.online.is_not(online))
                    .values(online=online, version=Device.version + 1, updated_at=datetime.now(UTC))
                )


# --- detections ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A detection as the store keeps it (the plugin's Detection, its pictures encoded)."""

    detector: str
    category_code: str
    zone: str
    confidence: float
    box: tuple[float, float, float, float]  # x, y, w, h as fractions of the frame
    started_at: datetime
    ended_at: datetime
    snapshot_jpeg: bytes
    clip_mp4: bytes | None = None


@dataclass(frozen=True)
class Recorded:
    case_no: str
    merged: bool


def merge_key(camera_code: str, detector: str, zone: str) -> str:
    return f"video:{camera_code}:{detector}:{zone}"[:120]


def record_detection(
    store: Store,
    camera: LeasedCamera,
    finding: Finding,
    *,
    actor: str,
    merge_window: timedelta = timedelta(minutes=30),
    description: str = "",
) -> Recorded:
    """A detection becomes one pending case (`Store.report`, source video, the category as the suggestion
    the desk confirms); a repeat of the same camera, detector and zone inside `merge_window` is merged into
    the open case and its snapshot attached there."""
    key = _client_key(f"{camera.code}|{finding.detector}|{finding.zone}|{finding.started_at.isoformat()}")
    attachments = [NewAttachment(f"{finding.zone}-snapshot.jpg", finding.snapshot_jpeg, "snapshot")]
    if finding.clip_mp4:
        attachments.append(NewAttachment(f"{finding.zone}-clip.mp4", finding.clip_mp4, "snapshot"))
    case = store.report(
        actor=actor,
        source="video",
        category_code=finding.category_code,
        lon=camera.lon,
        lat=camera.lat,
        description=description,
        reported_at=finding.ended_at,
        device_id=camera.device_id,
        merge_key=merge_key(camera.code, finding.detector, finding.zone),
        merge_window=merge_window,
        attachments=attachments,
        client_key=key,
    )
    merged = case.client_key != key  # the report's own case carries its key; a merge returns another
    with store.session() as session:
        kept = session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(Attachment.case_id == case.id, Attachment.kind == "snapshot")
        )
    if merged and (kept or 0) < MAX_SNAPSHOTS:  # a stall seen all day adds a few pictures, not thousands
        for attachment in attachments:
            store.attach(case.case_no, attachment, actor=actor)
    with store.session() as session:
        seen = session.scalar(  # a retried detection (its first answer lost) is recorded once
            select(Detection.id).where(
                Detection.case_id == case.id,
                Detection.device_id == camera.device_id,
                Detection.detector == finding.detector,
                Detection.zone == finding.zone,
                Detection.started_at == finding.started_at,
            )
        )
        if seen is None:
            session.add(
                Detection(
                    case_id=case.id,
                    device_id=camera.device_id,
                    detector=finding.detector,
                    zone=finding.zone,
                    category_code=finding.category_code,
                    confidence=float(finding.confidence),
                    box={"x": finding.box[0], "y": finding.box[1], "w": finding.box[2], "h": finding.box[3]},
                    started_at=finding.started_at,
                    ended_at=finding.ended_at,
                    created_at=datetime.now(UTC),
                )
            )
    return Recorded(case.case_no, merged)


def _client_key(stamp: str) -> str:
    """One detection's report key: a retry of the same detection returns its case, not a second one."""
    return hashlib.sha256(stamp.encode("utf-8")).hexdigest()[:64]
