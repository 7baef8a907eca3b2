"""烟雾火情: smoke or fire colour that moves, in most frames for `dwell_s`.

A pixel is smoke-like when it has changed from the zone's background, is grey (low saturation) and not
dark; fire-like when it is bright, saturated red-orange-yellow. A frame counts when enough of the zone is
smoke- or fire-like AND part of that area moves from the previous frame (smoke drifts and billows; a
grey wall, a parked grey car or a lit sign does not). The event is confirmed when the zone has counted
in at least `min_share` of the frames for `dwell_s`; it re-arms after `dwell_s` without any.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

import cv2
import numpy as np
from pydantic import Field

from gridwatch.plugins.detectors.api import Detector, DetectorConfig, Finding, Frame, Zone
from gridwatch.plugins.detectors.static import SCALE, max_channel_diff, scaled_zone


class SmokeConfig(DetectorConfig):
    min_area: float = Field(0.05, gt=0, le=1, description="smoke/fire area / zone area")
    min_share: float = Field(0.7, gt=0, le=1, description="share of the frames that must count")
    max_saturation: int = Field(70, ge=0, le=255, description="smoke is grey: HSV S at most")
    min_value: int = Field(80, ge=0, le=255, description="smoke is not dark: HSV V at least")
    warmup_s: float = Field(5.0, ge=0, le=600)


class SmokeDetector(Detector):
    type_key = "smoke"
    default_category = "10001"
    Config: ClassVar[type[DetectorConfig]] = SmokeConfig

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        super().__init__(zone, config, fps)
        assert isinstance(config, SmokeConfig)
        self.cfg = config
        self.size, inside8 = scaled_zone(self.mask)
        self.inside = inside8 > 0
        inside_count = max(int(self.inside.sum()), 1)
        s = zone.sensitivity
        self.threshold = 24.0 - 24.0 * s  # smoke is faint: 0.5 -> 12 levels in any of B, G, R
        self.min_pixels = config.min_area * (1.5 - s) * inside_count
        self.warmup: list[np.ndarray] = []
        self.t0: float | None = None
        self.bg: np.ndarray | None = None
        self.prev: np.ndarray | None = None
        window = max(round(max(zone.dwell_s, 1.0) * fps), 1)
        self.history: deque[tuple[float, bool]] = deque(maxlen=window)
        self.episode_start: float | None = None
        self.last_hit = -np.inf
        self.reported = False
        self.box: tuple[int, int, int, int] | None = None

    def feed(self, frame: Frame) -> list[Finding]:
        t = frame.t_s
        small8 = cv2.resize(self.crop(frame.bgr), self.size, interpolation=cv2.INTER_AREA)
        small = small8.astype(np.float32)
        if self.t0 is None:
            self.t0 = t
        if self.bg is None:
            self.warmup.append(small)
            self.prev = small
            if t - self.t0 >= self.cfg.warmup_s and len(self.warmup) >= 3:
                self.bg = np.median(np.stack(self.warmup), axis=0).astype(np.float32)
                self.warmup = []
            return []
        hsv = cv2.cvtColor(small8, cv2.COLOR_BGR2HSV)
        sat, val, hue = hsv[..., 1], hsv[..., 2], hsv[..., 0]
        # in colour: thin grey smoke over a green wall shifts each channel a little, the grey hardly
        changed = (max_channel_diff(small, self.bg) > self.threshold) & self.inside
        smoke = changed & (sat <= self.cfg.max_saturation) & (val >= self.cfg.min_value)
        fire = changed & ((hue <= 25) | (hue >= 170)) & (sat >= 120) & (val >= 180)
        suspect = smoke | fire
        assert self.prev is not None
        moving = suspect & (max_channel_diff(small, self.prev) > 4.0)
        self.prev = small
        count = int(np.count_nonzero(suspect))
        hit = bool(count >= self.min_pixels and np.count_nonzero(moving) >= 0.1 * count)
        calm = ~changed & self.inside
        self.bg[calm] += 0.02 * (small[calm] - self.bg[calm])
        self.history.append((t, hit))
        if hit:
            if self.episode_start is None:
                self.episode_start = t
            self.last_hit = t
            ys, xs = np.nonzero(suspect)
            self.box = (
                int(xs.min()),
                int(ys.min()),
                int(xs.max() - xs.min()) + 1,
                int(ys.max() - ys.min()) + 1,
            )
        elif t - self.last_hit > max(self.zone.dwell_s, 5.0):
            self.episode_start = None
            self.reported = False
        if self.reported or self.episode_start is None or self.box is None:
            return []
        if t - self.episode_start < self.zone.dwell_s:
            return []
        recent = [h for ht, h in self.history if ht >= self.episode_start]
        share = sum(recent) / max(len(recent), 1)
        if share < self.cfg.min_share:
            return []
        self.reported = True
        start = next(ht for ht, h in self.history if h and ht >= self.episode_start)
        confidence = min(1.0, 0.4 + 0.6 * share)
        box = self.box_of(*self.box, scale=SCALE)
        return [Finding(start, t, confidence, box)]
