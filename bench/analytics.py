"""The analytics service's own costs (issue 12): a worker's CPU per camera at the demo's rate, and how long
a killed worker's cameras take to move to another.

Run by hand:  cd bench && python analytics.py [--cameras 4] [--seconds 30] [--lease 6]

- CPU: one worker in this process watches `--cameras` demo cameras (their 320x180 sub-stream scene files,
  played at their own 15 fps and looped, as the demo does) with the demo's zones at 1 frame a second for
  `--seconds`; prints the process CPU time per camera-second (decoding every frame included) on an
  SQLite store in a temporary directory.
- Takeover (PostgreSQL, $GRIDWATCH_TEST_PG's server, a schema of its own, as the owner): two workers in
  this process share 4 cameras; one stops renewing (as a SIGKILLed one would); prints, from the lease
  history, the seconds from its leases' expiry to the other worker's claim, and from its last renewal.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from sqlalchemy import create_engine, select, text

from gridwatch.db.analytics import Leases
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.engine import make_engine
from gridwatch.db.models import AnalyticsHold
from gridwatch.db.store import Store
from gridwatch.plugins.analytics.demo import seed_demo_zones
from gridwatch.plugins.analytics.worker import AnalyticsWorker, WorkerOptions
from gridwatch.plugins.video.demo_streams import ensure_scenes


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_per_camera(cameras: int, seconds: float) -> None:
    ensure_scenes()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/bench.sqlite")
        store.upgrade()
        seed_demo(store, cases=0, seed=1)
        chosen = seed_demo_zones(store, count=cameras)
        worker = AnalyticsWorker(store, WorkerOptions(fps=1.0, max_cameras=cameras, keep_clip=False))
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        before, started = cpu_seconds(), time.monotonic()
        thread.start()
        time.sleep(seconds)
        used, wall = cpu_seconds() - before, time.monotonic() - started
        frames = sum(w.frames for w in worker.watches.values())
        stop.set()
        thread.join()
        cases = len(worker.recorded)
        store.dispose()
    print(f"cpu: {len(chosen)} demo cameras at 1 fps for {wall:.0f} s: {used:.1f} s CPU = "
          f"{100 * used / wall / len(chosen):.1f} % of a core per camera; {frames} frames analysed, "
          f"{cases} detections reported")  # fmt: skip


def takeover(lease_s: float) -> None:
    url = __import__("os").environ.get(
        "GRIDWATCH_TEST_PG", "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"
    )
    schema = f"b_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    store = Store(engine=make_engine(url, connect_args={"options": f"-csearch_path={schema},public"}))
    try:
        store.upgrade()
        from datetime import UTC, datetime

        from gridwatch.db.analytics import save_zones
        from gridwatch.db.models import Device

        zones = {"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0, 0], [1, 0], [1, 1]]}]}
        with store.session() as s:
            for i in range(4):
                s.add(Device(code=f"C{i}", kind="camera", name=f"c{i}", lon=118.0, lat=24.4,
                             stream_url=f"rtsp://x/{i}", updated_at=datetime.now(UTC)))  # fmt: skip
        for i in range(4):
            save_zones(store, f"C{i}", zones, actor="admin")
        a, b = Leases(store, "a", lease_s), Leases(store, "b", lease_s)
        a.fair_share()
        b.fair_share()
        held_a = [c.device_id for c in a.claim(2)]
        held_b = [c.device_id for c in b.claim(2)]
        a.renew(held_a)  # a's last renewal: it is "killed" now
        killed = time.monotonic()
        moved_at = None
        while moved_at is None:  # b renews and claims every third of the lease time, as a worker does
            time.sleep(lease_s / 3)
            b.renew(held_b)
            b.fair_share()
            got = b.claim(4 - len(held_b))
            held_b += [c.device_id for c in got]
            if len(held_b) == 4:
                moved_at = time.monotonic()
        with store.session() as s:
            rows = s.execute(
                select(AnalyticsHold.holder, AnalyticsHold.expires_at, AnalyticsHold.started_at).order_by(
                    AnalyticsHold.device_id, AnalyticsHold.started_at
                )
            ).all()
        gaps = [
            (nxt.started_at - prev.expires_at).total_seconds()
            for prev, nxt in itertools.pairwise(rows)
            if prev.holder == "a" and nxt.holder == "b"
        ]
        print(
            f"takeover: lease {lease_s:.0f} s; a stopped worker's cameras taken {moved_at - killed:.1f} s "
            f"after its last renewal; lease expiry → claim {min(gaps):.2f}–{max(gaps):.2f} s (database clock)"
        )
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--lease", type=float, default=6.0)
    args = parser.parse_args()
    cpu_per_camera(args.cameras, args.seconds)
    takeover(args.lease)


if __name__ == "__main__":
    main()
