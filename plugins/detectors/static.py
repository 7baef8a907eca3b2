"""Detectors of something that appears in a zone and stays: goods or a stall (occupancy), a parked vehicle
(parking), a bin that stays changed (bin).

One engine, three settings. Each zone keeps a background (the median of its first frames, then updated
slowly where nothing is in front of it, with the zone's global brightness offset removed so a cloud or
dusk is not an object). A pixel that differs from the background is foreground; a pixel that has been
foreground in most frames since it became so (and has looked the same, give or take a passer-by in
front of it), for `dwell_s`, is *staying*. Passers-by and traffic are
foreground at a pixel for a moment and never stay; a stall does. When the staying area passes the zone's
threshold the event is confirmed (start: when its pixels first changed; end: now). It re-arms once the
area clears. A thing that stays longer than `absorb_s` becomes background; the old background is kept so
that when the thing leaves, the bare ground it uncovers is recognised instead of reported as new.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import cv2
import numpy as np
from pydantic import Field

from gridwatch.plugins.detectors.api import Detector, DetectorConfig, Finding, Frame, Zone

SCALE = 2  # zones are analysed at half resolution: a stall is tens of pixels, noise is one


class StaticConfig(DetectorConfig):
    min_area: float = Field(0.03, gt=0, le=1, description="staying area / zone area")
    min_pixels: int = Field(150, ge=1, description="staying area in 640x360 pixels, at least")
    warmup_s: float = Field(8.0, ge=0, le=600, description="first seconds that build the background")
    absorb_s: float = Field(1800.0, gt=0, description="after this long a staying thing becomes background")
    gap_s: float = Field(
        1.5,
        ge=0,
        le=60,
        description="a pixel hidden this long (e.g. behind a passer-by) still counts as staying",
    )


class ParkingConfig(StaticConfig):
    min_area: float = Field(0.06, gt=0, le=1)
    min_pixels: int = Field(400, ge=1)
    vehicle: Literal["motor", "non_motor"] = "motor"  # 09009 机动车乱停放 or 09010 非机动车乱停放


class BinConfig(StaticConfig):
    min_area: float = Field(0.1, gt=0, le=1, description="changed part of the bin zone")
    min_pixels: int = Field(100, ge=1)
    absorb_s: float = Field(4 * 3600.0, gt=0)


def max_channel_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| of two BGR float32 images, the largest of the three channels (OpenCV: no numpy reduce)."""
    c0, c1, c2 = cv2.split(cv2.absdiff(a, b))
    return cv2.max(cv2.max(c0, c1), c2)


def scaled_zone(mask: np.ndarray) -> tuple[tuple[int, int], np.ndarray]:
    """The zone's (width, height) at 1/SCALE and its mask (255 inside) at that size: the detectors that
    look at the zone at reduced resolution all cut it the same way, so a pixel means the same in each."""
    h, w = mask.shape[:2]
    size = (max(w // SCALE, 1), max(h // SCALE, 1))
    return size, cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)


class StaticChangeDetector(Detector):
    """The shared engine (see the module docstring)."""

    Config: ClassVar[type[DetectorConfig]] = StaticConfig

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        super().__init__(zone, config, fps)
        assert isinstance(config, StaticConfig)
        self.cfg = config
        self.size, self.inside8 = scaled_zone(self.mask)
        self.inside = self.inside8 > 0
        self.calm = self.inside8.copy()  # pixels nothing stood on last frame (where light is measured)
        self.inside_count = max(int(self.inside.sum()), 1)
        s = zone.sensitivity
        self.threshold = 38.0 - 24.0 * s  # levels in any of B, G, R; 0.5 -> 26
        area = config.min_area * (1.5 - s)  # fraction of the zone
        self.min_staying = max(area * self.inside_count, config.min_pixels / SCALE**2)
        self.warmup: list[np.ndarray] = []
        self.bg: np.ndarray | None = None
        self.old_bg: np.ndarray | None = None
        shape = (self.size[1], self.size[0])  # per pixel state
        self.since = np.full(shape, np.nan, np.float32)
        self.last_fg = np.full(shape, -np.inf, np.float32)
        self.hits = np.zeros(shape, np.float32)
        self.look = np.zeros((*shape, 3), np.float32)  # what the pixel looked like when it changed
        self.other_since = np.full(shape, np.nan, np.float32)  # since when it looks different again
        self.reported: np.ndarray | None = None  # the staying pixels of the last event, until they clear
        self.reported_near: np.ndarray | None = None  # and around them
        self.t0: float | None = None
        self.kernel = np.ones((3, 3), np.uint8)

    def _small(self, frame: Frame) -> np.ndarray:
        """The zone at half resolution, in colour: a red car on a grey road is as bright as the road."""
        crop = self.crop(frame.bgr)
        small = cv2.resize(crop, self.size, interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)

    def feed(self, frame: Frame) -> list[Finding]:
        t = frame.t_s
        g = self._small(frame)
        if self.t0 is None:
            self.t0 = t
        if self.bg is None:
            self.warmup.append(g)
            if t - self.t0 < self.cfg.warmup_s or len(self.warmup) < 3:
                return []
            self.bg = np.median(np.stack(self.warmup), axis=0).astype(np.float32)
            self.warmup = []
            return []
        bg = self.bg
        # a light change (a cloud, dusk) shifts the whole zone: measured where nothing was last frame
        delta = (g - bg)[::3, ::3][self.calm[::3, ::3] > 0]
        offset = np.median(delta, axis=0).astype(np.float32) if len(delta) > 20 else np.zeros(3, np.float32)
        diff = max_channel_diff(g, bg + offset)
        fg8 = cv2.threshold(diff, self.threshold, 255, cv2.THRESH_BINARY)[1].astype(np.uint8)
        if self.old_bg is not None:  # bare ground uncovered after an absorbed thing left: a ghost
            ghost = (fg8 > 0) & (max_channel_diff(g, self.old_bg + offset) <= self.threshold)
            if ghost.any():
                np.copyto(bg, g - offset, where=ghost[..., None])
                np.copyto(self.old_bg, np.float32(-1e6), where=ghost[..., None])
                fg8[ghost] = 0
        opened = cv2.bitwise_and(cv2.morphologyEx(fg8, cv2.MORPH_OPEN, self.kernel), self.inside8)
        fg = opened > 0
        self.calm = cv2.bitwise_xor(opened, self.inside8)
        # slow background update where nothing is in front of it
        cv2.accumulateWeighted(g - offset, bg, min(0.05, 1.0 / (self.fps * 30.0)), mask=self.calm)

        since, hits, other_since = self.since, self.hits, self.other_since
        fresh = fg & np.isnan(since)
        np.putmask(since, fresh, t)
        np.putmask(hits, fresh, 0)
        np.copyto(self.look, g, where=fresh[..., None])
        # a different thing where another was (a passer-by, then the bags): once the new look has lasted
        # longer than a passer-by hides a thing (`gap_s`), the pixel's clock restarts from when it changed
        other = fg & ~fresh & (max_channel_diff(g, self.look) > self.threshold)
        np.putmask(other_since, fg & ~other, np.nan)
        np.putmask(other_since, other & np.isnan(other_since), t)
        with np.errstate(invalid="ignore"):
            renewed = other & (t - other_since > self.cfg.gap_s)
        if renewed.any():
            np.copyto(since, other_since, where=renewed)
            np.copyto(hits, np.floor((t - other_since) * self.fps), where=renewed)
            np.copyto(self.look, g, where=renewed[..., None])
            np.putmask(other_since, renewed, np.nan)
        hits += fg
        np.putmask(self.last_fg, fg, t)
        gone = ~fg & (t - self.last_fg > self.cfg.gap_s)
        np.putmask(since, gone, np.nan)
        np.putmask(hits, gone, 0)
        np.putmask(other_since, gone, np.nan)

        age = t - since  # nan where not foreground
        with np.errstate(invalid="ignore"):
            steady = hits >= 0.7 * (age * self.fps + 1)
            staying = fg & steady & (age >= self.zone.dwell_s)
            absorb = fg & (age >= self.cfg.absorb_s)
        if absorb.any():
            if self.old_bg is None:
                self.old_bg = np.full_like(bg, -1e6)
            np.copyto(self.old_bg, bg, where=absorb[..., None])
            np.copyto(bg, g - offset, where=absorb[..., None])
            np.putmask(since, absorb, np.nan)
            np.putmask(hits, absorb, 0)

        if self.reported is not None:  # re-arm once the reported thing has mostly gone
            still = np.count_nonzero(fg & self.reported)
            if still < 0.3 * np.count_nonzero(self.reported):  # gone: what is there now starts afresh
                assert self.reported_near is not None
                self.since[self.reported_near] = np.nan
                self.hits[self.reported_near] = 0
                staying &= ~self.reported_near
                self.reported = None
                self.reported_near = None
            else:  # the same thing, seen better now (a passer-by moved away), is not a second event
                assert self.reported_near is not None
                staying &= ~self.reported_near
        count = int(np.count_nonzero(staying))
        if count < self.min_staying:
            return []
        ys, xs = np.nonzero(staying)
        x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        start = float(np.median(self.since[staying]))
        contrast = float(np.mean(diff[staying])) / (self.threshold * 2)
        confidence = min(1.0, 0.5 + 0.25 * min(count / self.min_staying - 1, 1) + 0.25 * min(contrast, 1))
        self.reported = staying | (self.reported if self.reported is not None else False)
        near = np.zeros_like(staying)
        rx, ry, rw, rh = cv2.boundingRect(self.reported.astype(np.uint8))
        mx, my = rw // 2 + 2, rh // 2 + 2
        near[max(ry - my, 0) : ry + rh + my, max(rx - mx, 0) : rx + rw + mx] = True
        self.reported_near = near
        box = self.box_of(x0, y0, x1 - x0, y1 - y0, SCALE)
        return [Finding(start_s=start, end_s=t, confidence=confidence, box=box, category=self._category())]

    def _category(self) -> str | None:
        return None


class OccupancyDetector(StaticChangeDetector):
    """Goods or a stall staying in a zone: 占道经营 (09006) by default; a zone's category says 店外经营
    (09005), 乱堆物料 (06036 乱堆杂物) or 沿街晾晒 where that is what the zone watches."""

    type_key = "occupancy"
    default_category = "09006"
    Config = StaticConfig


class ParkingDetector(StaticChangeDetector):
    """A vehicle standing in a no-parking zone: 机动车乱停放 (09009), or 非机动车乱停放 (09010) with
    `vehicle: non_motor`."""

    type_key = "parking"
    default_category = "09009"
    Config = ParkingConfig

    def _category(self) -> str | None:
        assert isinstance(self.cfg, ParkingConfig)
        return None if self.zone.category else ("09010" if self.cfg.vehicle == "non_motor" else "09009")


class BinDetector(StaticChangeDetector):
    """A bin zone that stays changed (bags piled on and around it): 垃圾满溢 (06042). The zone is drawn
    round the bin and its foot; the background is the bin emptied, kept for hours."""

    type_key = "bin"
    default_category = "06042"
    Config = BinConfig
