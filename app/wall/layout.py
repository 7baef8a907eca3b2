"""Wall layouts and tours as plain values (no Qt): what goes on which tile of which monitor.

A layout is the JSON `gridwatch.db.wall` stores, `{"screens": [{"tiles": 4, "cameras": [code|None]}]}`.
Tiles are named "screen/tile", both counted from 1, as `WallState.alarm_tile` and preset tours are.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from gridwatch.db.wall import TILE_COUNTS

DEFAULT_TILES = 4
SUBSTREAM_FROM_TILES = 9  # tiles this small (a third of a monitor or less) play the camera's sub-stream
PUSH_FROM = "1/1"
"""Where a desk's "to wall" starts looking for a tile: the first one that is neither the alarm tile nor
toured, so a push and an alarm never take each other's tile (issue 9)."""


@dataclass(frozen=True)
class TileRef:
    screen: int  # 0-based
    tile: int  # 0-based

    @classmethod
    def parse(cls, text: str) -> TileRef:
        """ "2/3" → screen 2, tile 3 (1-based in text, 0-based here)."""
        try:
            screen, tile = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"a tile is 'screen/tile', e.g. '1/3', not {text!r}") from None
        if screen < 1 or tile < 1:
            raise ValueError(f"screens and tiles count from 1: {text!r}")
        return cls(screen - 1, tile - 1)

    def __str__(self) -> str:
        return f"{self.screen + 1}/{self.tile + 1}"


@dataclass(frozen=True)
class Tour:
    """Cycles `group` on one tile, a camera every `every_s` seconds."""

    tile: TileRef
    group: tuple[str, ...]
    every_s: float


def screens_of(layout: dict[str, Any]) -> list[tuple[int, list[str | None]]]:
    """Each screen's tile count and one camera (or None) per tile."""
    out = []
    for screen in layout.get("screens", []):
        tiles = int(screen["tiles"])
        if tiles not in TILE_COUNTS:
            raise ValueError(f"{tiles} tiles: choose one of {TILE_COUNTS}")
        cameras = list(screen.get("cameras", []))[:tiles]
        out.append((tiles, cameras + [None] * (tiles - len(cameras))))
    return out


def default_layout(cameras: list[str], screens: int) -> dict[str, Any]:
    """No state stored yet: four tiles per monitor, the first cameras in order."""
    return {
        "screens": [
            {"tiles": DEFAULT_TILES, "cameras": cameras[n * DEFAULT_TILES : (n + 1) * DEFAULT_TILES]}
            for n in range(screens)
        ]
    }


def with_camera(layout: dict[str, Any], ref: TileRef, code: str | None, screens: int) -> dict[str, Any]:
    """A copy of `layout` with `code` on tile `ref` (screens the layout lacks get the default grid)."""
    new = copy.deepcopy(layout)
    listed = new.setdefault("screens", [])
    while len(listed) < max(screens, ref.screen + 1):
        listed.append({"tiles": DEFAULT_TILES, "cameras": []})
    screen = listed[ref.screen]
    if ref.tile >= screen["tiles"]:
        raise ValueError(f"screen {ref.screen + 1} has {screen['tiles']} tiles, no tile {ref.tile + 1}")
    cameras = list(screen.get("cameras", []))
    cameras += [None] * (screen["tiles"] - len(cameras))
    cameras[ref.tile] = code
    screen["cameras"] = cameras
    return new


def with_tiles(layout: dict[str, Any], screen: int, tiles: int, screens: int) -> dict[str, Any]:
    """A copy of `layout` with monitor `screen` (0-based) split into `tiles`, keeping the cameras that fit."""
    if tiles not in TILE_COUNTS:
        raise ValueError(f"{tiles} tiles: choose one of {TILE_COUNTS}")
    new = copy.deepcopy(layout)
    listed = new.setdefault("screens", [])
    while len(listed) < max(screens, screen + 1):
        listed.append({"tiles": DEFAULT_TILES, "cameras": []})
    listed[screen] = {"tiles": tiles, "cameras": list(listed[screen].get("cameras", []))[:tiles]}
    return new


def alarm_tile_of(layout: dict[str, Any], stored: str | None) -> TileRef:
    """The tile alarms pop onto: the wall state's, else the last tile of monitor 1 (a push starts at the
    first), so an alarm never covers what a dispatcher just put on the wall."""
    screens = screens_of(layout)
    if stored:
        try:
            ref = TileRef.parse(stored)
        except ValueError:
            ref = None
        if ref is not None and ref.screen < len(screens) and ref.tile < screens[ref.screen][0]:
            return ref
    return TileRef(0, (screens[0][0] if screens else DEFAULT_TILES) - 1)


def push_target(layout: dict[str, Any], alarm: TileRef, toured: set[TileRef]) -> TileRef:
    """The tile a desk's "to wall" puts its camera on: the first, screen by screen, that alarms and
    tours leave alone; a ValueError when there is none (a one-tile wall that is its own alarm tile)."""
    for screen, (count, _cameras) in enumerate(screens_of(layout)):
        for tile in range(count):
            ref = TileRef(screen, tile)
            if ref != alarm and ref not in toured:
                return ref
    raise ValueError(f"every tile of the wall is the alarm tile ({alarm}) or toured: split a monitor")


def tours_of(tours: dict[str, Any]) -> list[Tour]:
    """A preset's `tours` JSON, `{"1/3": {"group": [codes], "every_s": 10}}`, as tours (empty groups
    dropped)."""
    out = []
    for key, spec in tours.items():
        group = tuple(str(code) for code in spec.get("group", []))
        if group:
            out.append(Tour(TileRef.parse(key), group, max(1.0, float(spec.get("every_s", 10)))))
    return out
