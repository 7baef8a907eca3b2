"""The field API served by `gridwatch serve api` on PostgreSQL, driven by real HTTP clients.

Run by hand:  cd bench && python api.py [--compare] [--seconds 5] [--clients 8] [--client-processes 2]
              [--workers 8] [--server-workers 2]

Targets (issue 11): a report with a 200 KB photo sustained ≥ 200/s with p99 ≤ 100 ms; `GET requests`
≥ 1,000/s; positions ≥ 5,000 points/s in batches. A scratch schema gets a grid, `--workers` grid workers
with their own login roles (signed in with their passwords through the API, as phones do) and a
citizen app's key; the service runs in its own process, signed in as a NOINHERIT login role (member of
gridwatch_service), so every request is `SET LOCAL ROLE` to its person. `--client-processes` ×
`--clients` threads send requests for `--seconds` each phase, each over its own keep-alive connection:
- reports: multipart, category + position + a 200 KB JPEG, a fresh Idempotency-Key each;
- GET requests: `requests.json?service_request_id=N` for a random reported case (one row), as the app;
- positions: batches of 500 fixes.
Prints requests/s, median and p99 latency per phase, and the load average before and after; with
`--compare`, the same phases first against the service as it was (one process, h11 + asyncio, a token
lookup per request) and the ratios now/before, from one run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import requests
from scratch_store import PG_URL, pg_schema, pg_url
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from urllib3 import encode_multipart_formdata

from gridwatch.db import field as bookkeeping
from gridwatch.db.accounts import add_user
from gridwatch.db.models import OrgUnit
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


def run_phase(
    name: str,
    processes: int,
    clients: int,
    seconds: float,
    call: Callable[[requests.Session], int | tuple[int, str]],
    server: int = 0,
) -> Phase:
    """`processes` × `clients` threads call `call` until `seconds` pass (processes, so the clients' own
    Python is not the limit); the latencies of the calls that succeeded, and the failures."""
    stop_at = time.time() + 0.5 + seconds  # the same moment in every process (forked)
    fork = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[tuple[list[float], int, list[str]]] = fork.Queue()

    def process() -> None:
        latencies: list[list[float]] = [[] for _ in range(clients)]
        failures = [0] * clients
        made: list[list[str]] = [[] for _ in range(clients)]

        def client(i: int) -> None:
            while time.time() < stop_at - seconds:
                time.sleep(0.01)
            with requests.Session() as http:
                while time.time() < stop_at:
                    t0 = time.perf_counter()
                    status = call(http)
                    if isinstance(status, tuple):
                        status, number = status
                        made[i].append(number)
                    if status in (200, 201):
                        latencies[i].append(time.perf_counter() - t0)
                    else:
                        failures[i] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out.put(([x for lane in latencies for x in lane], sum(failures), [n for lane in made for n in lane]))

    workers = [fork.Process(target=process) for _ in range(processes)]
    for w in workers:
        w.start()
    time.sleep(max(0.0, stop_at - seconds - time.time()))
    cpu_before = tree_cpu(server) if server else 0.0
    results = [out.get() for _ in workers]
    cpu_used = tree_cpu(server) - cpu_before if server else 0.0
    for w in workers:
        w.join()
    done = sorted(x for lat, _, _ in results for x in lat)
    phase = Phase(
        name, done, sum(f for _, f, _ in results), seconds, [n for _, _, made in results for n in made]
    )
    phase.server_cpu = cpu_used
    print(
        f"  {name:<26} {len(done):>6} ok {phase.failures:>4} failed  {phase.rate:8.1f}/s  "
        f"median {phase.median:6.1f} ms  p99 {phase.p99:6.1f} ms  service CPU {phase.cpu_ms:5.1f} ms/req"
    )
    return phase


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its descendants (the service and its workers), from
    /proc: what one request costs the service, whatever else the shared machine runs."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for proc, seconds in used.items():
        walk = proc
        while walk > 1 and walk != pid:
            walk = parents.get(walk, 0)
        if walk == pid:
            total += seconds
    return total


@dataclass
class Phase:
    name: str
    latencies: list[float]
    failures: int
    seconds: float
    made: list[str]
    server_cpu: float = 0.0  # the service's CPU seconds during the phase

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def cpu_ms(self) -> float:
        """The service's CPU per successful request (ms), all its processes."""
        return self.server_cpu / max(len(self.latencies), 1) * 1000

    @property
    def p99(self) -> float:
        done = self.latencies
        return done[min(len(done) - 1, int(len(done) * 0.99))] * 1000 if done else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8, help="client threads per client process")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=8, help="signed-in grid workers")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--server-workers", type=int, default=2, help="gridwatch serve api --workers")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="first run the same phases against the service as it was (one process, pure-Python HTTP "
        "parser and event loop, a token lookup per request) and print the ratios",
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
                print("before: 1 process, h11 + asyncio, a token/key lookup per request")
                runs["before"] = with_server(command, env, args, people, key)
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
                f"now: gridwatch serve api --workers {args.server_workers} (httptools, uvloop, tokens kept)"
            )
            runs["now"] = with_server(command, env, args, people, key)
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
    HTTP parser and event loop, and a token or key lookup in a transaction of its own per request."""
    import uvicorn

    from gridwatch.api.app import SERVE_OPTIONS, create_app
    from gridwatch.api.service import Service

    service = Service(Store(url), rate=0)
    service.credentials.memory = 0  # nothing remembered
    app = create_app(service)
    uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, http="h11", loop="asyncio", **SERVE_OPTIONS)
    ).run()


def with_server(
    command: list[str], env: dict[str, str], args: argparse.Namespace, people: list[str], key: str
) -> list[Phase]:
    server = subprocess.Popen(command, env=env)
    try:
        return bench(args, people, key, server.pid)
    finally:
        server.terminate()
        server.wait(10)


def bench(args: argparse.Namespace, people: list[str], key: str, server: int) -> list[Phase]:
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
        f"  load average {os.getloadavg()}; photo {len(jpeg) // 1024} KB; "
        f"{args.client_processes}×{args.clients} clients, {len(tokens)} signed-in workers, "
        f"{args.seconds:.0f} s per phase"
    )

    # the multipart body is encoded once: the clients share the machine with the service
    form, content_type = encode_multipart_formdata(
        [
            ("category", "06010"),
            ("lon", "118.105"),
            ("lat", "24.465"),
            ("description", "bench"),
            ("photos", ("scene.jpg", jpeg, "image/jpeg")),
        ]
    )

    def report(http: requests.Session) -> tuple[int, str] | int:
        answer = http.post(
            base + "/api/v1/reports",
            data=form,
            headers={
                "Authorization": f"Bearer {random.choice(tokens)}",
                "Idempotency-Key": uuid.uuid4().hex,
                "Content-Type": content_type,
            },
            timeout=30,
        )
        if answer.status_code == 201:
            return 201, answer.json()["case_no"]
        return answer.status_code

    reports = run_phase(
        "report + 200 KB photo", args.client_processes, args.clients, args.seconds, report, server
    )
    reported = reports.made

    def get_request(http: requests.Session) -> int:
        number = random.choice(reported)
        answer = http.get(
            base + "/open311/v2/requests.json",
            params={"api_key": key, "service_request_id": number},
            timeout=30,
        )
        return answer.status_code if answer.status_code != 200 or answer.json() else 500

    fixes = [
        {"at": f"2026-12-01T01:{i // 60 % 60:02d}:{i % 60:02d}+00:00", "lon": 118.105, "lat": 24.465}
        for i in range(POSITIONS_PER_BATCH)
    ]
    body = json.dumps({"positions": fixes}).encode()

    def positions(http: requests.Session) -> int:
        answer = http.post(
            base + "/api/v1/positions",
            data=body,
            headers={"Authorization": f"Bearer {random.choice(tokens)}", "Content-Type": "application/json"},
            timeout=30,
        )
        return answer.status_code

    gets = run_phase(
        "GET requests (one id)", args.client_processes, args.clients, args.seconds, get_request, server
    )
    batches = run_phase(
        f"positions ({POSITIONS_PER_BATCH}/batch)",
        args.client_processes,
        args.clients,
        args.seconds,
        positions,
        server,
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
