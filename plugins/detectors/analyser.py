"""One camera's analyser: its zones' detectors fed frame by frame, and `scan_file` for recorded video.

The analyser owns what every detector shares: the downscale to 640x360, the grey/HSV conversions (once a
frame, whatever the number of zones), the snapshot with the zone and box drawn, and the rule that a
detector that raises is disabled for its zone only, the reason kept (`disabled`), while the camera's other
zones and the process go on (issue 12, bad input).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from gridwatch.plugins.detectors.api import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    Detection,
    Detector,
    Finding,
    Frame,
    Zone,
    ZoneSet,
    detector_class,
)

log = logging.getLogger(__name__)

ZONE_COLOUR = (0, 220, 255)  # BGR: amber polygon
BOX_COLOUR = (0, 0, 255)  # BGR: red box


class VideoOpenError(OSError):
    """A video file or stream that OpenCV cannot open or decode."""


class CameraAnalyser:
    """All the detectors of one camera, one per zone, fed the camera's sampled frames in time order."""

    def __init__(self, zones: ZoneSet, fps: float) -> None:
        if not fps > 0:
            raise ValueError(f"fps must be positive, not {fps}")
        self.zones = zones
        self.fps = fps
        self.disabled: dict[str, str] = {}  # zone name -> why its detector stopped
        self._detectors: dict[str, Detector] = {}
        self._zone: dict[str, Zone] = {zone.name: zone for zone in zones.zones}
        self._last_t: float | None = None
        for zone in zones.zones:
            try:
                cls = detector_class(zone.detector)
                self._detectors[zone.name] = cls(zone, zone.config(), fps)
            except Exception as exc:  # a plugin's constructor is plugin code too
                self._disable(zone.name, "could not start", exc)

    @property
    def active(self) -> list[str]:
        """Zones whose detector is running."""
        return list(self._detectors)

    def feed(self, frame_bgr: np.ndarray, t_s: float) -> list[Detection]:
        """The next frame (BGR; other sizes are resized to 640x360) at `t_s` seconds on the stream clock;
        returns the detections confirmed by it."""
        if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
            raise ValueError(f"expected a BGR frame (H x W x 3), got shape {frame_bgr.shape}")
        if frame_bgr.shape[:2] != (FRAME_HEIGHT, FRAME_WIDTH):
            frame_bgr = cv2.resize(frame_bgr, (FRAME_WIDTH, FRAME_HEIGHT), interpolation=cv2.INTER_AREA)
        self._last_t = t_s
        frame = Frame(frame_bgr, t_s)
        out: list[Detection] = []
        for name, detector in list(self._detectors.items()):
            try:
                findings = detector.feed(frame)
            except Exception as exc:
                self._disable(name, f"failed at {t_s:.1f} s", exc)
                continue
            out.extend(self._detection(detector, f, frame_bgr) for f in findings)
        return out

    def finish(self) -> list[Detection]:
        """The stream ended: events complete but not yet reported (e.g. a track cut by the end)."""
        t_s = self._last_t if self._last_t is not None else 0.0
        out: list[Detection] = []
        for name, detector in list(self._detectors.items()):
            try:
                findings = detector.finish(t_s)
            except Exception as exc:
                self._disable(name, "failed at the end of the stream", exc)
                continue
            out.extend(self._detection(detector, f, None) for f in findings)
        return out

    def _disable(self, zone: str, when: str, exc: BaseException) -> None:
        self._detectors.pop(zone, None)
        detector = self._zone[zone].detector
        reason = f"detector {detector!r} {when}: {type(exc).__name__}: {exc}"
        self.disabled[zone] = reason
        log.error("zone %s disabled: %s", zone, reason, exc_info=exc)

    def _detection(self, detector: Detector, finding: Finding, current: np.ndarray | None) -> Detection:
        zone = detector.zone
        base = finding.frame if finding.frame is not None else current
        snapshot = draw_snapshot(base, zone, finding.box) if base is not None else None
        return Detection(
            detector=zone.detector,
            category=finding.category or zone.category or detector.default_category,
            zone=zone.name,
            start_s=float(finding.start_s),
            end_s=float(finding.end_s),
            confidence=float(min(max(finding.confidence, 0.0), 1.0)),
            box=finding.box,
            snapshot=snapshot,
            clip=finding.clip,
        )


def draw_snapshot(frame_bgr: np.ndarray, zone: Zone, box: tuple[float, float, float, float]) -> np.ndarray:
    """A copy of the frame with the zone's polygon and the detection's box drawn: what the desk shows
    a person before they confirm the case."""
    image = frame_bgr.copy()
    height, width = image.shape[:2]
    cv2.polylines(image, [zone.pixel_polygon(width, height)], True, ZONE_COLOUR, 2, cv2.LINE_AA)
    x, y, w, h = box
    top_left = (round(x * width), round(y * height))
    bottom_right = (round((x + w) * width), round((y + h) * height))
    cv2.rectangle(image, top_left, bottom_right, BOX_COLOUR, 2)
    cv2.putText(
        image,
        zone.name,
        (top_left[0], max(top_left[1] - 6, 12)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.5,
        BOX_COLOUR,
        1,
        cv2.LINE_AA,
    )
    return image


def sampled_frames(path: str | Path, fps: float) -> Iterator[tuple[float, np.ndarray]]:
    """(t_s, 640x360 BGR frame) from a video file, sampled at `fps` the way a live camera's stream is
    rate-limited: the first decoded frame at or after each sampling instant. Frames in between are
    grabbed but not converted."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise VideoOpenError(f"cannot open video {path}: not found or not a format OpenCV can decode")
    try:
        source_fps = capture.get(cv2.CAP_PROP_FPS)
        if not 0 < source_fps < 1000:
            source_fps = 25.0  # the container does not say: the common camera rate
        step = 1.0 / fps
        next_t = 0.0
        index = 0
        decoded_any = False
        while capture.grab():
            decoded_any = True
            t_s = index / source_fps
            index += 1
            if t_s + 1e-6 < next_t:
                continue
            ok, frame = capture.retrieve()
            if not ok:
                break
            next_t += step * max(1, int((t_s - next_t) // step) + 1)
            if frame.shape[:2] != (FRAME_HEIGHT, FRAME_WIDTH):
                frame = cv2.resize(frame, (FRAME_WIDTH, FRAME_HEIGHT), interpolation=cv2.INTER_AREA)
            yield t_s, frame
        if not decoded_any:
            raise VideoOpenError(f"cannot decode video {path}: no frame could be read")
    finally:
        capture.release()


def scan_file(
    path: str | Path, zones: ZoneSet, fps: float, *, analyser: CameraAnalyser | None = None
) -> Iterator[Detection]:
    """Run the zones' detectors over a recorded file at the live rate `fps`, yielding each detection as
    it is confirmed (start/end in seconds into the file); how a site tunes zones on its own footage.
    Pass `analyser` (built from the same zones and fps) to read its `disabled` afterwards."""
    analyser = analyser or CameraAnalyser(zones, fps)
    for t_s, frame in sampled_frames(path, fps):
        yield from analyser.feed(frame, t_s)
    yield from analyser.finish()
