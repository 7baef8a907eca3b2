"""Greedy label placement: highest priority first, a label is drawn only where nothing is yet.

The occupied test is vectorized over the rectangles already placed, so a frame of a few hundred
labels costs a few hundred small numpy comparisons; nothing overlaps, ever.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen


def place_labels(
    painter: QPainter,
    font: QFont,
    candidates: Iterable[tuple[str, float, float]],
    width: float,
    height: float,
    padding: float = 3.0,
) -> list[QRectF]:
    """Draw labels centred on (x, y) device px in the order given; returns the rectangles drawn."""
    metrics = QFontMetricsF(font)
    occupied = np.empty((0, 4))
    placed: list[QRectF] = []
    halo = QPen(QColor(255, 255, 255, 220), max(2.0, font.pixelSize() / 4))
    halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    for text, x, y in candidates:
        w = metrics.horizontalAdvance(text) + 2 * padding
        h = metrics.height() + 2 * padding
        rect = np.array([x - w / 2, y - h / 2, x + w / 2, y + h / 2])
        if rect[0] < 0 or rect[1] < 0 or rect[2] > width or rect[3] > height:
            continue
        if occupied.size and np.any(
            (occupied[:, 0] < rect[2])
            & (occupied[:, 2] > rect[0])
            & (occupied[:, 1] < rect[3])
            & (occupied[:, 3] > rect[1])
        ):
            continue
        occupied = np.vstack((occupied, rect))
        path = QPainterPath()
        path.addText(
            QPointF(x - (w - 2 * padding) / 2, y + (metrics.ascent() - metrics.descent()) / 2), font, text
        )
        painter.strokePath(path, halo)
        painter.fillPath(path, QColor(30, 30, 30))
        placed.append(QRectF(rect[0], rect[1], w, h))
    return placed
