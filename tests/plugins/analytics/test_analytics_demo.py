"""The demo's analytics: zones seeded on a few demo cameras, and the demo's street scenes raising video
cases with their snapshots while the worker runs in the demo's process at 1 frame a second."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from gridwatch.db.demo_city import seed_demo
from gridwatch.db.models import Attachment, Case, Device
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store
from gridwatch.plugins.analytics.demo import DEMO_SCENES, DEMO_ZONES, run_demo_analytics, seed_demo_zones
from gridwatch.plugins.video.demo_streams import camera_scene
from tests.plugins.analytics.conftest import wait_for

pytestmark = [pytest.mark.video, pytest.mark.slow]


def video_cases(store: Store) -> list[tuple[str, str, int]]:
    with store.session() as s:
        rows = s.execute(
            select(Case.case_no, Device.code, func.count(Attachment.id))
            .join(Device, Device.id == Case.device_id)
            .outerjoin(Attachment, Attachment.case_id == Case.id)
            .where(Case.source == "video", Case.merge_key.is_not(None))
            .group_by(Case.case_no, Device.code)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_demo_streets_raise_video_cases_with_snapshots(sqlite_store: Store) -> None:
    seed_demo(sqlite_store, cases=0, seed=1)
    store = sqlite_store
    chosen = seed_demo_zones(store)
    assert len(chosen) == 4 and all(camera_scene(code) in DEMO_SCENES for code in chosen)
    assert all(reads.zones(store, code).zones == DEMO_ZONES for code in chosen)
    assert seed_demo_zones(store) == []  # zones already there: never overwritten
    stop = threading.Event()
    thread = threading.Thread(target=run_demo_analytics, args=(store.url, stop), daemon=True)
    thread.start()
    try:
        found = wait_for(lambda: video_cases(store), 90, "a video case from the demo streets")
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    for _case_no, code, pictures in found:  # type: ignore[union-attr]
        assert code in chosen and pictures >= 1
    with store.session() as s:  # the worker gave its cameras back when the demo stopped
        assert s.scalar(select(func.count()).select_from(Device).where(Device.kind == "camera")) > 4
    assert all(reads.watch_state(store, code).holder is None for code in chosen)  # type: ignore[union-attr]
