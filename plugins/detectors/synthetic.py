"""Scripted synthetic street videos with known ground truth, for the detector tests and bench/detectors.py.

Each script is one of the demo's street backgrounds (plugins/video/scenes.py) with traffic that never
repeats (pedestrians on the pavement, vehicles on the road, spawned from a seed) and camera noise, plus
at most one scripted event: a stall that appears and stays, a car that drives in and parks, an object
falling down the facade, smoke from a window, a bin filling with bags. The script knows when its event
happened, so a detector's answer can be scored. `write` renders it through OpenCV's VideoWriter, so the
tests decode a real file the way `gridwatch analytics scan` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gridwatch.plugins.video.scenes import HORIZON, KERB, SCENES, scene

WIDTH, HEIGHT = 640, 360
BGR = tuple[int, int, int]
GRAVITY_PX = 150.0  # px/s²: a storey is ~35 px in these scenes


@dataclass(frozen=True)
class Truth:
    """An event a detector should report: in `zone`, from `start_s` (and confirmed by `end_s`)."""

    detector: str
    zone: str
    start_s: float
    end_s: float


# the zones of a street camera, as fractions; each script uses the ones it needs
ZONES: dict[str, dict[str, Any]] = {
    "pavement": {
        "name": "pavement",
        "detector": "occupancy",
        "category": "09006",
        "polygon": [[0.02, 0.36], [0.7, 0.36], [0.7, 0.595], [0.02, 0.595]],
        "dwell_s": 20,
    },
    "kerbside": {
        "name": "kerbside",
        "detector": "parking",
        "polygon": [[0.05, 0.62], [0.95, 0.62], [0.95, 0.74], [0.05, 0.74]],
        "dwell_s": 20,
    },
    "facade": {
        "name": "facade",
        "detector": "falling",
        "polygon": [[0.05, 0.06], [0.95, 0.06], [0.95, 0.36], [0.05, 0.36]],
        "dwell_s": 0,
    },
    "window": {
        "name": "window",
        "detector": "smoke",
        "polygon": [[0.25, 0.02], [0.62, 0.02], [0.62, 0.4], [0.25, 0.4]],
        "dwell_s": 10,
    },
    "bin": {
        "name": "bin",
        "detector": "bin",
        "polygon": [[0.8, 0.36], [0.95, 0.36], [0.95, 0.6], [0.8, 0.6]],
        "dwell_s": 15,
    },
}


@dataclass(frozen=True)
class _Walker:
    kind: str  # pedestrian | vehicle
    born: float
    x0: float
    y: int
    speed: float  # px/s, signed
    colour: BGR
    size: int


@dataclass
class Script:
    """A synthetic video: `duration_s` long, its zones, its events and what should be found."""

    name: str
    duration_s: float
    zones: list[dict[str, Any]]
    truth: list[Truth]
    scene_index: int = 0
    seed: int = 0
    traffic: float = 1.0  # 1: a busy street
    events: list[Any] = field(default_factory=list)
    noise: float = 2.5
    light: float = 0.0  # amplitude of a slow brightness swing (clouds), a fraction; period 15 minutes

    def __post_init__(self) -> None:
        self.background = scene(self.scene_index % SCENES).background
        rng = np.random.default_rng(self.seed)
        self.walkers = _traffic(rng, self.duration_s, self.traffic)
        self.noise_bank = (
            [rng.normal(0, self.noise, (HEIGHT, WIDTH, 3)).astype(np.int16) for _ in range(8)]
            if self.noise > 0
            else []
        )

    def zone_data(self) -> dict[str, Any]:
        return {"zones": self.zones}

    def frame(self, t: float) -> np.ndarray:
        """The picture at `t` seconds (BGR 640x360)."""
        image = self.background.copy()
        layers: list[tuple[float, Any]] = []
        for w in self.walkers:
            x = w.x0 + w.speed * (t - w.born)
            if t >= w.born and -120 < x < WIDTH + 120:
                layers.append((w.y, (w, x)))
        for event in self.events:
            layers.append((event.depth, event))
        for _, item in sorted(layers, key=lambda pair: pair[0]):
            if isinstance(item, tuple):
                walker, x = item
                _draw_walker(image, walker, int(x), t)
            else:
                item.draw(image, t)
        if self.light:
            gain = 1.0 + self.light * math.sin(2 * math.pi * t / 900.0)
            image = cv2.convertScaleAbs(image, alpha=gain)
        if self.noise_bank:
            noise = self.noise_bank[int(t * 7.3) % len(self.noise_bank)]
            image = np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        return image

    def write(self, path: Path, fps: float = 5.0) -> Path:
        """Render to a video file (MJPG in .avi: in every OpenCV build) at `fps`."""
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
        if not writer.isOpened():
            raise OSError(f"cannot write video {path}")
        try:
            for n in range(round(self.duration_s * fps)):
                writer.write(self.frame(n / fps))
        finally:
            writer.release()
        return path


def _traffic(rng: np.random.Generator, duration: float, density: float) -> list[_Walker]:
    walkers: list[_Walker] = []
    if density <= 0:
        return walkers
    t = -12.0  # the street is already busy at 0
    while t < duration:
        t += float(rng.exponential(2.5 / density))
        direction = 1 if rng.random() < 0.5 else -1
        speed = float(rng.uniform(35, 80)) * direction
        walkers.append(
            _Walker(
                "pedestrian",
                t,
                -30.0 if direction > 0 else WIDTH + 30.0,
                int(rng.integers(HORIZON + 25, KERB - 2)),
                speed,
                _colour(rng),
                int(rng.integers(9, 13)),
            )
        )
    t = -6.0
    while t < duration:
        t += float(rng.exponential(4.0 / density))
        lane = int(rng.integers(0, 2))
        direction = 1 if lane == 0 else -1
        speed = float(rng.uniform(90, 220)) * direction
        y = 282 + 32 * lane + int(rng.integers(0, 8))
        walkers.append(
            _Walker(
                "vehicle",
                t,
                -100.0 if direction > 0 else WIDTH + 100.0,
                min(y, HEIGHT - 8),
                speed,
                _colour(rng),
                int(rng.integers(20, 27)),
            )
        )
    return walkers


def _colour(rng: np.random.Generator, low: int = 30, high: int = 230) -> BGR:
    b, g, r = (int(v) for v in rng.integers(low, high, size=3))
    return (b, g, r)


def _draw_walker(image: np.ndarray, w: _Walker, x: int, t: float) -> None:
    y, s, colour = w.y, w.size, w.colour
    if w.kind == "pedestrian":
        stride = int(4 * math.sin(t * 8 + w.born))
        cv2.line(image, (x, y - s), (x - stride, y), (40, 40, 40), 3)
        cv2.line(image, (x, y - s), (x + stride, y), (40, 40, 40), 3)
        cv2.rectangle(image, (x - s // 2, y - 3 * s), (x + s // 2, y - s), colour, -1)
        cv2.circle(image, (x, y - 3 * s - s // 2), s // 2 + 1, (150, 180, 220), -1)
    else:
        _draw_car(image, x, y, s, colour)


def _draw_car(image: np.ndarray, x: int, y: int, s: int, colour: BGR) -> None:
    length = 3 * s
    cv2.rectangle(image, (x - length, y - s), (x + length, y), colour, -1)
    cv2.rectangle(image, (x - length // 2, y - 2 * s + 4), (x + length // 2, y - s), colour, -1)
    cv2.rectangle(image, (x - length // 2 + 4, y - 2 * s + 8), (x + length // 2 - 4, y - s), (90, 60, 40), -1)
    for wheel in (x - length + s, x + length - s):
        cv2.circle(image, (wheel, y), s // 3 + 2, (20, 20, 20), -1)


# --- events ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stall:
    """A hawker's table with goods and an umbrella, from t0 to t1 (占道经营)."""

    x: int
    y: int  # foot, on the pavement
    t0: float
    t1: float
    colour: BGR = (40, 90, 200)

    @property
    def depth(self) -> float:
        return self.y

    def draw(self, image: np.ndarray, t: float) -> None:
        if not self.t0 <= t < self.t1:
            return
        x, y = self.x, self.y
        cv2.rectangle(image, (x - 30, y - 18), (x + 30, y - 14), (30, 60, 90), -1)  # table top
        cv2.line(image, (x - 26, y - 14), (x - 26, y), (30, 40, 50), 3)
        cv2.line(image, (x + 26, y - 14), (x + 26, y), (30, 40, 50), 3)
        for i, dx in enumerate((-24, -8, 8)):
            shade = tuple(int(c * (0.7 + 0.15 * i)) for c in self.colour)
            cv2.rectangle(image, (x + dx, y - 30), (x + dx + 14, y - 18), shade, -1)
        cv2.line(image, (x, y - 18), (x, y - 50), (60, 60, 60), 2)
        cv2.fillConvexPoly(
            image, np.array([[x - 34, y - 48], [x + 34, y - 48], [x, y - 62]], np.int32), (60, 60, 200)
        )


@dataclass(frozen=True)
class ParkedCar:
    """A car that drives in from the left, stands at x from `t_stop` to `t_go`, then drives off."""

    x: int
    y: int
    t_stop: float
    t_go: float
    colour: BGR = (160, 60, 30)
    size: int = 22
    speed: float = 140.0

    @property
    def depth(self) -> float:
        return self.y

    def position(self, t: float) -> float:
        if t < self.t_stop:
            return self.x - self.speed * (self.t_stop - t)
        if t < self.t_go:
            return float(self.x)
        return self.x + self.speed * (t - self.t_go)

    def draw(self, image: np.ndarray, t: float) -> None:
        x = self.position(t)
        if -120 < x < WIDTH + 120:
            _draw_car(image, int(x), self.y, self.size, self.colour)


@dataclass(frozen=True)
class Fall:
    """Something dropped from a window at (x, y0) at t0, landing on the pavement at y1 (高空抛物)."""

    x: int
    y0: int
    y1: int
    t0: float
    size: int = 7
    colour: BGR = (30, 30, 160)
    drift: float = 6.0  # px/s sideways
    lowered: float | None = None  # px/s: let down slowly on a rope (a banner, a basket), not dropped

    @property
    def depth(self) -> float:
        return 1e9  # in front of everything

    def position(self, t: float) -> tuple[float, float]:
        dt = t - self.t0
        fallen = self.lowered * dt if self.lowered is not None else 0.5 * GRAVITY_PX * dt * dt
        y = min(self.y0 + fallen, float(self.y1))
        return self.x + self.drift * dt, y

    def time_at(self, y: float) -> float:
        return self.t0 + math.sqrt(2 * max(y - self.y0, 0) / GRAVITY_PX)

    def draw(self, image: np.ndarray, t: float) -> None:
        if t < self.t0:
            return
        x, y = self.position(t)
        s = self.size
        cv2.rectangle(image, (int(x) - s, int(y) - s), (int(x) + s, int(y) + s), self.colour, -1)


@dataclass(frozen=True)
class Smoke:
    """Grey smoke billowing up from (x, y) from t0 to t1 (烟雾火情)."""

    x: int
    y: int
    t0: float
    t1: float
    grey: int = 205

    @property
    def depth(self) -> float:
        return 1e9

    def draw(self, image: np.ndarray, t: float) -> None:
        if t < self.t0:
            return
        overlay = image.copy()
        drawn = False
        born = self.t0
        while born <= min(t, self.t1):
            age = t - born
            if age < 6.0:
                cx = self.x + 10 * math.sin(born * 3.1 + age * 1.7)
                cy = self.y - 18 * age
                r = int(8 + 7 * age)
                shade = self.grey - int(4 * math.sin(born * 5))
                cv2.circle(overlay, (int(cx), int(cy)), r, (shade, shade, shade), -1, cv2.LINE_AA)
                drawn = True
            born += 0.35
        if drawn:
            cv2.addWeighted(overlay, 0.65, image, 0.35, 0, dst=image)


@dataclass(frozen=True)
class Bin:
    """A street bin at (x, y) (foot); from `t0` bags pile on and around it until `t_full`, and stay
    until `t_emptied` (垃圾满溢)."""

    x: int
    y: int
    t0: float
    t_full: float
    t_emptied: float = 1e9
    bags: int = 7

    @property
    def depth(self) -> float:
        return self.y

    def draw(self, image: np.ndarray, t: float) -> None:
        x, y = self.x, self.y
        cv2.rectangle(image, (x - 14, y - 40), (x + 14, y), (40, 110, 40), -1)
        cv2.rectangle(image, (x - 16, y - 44), (x + 16, y - 40), (30, 80, 30), -1)
        if not self.t0 <= t < self.t_emptied:
            return
        shown = min(self.bags, 1 + int((t - self.t0) / max(self.t_full - self.t0, 1e-6) * (self.bags - 1)))
        spots = [(0, -50), (-10, -48), (10, -47), (-24, -6), (24, -7), (-22, -20), (22, -22), (0, -60)]
        for i in range(shown):
            dx, dy = spots[i % len(spots)]
            colour = (30, 30, 30) if i % 2 == 0 else (200, 160, 60)
            cv2.ellipse(image, (x + dx, y + dy), (11, 9), 0, 0, 360, colour, -1)


# --- the scripts -------------------------------------------------------------------------------------


def stall_script(
    seed: int = 0, *, stay_s: float = 40.0, scene_index: int = 0, traffic: float = 1.0
) -> Script:
    rng = np.random.default_rng(seed)
    t0 = float(rng.uniform(12, 16))
    dwell = ZONES["pavement"]["dwell_s"]
    x = int(rng.integers(60, 400))
    y = int(rng.integers(HORIZON + 45, KERB - 4))
    colour = _colour(rng, 20, 220)
    truth = [Truth("occupancy", "pavement", t0, t0 + dwell)] if stay_s > dwell + 2 else []
    return Script(
        f"stall-{seed}",
        t0 + stay_s + 6,
        [ZONES["pavement"]],
        truth,
        scene_index,
        seed,
        traffic,
        [Stall(x, y, t0, t0 + stay_s, colour)],
    )


def parking_script(
    seed: int = 0, *, stay_s: float = 40.0, scene_index: int = 0, traffic: float = 1.0
) -> Script:
    rng = np.random.default_rng(seed)
    t0 = float(rng.uniform(12, 16))
    dwell = ZONES["kerbside"]["dwell_s"]
    car = ParkedCar(
        int(rng.integers(120, 520)),
        int(rng.integers(256, 262)),
        t0,
        t0 + stay_s,
        _colour(rng, 20, 220),
        int(rng.integers(20, 25)),
    )
    truth = [Truth("parking", "kerbside", t0, t0 + dwell)] if stay_s > dwell + 2 else []
    return Script(
        f"parking-{seed}", t0 + stay_s + 8, [ZONES["kerbside"]], truth, scene_index, seed, traffic, [car]
    )


def falling_script(seed: int = 0, *, drop: bool = True, scene_index: int = 0, traffic: float = 1.0) -> Script:
    rng = np.random.default_rng(seed)
    t0 = float(rng.uniform(5, 8))
    x = int(rng.integers(60, 580))
    y0 = int(rng.integers(24, 50))
    fall = Fall(
        x, y0, KERB - 10, t0, int(rng.integers(5, 9)), _colour(rng, 20, 200), float(rng.uniform(-8, 8))
    )
    bottom = ZONES["facade"]["polygon"][2][1] * (HEIGHT - 1)
    truth = [Truth("falling", "facade", t0, fall.time_at(bottom))] if drop else []
    if not drop:  # the same thing let down slowly on a rope: no 高空抛物
        fall = Fall(fall.x, fall.y0, fall.y1, t0, fall.size, fall.colour, 0.0, float(rng.uniform(10, 25)))
    return Script(
        f"falling-{seed}",
        t0 + (6 if drop else 12),
        [ZONES["facade"]],
        truth,
        scene_index,
        seed,
        traffic,
        [fall],
    )


def smoke_script(
    seed: int = 0, *, last_s: float = 25.0, scene_index: int = 0, traffic: float = 1.0
) -> Script:
    rng = np.random.default_rng(seed)
    t0 = float(rng.uniform(8, 12))
    dwell = ZONES["window"]["dwell_s"]
    smoke = Smoke(
        int(rng.integers(200, 370)), int(rng.integers(120, 140)), t0, t0 + last_s, int(rng.integers(170, 225))
    )
    truth = [Truth("smoke", "window", t0, t0 + dwell)] if last_s > dwell + 3 else []
    return Script(
        f"smoke-{seed}", t0 + last_s + 5, [ZONES["window"]], truth, scene_index, seed, traffic, [smoke]
    )


def bin_script(seed: int = 0, *, fill: bool = True, scene_index: int = 0, traffic: float = 1.0) -> Script:
    rng = np.random.default_rng(seed)
    t0 = float(rng.uniform(12, 16))
    dwell = ZONES["bin"]["dwell_s"]
    x = int(rng.integers(545, 585))
    y = KERB - int(rng.integers(4, 10))
    truth = [Truth("bin", "bin", t0 + 2, t0 + 2 + dwell)] if fill else []
    bags = Bin(x, y, t0, t0 + 4, 1e9 if fill else t0 + 6)
    return Script(f"bin-{seed}", t0 + dwell + 14, [ZONES["bin"]], truth, scene_index, seed, traffic, [bags])


def busy_script(
    seed: int = 0,
    *,
    duration_s: float = 120.0,
    scene_index: int = 0,
    traffic: float = 1.6,
    light: float = 0.0,
) -> Script:
    """A busy street with every zone watched and nothing to find; a plain bin stands in the bin zone."""
    rng = np.random.default_rng(seed)
    bin_ = Bin(int(rng.integers(545, 585)), KERB - 6, 1e9, 1e9)
    return Script(
        f"busy-{seed}", duration_s, list(ZONES.values()), [], scene_index, seed, traffic, [bin_], light=light
    )


KINDS = ("occupancy", "parking", "falling", "smoke", "bin")


def variant(kind: str, seed: int, *, positive: bool = True, traffic: float = 1.0) -> Script:
    """Script number `seed` for a detector `kind`, on scene `seed`: with its event (`positive`), or with a
    near miss that must not be reported (a stall packed up before the dwell time, a car stopping briefly, a
    basket let down on a rope, a puff of smoke, bags put down and taken away)."""
    scene_index = seed % SCENES
    if kind == "occupancy":
        return stall_script(seed, stay_s=40 if positive else 12, scene_index=scene_index, traffic=traffic)
    if kind == "parking":
        return parking_script(seed, stay_s=40 if positive else 10, scene_index=scene_index, traffic=traffic)
    if kind == "falling":
        return falling_script(seed, drop=positive, scene_index=scene_index, traffic=traffic)
    if kind == "smoke":
        return smoke_script(seed, last_s=25 if positive else 5, scene_index=scene_index, traffic=traffic)
    if kind == "bin":
        return bin_script(seed, fill=positive, scene_index=scene_index, traffic=traffic)
    raise ValueError(f"no script for {kind!r}; kinds: {', '.join(KINDS)}")
