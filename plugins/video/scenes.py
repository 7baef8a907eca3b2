"""Synthetic street scenes for the demo cameras, drawn with OpenCV from a seed.

Each scene is a fixed street (sky, shop fronts with signs, a pavement, a road) plus things that move:
pedestrians on the pavement, vehicles on the road, goods boxes pushed along the kerb. Every mover's
position is periodic in the loop length, so a file that loops plays without a jump. A scene label and a
loop timecode are burnt into each frame, so a test (or an operator) can tell frames apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

WIDTH, HEIGHT = 640, 360
FPS = 15
LOOP_S = 10
SCENES = 8

HORIZON = 150  # shop fronts end, pavement starts
KERB = 215  # pavement ends, road starts
FONT = cv2.FONT_HERSHEY_SIMPLEX
SHOP_SIGNS = ("NOODLES", "PHARMACY", "FRUIT", "BAKERY", "MOBILE", "TEA", "HOTPOT", "MARKET", "BANK", "SHOES")
BGR = tuple[int, int, int]


@dataclass(frozen=True)
class Mover:
    """Something crossing the picture: `laps` full crossings per loop, so the loop is seamless."""

    kind: str  # pedestrian | vehicle | box
    y: int
    phase: float  # 0..1, where along its crossing it starts
    laps: int  # crossings per loop; negative: right to left
    colour: BGR
    size: int

    def x(self, t: float) -> int:
        span = WIDTH + 2 * self.size * 3
        position = (self.phase + self.laps * t / LOOP_S) % 1.0
        return int(position * span) - self.size * 3


@dataclass(frozen=True)
class Scene:
    index: int
    background: np.ndarray
    movers: tuple[Mover, ...]

    def frame(self, n: int) -> np.ndarray:
        """Frame `n` of the loop (BGR, HEIGHT x WIDTH)."""
        t = (n % (FPS * LOOP_S)) / FPS
        image = self.background.copy()
        for mover in sorted(self.movers, key=lambda m: m.y):  # farther (higher) first
            _draw_mover(image, mover, mover.x(t), t)
        label = f"DEMO SCENE {self.index + 1}"
        timecode = f"{int(t):02d}.{int(t * 10) % 10}s"
        for text, org in ((label, (10, HEIGHT - 12)), (timecode, (WIDTH - 90, HEIGHT - 12))):
            cv2.putText(image, text, (org[0] + 1, org[1] + 1), FONT, 0.55, (0, 0, 0), 2, cv2.LINE_AA)
            cv2.putText(image, text, org, FONT, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
        return image

    def frames(self) -> Iterator[np.ndarray]:
        for n in range(FPS * LOOP_S):
            yield self.frame(n)


def scene(index: int) -> Scene:
    """Scene `index` (0 ≤ index < SCENES): the same picture on every machine and every run."""
    rng = np.random.default_rng(1000 + index)
    dusk = index % 3 == 2
    return Scene(index, _background(rng, dusk), tuple(_movers(rng, busy=1 + index % 3)))


def _colour(rng: np.random.Generator, low: int = 40, high: int = 230) -> BGR:
    b, g, r = (int(v) for v in rng.integers(low, high, size=3))
    return (b, g, r)


def _background(rng: np.random.Generator, dusk: bool) -> np.ndarray:
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    sky_top, sky_bottom = ((90, 50, 40), (120, 110, 160)) if dusk else ((230, 190, 140), (245, 225, 200))
    for y in range(40):
        w = y / 40
        image[y] = [int(a * (1 - w) + b * w) for a, b in zip(sky_top, sky_bottom, strict=True)]
    x = 0
    while x < WIDTH:  # shop fronts: a wall, a coloured sign, a window or an open door
        width = int(rng.integers(80, 140))
        wall = _colour(rng, 90, 200)
        cv2.rectangle(image, (x, 20 + int(rng.integers(0, 20))), (x + width, HORIZON), wall, -1)
        sign = _colour(rng, 30, 255)
        cv2.rectangle(image, (x + 6, 50), (x + width - 6, 74), sign, -1)
        name = SHOP_SIGNS[int(rng.integers(len(SHOP_SIGNS)))]
        ink = (255, 255, 255) if sum(sign) < 380 else (20, 20, 20)
        cv2.putText(image, name, (x + 10, 68), FONT, 0.5, ink, 1, cv2.LINE_AA)
        glass = (60, 50, 40) if dusk else (150, 130, 110)
        cv2.rectangle(image, (x + 10, 84), (x + width // 2, HORIZON - 4), glass, -1)
        cv2.rectangle(image, (x + width // 2 + 8, 90), (x + width - 10, HORIZON), (40, 40, 50), -1)
        if dusk:  # lit shop windows
            cv2.rectangle(image, (x + 14, 88), (x + width // 2 - 4, 110), (120, 210, 250), -1)
        cv2.line(image, (x + width, 20), (x + width, HORIZON), (60, 60, 60), 1)
        x += width
    image[HORIZON:KERB] = (150, 155, 160) if not dusk else (95, 95, 105)  # pavement
    for y in range(HORIZON + 16, KERB, 16):
        cv2.line(image, (0, y), (WIDTH, y), (125, 130, 135), 1)
    for x in range(0, WIDTH, 32):
        cv2.line(image, (x, HORIZON), (x - 12, KERB), (125, 130, 135), 1)
    image[KERB : KERB + 5] = (200, 200, 200)  # kerb stone
    image[KERB + 5 :] = (70, 70, 72) if not dusk else (45, 45, 50)  # road
    for x in range(0, WIDTH, 80):
        cv2.rectangle(image, (x, 285), (x + 40, 290), (230, 230, 230), -1)
    if dusk:
        for x in range(60, WIDTH, 200):  # street lamps
            cv2.line(image, (x, KERB), (x, 110), (40, 40, 40), 3)
            cv2.circle(image, (x, 108), 7, (170, 240, 255), -1)
    return image


def _movers(rng: np.random.Generator, busy: int) -> Iterator[Mover]:
    for _ in range(3 + 2 * busy):
        laps = int(rng.choice([-1, 1]))
        yield Mover(
            "pedestrian",
            int(rng.integers(HORIZON + 25, KERB - 2)),
            float(rng.random()),
            laps,
            _colour(rng),
            int(rng.integers(9, 13)),
        )
    for lane in range(busy + 1):
        laps = (1 if lane % 2 == 0 else -1) * int(rng.integers(1, 3))
        y = 270 + 35 * (lane % 2) + int(rng.integers(0, 10))
        yield Mover(
            "vehicle", min(y, HEIGHT - 10), float(rng.random()), laps, _colour(rng), int(rng.integers(22, 30))
        )
    for _ in range(busy):
        yield Mover("box", KERB - 4, float(rng.random()), 1, (40, 90, 150), int(rng.integers(10, 16)))


def _draw_mover(image: np.ndarray, mover: Mover, x: int, t: float) -> None:
    y, s, colour = mover.y, mover.size, mover.colour
    if mover.kind == "pedestrian":
        stride = int(4 * np.sin(t * 8 + mover.phase * 6))  # legs swing
        cv2.line(image, (x, y - s), (x - stride, y), (40, 40, 40), 3)
        cv2.line(image, (x, y - s), (x + stride, y), (40, 40, 40), 3)
        cv2.rectangle(image, (x - s // 2, y - 3 * s), (x + s // 2, y - s), colour, -1)
        cv2.circle(image, (x, y - 3 * s - s // 2), s // 2 + 1, (150, 180, 220), -1)
    elif mover.kind == "vehicle":
        length = 3 * s
        cv2.rectangle(image, (x - length, y - s), (x + length, y), colour, -1)
        cv2.rectangle(image, (x - length // 2, y - 2 * s + 4), (x + length // 2, y - s), colour, -1)
        cv2.rectangle(
            image, (x - length // 2 + 4, y - 2 * s + 8), (x + length // 2 - 4, y - s), (90, 60, 40), -1
        )
        for wheel in (x - length + s, x + length - s):
            cv2.circle(image, (wheel, y), s // 3 + 2, (20, 20, 20), -1)
    else:  # a stack of goods boxes on a trolley, pushed along the kerb
        for level in range(2):
            top = y - (level + 1) * s
            cv2.rectangle(image, (x - s, top), (x + s, top + s), colour, -1)
            cv2.rectangle(image, (x - s, top), (x + s, top + s), (20, 50, 90), 1)
            cv2.line(image, (x - s, top + s // 2), (x + s, top + s // 2), (120, 170, 210), 2)
