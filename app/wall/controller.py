"""`WallController`: the wall's windows, the layout they show, and everything that changes it.

The shared state (`gridwatch.db.wall`) is the truth: a drop on a tile or a layout change is written
there, and every wall, this one included, follows `wall_states` through the change feed, so a
dispatcher's `wall.show(...)` switches the wall within a second. Tours and alarms are this wall's own
behaviour on top of the stored layout: a tour cycles its group on a tile, an alarm (a new video or
sensor case) pops its camera onto the alarm tile for `ALARM_HOLD_MS`, then the tile goes back.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen

from gridwatch.db import wall as walls
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.feed import Change
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.store import Store
from gridwatch.ui.feed import FeedThread
from gridwatch.video.pane import VideoPane
from gridwatch.wall.layout import (
    SUBSTREAM_FROM_TILES,
    TileRef,
    Tour,
    alarm_tile_of,
    default_layout,
    screens_of,
    tours_of,
    with_camera,
    with_tiles,
)
from gridwatch.wall.sources import Alarm, Camera, alarm_for, load_cameras, preset_tours
from gridwatch.wall.window import WallTile, WallWindow

log = logging.getLogger(__name__)
ALARM_HOLD_MS = 120_000
WALL_BACKEND = "opencv"
"""Wall tiles decode with OpenCV/FFmpeg in this process: its reader threads decode outside the GIL, and
bench/wall.py measured 16 tiles within 1.2x of plain ffmpeg per tile, where libvlc degrades past ~16
players in one process. Small tiles (9 and 16 per monitor) also take the cameras' sub-streams."""


class WallController(QObject):
    applied = Signal(int)  # the wall state's version now shown (0: the default layout, nothing stored)
    alarm_shown = Signal(str, str)  # case number, camera code
    failed = Signal(str)  # a change the store refused or could not take (the wall keeps what it shows)

    def __init__(
        self,
        store: Store,
        wall: str = "main",
        actor: str = "admin",
        screens: list[QScreen] | None = None,
        backend: str | None = WALL_BACKEND,
        substreams: bool = True,
    ) -> None:
        super().__init__()
        self.store, self.wall, self.actor = store, wall, actor
        VideoPane.zone = site_rules(store).calendar.tz  # the tiles' clocks on the command center's time
        self.substreams = substreams
        self.cameras: dict[str, Camera] = load_cameras(store)
        self.windows = [
            WallWindow(n, screen, backend) for n, screen in enumerate(screens or QGuiApplication.screens())
        ]
        for window in self.windows:
            window.camera_dropped.connect(self.drop)
        self.layout: dict[str, Any] = {}
        self.version = -1
        self.alarm_tile = alarm_tile_of({}, None)
        self.tours: list[Tour] = []
        self._tour_timers: list[QTimer] = []
        self._alarm_timer = QTimer(self, singleShot=True, interval=ALARM_HOLD_MS)
        self._alarm_timer.timeout.connect(self.clear_alarm)
        self._feed: FeedThread | None = None
        self.listening = False  # the feed listens: a `wall.show` committed from now on reaches this wall

    # --- lifecycle ---------------------------------------------------------------------------------------

    def start(self, live: bool = True) -> None:
        """Shows the windows with the stored layout (or the default one) and follows the store."""
        self.reload()
        for window in self.windows:
            window.show_on_screen()
        if live:
            self._feed = FeedThread(self.store, self)
            self._feed.changes.connect(self._on_changes)
            self._feed.listening.connect(lambda: setattr(self, "listening", True))
            self._feed.start()

    def stop(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        for timer in self._tour_timers:
            timer.stop()
        self._alarm_timer.stop()
        for window in self.windows:
            window.release()
            window.close()

    # --- following the store -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Shows what the store says the wall shows (the default layout when it says nothing)."""
        state = walls.current(self.store, self.wall)
        if state is None:
            layout = default_layout(list(self.cameras), len(self.windows))
            self._apply(layout, 0, None, [])
            return
        if state["version"] == self.version:
            return
        tours = tours_of(preset_tours(self.store, self.wall))
        self._apply(state["layout"], state["version"], state["alarm_tile"], tours)

    def _on_changes(self, changes: list[Change]) -> None:
        if any(c.table == "wall_states" for c in changes):
            self.reload()
        if any(c.table == "devices" for c in changes):
            self.cameras = load_cameras(self.store)
        for change in changes:
            if change.table == "cases" and change.id is not None and change.version == 1:
                alarm = alarm_for(self.store, change.id, self.cameras)
                if alarm is not None:
                    self.show_alarm(alarm)

    def _apply(self, layout: dict[str, Any], version: int, alarm_tile: str | None, tours: list[Tour]) -> None:
        self.layout, self.version = layout, version
        self.alarm_tile = alarm_tile_of(layout, alarm_tile)
        ref_text = str(self.alarm_tile)
        if alarm_tile and ref_text != alarm_tile:
            log.warning("wall %s: alarm tile %r not on the layout, using %s", self.wall, alarm_tile, ref_text)
        for window, (count, codes) in zip(self.windows, screens_of(layout), strict=False):
            window.set_tile_count(count)
            for tile, code in zip(window.tiles, codes, strict=True):
                if tile.alarm is None:
                    self._show(tile, code, count)
        self._start_tours(tours)
        self.applied.emit(version)

    def _show(self, tile: WallTile, code: str | None, tile_count: int, banner: str = "") -> None:
        camera = self.cameras.get(code) if code is not None else None
        if camera is None:
            tile.show_camera(None)
            return
        small = self.substreams and tile_count >= SUBSTREAM_FROM_TILES
        tile.show_camera(camera.code, camera.stream(small))
        tile.pane.name = f"{banner}{camera.code}  {camera.name}"

    def tile(self, ref: TileRef) -> WallTile | None:
        if ref.screen >= len(self.windows) or ref.tile >= len(self.windows[ref.screen].tiles):
            return None
        return self.windows[ref.screen].tiles[ref.tile]

    # --- operator actions (written to the store; the feed brings them back) -------------------------------

    def drop(self, screen: int, tile: int, code: str) -> None:
        """A camera dropped on a tile: shown at once, and stored so every workstation sees it."""
        if code not in self.cameras:
            log.warning("wall %s: no camera %s to drop", self.wall, code)
            return
        self.show_layout(with_camera(self.layout, TileRef(screen, tile), code, len(self.windows)))

    def set_tiles(self, screen: int, count: int) -> None:
        self.show_layout(with_tiles(self.layout, screen, count, len(self.windows)))

    def show_layout(self, layout: dict[str, Any], preset: str | None = None) -> None:
        try:
            version = walls.show(self.store, self.wall, layout, actor=self.actor, preset=preset)
            tours = tours_of(preset_tours(self.store, self.wall)) if preset else []
        except (StoreError, StoreUnavailable) as exc:
            log.warning("wall %s: %s", self.wall, exc)
            self.failed.emit(str(exc))
            return
        self._apply(layout, version, str(self.alarm_tile), tours)

    # --- tours ---------------------------------------------------------------------------------------------

    def _start_tours(self, tours: list[Tour]) -> None:
        for timer in self._tour_timers:
            timer.stop()
            timer.deleteLater()
        self.tours, self._tour_timers = tours, []
        for tour in tours:
            if self.tile(tour.tile) is None:
                log.warning("wall %s: tour on missing tile %s", self.wall, tour.tile)
                continue
            timer = QTimer(self, interval=int(tour.every_s * 1000))
            position = [0]
            timer.timeout.connect(lambda t=tour, p=position: self._tour_step(t, p))
            self._tour_timers.append(timer)
            self._tour_step(tour, position)
            timer.start()

    def _tour_step(self, tour: Tour, position: list[int]) -> None:
        tile = self.tile(tour.tile)
        if tile is None or tile.alarm is not None:
            return
        code = tour.group[position[0] % len(tour.group)]
        position[0] += 1
        self._show(tile, code, len(self.windows[tour.tile.screen].tiles))

    # --- alarms --------------------------------------------------------------------------------------------

    def show_alarm(self, alarm: Alarm) -> None:
        tile = self.tile(self.alarm_tile)
        if tile is None:
            log.warning("wall %s: no alarm tile %s", self.wall, self.alarm_tile)
            return
        tile.set_alarm(alarm.case_no)
        banner = self.tr("ALARM %1").replace("%1", alarm.case_no) + "  "
        self._show(tile, alarm.camera, len(self.windows[self.alarm_tile.screen].tiles), banner)
        self._alarm_timer.start()
        self.alarm_shown.emit(alarm.case_no, alarm.camera)

    def clear_alarm(self) -> None:
        """The alarm tile goes back to what the layout (or its tour) puts there."""
        for window in self.windows:
            for tile in window.tiles:
                if tile.alarm is not None:
                    tile.set_alarm(None)
        self._apply(self.layout, self.version, str(self.alarm_tile), self.tours)
