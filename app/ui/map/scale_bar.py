"""The scale bar: a round ground length (1, 2 or 5 × 10ⁿ m) drawn at the true scale of the view centre."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from gridwatch.layers.view import MapView, mercator_to_lonlat

MAX_BAR_PX = 120.0


def ground_resolution(view: MapView) -> float:
    """Metres on the ground per logical pixel at the view centre (Mercator stretches by 1/cos φ)."""
    _, lat = mercator_to_lonlat(view.center_x, view.center_y)
    return view.resolution * math.cos(math.radians(float(lat)))


def nice_length(metres_per_px: float, max_px: float = MAX_BAR_PX) -> tuple[float, float]:
    """(metres, pixels) of the longest 1/2/5 × 10ⁿ length that fits in max_px."""
    limit = metres_per_px * max_px
    base = 10.0 ** math.floor(math.log10(limit))
    metres = max(step * base for step in (1, 2, 5) if step * base <= limit)
    return metres, metres / metres_per_px


def format_distance(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:.0f} km" if km >= 10 or km == int(km) else f"{km:.2f} km"
    return f"{metres:.0f} m"


def draw_scale_bar(painter: QPainter, view: MapView, left: float, bottom: float) -> None:
    metres, px = nice_length(ground_resolution(view))
    label = format_distance(metres)
    metrics = painter.fontMetrics()
    box = QRectF(left - 6, bottom - 22 - metrics.height(), px + 12, metrics.height() + 28)
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 200))
    painter.drawRoundedRect(box, 3, 3)
    pen = QPen(QColor(40, 40, 40), 2)
    painter.setPen(pen)
    y = bottom - 8
    painter.drawPolyline(
        [QPointF(left, y - 6), QPointF(left, y), QPointF(left + px, y), QPointF(left + px, y - 6)]
    )
    painter.drawText(QRectF(left, box.top() + 2, px, metrics.height()), Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()
