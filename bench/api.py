"""The field API served by `gridwatch serve api` on PostgreSQL, driven by real HTTP clients.

Run by hand:  cd bench && python api.py [--compare] [--seconds 5] [--connections 16] [--workers 8]
              [--server-workers 2]
Needs wrk (Debian: apt-get install wrk), the load generator: C, so the clients take little of the two
cores the service shares with them (Python clients took about half and capped every figure).

Targets (issue 11): a report with a 200 KB photo sustained ≥ 200/s with p99 ≤ 100 ms; `GET requests`
≥ 1,000/s; positions ≥ 5,000 points/s in batches. A scratch schema gets a grid, `--workers` grid workers
with their own login roles (signed in with their passwords through the API, as phones do) and a
citizen app's key; the service runs in its own process, signed in as a NOINHERIT login role (member of
gridwatch_service), so every request is `SET LOCAL ROLE` to its person. wrk keeps `--connections`
keep-alive connections busy for `--seconds` each phase, a random signed-in worker's token per request:
- reports: multipart, category + position + a 200 KB JPEG, a fresh Idempotency-Key each;
- GET requests: `requests.json?service_request_id=N` for a random reported case (one row), as the app;
  an answer without the case counts as failed;
- positions: batches of 500 fixes.
Prints requests/s, median and p99 latency per phase (wrk's, over every request), the service's CPU per
request, and the load average before and after; with `--compare`, the same phases first against the
service as it was (one process, h11 + asyncio, a token lookup per request, SQLAlchemy's default pool,
40 threads) and the ratios now/before, from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import requests
from scratch_store import PG_URL, pg_schema, pg_url
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from urllib3 import encode_multipart_formdata

from gridwatch.api.service import POOL
from gridwatch.db import field as bookkeeping
from gridwatch.db.accounts import add_user
from gridwatch.db.models import Case, OrgUnit
from gridwatch.db.store import Store, utcnow

SCHEMA = "bench_api"
PASSWORD = "bench-field-pass"
SERVICE_PASSWORD = "bench-service-pass"
GRID = "35020300100101"
PHOTO_BYTES = 200 * 1024
POSITIONS_PER_BATCH = 500


def photo() -> bytes:
    """A JPEG of noise, about 200 KB (noise does not compress, as a real street photo hardly does)."""
    rng = np.random.default_rng(1)
    side = 220
    while True:
        image = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        assert ok
        if len(data) >= PHOTO_BYTES:
            return bytes(data)
        side += 20


def territory(store: Store, workers: int, tag: str) -> list[str]:
    with store.session() as s:
        now = utcnow()
        grid = MultiPolygon([box(118.1, 24.46, 118.11, 24.47)])
        s.add(OrgUnit(code=GRID, name="网格", level="grid", geom=grid, updated_at=now))
    names = []
    for i in range(workers):
        name = f"gwb_{tag}_w{i}"
        add_user(
            store,
            actor="admin",
            username=name,
            name=name,
            roles=["grid_worker"],
            password=PASSWORD,
            grids=[GRID],
        )
        names.append(name)
    add_user(
        store, actor="admin", username=f"gwb_{tag}_app", name="app", roles=["acceptor"], password=PASSWORD
    )
    return names


WRK_SCRIPT = """-- bench/api.py: one phase's requests for wrk (https://github.com/wg/wrk), written per phase
local tokens = {TOKENS}
local ids = {IDS}
local method, path, content_type, expected = "METHOD", "PATH", "CONTENT_TYPE", EXPECTED
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  wrong, sent = 0, 0
  math.randomseed(RUN * 100 + id)
  body = nil
  if "BODY_FILE" ~= "" then
    local f = assert(io.open("BODY_FILE", "rb"))
    body = f:read("*a")
    f:close()
  end
end
function request()
  sent = sent + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}
  if content_type ~= "" then headers["Content-Type"] = content_type end
  -- a fresh Idempotency-Key per report: a new case each, as from many phones
  headers["Idempotency-Key"] = string.format("bench-RUN-%d-%d", id, sent)
  local target = path
  if #ids > 0 then target = path .. ids[math.random(#ids)] end
  return wrk.format(method, target, headers, body)
end
function response(status, headers, answer)
  -- a GET must find its request: "[]" is a wrong answer even with 200
  if status ~= expected or answer == "[]" then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do w = w + t:get("wrong") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "wrong": %d, "errors": %d, "us": %d, "p50": %d, "p99": %d}\\n',
    summary.requests, w, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_list(items: list[str]) -> str:
    return ", ".join(f'"{item}"' for item in items)


def run_phase(
    name: str,
    base: str,
    connections: int,
    seconds: float,
    *,
    method: str,
    path: str,
    tokens: list[str],
    expected: int,
    server: int,
    body: bytes = b"",
    content_type: str = "",
    ids: list[str] | None = None,
) -> Phase:
    """wrk (C, two threads) keeps `connections` keep-alive connections busy for `seconds`, each sending
    its next request as soon as the last is answered: the load costs the shared two cores little, so the
    service's figures are the service's. `ids` are appended to `path` at random, one per request."""
    with tempfile.TemporaryDirectory() as folder:
        body_file = ""
        if body:
            body_file = str(Path(folder) / "body")
            Path(body_file).write_bytes(body)
        script = Path(folder) / "phase.lua"
        filled = WRK_SCRIPT
        for placeholder, value in (
            ("TOKENS", lua_list(tokens)),
            ("IDS", lua_list(ids or [])),
            ("METHOD", method),
            ("PATH", path),
            ("CONTENT_TYPE", content_type),
            ("EXPECTED", str(expected)),
            ("BODY_FILE", body_file),
            ("RUN", str(random.randrange(1, 10**6))),
        ):
            filled = filled.replace(placeholder, value)
        script.write_text(filled)
        before = cpu_used(server)
        finished = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        after = cpu_used(server)
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    phase = Phase(
        name,
        ok=figures["requests"] - figures["wrong"],
        failures=figures["wrong"] + figures["errors"],
        seconds=figures["us"] / 1e6,
        median=figures["p50"] / 1000,
        p99=figures["p99"] / 1000,
        server_cpu=after[0] - before[0],
        database_cpu=after[1] - before[1],
    )
    print(
        f"  {name:<26} {phase.ok:>6} ok {phase.failures:>4} failed  {phase.rate:8.1f}/s  "
        f"median {phase.median:6.1f} ms  p99 {phase.p99:6.1f} ms  CPU ms/req: service {phase.cpu_ms:4.1f} "
        f"PostgreSQL {phase.database_ms:4.1f}"
    )
    return phase


def cpu_used(service: int) -> tuple[float, float]:
    """CPU seconds used so far by process `service` and its descendants (the service and its workers), and
    by every PostgreSQL process (the server is shared: other work on it counts too), from /proc: what
    one request costs each side, whatever else the shared machine runs."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    database = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                name, fields = f.read().split("(", 1)[1].rsplit(")", 1)
        except OSError:
            continue
        numbers = fields.split()
        seconds = (int(numbers[11]) + int(numbers[12])) / tick
        parents[int(entry)] = int(numbers[1])
        used[int(entry)] = seconds
        if name == "postgres":  # and the server processes that ended (the postmaster reaped them)
            database += seconds + (int(numbers[13]) + int(numbers[14])) / tick
    total = 0.0
    for proc, seconds in used.items():
        walk = proc
        while walk > 1 and walk != service:
            walk = parents.get(walk, 0)
        if walk == service:
            total += seconds
    return total, database


@dataclass
class Phase:
    name: str
    ok: int
    failures: int  # wrong status or answer, and connection errors
    seconds: float
    median: float  # ms, of every request wrk timed
    p99: float  # ms
    server_cpu: float  # the service's CPU seconds during the phase
    database_cpu: float  # PostgreSQL's

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The service's CPU per successful request (ms), all its processes."""
        return self.server_cpu / max(self.ok, 1) * 1000

    @property
    def database_ms(self) -> float:
        return self.database_cpu / max(self.ok, 1) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16, help="wrk's keep-alive connections")
    parser.add_argument("--workers", type=int, default=8, help="signed-in grid workers")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--server-workers", type=int, default=2, help="gridwatch serve api --workers")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="first run the same phases against the service as it was (one process, pure-Python HTTP "
        "parser and event loop, a token lookup per request, default pool, 40 threads) and print the ratios",
    )
    parser.add_argument("--baseline-server", nargs=2, metavar=("URL_ENV", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_server:
        baseline_server(os.environ[args.baseline_server[0]], int(args.baseline_server[1]))
        return
    tag = uuid.uuid4().hex[:6]
    login = f"gwb_{tag}_svc"
    admin = create_engine(PG_URL)
    with pg_schema(SCHEMA) as schema:
        owner = Store(pg_url(schema))
        people: list[str] = []
        try:
            people = territory(owner, args.workers, tag)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE ROLE {login} LOGIN NOINHERIT PASSWORD '{SERVICE_PASSWORD}'"))
                conn.execute(text(f"GRANT gridwatch_service TO {login}"))
            key = bookkeeping.add_api_key(owner, "bench", f"gwb_{tag}_app")
            service_url = make_url(pg_url(schema)).set(username=login, password=SERVICE_PASSWORD)
            url = service_url.render_as_string(hide_password=False)
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "BENCH_API_DB": url}
            print(f"load average before: {os.getloadavg()} ({os.cpu_count()} cores)")
            runs: dict[str, list[Phase]] = {}
            if args.compare:
                command = [sys.executable, __file__, "--baseline-server", "BENCH_API_DB", str(args.port)]
                print(
                    "before: 1 process, h11 + asyncio, a token lookup per request, default pool, 40 threads"
                )
                runs["before"] = with_server(command, env, args, owner, people, key)
            command = [
                sys.executable,
                "-m",
                "gridwatch",
                "serve",
                "api",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.server_workers),
                "--rate",
                "0",
                "--db",
                url,
            ]
            print(
                f"now: gridwatch serve api --workers {args.server_workers} (httptools, uvloop, tokens kept, "
                f"{POOL} connections and threads per process)"
            )
            runs["now"] = with_server(command, env, args, owner, people, key)
            verdicts(runs["now"])
            if "before" in runs:
                print("ratios now/before (rate ↑ better, latency ↓ better):")
                for old, new in zip(runs["before"], runs["now"], strict=True):
                    print(
                        f"  {new.name:<26} rate ×{new.rate / max(old.rate, 1e-9):.2f}  "
                        f"median ×{new.median / old.median:.2f}  p99 ×{new.p99 / old.p99:.2f}"
                    )
            print(f"load average after: {os.getloadavg()}")
        finally:
            owner.dispose()
            with admin.begin() as conn:
                for name in [*people, f"gwb_{tag}_app", login]:
                    conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            admin.dispose()


def baseline_server(url: str, port: int) -> None:
    """The service as it was measured before (issue 11's first session): one process, the pure-Python
    HTTP parser and event loop, a token or key lookup in a transaction of its own per request,
    SQLAlchemy's default pool (5 connections, 10 more opened and closed as needed) and anyio's 40
    threads."""
    from contextlib import asynccontextmanager

    import anyio.to_thread
    import uvicorn

    from gridwatch.api.app import SERVE_OPTIONS, create_app
    from gridwatch.api.service import Service

    service = Service(Store(url), rate=0)
    service.credentials.memory = 0  # nothing remembered
    app = create_app(service)

    @asynccontextmanager
    async def forty_threads(_app: object) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 40
        yield

    app.router.lifespan_context = forty_threads
    uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, http="h11", loop="asyncio", **SERVE_OPTIONS)
    ).run()


def with_server(
    command: list[str],
    env: dict[str, str],
    args: argparse.Namespace,
    owner: Store,
    people: list[str],
    key: str,
) -> list[Phase]:
    server = subprocess.Popen(command, env=env)
    try:
        return bench(args, owner, people, key, server.pid)
    finally:
        server.terminate()
        server.wait(10)


def bench(args: argparse.Namespace, owner: Store, people: list[str], key: str, server: int) -> list[Phase]:
    base = f"http://127.0.0.1:{args.port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(base + "/openapi.json", timeout=2)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
    tokens = []
    for name in people:
        answer = requests.post(
            base + "/api/v1/sign-in", json={"username": name, "password": PASSWORD}, timeout=10
        )
        answer.raise_for_status()
        tokens.append(answer.json()["token"])
    jpeg = photo()
    print(
        f"  load average {os.getloadavg()}; photo {len(jpeg) // 1024} KB; wrk, {args.connections} "
        f"connections, {len(tokens)} signed-in workers, {args.seconds:.0f} s per phase"
    )
    form, content_type = encode_multipart_formdata(
        [
            ("category", "06010"),
            ("lon", "118.105"),
            ("lat", "24.465"),
            ("description", "bench"),
            ("photos", ("scene.jpg", jpeg, "image/jpeg")),
        ]
    )
    common = {"connections": args.connections, "seconds": args.seconds, "tokens": tokens, "server": server}
    reports = run_phase(
        "report + 200 KB photo",
        base,
        method="POST",
        path="/api/v1/reports",
        body=form,
        content_type=content_type,
        expected=201,
        **common,
    )
    with owner.session() as s:
        reported = list(s.scalars(select(Case.case_no)))
    assert len(reported) >= reports.ok, "fewer cases than answered reports"
    gets = run_phase(
        "GET requests (one id)",
        base,
        method="GET",
        path=f"/open311/v2/requests.json?api_key={key}&service_request_id=",
        ids=reported,
        expected=200,
        **common,
    )
    fixes = [
        {"at": f"2026-12-01T01:{i // 60 % 60:02d}:{i % 60:02d}+00:00", "lon": 118.105, "lat": 24.465}
        for i in range(POSITIONS_PER_BATCH)
    ]
    batches = run_phase(
        f"positions ({POSITIONS_PER_BATCH}/batch)",
        base,
        method="POST",
        path="/api/v1/positions",
        body=json.dumps({"positions": fixes}).encode(),
        content_type="application/json",
        expected=200,
        **common,
    )
    return [reports, gets, batches]


def verdicts(phases: list[Phase]) -> None:
    reports, gets, batches = phases
    verdict("report rate", reports.rate, 200, "/s")
    verdict("report p99", reports.p99, 100, " ms", lower=True)
    verdict("GET requests rate", gets.rate, 1000, "/s")
    verdict("positions", batches.rate * POSITIONS_PER_BATCH, 5000, " points/s")


def verdict(what: str, value: float, target: float, unit: str, *, lower: bool = False) -> None:
    ok = value <= target if lower else value >= target
    print(
        f"  {what}: {value:.1f}{unit} (target {'≤' if lower else '≥'} {target}{unit}): "
        f"{'meets target' if ok else 'MISSES target'}"
    )


if __name__ == "__main__":
    main()
