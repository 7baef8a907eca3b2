"""Open311 GeoReport v2 for citizen apps and mini-programs, under /open311/v2 (docs/ARCHITECTURE.md).

Every answer exists as `.json` and `.xml`. A client app sends its `api_key` (`gridwatch apikey add`)
with every call but `discovery` and `services`; its reports are made in the key's person's name with the
source `citizen`, so the center verifies them on site before registering (docs/DOMAIN.md). Our states
map to `open`/`closed`, with the state in `status_notes`. The rating of a closed case (满意 / 基本满意 /
不满意) is an extension: `POST requests/{id}/rating`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from gridwatch.api.errors import TooMany
from gridwatch.api.field import Served, photos_of
from gridwatch.api.service import report_key
from gridwatch.api.xml import as_xml
from gridwatch.db import field as bookkeeping
from gridwatch.db.errors import InvalidInput, NotFound
from gridwatch.db.reads import field as reads
from gridwatch.db.reads.reference import categories

router = APIRouter(prefix="/open311/v2", tags=["open311"])
Format = Literal["json", "xml"]
NOTES = {
    "reported": "Received; the center verifies it on site.",
    "verifying": "Being verified on site.",
    "registered": "Registered as a case.",
    "dispatched": "Sent to the responsible department.",
    "handling": "The department is working on it.",
    "suspended": "Suspended; the department resumes it later.",
    "handled": "The department reports it done.",
    "checking": "The result is being checked on site.",
    "checked": "Checked on site.",
    "closed": "Closed.",
    "rejected": "Not accepted.",
    "cancelled": "Cancelled.",
}
RATING_WORDS = {"满意": "satisfied", "基本满意": "basically", "不满意": "dissatisfied"}


def rendered(rows: list[dict[str, Any]], fmt: str, root: str, item: str, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(as_xml(root, item, rows), status, media_type="text/xml")
    return JSONResponse(rows, status)


async def app_person(svc: Served, api_key: Annotated[str | None, Query()] = None) -> str:
    """The person of the client app whose key is in the query (GET): from memory on the event loop, or
    looked up in a worker thread."""
    return limited(svc, await key_person(svc, api_key))


async def key_person(svc: Served, api_key: str | None) -> str:
    username = svc.remembered_key(api_key)
    return username if username is not None else await run_in_threadpool(svc.app_key, api_key)


def limited(svc: Served, username: str) -> str:
    wait = svc.limiter.wait(f"app:{username}")
    if wait:
        raise TooMany(wait)
    return username


@router.get("/discovery.{fmt}")
def discovery(request: Request, fmt: Format) -> Response:
    base = str(request.base_url).rstrip("/") + "/open311/v2"
    body = {
        "changeset": "2026-12-01T00:00:00Z",
        "contact": "the command center (数字城管)",
        "key_service": "Ask the center for an api_key (gridwatch apikey add APP_NAME --user USERNAME).",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-01T00:00:00Z",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        return Response(as_xml("discovery", "service", [body]), media_type="text/xml")
    return JSONResponse(body)


def _services(svc: Served) -> list[dict[str, Any]]:
    tops = {c.code: c.name for c in categories(svc.keeper, top=True)}
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.name,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": tops.get(c.code[:2], ""),
        }
        for c in categories(svc.keeper)
    ]


@router.get("/services.{fmt}")
def services(svc: Served, fmt: Format) -> Response:
    """The category tree's leaves; a top class is the `group`."""
    return rendered(_services(svc), fmt, "services", "service")


@router.get("/services/{code}.{fmt}")
def service_definition(svc: Served, code: str, fmt: Format) -> Response:
    if code not in {s["service_code"] for s in _services(svc)}:
        raise NotFound(f"No service with code '{code[:20]}'.")
    body = {"service_code": code, "attributes": []}
    if fmt == "xml":
        return Response(as_xml("service_definition", "service", [body]), media_type="text/xml")
    return JSONResponse(body)


@router.post("/requests.{fmt}")
async def post_request(
    svc: Served,
    fmt: Format,
    api_key: Annotated[str, Form(min_length=1, max_length=200)],
    service_code: Annotated[str, Form(min_length=1, max_length=10)],
    lat: Annotated[float | None, Form()] = None,
    long: Annotated[float | None, Form()] = None,
    address_string: Annotated[str | None, Form(max_length=200)] = None,
    description: Annotated[str, Form(max_length=4000)] = "",
    media_url: Annotated[str | None, Form(max_length=1000)] = None,
    jurisdiction_id: Annotated[str | None, Form(max_length=100)] = None,
    media: Annotated[list[UploadFile] | None, File()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """A citizen's report: a case with the source `citizen`, verified on site before registration."""
    if (lat is None or long is None) and not address_string:
        raise InvalidInput("Give lat and long, or address_string.")
    who = limited(svc, await key_person(svc, api_key))
    attachments = await photos_of(media or [], "before")
    key = report_key(who, idempotency_key)
    if media_url:  # fetched only for a known app's report, held to the media policy (SSRF)
        attachments.append(await svc.fetch_media(media_url))
    text = description + (f"\nmedia_url: {media_url}" if media_url else "")
    store = svc.as_person(who)

    def write() -> str:
        case = store.report(
            actor=who,
            source="citizen",
            category_code=service_code,
            lon=long,
            lat=lat,
            address=address_string,
            description=text,
            attachments=attachments,
            client_key=key,
        )
        return case.case_no

    case_no = await run_in_threadpool(write)
    row = {"service_request_id": case_no, "service_notice": NOTES["reported"], "account_id": None}
    return rendered([row], fmt, "service_requests", "request", 201)


def _request_row(r: reads.Request) -> dict[str, Any]:
    return {
        "service_request_id": r.case_no,
        "status": r.status,
        "status_notes": NOTES.get(r.state, r.state),
        "service_code": r.category_code,
        "description": r.description,
        "requested_datetime": r.reported_at.isoformat(),
        "updated_datetime": r.updated_at.isoformat(),
        "address": r.address,
        "lat": r.lat,
        "long": r.lon,
        "rating": r.rating,
    }


@router.get("/requests.{fmt}")
def get_requests(
    svc: Served,
    fmt: Format,
    who: Annotated[str, Depends(app_person)],
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: Annotated[str | None, Query(max_length=10)] = None,
    start_date: Annotated[datetime | None, Query()] = None,
    end_date: Annotated[datetime | None, Query()] = None,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
) -> Response:
    """The requests the app's person may see (row-level security on PostgreSQL), newest first, 1000 at
    most."""
    for moment, name in ((start_date, "start_date"), (end_date, "end_date")):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput(f"{name}: give a time zone (…Z or …+08:00).")
    numbers = [n.strip() for n in service_request_id.split(",")] if service_request_id else None
    found = reads.requests(
        svc.as_person(who),
        case_nos=numbers,
        category_code=service_code,
        status=status,
        start=start_date,
        end=end_date,
    )
    return rendered([_request_row(r) for r in found], fmt, "service_requests", "request")


@router.get("/requests/{case_no}.{fmt}")
def get_request(svc: Served, case_no: str, fmt: Format, who: Annotated[str, Depends(app_person)]) -> Response:
    found = reads.requests(svc.as_person(who), case_nos=[case_no])
    if not found:
        raise NotFound(f"No request '{case_no[:32]}'.")
    return rendered([_request_row(found[0])], fmt, "service_requests", "request")


@router.get("/tokens/{token}.{fmt}")
def get_token(svc: Served, token: str, fmt: Format, who: Annotated[str, Depends(app_person)]) -> Response:
    """Every request is answered in real time, so its token is its id."""
    if not reads.requests(svc.as_person(who), case_nos=[token]):
        raise NotFound(f"No token '{token[:32]}'.")
    return rendered([{"token": token, "service_request_id": token}], fmt, "service_requests", "request")


@router.post("/requests/{case_no}/rating.{fmt}")
def rate(
    svc: Served,
    case_no: str,
    fmt: Format,
    api_key: Annotated[str, Form(min_length=1, max_length=200)],
    rating: Annotated[str, Form(min_length=1, max_length=20)],
    comment: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    """The reporter's rating of a closed case: satisfied / basically / dissatisfied (or 满意 / 基本满意 /
    不满意)."""
    who = limited(svc, svc.app_key(api_key))
    bookkeeping.rate(svc.as_person(who), who, case_no, RATING_WORDS.get(rating, rating), comment)
    return rendered(
        [{"service_request_id": case_no, "rating": RATING_WORDS.get(rating, rating)}],
        fmt,
        "ratings",
        "rating",
        201,
    )
