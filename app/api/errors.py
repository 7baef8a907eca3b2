"""Every refusal as one HTTP answer with one line a person can act on, never a traceback.

The field API answers `{"error": line, "fields": [...]}`; under /open311 the answer is GeoReport v2's
`[{"code": status, "description": line}]`. The store's errors keep their messages; the database's own
refusals (docs/SECURITY.md) arrive as the store's Forbidden and Refused and become 403.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from gridwatch.api.service import Unauthorized
from gridwatch.api.xml import as_xml
from gridwatch.db.engine import StoreBusy, StoreUnavailable
from gridwatch.db.errors import (
    Conflict,
    Forbidden,
    InvalidAction,
    InvalidInput,
    NotFound,
    Refused,
    SignInFailed,
    StoreError,
)

RETRY_AFTER_DOWN = 5
"""Seconds a client waits before retrying while the store is unreachable (503)."""

STATUS: list[tuple[type[Exception], int]] = [
    (SignInFailed, 401),
    (Unauthorized, 401),
    (Forbidden, 403),
    (Refused, 403),
    (NotFound, 404),
    (InvalidAction, 409),
    (Conflict, 409),
    (InvalidInput, 400),
    (StoreError, 400),
]


class TooLarge(HTTPException):
    """A request body or an upload over its documented limit (413). An HTTPException, so that FastAPI
    passes it on when it is raised while the body is being read, rather than calling it a parse error."""

    def __init__(self, line: str) -> None:
        super().__init__(413, line)


class TooMany(Exception):
    """A credential over its request rate (429); `retry_after` in seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Too many requests: retry in {retry_after:.1f} s.")
        self.retry_after = retry_after


def answer(
    request: Request,
    status: int,
    line: str,
    fields: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    if request.url.path.startswith("/open311"):
        body: Any = [{"code": status, "description": line}]
        if request.url.path.endswith(".xml"):
            return Response(as_xml("errors", "error", body), status, headers, media_type="text/xml")
    else:
        body = {"error": line, "fields": list(fields)}
    return JSONResponse(body, status, headers)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        names = []
        for err in exc.errors():
            where = [
                str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header", "form")
            ]
            names.append(".".join(where) or "body")
        unique = list(dict.fromkeys(names))
        return answer(request, 400, f"Missing or malformed: {', '.join(unique)}.", unique)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Response:
        return answer(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(StoreUnavailable)
    async def down(request: Request, exc: StoreUnavailable) -> Response:
        line = "The case store is unreachable; nothing was saved. Retry later."
        return answer(request, 503, line, headers={"Retry-After": str(RETRY_AFTER_DOWN)})

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> Response:
        """Every connection of the pool stayed busy for POOL_WAIT seconds (app/api/service.py)."""
        line = "The service is busy; nothing was saved. Retry later."
        return answer(request, 503, line, headers={"Retry-After": str(RETRY_AFTER_DOWN)})

    @app.exception_handler(TooMany)
    async def many(request: Request, exc: TooMany) -> Response:
        return answer(
            request, 429, str(exc), headers={"Retry-After": str(max(1, round(exc.retry_after + 0.5)))}
        )

    async def store_error(request: Request, exc: Exception) -> Response:
        status = next(code for kind, code in STATUS if isinstance(exc, kind))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return answer(request, status, str(exc), headers=headers)

    for kind, _status in STATUS:
        app.add_exception_handler(kind, store_error)
