"""The analytics worker on real decoding: a recorded street becomes a pending video case with its snapshot;
a live RTSP camera is watched while a dead one is retried and reported offline; a stalled stream goes
offline; a detector that raises is disabled with its reason shown, the camera's other zones going on."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from gridwatch.db.models import Attachment, Case, Device
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store
from gridwatch.plugins.analytics import zones as zone_store
from gridwatch.plugins.analytics.worker import AnalyticsWorker, WorkerOptions
from gridwatch.plugins.detectors.analyser import CameraAnalyser
from gridwatch.plugins.detectors.api import ZoneSet
from tests.plugins.analytics.conftest import STALL_ZONES, add_cameras, stall_video, wait_for
from tests.video.conftest import RtspCamera

pytestmark = [pytest.mark.video, pytest.mark.slow]


@pytest.fixture
def running() -> Iterator[list[tuple[AnalyticsWorker, threading.Event, threading.Thread]]]:
    started: list[tuple[AnalyticsWorker, threading.Event, threading.Thread]] = []
    yield started
    for _worker, stop, _thread in started:
        stop.set()
    for _worker, _stop, thread in started:
        thread.join(timeout=30)


def start(store: Store, running: list, **options: object) -> AnalyticsWorker:  # type: ignore[type-arg]
    factory = options.pop("analyser_factory", None)
    worker = AnalyticsWorker(store, WorkerOptions(**options))  # type: ignore[arg-type]
    if factory is not None:
        worker.analyser_factory = factory  # type: ignore[assignment]
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    running.append((worker, stop, thread))
    return worker


def online(store: Store, code: str) -> bool:
    with store.session() as session:
        return bool(session.scalar(select(Device.online).where(Device.code == code)))


def test_a_stall_in_a_recorded_street_becomes_one_pending_video_case_with_its_snapshot(
    store: Store, staff: dict[str, str], tmp_path: Path, running: list
) -> None:  # type: ignore[type-arg]
    add_cameras(store, {"CAM1": str(stall_video(tmp_path / "street.mp4"))})
    zone_store.save(store, "CAM1", STALL_ZONES, actor="dispatcher")
    worker = start(store, running, lease_s=6, fps=2)
    wait_for(lambda: worker.recorded, 30, "a detection recorded")
    (recorded,) = list(worker.recorded)[:1]
    with store.session() as session:
        case = session.scalar(select(Case).where(Case.case_no == recorded.case_no))
        assert case is not None
        assert (case.state, case.source, case.category_code, case.merge_key) == (
            "reported", "video", "09006", "video:CAM1:occupancy:A"
        )  # fmt: skip
        assert "区域 A" in case.description and "置信度" in case.description
        snapshot = session.scalar(
            select(Attachment.data).where(Attachment.case_id == case.id, Attachment.mime == "image/jpeg")
        )
    picture = cv2.imdecode(np.frombuffer(snapshot, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (360, 640, 3)
    assert tuple(int(v) for v in picture[260, 250]) == pytest.approx((30, 60, 200), abs=25)  # the stall
    assert picture[180, 127, 1] > 150 and picture[180, 127, 2] > 150  # the zone's amber outline, drawn
    machine = reads.machine_case(store, recorded.case_no)
    assert machine is not None and (machine.zone, machine.detector, machine.category_code) == (
        "A", "occupancy", "09006"
    )  # fmt: skip
    assert (
        machine.box["x"] == pytest.approx(200 / 640, abs=0.03) and machine.box["w"] > 0.1
    )  # the stall's box
    state = reads.watch_state(store, "CAM1")
    assert state is not None and state.holder == worker.holder and state.status["state"] == "watching"


def dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"rtsp://127.0.0.1:{port}/nothing"  # closed now: nothing listens there


def test_a_live_rtsp_camera_is_watched_while_a_dead_one_is_retried_and_reported_offline(
    store: Store, staff: dict[str, str], running: list
) -> None:  # type: ignore[type-arg]
    camera = RtspCamera()
    camera.start()
    try:
        add_cameras(store, {"LIVE": camera.url, "DEAD": dead_url()})
        for code in ("LIVE", "DEAD"):
            zone_store.save(store, code, STALL_ZONES, actor="dispatcher")
        worker = start(store, running, lease_s=6, fps=2, timeout_s=3)
        wait_for(lambda: (s := reads.watch_state(store, "DEAD")) and s.status.get("state") == "retrying", 20,
                 "the dead camera retried")  # fmt: skip
        state = reads.watch_state(store, "DEAD")
        assert state is not None and "cannot open rtsp://127.0.0.1" in state.status["error"]
        assert not online(store, "DEAD")
        live = next(w for w in worker.watches.values() if w.camera.code == "LIVE")
        wait_for(lambda: live.frames >= 6, 30, "frames from the live camera")
        assert online(store, "LIVE") and reads.watch_state(store, "LIVE").status["state"] == "watching"
        first_retry = reads.watch_state(store, "DEAD").status["retry_in_s"]
        wait_for(lambda: reads.watch_state(store, "DEAD").status["retry_in_s"] > first_retry, 20, "back-off")
        # the live camera stalls: it goes offline, is retried, and the other camera's thread is unaffected
        camera.kill()
        wait_for(lambda: not online(store, "LIVE"), 30, "the stalled camera offline")
        assert reads.watch_state(store, "LIVE").status["state"] == "retrying"
        dead = next(w for w in worker.watches.values() if w.camera.code == "DEAD")
        assert dead.is_alive() and live.is_alive()
    finally:
        camera.kill()


def test_a_detector_that_raises_is_disabled_with_its_reason_and_the_camera_goes_on(
    store: Store, staff: dict[str, str], tmp_path: Path, running: list
) -> None:  # type: ignore[type-arg]
    zones = {"zones": [STALL_ZONES["zones"][0], {**STALL_ZONES["zones"][0], "name": "B"}]}
    add_cameras(store, {"CAM1": str(stall_video(tmp_path / "street.mp4"))})
    zone_store.save(store, "CAM1", zones, actor="dispatcher")

    def failing(zone_set: ZoneSet, fps: float) -> CameraAnalyser:
        analyser = CameraAnalyser(zone_set, fps)

        def broken(frame: object) -> list:  # type: ignore[type-arg]
            raise RuntimeError("model file unreadable")

        analyser._detectors["B"].feed = broken  # type: ignore[method-assign]
        return analyser

    worker = start(store, running, lease_s=6, fps=2, analyser_factory=failing)
    wait_for(lambda: (reads.watch_state(store, "CAM1") or 0) and "disabled" in reads.watch_state(
        store, "CAM1").status, 20, "the disabled zone shown")  # fmt: skip
    status = reads.watch_state(store, "CAM1").status
    assert list(status["disabled"]) == ["B"]
    assert "RuntimeError: model file unreadable" in status["disabled"]["B"]
    wait_for(lambda: worker.recorded, 30, "zone A still reports")
    assert reads.machine_case(store, worker.recorded[0].case_no).zone == "A"


@pytest.mark.postgres
def test_connections_dropped_mid_run_lose_no_detection_and_double_none(
    pg_store: Store, pg_schema: str, tmp_path: Path, running: list
) -> None:  # type: ignore[type-arg]
    from sqlalchemy import func, text

    from gridwatch.db.engine import make_engine
    from gridwatch.db.models import Detection
    from gridwatch.db.seeds import ensure_reference_data
    from tests.conftest import PG_URL

    with pg_store.session() as s:
        ensure_reference_data(s)
    add_cameras(pg_store, {"CAM1": str(stall_video(tmp_path / "street.mp4", seconds=60))})  # one stall
    zone_store.save(pg_store, "CAM1", STALL_ZONES, actor="admin")
    tag = f"gwt-analytics-{uuid.uuid4().hex[:8]}"
    args = {"options": f"-csearch_path={pg_schema},public", "application_name": tag}
    store = Store(engine=make_engine(PG_URL, connect_args=args))
    worker = start(store, running, lease_s=6, fps=2)

    def drop_connections() -> int:
        with pg_store.session() as s:
            return len(s.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE application_name = :tag"), {"tag": tag}).all())  # fmt: skip

    wait_for(lambda: worker.watches and next(iter(worker.watches.values())).frames >= 2, 20, "watching")
    assert drop_connections() >= 1  # the store's server side went away under the worker
    wait_for(lambda: worker.recorded, 30, "the detection recorded after the drop")
    drop_connections()
    time.sleep(worker.renew_every * 2)  # renewals after the second drop
    assert reads.watch_state(pg_store, "CAM1").holder == worker.holder  # type: ignore[union-attr]
    with pg_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.source == "video")) == 1
        assert s.scalar(select(func.count()).select_from(Detection)) == 1


def test_a_falling_object_case_keeps_its_clip(
    store: Store, staff: dict[str, str], tmp_path: Path, running: list
) -> None:  # type: ignore[type-arg]
    from gridwatch.plugins.detectors.synthetic import falling_script

    script = falling_script(seed=0)
    add_cameras(store, {"FACADE": str(script.write(tmp_path / "facade.avi", fps=10))})
    zone_store.save(store, "FACADE", script.zone_data(), actor="dispatcher")
    worker = start(store, running, lease_s=6)  # the zones' own rate: the falling detector asks for 5 fps
    wait_for(lambda: worker.recorded, 40, "the fall reported")
    watch = next(iter(worker.watches.values()))
    assert watch.status["fps"] == 5.0
    with store.session() as session:
        case = session.scalar(select(Case).where(Case.case_no == worker.recorded[0].case_no))
        assert case is not None and case.merge_key == "video:FACADE:falling:facade"
        files = session.execute(
            select(Attachment.mime, Attachment.data)
            .where(Attachment.case_id == case.id)
            .order_by(Attachment.id)
        ).all()
    assert [mime for mime, _ in files] == ["image/jpeg", "video/mp4"]
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(files[1][1])
    capture = cv2.VideoCapture(str(clip))  # a real, decodable clip around the event
    frames = 0
    while capture.read()[0]:
        frames += 1
    capture.release()
    assert frames >= 5
