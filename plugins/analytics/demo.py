"""The demo's video analytics: zones on a few demo cameras (a kerb where cars stop, a pavement where goods
stand) and one light worker in the `gridwatch demo` process, 1 frame a second on at most four cameras,
so the street scenes raise video cases that arrive live on the dispatcher's map and queue."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads import analytics as analytics_reads
from gridwatch.db.reads.devices import cameras
from gridwatch.db.store import Store
from gridwatch.plugins.analytics import zones as zone_store
from gridwatch.plugins.analytics.worker import AnalyticsWorker, WorkerOptions
from gridwatch.plugins.video.demo_streams import camera_scene, is_demo

log = logging.getLogger(__name__)

DEMO_CAMERAS = 4
DEMO_SCENES = (2, 3, 4, 5)  # scenes (0-based) whose streets have something standing in the zones
DEMO_ZONES: dict[str, Any] = {
    "zones": [
        {
            "name": "路边",
            "detector": "parking",
            "polygon": [[0.0, 0.62], [1.0, 0.62], [1.0, 0.92], [0.0, 0.92]],
            "dwell_s": 3,
            "sensitivity": 0.8,
            "warmup_s": 2,
        },
        {
            "name": "人行道",
            "detector": "occupancy",
            "polygon": [[0.0, 0.43], [1.0, 0.43], [1.0, 0.59], [0.0, 0.59]],
            "dwell_s": 3,
            "sensitivity": 0.8,
            "warmup_s": 2,
        },
    ]
}


def seed_demo_zones(store: Store, count: int = DEMO_CAMERAS) -> list[str]:
    """Zones on `count` online demo cameras whose scenes show them, unless some camera has zones already
    (a site's own zones are never overwritten); returns the cameras given zones."""
    chosen: list[str] = []
    for camera in cameras(store):
        if analytics_reads.zones(store, camera.code).version > 0:
            return []
        if (
            len(chosen) < count
            and camera.online
            and is_demo(camera.stream_url)
            and camera_scene(camera.code) in DEMO_SCENES
        ):
            chosen.append(camera.code)
    for code in chosen:
        zone_store.save(store, code, DEMO_ZONES, actor="admin")
    return chosen


def run_demo_analytics(url: str, stop: threading.Event) -> None:
    """Seed the demo's zones (the first time) and watch them until `stop`: one worker, 1 fps, no clips."""
    store = Store(url)
    try:
        seeded = seed_demo_zones(store)
        if seeded:
            log.info("demo analytics: zones on %s", ", ".join(seeded))
        options = WorkerOptions(
            lease_s=30.0,
            fps=1.0,
            max_cameras=DEMO_CAMERAS,
            merge_window=timedelta(minutes=30),
            keep_clip=False,
        )
        AnalyticsWorker(store, options).run(stop)
    except (StoreError, StoreUnavailable) as exc:  # the demo goes on without its analytics
        log.warning("demo analytics stopped: %s", exc)
    finally:
        store.dispose()
