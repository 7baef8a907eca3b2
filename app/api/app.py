"""The ASGI app and its server: `gridwatch serve api` (docs/ARCHITECTURE.md "The field API")."""

from __future__ import annotations

import asyncio
import gc
import json
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import uvicorn
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridwatch.api import errors, field, open311
from gridwatch.api.media import MediaPolicy
from gridwatch.api.service import BODY_TIMEOUT, BURST, MAX_BODY, POOL, RATE, Service, pooled


class BodyLimit:
    """Refuse a body over `limit` bytes with 413, by its Content-Length at once or while it streams in, and
    one that stops arriving for `timeout` seconds with 408 (a slow or stalled client holds no worker)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        line = f"The request is over {self.limit // 2**20} MB; send fewer or smaller photos."
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await errors.answer(Request(scope), 413, line, headers={"Connection": "close"})(
                scope, receive, send
            )
            return
        received = 0
        complete = False

        async def counted() -> Message:
            nonlocal received, complete
            if complete:  # after the body: a wait for the client's disconnect, however long
                return await receive()
            try:
                async with asyncio.timeout(self.timeout):  # no task per message, unlike wait_for
                    message = await receive()
            except TimeoutError:
                raise HTTPException(
                    408, f"The request body stopped arriving for {self.timeout:g} s."
                ) from None
            received += len(message.get("body", b""))
            complete = not message.get("more_body", False)
            if received > self.limit:
                raise errors.TooLarge(line)
            return message

        await self.app(scope, counted, send)


GC_THRESHOLD = (50_000, 50, 100)
"""Allocations between the collector's youngest passes (Python's default: 700). A request allocates
thousands of short-lived objects (a 500-fix position batch, an ORM row of 50 columns) that reference
counting frees; at 700 the cycle collector ran several times per request for nothing (bench/api.py:
positions 8.3–8.6 → 6.0–6.4 ms of service CPU per batch)."""


def collect_for_serving() -> None:
    """A serving process's cycle collector: what the process built to start (the app, its routes, the
    models, the libraries) is frozen out of its passes, which then scan only what requests made, and run
    every GC_THRESHOLD allocations. For `serve`'s own processes only: a process that also does other work
    (a test, the demo's window) keeps Python's defaults."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


@asynccontextmanager
async def threads_for_the_pool(_app: FastAPI) -> AsyncIterator[None]:
    """As many threads for the store's work as the pool has connections (anyio's default is 40): a
    request beyond waits on the event loop, holding no thread that would only wait for a connection."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = POOL
    yield


def create_app(service: Service, *, body_timeout: float = BODY_TIMEOUT) -> FastAPI:
    app = FastAPI(
        lifespan=threads_for_the_pool,
        title="gridwatch field API and Open311 GeoReport v2",
        version="1",
        description="The command center's store for the field: grid workers' and departments' apps (/api/v1) "
        "and citizens' apps (/open311/v2). Each request runs as its signed-in person.",
    )
    app.state.service = service
    errors.install(app)
    app.include_router(field.router)
    app.include_router(open311.router)
    app.add_middleware(BodyLimit, timeout=body_timeout)
    return app


SERVE_OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "timeout_keep_alive": 5,
    "limit_concurrency": 200,
}
WORKER_ENV = "GRIDWATCH_API_WORKER"
"""How `serve` tells its worker processes the store and the rate: JSON in the environment they inherit
(the store URL may hold the service's password, so it is never put on a command line)."""


def serve(
    url: str,
    host: str,
    port: int,
    *,
    workers: int = 1,
    rate: float = RATE,
    burst: float = BURST,
    media_allow: Sequence[str] = (),
) -> None:
    """Serve the store at `url` until interrupted; TLS belongs to a reverse proxy in front (README).

    With `workers` > 1, uvicorn runs that many processes on the one port, each with its own pool and its
    own rate limiter (a client's limit is then up to `workers` times the rate). `media_allow` names
    networks Open311's media_url may reach besides public addresses (app/api/media.py)."""
    media = MediaPolicy.allowing(media_allow)
    if workers <= 1:
        app = create_app(Service(pooled(url), rate=rate, burst=burst, media=media))
        collect_for_serving()
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, **SERVE_OPTIONS)).run()
        return
    os.environ[WORKER_ENV] = json.dumps(
        {"url": url, "rate": rate, "burst": burst, "media_allow": list(media_allow)}
    )
    uvicorn.run(
        f"{__name__}:worker_app", factory=True, host=host, port=port, workers=workers, **SERVE_OPTIONS
    )


def worker_app() -> FastAPI:
    """The app of one worker process of `serve(workers=N)`."""
    options = json.loads(os.environ[WORKER_ENV])
    media = MediaPolicy.allowing(options.get("media_allow", []))
    app = create_app(
        Service(pooled(options["url"]), rate=options["rate"], burst=options["burst"], media=media)
    )
    collect_for_serving()
    return app
