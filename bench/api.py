"""The field API served by `gridwatch serve api` on PostgreSQL, driven by real HTTP clients.

Run by hand:  cd bench && python api.py [--seconds 10] [--clients 16] [--workers 8] [--server-workers 1]

Targets (issue 11): a report with a 200 KB photo sustained ≥ 200/s with p99 ≤ 100 ms; `GET requests`
≥ 1,000/s; positions ≥ 5,000 points/s in batches. A scratch schema gets a grid, `--workers` grid workers
with their own login roles (signed in with their passwords through the API, as phones do) and a
citizen app's key; the service runs in its own process, signed in as a NOINHERIT login role (member of
gridwatch_service), so every request is `SET LOCAL ROLE` to its person. `--clients` threads in this
process send requests for `--seconds` each phase, each over its own keep-alive connection:
- reports: multipart, category + position + a 200 KB JPEG, a fresh Idempotency-Key each;
- GET requests: `requests.json?service_request_id=N` for a random reported case (one row), as the app;
- positions: batches of 500 fixes.
Prints requests/s, median and p99 latency per phase, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
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
    name: str, clients: int, seconds: float, call: Callable[[requests.Session], int]
) -> list[float]:
    """`clients` threads call `call` until `seconds` pass; the latencies of the calls that succeeded."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[int] = [0] * clients
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        with requests.Session() as http:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                status = call(http)
                if status in (200, 201):
                    latencies[i].append(time.perf_counter() - t0)
                else:
                    failures[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    done = sorted(x for lane in latencies for x in lane)
    rate = len(done) / wall
    p99 = done[min(len(done) - 1, int(len(done) * 0.99))] if done else float("nan")
    median = statistics.median(done) if done else float("nan")
    print(
        f"{name:<28} {len(done):>7} ok {sum(failures):>5} failed  {rate:8.1f}/s  "
        f"median {median * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms"
    )
    return done


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--server-workers", type=int, default=1, help="gridwatch serve api --workers")
    args = parser.parse_args()
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
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
            server = subprocess.Popen(
                [
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
                    service_url.render_as_string(hide_password=False),
                ],
                env=env,
            )
            try:
                bench(args, people, key)
            finally:
                server.terminate()
                server.wait(10)
        finally:
            owner.dispose()
            with admin.begin() as conn:
                for name in [*people, f"gwb_{tag}_app", login]:
                    conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            admin.dispose()


def bench(args: argparse.Namespace, people: list[str], key: str) -> None:
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
        f"load average before: {os.getloadavg()}; photo {len(jpeg) // 1024} KB; {args.clients} clients, "
        f"{len(tokens)} signed-in workers, {args.server_workers} server process(es), "
        f"{args.seconds:.0f} s per phase"
    )
    reported: list[str] = []

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

    def report(http: requests.Session) -> int:
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
            reported.append(answer.json()["case_no"])
        return answer.status_code

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

    def positions(http: requests.Session) -> int:
        answer = http.post(
            base + "/api/v1/positions",
            json={"positions": fixes},
            headers={"Authorization": f"Bearer {random.choice(tokens)}"},
            timeout=30,
        )
        return answer.status_code

    done = run_phase("report + 200 KB photo", args.clients, args.seconds, report)
    verdict("report rate", len(done) / args.seconds, 200, "/s")
    verdict(
        "report p99", done[int(len(done) * 0.99)] * 1000 if done else float("inf"), 100, " ms", lower=True
    )
    done = run_phase("GET requests (one id)", args.clients, args.seconds, get_request)
    verdict("GET requests rate", len(done) / args.seconds, 1000, "/s")
    done = run_phase(f"positions ({POSITIONS_PER_BATCH}/batch)", args.clients, args.seconds, positions)
    verdict("positions", len(done) * POSITIONS_PER_BATCH / args.seconds, 5000, " points/s")
    print(f"load average after: {os.getloadavg()}")


def verdict(what: str, value: float, target: float, unit: str, *, lower: bool = False) -> None:
    ok = value <= target if lower else value >= target
    print(
        f"  {what}: {value:.1f}{unit} (target {'≤' if lower else '≥'} {target}{unit}): "
        f"{'meets target' if ok else 'MISSES target'}"
    )


if __name__ == "__main__":
    main()
