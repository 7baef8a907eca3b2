"""The video dock's tiles: 1 or 2×2 cells, each picture at the stream's aspect, the block filling the dock.

A QGridLayout gives every cell the dock's shape (tall, letterboxed pictures in a narrow dock) and shows a
single widget over the whole grid when only one camera is open. Here each tile is placed by hand: the
cells are as large as the dock allows at the picture's aspect, empty cells show a placeholder, and a
layout change only moves widgets (setGeometry), so the players of the cameras that stay never restart.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from gridwatch.ui.widgets import named

DEFAULT_ASPECT = 16 / 9  # the demo's and most cameras' streams, until a picture says otherwise
GAP = 4


def tile_rects(width: int, height: int, columns: int, chrome: tuple[int, int], aspect: float) -> list[QRect]:
    """Where the tiles of a `columns`×`columns` grid go in a `width`×`height` area: each tile is a picture
    at `aspect` plus `chrome` (the pane's toolbar and frame: extra width, extra height), as large as fits;
    the block is centred."""
    extra_w, extra_h = chrome
    cell_w = (width - GAP * (columns - 1)) / columns
    cell_h = (height - GAP * (columns - 1)) / columns
    picture_w = max(0.0, min(cell_w - extra_w, (cell_h - extra_h) * aspect))
    tile_w, tile_h = int(picture_w) + extra_w, int(picture_w / aspect) + extra_h
    left = (width - columns * tile_w - GAP * (columns - 1)) // 2
    top = (height - columns * tile_h - GAP * (columns - 1)) // 2
    return [
        QRect(left + c * (tile_w + GAP), top + r * (tile_h + GAP), tile_w, tile_h)
        for r in range(columns)
        for c in range(columns)
    ]


class EmptyTile(QLabel):
    """A free cell of the 2×2 layout: says how to fill it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("emptyTile")
        self.setText(self.tr("Free: click a camera on the map or in the camera list"))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("#emptyTile { background: #1c1f24; color: #9aa3ad; border: 1px dashed #3b424b; }")


class TileGrid(QWidget):
    """Places the dock's tiles; `chrome` is what a pane adds around its picture (toolbar, frame)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoTiles")
        self.columns = 2
        self.chrome = (0, 0)
        self.aspect = DEFAULT_ASPECT
        self.tiles: list[QWidget] = []
        self._empty: list[EmptyTile] = []

    def arrange(
        self, slots: Sequence[QWidget | None], columns: int, chrome: tuple[int, int], aspect: float
    ) -> None:
        """Shows `slots` (None: a free cell) in a `columns`×`columns` grid; moves, never re-creates, panes."""
        self.columns, self.chrome, self.aspect = columns, chrome, aspect
        free = sum(1 for s in slots if s is None)
        while len(self._empty) < free:
            self._empty.append(named("emptyTile", EmptyTile(self)))
        spare = iter(self._empty)
        self.tiles = [s if s is not None else next(spare) for s in slots]
        for extra in self._empty[free:]:
            extra.hide()
        self._place()

    def _place(self) -> None:
        rects = tile_rects(self.width(), self.height(), self.columns, self.chrome, self.aspect)
        for tile, rect in zip(self.tiles, rects, strict=False):
            tile.setGeometry(rect)
            tile.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()
