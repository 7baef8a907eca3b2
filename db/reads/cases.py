"""One case in full (the detail dock, `gridwatch case show`) and short briefs of a few (alerts, the wall).

A case is read with the names a person reads it by (category, departments, grid, reporter) in one
query, its events with the actors' names, its attachments, and the actions the person may take on it
now, which only `Store.allowed_actions` says.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from gridwatch.db.errors import NotFound
from gridwatch.db.models import Attachment, Case, CaseEvent, Category, Department, Device, OrgUnit, Person
from gridwatch.db.reads.nearby import NearCase, NearDevice, devices_in, duplicates_in
from gridwatch.db.store import Store

SUGGESTIONS = 3
"""How many close case numbers a miss suggests."""


@dataclass(frozen=True)
class CaseRecord:
    """A case as a person reads it: its fields and the names of what it refers to."""

    id: int
    case_no: str
    version: int
    state: str
    source: str
    category_code: str
    category_name: str
    urgency: str
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    outside_grid: bool
    grid_code: str | None
    grid_name: str | None
    department_code: str | None
    department_name: str | None
    suggested_department_code: str | None
    suggested_department_name: str | None
    device_id: int | None
    reporter_name: str | None
    reported_at: datetime
    deadline_at: datetime | None
    stage_started_at: datetime | None
    stage_due_at: datetime | None
    limit_unit: str | None
    extension_seconds: float
    extension_count: int
    suspended_seconds: float
    pending_request: Mapping[str, Any] | None  # {"kind", "at", "reason", "hours"} waiting for a decision
    updated_at: datetime


@dataclass(frozen=True)
class EventRow:
    """One step of the case's trail, with who took it."""

    at: datetime
    action: str
    from_state: str | None
    to_state: str
    role: str | None
    actor_id: int | None
    actor_name: str | None
    note: str | None


@dataclass(frozen=True)
class AttachmentRow:
    """An attachment's description; `data` only for the kinds the reader asked the bytes of."""

    id: int
    kind: str
    filename: str
    mime: str
    size: int
    created_at: datetime
    data: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CaseFile:
    """Everything shown of one case, read in one transaction."""

    case: CaseRecord
    events: tuple[EventRow, ...]
    attachments: tuple[AttachmentRow, ...]
    allowed_actions: tuple[str, ...]  # for the person the file was read for; () for nobody
    duplicates: tuple[NearCase, ...] = ()
    devices: tuple[NearDevice, ...] = ()


@dataclass(frozen=True)
class CaseBrief:
    """What an alert or the wall needs to know of a new case: what, where, and the device that saw it."""

    id: int
    case_no: str
    urgency: str
    source: str
    address: str | None
    description: str
    lon: float | None
    lat: float | None
    device_code: str | None
    device_kind: str | None
    device_lon: float | None
    device_lat: float | None


def _record_query() -> Any:
    dept, suggested, grid = aliased(Department), aliased(Department), aliased(OrgUnit)
    return (
        select(
            Case,
            Category.name,
            grid.code,
            grid.name,
            dept.code,
            dept.name,
            suggested.code,
            suggested.name,
            Person.name,
        )
        .outerjoin(Category, Category.code == Case.category_code)
        .outerjoin(grid, grid.id == Case.grid_id)
        .outerjoin(dept, dept.id == Case.department_id)
        .outerjoin(suggested, suggested.id == Case.suggested_department_id)
        .outerjoin(Person, Person.id == Case.reporter_id)
    )


def _record(row: Any) -> CaseRecord:
    case, category, grid_code, grid_name, dept_code, dept_name, sugg_code, sugg_name, reporter = row
    request = case.pending_request
    return CaseRecord(
        id=case.id,
        case_no=case.case_no,
        version=case.version,
        state=case.state,
        source=case.source,
        category_code=case.category_code,
        category_name=category or case.category_code,
        urgency=case.urgency,
        description=case.description or "",
        address=case.address,
        lon=case.lon,
        lat=case.lat,
        outside_grid=case.outside_grid,
        grid_code=grid_code,
        grid_name=grid_name,
        department_code=dept_code,
        department_name=dept_name,
        suggested_department_code=sugg_code,
        suggested_department_name=sugg_name,
        device_id=case.device_id,
        reporter_name=reporter,
        reported_at=case.reported_at,
        deadline_at=case.deadline_at,
        stage_started_at=case.stage_started_at,
        stage_due_at=case.stage_due_at,
        limit_unit=case.limit_unit,
        extension_seconds=case.extension_seconds,
        extension_count=case.extension_count,
        suspended_seconds=case.suspended_seconds,
        pending_request=MappingProxyType(dict(request)) if request else None,
        updated_at=case.updated_at,
    )


def by_id(
    store: Store,
    case_id: int,
    *,
    username: str | None = None,
    data_of: Collection[str] = (),
    nearby: bool = False,
) -> CaseFile | None:
    """The case with this id, None when there is none (any more: the desk shows what it was told).

    `username`: read the actions that person may take now. `data_of`: attachment kinds whose bytes come
    along (the photos a desk shows). `nearby`: also its possible duplicates and the nearest devices.
    """
    with store.session() as session:
        row = session.execute(_record_query().where(Case.id == case_id)).first()
        return None if row is None else _file(store, session, _record(row), username, data_of, nearby)


def by_number(store: Store, case_no: str, *, username: str | None = None) -> CaseFile:
    """The case with exactly this number; a miss is a NotFound that names the closest numbers."""
    with store.session() as session:
        row = session.execute(_record_query().where(Case.case_no == case_no)).first()
        if row is None:
            raise NotFound(_missing(session, case_no))
        return _file(store, session, _record(row), username, (), False)


def _file(
    store: Store,
    session: Session,
    case: CaseRecord,
    username: str | None,
    data_of: Collection[str],
    nearby: bool,
) -> CaseFile:
    actor = aliased(Person)
    events = tuple(
        EventRow(e.at, e.action, e.from_state, e.to_state, e.role, e.actor_id, name, e.note)
        for e, name in session.execute(
            select(CaseEvent, actor.name)
            .outerjoin(actor, actor.id == CaseEvent.actor_id)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    )
    devices: tuple[NearDevice, ...] = ()
    if nearby and case.lon is not None and case.lat is not None:
        devices = tuple(devices_in(session, case.lon, case.lat))
    return CaseFile(
        case=case,
        events=events,
        attachments=_attachments(session, case.id, data_of),
        allowed_actions=tuple(store.allowed_actions(session, case.case_no, username)) if username else (),
        duplicates=tuple(duplicates_in(session, case)) if nearby else (),
        devices=devices,
    )


def _attachments(session: Session, case_id: int, data_of: Collection[str]) -> tuple[AttachmentRow, ...]:
    """Described in order of arrival; the bytes of the kinds asked for, in the same query."""
    wanted = list(data_of)
    rows = session.execute(
        select(
            Attachment.id,
            Attachment.kind,
            Attachment.filename,
            Attachment.mime,
            Attachment.size,
            Attachment.created_at,
        )
        .where(Attachment.case_id == case_id)
        .order_by(Attachment.created_at, Attachment.id)
    ).all()
    data: dict[int, bytes] = {}
    if wanted and any(r.kind in wanted for r in rows):
        found = session.execute(
            select(Attachment.id, Attachment.data).where(
                Attachment.case_id == case_id, Attachment.kind.in_(wanted)
            )
        )
        data = {attachment_id: blob for attachment_id, blob in found}
    return tuple(AttachmentRow(*r, data=data.get(r.id)) for r in rows)


def _missing(session: Session, case_no: str) -> str:
    """'No case numbered …', with the numbers closest to the one asked for (a mistyped or short one)."""
    close = close_numbers(session, case_no)
    if not close:
        return f"No case numbered '{case_no}'. Check the number (cases list shows them)."
    return f"No case numbered '{case_no}'; did you mean {', '.join(close)}?"


def close_numbers(session: Session, case_no: str, limit: int = SUGGESTIONS) -> list[str]:
    """Existing case numbers most like `case_no`: those containing it and its neighbours in number
    order (both found by the unique index on `case_no`), ranked by likeness."""
    near = [
        select(Case.case_no).where(Case.case_no.contains(case_no, autoescape=True)).limit(limit * 4),
        select(Case.case_no).where(Case.case_no > case_no).order_by(Case.case_no).limit(limit),
        select(Case.case_no).where(Case.case_no < case_no).order_by(Case.case_no.desc()).limit(limit),
    ]
    candidates = {n for query in near for n in session.scalars(query)}
    return sorted(candidates, key=lambda n: (-difflib.SequenceMatcher(None, case_no, n).ratio(), n))[:limit]


def briefs(store: Store, ids: Collection[int]) -> list[CaseBrief]:
    """Short briefs of these cases (those that exist), in id order."""
    if not ids:
        return []
    with store.session() as session:
        rows = session.execute(
            select(
                Case.id,
                Case.case_no,
                Case.urgency,
                Case.source,
                Case.address,
                Case.description,
                Case.lon,
                Case.lat,
                Device.code,
                Device.kind,
                Device.lon,
                Device.lat,
            )
            .outerjoin(Device, Device.id == Case.device_id)
            .where(Case.id.in_(list(ids)))
            .order_by(Case.id)
        ).all()
    return [
        CaseBrief(id_, no, urgency, source, address, text or "", lon, lat, code, kind, device_lon, device_lat)
        for id_, no, urgency, source, address, text, lon, lat, code, kind, device_lon, device_lat in rows
    ]
