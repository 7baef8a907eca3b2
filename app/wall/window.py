"""One borderless full-screen window per monitor, split into 1, 4, 9 or 16 tiles of video.

A tile holds a `VideoPane`, or a placeholder while no camera is on it, and takes a camera code dropped
on it (mime type `CAMERA_MIME`, from the camera list). An alarm tile gets a red frame and the case number.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QScreen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QStackedLayout, QVBoxLayout, QWidget

from gridwatch.video.pane import VideoPane

CAMERA_MIME = "application/x-gridwatch-camera"
FRAME_STYLE = "WallTile {{ background: #101418; border: 2px solid {colour}; }}"
NORMAL_BORDER, ALARM_BORDER = "#2a323a", "#ff3030"


def camera_mime(code: str) -> QMimeData:
    data = QMimeData()
    data.setData(CAMERA_MIME, code.encode("utf-8"))
    data.setText(code)
    return data


def dropped_camera(data: QMimeData) -> str | None:
    if not data.hasFormat(CAMERA_MIME):
        return None
    return bytes(data.data(CAMERA_MIME).data()).decode("utf-8").strip() or None


class WallTile(QFrame):
    camera_dropped = Signal(int, str)  # tile index, camera code

    def __init__(self, index: int, backend: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.camera: str | None = None
        self.alarm: str | None = None  # the case number while an alarm shows here
        self.pane = VideoPane("", backend=backend)
        self.placeholder = QLabel(self.tr("Tile %1 — drop a camera here").replace("%1", str(index + 1)))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #7a8590; font-size: 14px;")
        self._stack = QStackedLayout()
        self._stack.addWidget(self.placeholder)
        self._stack.addWidget(self.pane)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addLayout(self._stack)
        self.setAcceptDrops(True)
        self._set_border(NORMAL_BORDER)

    def show_camera(self, code: str | None, url: str = "") -> None:
        """Plays `url` (restarts only when the camera or the stream changes); None empties the tile."""
        if code is None:
            self.pane.stop()
            self.camera = None
            self._stack.setCurrentWidget(self.placeholder)
            return
        if code == self.camera and url == self.pane.url:
            return
        self.camera = code
        self._stack.setCurrentWidget(self.pane)
        self.pane.play(url)

    def set_alarm(self, case_no: str | None) -> None:
        self.alarm = case_no
        self._set_border(ALARM_BORDER if case_no else NORMAL_BORDER)

    def _set_border(self, colour: str) -> None:
        self.setStyleSheet(FRAME_STYLE.format(colour=colour))

    def release(self) -> None:
        self.pane.release()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_camera(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if dropped_camera(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        code = dropped_camera(event.mimeData())
        if code is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.camera_dropped.emit(self.index, code)


class WallWindow(QWidget):
    """The tiles of one monitor; `camera_dropped(screen, tile, code)` when a camera is dropped on one."""

    camera_dropped = Signal(int, int, str)

    def __init__(self, screen_index: int, screen: QScreen, backend: str | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.screen_index = screen_index
        self.backend = backend
        self.setWindowTitle(f"gridwatch wall — {screen.name()}")
        self.setStyleSheet("background: black;")
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.tiles: list[WallTile] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(0)

    def set_tile_count(self, count: int) -> None:
        """Splits the monitor into `count` tiles (a square number), reusing the tiles that remain."""
        if count == len(self.tiles):
            return
        side = math.isqrt(count)
        for tile in self.tiles[count:]:
            tile.release()
            tile.deleteLater()
        self.tiles = self.tiles[:count]
        while len(self.tiles) < count:
            tile = WallTile(len(self.tiles), self.backend, self)
            tile.camera_dropped.connect(
                lambda index, code: self.camera_dropped.emit(self.screen_index, index, code)
            )
            self.tiles.append(tile)
        for index, tile in enumerate(self.tiles):
            self._grid.removeWidget(tile)
            self._grid.addWidget(tile, index // side, index % side)
        for n in range(4):  # equal rows and columns, whatever the count was before
            self._grid.setRowStretch(n, 1 if n < side else 0)
            self._grid.setColumnStretch(n, 1 if n < side else 0)

    def show_on_screen(self) -> None:
        self.setGeometry(self.screen().geometry())
        self.showFullScreen()

    def release(self) -> None:
        for tile in self.tiles:
            tile.release()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.release()
        super().closeEvent(event)
