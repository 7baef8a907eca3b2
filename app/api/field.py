"""The field app's API, /api/v1: sign-in, my tasks, reports with photos, the workflow's actions, patrol
positions and clock on/off. Every write goes through the store API as the signed-in person."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Header, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gridwatch.api.errors import TooLarge, TooMany
from gridwatch.api.service import Service, report_key
from gridwatch.db import field as bookkeeping
from gridwatch.db.errors import NotFound
from gridwatch.db.imports import hotline
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads import field as reads
from gridwatch.db.reads import levels as level_reads
from gridwatch.db.store import MAX_ATTACHMENT_BYTES, NewAttachment
from gridwatch.db.validation import ATTACHMENT_KINDS

router = APIRouter(prefix="/api/v1", tags=["field"])

AFTER_PHOTO_ACTIONS = frozenset({"feedback", "check_pass", "check_fail"})
"""Photos sent with these actions show the result (kind `after`); with any other, the scene (`before`)."""


def service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


Served = Annotated[Service, Depends(service)]


async def person(svc: Served, authorization: Annotated[str | None, Header()] = None) -> str:
    """The signed-in person of a request (bearer token), held to their request rate. A remembered token
    is answered on the event loop; a lookup goes to a worker thread (one thread hop less per request)."""
    username = svc.remembered_bearer(authorization)
    if username is None:
        username = await run_in_threadpool(svc.bearer, authorization)
    wait = svc.limiter.wait(f"person:{username}")
    if wait:
        raise TooMany(wait)
    return username


Person = Annotated[str, Depends(person)]


async def photos_of(photos: list[UploadFile], kind: str) -> list[NewAttachment]:
    """Uploaded files as attachments; one over the store's limit is refused whole (413), nothing saved."""
    found = []
    for photo in photos:
        data = await photo.read(MAX_ATTACHMENT_BYTES + 1)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise TooLarge(
                f"'{photo.filename}' is over {MAX_ATTACHMENT_BYTES // 2**20} MB, the limit of one photo."
            )
        mime = photo.content_type or "application/octet-stream"
        found.append(NewAttachment(photo.filename or "photo", data, kind, mime))
    return found


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=63)
    password: str = Field(min_length=1, max_length=200)


class Signed(BaseModel):
    token: str
    username: str
    expires_at: datetime


@router.post("/sign-in", response_model=Signed)
def sign_in(svc: Served, body: SignIn) -> Signed:
    """A bearer token for the person: the database checks the password (a login as the person)."""
    wait = svc.sign_ins.wait(body.username)
    if wait:
        raise TooMany(wait)
    token = bookkeeping.password_sign_in(
        svc.store, svc.keeper, body.username, body.password, demo_password=svc.demo_password
    )
    return Signed(token=token.token, username=token.username, expires_at=token.expires_at)


@router.post("/sign-out", status_code=204)
def sign_out(svc: Served, who: Person, authorization: Annotated[str | None, Header()] = None) -> Response:
    """The token stops working now."""
    svc.sign_out((authorization or "").partition(" ")[2].strip())
    return Response(status_code=204)


class TaskOut(BaseModel):
    case_no: str
    kind: str
    state: str
    category_code: str
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    stage_due_at: datetime | None
    deadline_at: datetime | None
    version: int


@router.get("/tasks", response_model=list[TaskOut])
def my_tasks(svc: Served, who: Person) -> list[TaskOut]:
    """The person's verify, check and handle tasks with their clocks, the most urgent first."""
    return [TaskOut(**task.__dict__) for task in reads.my_tasks(svc.as_person(who), who)]


class CaseOut(BaseModel):
    case_no: str
    state: str
    version: int
    outside_grid: bool
    attachments: int = 0


@router.post("/reports", response_model=CaseOut, status_code=201)
async def report(
    svc: Served,
    who: Person,
    category: Annotated[str, Form(min_length=1, max_length=10)],
    lon: Annotated[float, Form()],
    lat: Annotated[float, Form()],
    address: Annotated[str | None, Form(max_length=200)] = None,
    description: Annotated[str, Form(max_length=4000)] = "",
    urgency: Annotated[str | None, Form(max_length=1)] = None,
    photos: Annotated[list[UploadFile] | None, File()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> CaseOut:
    """Report a case with photos, as the signed-in person (a grid worker's report: source grid_worker).
    The same `Idempotency-Key` from the same person makes one case, whatever the retries."""
    attachments = await photos_of(photos or [], "before")
    key = report_key(who, idempotency_key)
    store = svc.as_person(who)

    def write() -> CaseOut:
        case = store.report(
            actor=who,
            source="grid_worker",
            category_code=category,
            lon=lon,
            lat=lat,
            address=address,
            description=description,
            urgency=urgency,
            attachments=attachments,
            client_key=key,
        )
        return CaseOut(
            case_no=case.case_no,
            state=case.state,
            version=case.version,
            outside_grid=case.outside_grid,
            attachments=len(attachments),
        )

    return await run_in_threadpool(write)


@router.post("/cases/{case_no}/actions/{action}", response_model=CaseOut)
async def act(
    svc: Served,
    who: Person,
    case_no: Annotated[str, Path(max_length=32)],
    action: Annotated[str, Path(max_length=24)],
    note: Annotated[str | None, Form(max_length=4000)] = None,
    reason: Annotated[str | None, Form(max_length=4000)] = None,
    hours: Annotated[float | None, Form(gt=0, le=10000)] = None,
    expected_version: Annotated[int | None, Form(ge=1)] = None,
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> CaseOut:
    """A workflow action on a case (accept, feedback, check_pass, request_extension …), through
    `Store.act` as the person, the photos in the same transaction (a feedback's after-photos count towards
    the handbook's standard, docs/LEVELS.md; a refused action keeps none)."""
    attachments = await photos_of(photos or [], "after" if action in AFTER_PHOTO_ACTIONS else "before")
    store = svc.as_person(who)

    def write() -> CaseOut:
        inp = ActionInput(note=note, reason=reason, hours=hours, expected_version=expected_version)
        case = store.act(case_no, action, actor=who, inp=inp, attachments=attachments)
        return CaseOut(
            case_no=case.case_no,
            state=case.state,
            version=case.version,
            outside_grid=case.outside_grid,
            attachments=len(attachments),
        )

    return await run_in_threadpool(write)


class Attached(BaseModel):
    case_no: str
    attachments: list[int]


@router.post("/cases/{case_no}/photos", response_model=Attached, status_code=201)
async def add_photos(
    svc: Served,
    who: Person,
    case_no: Annotated[str, Path(max_length=32)],
    photos: Annotated[list[UploadFile], File()],
    kind: Annotated[Literal["before", "after"], Form()] = "before",
) -> Attached:
    """Photos of a case without a step: what a grid worker found when verifying on site (the center then
    registers or rejects the case). The same photo twice is stored once."""
    attachments = await photos_of(photos, kind)
    store = svc.as_person(who)

    def write() -> Attached:
        ids = [store.attach(case_no, attachment, actor=who).id for attachment in attachments]
        return Attached(case_no=case_no, attachments=ids)

    return await run_in_threadpool(write)


class EventOut(BaseModel):
    at: datetime
    action: str
    from_state: str | None
    to_state: str
    role: str | None
    actor_name: str | None
    note: str | None


class AttachmentOut(BaseModel):
    id: int
    kind: str
    filename: str
    mime: str
    size: int


class CaseFileOut(BaseModel):
    case_no: str
    state: str
    version: int
    source: str
    category_code: str
    category_name: str
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    reported_at: datetime
    stage_due_at: datetime | None
    deadline_at: datetime | None
    department_code: str | None
    events: list[EventOut]
    attachments: list[AttachmentOut]
    allowed_actions: list[str]
    standard: StandardOut | None = None  # the disposal handbook's row for the category (docs/LEVELS.md)


class StandardOut(BaseModel):
    """What counts as handled, the limit, who handles it and the photos the feedback must carry."""

    category_code: str
    standard: str
    limit_amount: float
    limit_unit: str  # working_hours, working_days, hours or days
    department_kind: str | None
    photos_before: int
    photos_after: int


@router.get("/cases/{case_no}", response_model=CaseFileOut)
def case_file(svc: Served, who: Person, case_no: Annotated[str, Path(max_length=32)]) -> CaseFileOut:
    """A case as the person may see it: its trail, its photos (listed) and the actions they may take now."""
    found = case_reads.by_number(svc.as_person(who), case_no, username=who)
    c = found.case
    return CaseFileOut(
        case_no=c.case_no,
        state=c.state,
        version=c.version,
        source=c.source,
        category_code=c.category_code,
        category_name=c.category_name,
        description=c.description,
        address=c.address,
        lon=c.lon,
        lat=c.lat,
        reported_at=c.reported_at,
        stage_due_at=c.stage_due_at,
        deadline_at=c.deadline_at,
        department_code=c.department_code,
        events=[EventOut(**{k: getattr(e, k) for k in EventOut.model_fields}) for e in found.events],
        attachments=[
            AttachmentOut(**{k: getattr(a, k) for k in AttachmentOut.model_fields}) for a in found.attachments
        ],
        allowed_actions=list(found.allowed_actions),
        standard=_standard(svc, who, c.category_code, c.urgency),
    )


def _standard(svc: Service, who: str, category_code: str, urgency: str) -> StandardOut | None:
    found = level_reads.standard(svc.as_person(who), category_code, urgency)
    return None if found is None else StandardOut(**{k: getattr(found, k) for k in StandardOut.model_fields})


@router.get("/cases/{case_no}/attachments/{attachment_id}", response_class=Response)
def attachment(
    svc: Served, who: Person, case_no: Annotated[str, Path(max_length=32)], attachment_id: int
) -> Response:
    """A photo's bytes, with its type."""
    store = svc.as_person(who)
    listed = case_reads.by_number(store, case_no)
    full = case_reads.by_id(store, listed.case.id, data_of=ATTACHMENT_KINDS)
    for found in full.attachments if full else ():
        if found.id == attachment_id and found.data is not None:
            return Response(found.data, media_type=found.mime)
    raise NotFound(f"Case {case_no} has no attachment {attachment_id}.")


class Fix(BaseModel):
    at: AwareDatetime
    lon: float
    lat: float


class Fixes(BaseModel):
    positions: list[Fix] = Field(max_length=bookkeeping.MAX_POSITIONS)


class Stored(BaseModel):
    stored: int


@router.post("/positions", response_model=Stored)
def positions(svc: Served, who: Person, body: Fixes) -> Stored:
    """A batch of patrol-track fixes, all or none."""
    fixes = [(f.at, f.lon, f.lat) for f in body.positions]
    return Stored(stored=bookkeeping.add_positions(svc.as_person(who), who, fixes))


class ClockIn(BaseModel):
    lon: float
    lat: float


class ClockOut(BaseModel):
    kind: str
    status: str
    grid: str | None
    at: datetime


@router.post("/clock/{kind}", response_model=ClockOut)
def clock(svc: Served, who: Person, kind: str, body: ClockIn) -> ClockOut:
    """Clock on or off (打卡): normal, late, early_leave, or outside the person's grids (the geofence)."""
    done = bookkeeping.clock(svc.as_person(who), who, kind, body.lon, body.lat)
    return ClockOut(**done.__dict__)


class WorkOrders(BaseModel):
    """12345 work orders, each with the interchange file's columns (docs/IMPORT.md): case_no, source,
    category_code, reported_at (with its zone, or Asia/Shanghai), description, lon, lat, address, …"""

    orders: list[dict[str, str | float | None]] = Field(min_length=1, max_length=hotline.MAX_ORDERS)


class OrderIssue(BaseModel):
    order: int
    reason: str


class Transferred(BaseModel):
    inserted: int
    updated: int
    unchanged: int
    errors: list[OrderIssue]


@router.post("/hotline", response_model=Transferred)
def hotline_orders(svc: Served, who: Person, body: WorkOrders) -> Transferred:
    """Hotline transfers as they arrive, sent by the intake account (role system): a repeat of a work
    order's number changes nothing; an order that cannot land is listed and the others land."""
    done = hotline.transfer(svc.as_person(who), who, body.orders)
    return Transferred(
        inserted=done.inserted,
        updated=done.updated,
        unchanged=done.unchanged,
        errors=[OrderIssue(order=e.line, reason=e.reason) for e in done.errors],
    )
