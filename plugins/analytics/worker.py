"""One analytics worker: holds cameras through leases in the store and watches each in its own thread.

Each held camera has a thread that decodes its stream (`source.FrameSource`), feeds its zones' detectors
(`plugins/detectors`' CameraAnalyser) and turns each detection into a pending case
(`gridwatch.db.analytics.record_detection`). A camera that cannot be opened or stalls is reported offline
and retried with back-off (1 s doubling to a minute); the worker's other cameras go on. The main loop
renews the leases every third of the lease time; a camera whose lease was lost stops at once, and every
thread stops processing by itself when its lease would have expired without a renewal (the fence: a worker
cut off from the store cannot go on watching a camera another worker has taken meanwhile).
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from gridwatch.db import analytics
from gridwatch.db.analytics import Finding, LeasedCamera, Leases
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.store import Store
from gridwatch.plugins.analytics.source import FrameSource, StreamError, playable
from gridwatch.plugins.analytics.zones import validated
from gridwatch.plugins.detectors.api import Detection, ZoneSet

log = logging.getLogger(__name__)

MIN_FPS, MAX_FPS = 1.0, 5.0
MAX_BACKOFF_S = 60.0
FENCE_MARGIN_S = 1.0  # stop processing this long before the lease could expire unrenewed
MAX_PENDING = 100  # detections kept while the store is unreachable, per camera


class Analyser(Protocol):
    disabled: dict[str, str]

    def feed(self, frame_bgr: np.ndarray, t_s: float) -> list[Detection]: ...


def default_analyser(zones: ZoneSet, fps: float) -> Analyser:
    from gridwatch.plugins.detectors.analyser import CameraAnalyser

    return CameraAnalyser(zones, fps)


def holder_name() -> str:
    """This worker's name in the lease table: machine, process, and a random tag (a restarted process
    with a reused pid is another holder)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class WorkerOptions:
    lease_s: float = 15.0
    fps: float | None = None  # None: what the zones need, 1-5 fps
    max_cameras: int | None = None  # None: a fair share of the cameras with zones
    merge_window: timedelta = timedelta(minutes=30)
    timeout_s: float = 10.0  # a stream that sends nothing this long has stalled
    keep_clip: bool = True


def encode_jpeg(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("the snapshot could not be encoded as JPEG")
    return bytes(data.tobytes())


def encode_clip(frames: tuple[np.ndarray, ...], fps: float) -> bytes | None:
    """The frames around an event as a small MP4 (MPEG-4 Part 2: OpenCV's wheel writes it everywhere)."""
    if not frames:
        return None
    height, width = frames[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="gridwatch-clip-") as folder:
        path = Path(folder) / "clip.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), max(fps, 1.0), (width, height))
        try:
            for frame in frames:
                writer.write(
                    frame if frame.shape[:2] == (height, width) else cv2.resize(frame, (width, height))
                )
        finally:
            writer.release()
        return path.read_bytes() if path.exists() and path.stat().st_size > 0 else None


def description(camera: LeasedCamera, detection: Detection) -> str:
    return (
        f"视频识别（{detection.detector}）：摄像机 {camera.name}（{camera.code}），区域 {detection.zone}，"
        f"置信度 {detection.confidence:.0%}。请核实类别后立案。"
    )


class CameraWatch(threading.Thread):
    """One held camera: decode, detect, report; retry with back-off; never take the worker down."""

    def __init__(
        self,
        worker: AnalyticsWorker,
        camera: LeasedCamera,
        valid_until: float,
    ) -> None:
        super().__init__(name=f"analytics-{camera.code}", daemon=True)
        self.worker, self.camera = worker, camera
        self.valid_until = valid_until  # time.monotonic() after which the lease may be someone else's
        self.stop_event = threading.Event()
        self.pending: deque[Finding] = deque(maxlen=MAX_PENDING)
        self.online: bool | None = None
        self.frames = 0
        self.status: dict[str, Any] = {}

    def stop(self) -> None:
        self.stop_event.set()

    def _say(self, status: dict[str, Any], online: bool | None) -> None:
        """Tell the store how the camera is; a store that is down only delays it (said again later)."""
        self.status = status
        try:
            self.worker.leases.report(
                self.camera.device_id, status, online if online != self.online else None
            )
            self.online = online if online is not None else self.online
        except (StoreError, StoreUnavailable) as exc:
            log.warning("camera %s: status not stored: %s", self.camera.code, exc)

    def run(self) -> None:
        try:
            zones = validated(self.camera.zones)
        except StoreError as exc:
            self._say({"state": "zones refused", "error": str(exc)}, None)
            log.error("camera %s: zones refused: %s", self.camera.code, exc)
            return
        if not zones.zones:  # all zones deleted: nothing to decode for (the lease is kept, cheaply)
            self._say({"state": "no zones"}, None)
            return
        options = self.worker.options
        fps = options.fps or zones.live_fps()
        fps = min(max(fps, MIN_FPS), MAX_FPS)
        backoff = 1.0
        while not self.stop_event.is_set():
            url = playable(self.camera.stream_url, self.camera.sub_stream_url)
            source = FrameSource(url, fps, timeout_s=options.timeout_s)
            try:
                analyser = self.worker.analyser_factory(zones, fps)
                source.open()
                opened = datetime.now(UTC)
                disabled: dict[str, str] = {}
                for t_s, frame in source.frames(self.stop_event):
                    if time.monotonic() > self.valid_until:  # the fence: our lease may have run out
                        if self.stop_event.wait(0.2):
                            return
                        continue
                    self.frames += 1
                    if self.online is not True:
                        self._say({"state": "watching", "fps": fps}, True)
                        backoff = 1.0
                    detections = analyser.feed(frame, t_s)
                    if analyser.disabled != disabled:
                        disabled = dict(analyser.disabled)
                        self._say({"state": "watching", "fps": fps, "disabled": disabled}, True)
                    for detection in detections:
                        self.pending.append(self._finding(detection, opened, fps))
                    self._flush()
            except StreamError as exc:
                log.warning("camera %s: %s; retrying in %.0f s", self.camera.code, exc, backoff)
                self._say({"state": "retrying", "error": str(exc), "retry_in_s": backoff}, False)
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            except Exception as exc:  # anything else: the camera waits and retries; the worker lives
                log.exception("camera %s failed", self.camera.code)
                self._say({"state": "failed", "error": f"{type(exc).__name__}: {exc}"}, None)
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            finally:
                source.close()

    def _finding(self, detection: Detection, opened: datetime, fps: float) -> Finding:
        snapshot = detection.snapshot
        if snapshot is None:
            snapshot = np.zeros((360, 640, 3), np.uint8)
        clip = encode_clip(detection.clip, fps) if self.worker.options.keep_clip else None
        return Finding(
            detector=detection.detector,
            category_code=detection.category,
            zone=detection.zone,
            confidence=detection.confidence,
            box=detection.box,
            started_at=opened + timedelta(seconds=detection.start_s),
            ended_at=opened + timedelta(seconds=detection.end_s),
            snapshot_jpeg=encode_jpeg(snapshot),
            clip_mp4=clip,
        )

    def _flush(self) -> None:
        """Report the detections waiting; one the store cannot take now stays for the next frame."""
        while self.pending and time.monotonic() <= self.valid_until:
            finding = self.pending[0]
            try:
                recorded = analytics.record_detection(
                    self.worker.store,
                    self.camera,
                    finding,
                    actor=self.worker.actor,
                    merge_window=self.worker.options.merge_window,
                    description=description(self.camera, _as_detection(finding)),
                )
            except StoreUnavailable as exc:
                log.warning("camera %s: the store is unreachable, detection kept: %s", self.camera.code, exc)
                return
            except StoreError as exc:
                if finding.clip_mp4:  # the case matters more than its clip: once more without it
                    log.warning("camera %s: clip refused (%s); reporting without it", self.camera.code, exc)
                    self.pending[0] = replace(finding, clip_mp4=None)
                    continue
                # refused for good (e.g. an unknown category): said, not retried
                log.error("camera %s: detection refused: %s", self.camera.code, exc)
                self._say({**self.status, "refused": str(exc)}, None)
            else:
                self.worker.recorded.append(recorded)
            self.pending.popleft()


def _as_detection(finding: Finding) -> Detection:
    return Detection(
        finding.detector, finding.category_code, finding.zone, 0.0, 0.0, finding.confidence, finding.box
    )


@dataclass
class AnalyticsWorker:
    """A worker: `run(stop)` until `stop` is set, then its cameras are released for the others."""

    store: Store
    options: WorkerOptions = field(default_factory=WorkerOptions)
    holder: str = field(default_factory=holder_name)
    analyser_factory: Callable[[ZoneSet, float], Analyser] = default_analyser
    actor: str = "system"

    def __post_init__(self) -> None:
        self.leases = Leases(self.store, self.holder, self.options.lease_s)
        self.watches: dict[int, CameraWatch] = {}
        self.recorded: deque[analytics.Recorded] = deque(maxlen=1000)
        signed_in = self.store.whoami()
        if signed_in is not None:
            self.actor = signed_in

    @property
    def renew_every(self) -> float:
        return self.options.lease_s / 3

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.step()
                except (StoreError, StoreUnavailable) as exc:
                    log.warning("analytics worker %s: store unreachable: %s", self.holder, exc)
                stop.wait(self.renew_every)
        finally:
            self.shutdown()

    def step(self) -> None:
        """Renew what is held, follow zone changes, take a fair share of the cameras."""
        started = time.monotonic()
        valid_until = started + self.options.lease_s - FENCE_MARGIN_S
        renewal = self.leases.renew(list(self.watches))
        for device_id in renewal.lost:
            log.warning(
                "analytics worker %s: lost camera %s", self.holder, self.watches[device_id].camera.code
            )
            self.watches.pop(device_id).stop()
        for device_id, version in renewal.held.items():
            watch = self.watches[device_id]
            if version != watch.camera.zones_version:  # the zones were edited: start again with them
                camera = self.leases.camera(device_id)
                watch.stop()
                if camera is None:
                    del self.watches[device_id]
                    continue
                self.watches[device_id] = watch = CameraWatch(self, camera, valid_until)
                watch.start()
            watch.valid_until = valid_until
        share = self.leases.fair_share()  # also says this worker is alive, so the others leave it its share
        if self.options.max_cameras is not None:
            share = min(share, self.options.max_cameras)
        if len(self.watches) > share:  # a new worker came: give it cameras
            extra = [self.watches.pop(device_id) for device_id in sorted(self.watches)[share:]]
            for watch in extra:
                watch.stop()
            for watch in extra:
                watch.join(timeout=2.0)
            # a thread still stuck in a read keeps its lease until it expires (the fence stops it first)
            self.leases.release([w.camera.device_id for w in extra if not w.is_alive()])
        elif len(self.watches) < share:
            started = time.monotonic()
            for camera in self.leases.claim(share - len(self.watches)):
                watch = CameraWatch(self, camera, started + self.options.lease_s - FENCE_MARGIN_S)
                self.watches[camera.device_id] = watch
                watch.start()

    def shutdown(self) -> None:
        for watch in self.watches.values():
            watch.stop()
        for watch in self.watches.values():
            watch.join(timeout=self.options.timeout_s + 2)
        try:
            self.leases.release([i for i, w in self.watches.items() if not w.is_alive()])
            self.leases.leave()
        except (StoreError, StoreUnavailable) as exc:  # they expire by themselves
            log.warning("analytics worker %s: leases not released: %s", self.holder, exc)
        self.watches.clear()
