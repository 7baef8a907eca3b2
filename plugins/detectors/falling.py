"""高空抛物: a fast downward track on a facade zone, reported with a clip around the fall.

Foreground blobs (difference from a quickly-updated background of the facade) are linked frame to frame
into tracks that only go down. A track that ends after at least `min_points` positions, having dropped at
least `min_drop` of the frame's height, at `min_speed` or faster at its fastest, and drifted sideways less
than it fell, is a falling object. Windows, signs and people on balconies do not move down fast; birds and
traffic move sideways; a basket let down on a rope is slow. A fall takes a second or two, so this detector
asks for 5 frames a second (`min_fps`).
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import ClassVar

import cv2
import numpy as np
from pydantic import Field

from gridwatch.plugins.detectors.api import (
    FRAME_HEIGHT,
    Detector,
    DetectorConfig,
    Finding,
    Frame,
    Zone,
)
from gridwatch.plugins.detectors.static import max_channel_diff


class FallingConfig(DetectorConfig):
    min_points: int = Field(3, ge=2, le=50, description="positions on the track, at least")
    min_drop: float = Field(0.12, gt=0, le=1, description="fall, fraction of the frame height")
    min_speed: float = Field(0.25, gt=0, description="top fall speed, frame heights a second")
    min_pixels: int = Field(12, ge=1, description="blob size in 640x360 pixels")
    max_pixels: int = Field(4000, ge=1)
    pre_s: float = Field(1.0, ge=0, le=10, description="clip: seconds kept before the fall")
    post_s: float = Field(1.0, ge=0, le=10, description="clip: seconds kept after it")


@dataclass
class _Track:
    points: list[tuple[float, float, float, tuple[int, int, int, int]]] = field(default_factory=list)
    frame: np.ndarray | None = None  # a frame from the middle of the fall, for the snapshot

    @property
    def last(self) -> tuple[float, float, float, tuple[int, int, int, int]]:
        return self.points[-1]


class FallingDetector(Detector):
    type_key = "falling"
    default_category = "10002"
    Config: ClassVar[type[DetectorConfig]] = FallingConfig
    min_fps = 5.0

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        super().__init__(zone, config, fps)
        assert isinstance(config, FallingConfig)
        self.cfg = config
        s = zone.sensitivity
        self.threshold = 40.0 - 24.0 * s
        self.min_drop_px = config.min_drop * (1.5 - s) * FRAME_HEIGHT
        self.min_speed_px = config.min_speed * (1.5 - s) * FRAME_HEIGHT
        self.max_step_px = 4.0 * FRAME_HEIGHT / fps  # faster than anything falls a few storeys
        self.bg: np.ndarray | None = None
        self.tracks: list[_Track] = []
        self.recent: deque[tuple[float, np.ndarray]] = deque(maxlen=int(fps * (config.pre_s + 8)) + 2)
        self.pending: list[tuple[_Track, float]] = []  # confirmed falls waiting for their post-roll
        self.kernel = np.ones((3, 3), np.uint8)
        self.inside = (self.mask > 0).astype(np.uint8)

    def feed(self, frame: Frame) -> list[Finding]:
        t = frame.t_s
        self.recent.append((t, frame.bgr.copy()))  # the caller may reuse its buffer
        # colour, not grey: a yellow parcel in front of a beige wall is as bright as the wall
        g = cv2.GaussianBlur(self.crop(frame.bgr), (3, 3), 0).astype(np.float32)
        if self.bg is None:
            self.bg = g
            return []
        diff = max_channel_diff(g, self.bg)
        raw = cv2.threshold(diff, self.threshold, 1, cv2.THRESH_BINARY)[1].astype(np.uint8)
        fg = cv2.morphologyEx(cv2.bitwise_and(raw, self.inside), cv2.MORPH_OPEN, self.kernel)
        cv2.accumulateWeighted(g, self.bg, 0.3, mask=(1 - fg))
        count, _, stats, centroids = cv2.connectedComponentsWithStats(fg, connectivity=8)
        blobs = [
            (float(centroids[i][0]), float(centroids[i][1]), tuple(int(v) for v in stats[i][:4]))
            for i in range(1, count)
            if self.cfg.min_pixels <= stats[i][cv2.CC_STAT_AREA] <= self.cfg.max_pixels
        ]
        out = self._extend(t, blobs, frame.bgr)
        out.extend(self._flush(t))
        return out

    def _extend(
        self, t: float, blobs: list[tuple[float, float, tuple[int, ...]]], bgr: np.ndarray
    ) -> list[Finding]:
        free = list(range(len(blobs)))
        alive: list[_Track] = []
        for track in self.tracks:
            lt, lx, ly, _ = track.last
            best, best_cost = None, float("inf")
            for i in free:
                x, y, _ = blobs[i]
                dy, dx = y - ly, abs(x - lx)
                if 1.0 < dy <= self.max_step_px * (t - lt) * self.fps and dx <= 0.6 * dy + 6:
                    cost = dx + abs(dy - self._expected_dy(track, t))
                    if cost < best_cost:
                        best, best_cost = i, cost
            if best is None:
                self._close(track)
                continue
            free.remove(best)
            x, y, rect = blobs[best]
            track.points.append((t, x, y, rect))  # type: ignore[arg-type]
            if len(track.points) == 2:
                track.frame = bgr
            alive.append(track)
        for i in free:
            x, y, rect = blobs[i]
            alive.append(_Track([(t, x, y, rect)]))  # type: ignore[list-item]
        self.tracks = alive
        return []

    def _expected_dy(self, track: _Track, t: float) -> float:
        if len(track.points) < 2:
            return 0.0
        (t0, _, y0, _), (t1, _, y1, _) = track.points[-2], track.points[-1]
        return (y1 - y0) / max(t1 - t0, 1e-6) * (t - t1)

    def _close(self, track: _Track) -> None:
        points = track.points
        if len(points) < self.cfg.min_points:
            return
        (_, x0, y0, _), (t1, x1, y1, _) = points[0], points[-1]
        drop = y1 - y0
        # a thing dropped starts from rest: its fastest stretch, not its mean, says it fell
        speed = max((b[2] - a[2]) / max(b[0] - a[0], 1e-6) for a, b in itertools.pairwise(points))
        if drop < self.min_drop_px or speed < self.min_speed_px or abs(x1 - x0) > 0.8 * drop:
            return
        self.pending.append((track, t1 + self.cfg.post_s))

    def _flush(self, t: float) -> list[Finding]:
        out = []
        for track, until in list(self.pending):
            if t + 1e-6 < until:
                continue
            self.pending.remove((track, until))
            out.append(self._finding(track))
        return out

    def finish(self, t_s: float) -> list[Finding]:
        for track in self.tracks:
            self._close(track)
        self.tracks = []
        out = [self._finding(track) for track, _ in self.pending]
        self.pending = []
        return out

    def _finding(self, track: _Track) -> Finding:
        points = track.points
        t0, t1 = points[0][0], points[-1][0]
        xs = [p[3][0] for p in points] + [p[3][0] + p[3][2] for p in points]
        ys = [p[3][1] for p in points] + [p[3][1] + p[3][3] for p in points]
        x0, y0 = min(xs), min(ys)
        box = self.box_of(x0, y0, max(xs) - x0, max(ys) - y0)
        drop = (points[-1][2] - points[0][2]) / FRAME_HEIGHT
        confidence = min(1.0, 0.5 + 0.1 * (len(points) - self.cfg.min_points) + drop)
        clip = tuple(
            f for ft, f in self.recent if t0 - self.cfg.pre_s - 1e-6 <= ft <= t1 + self.cfg.post_s + 1e-6
        )
        return Finding(t0, t1, confidence, box, frame=track.frame, clip=clip)
