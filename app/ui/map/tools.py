"""What a mouse gesture means on the canvas: pan + identify (the default), box select, measure.

A tool gets the canvas's mouse events and may paint an overlay; it changes the map only through the
canvas's methods (`pan_by`, `identify_at`, `select_box`, `report_measure`), so the canvas stays the one
owner of the view. The middle button pans whatever tool is active.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from pyproj import Geod
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen

from gridwatch.layers.view import MapView, mercator_to_lonlat
from gridwatch.ui.map.scale_bar import format_distance

CLICK_SLOP_PX = 4.0
"""A press and release closer than this is a click, not a drag: hands shake."""
WGS84 = Geod(ellps="WGS84")


class Canvas(Protocol):
    @property
    def view(self) -> MapView: ...
    def pan_by(self, dx: float, dy: float) -> None: ...
    def identify_at(self, x: float, y: float) -> None: ...
    def select_box(self, rect: QRectF) -> None: ...
    def report_measure(self, metres: float) -> None: ...
    def update(self) -> None: ...


def geodesic_length(xs: list[float], ys: list[float]) -> float:
    """Metres along the ellipsoid through Web Mercator points: true ground distance, not Mercator metres."""
    if len(xs) < 2:
        return 0.0
    lon, lat = mercator_to_lonlat(xs, ys)
    return float(WGS84.line_length(np.asarray(lon), np.asarray(lat)))


class Tool:
    """Base: does nothing. Subclasses override the events they use."""

    cursor = Qt.CursorShape.ArrowCursor

    def press(self, canvas: Canvas, event: QMouseEvent) -> None:
        pass

    def move(self, canvas: Canvas, event: QMouseEvent) -> None:
        pass

    def release(self, canvas: Canvas, event: QMouseEvent) -> None:
        pass

    def double_click(self, canvas: Canvas, event: QMouseEvent) -> None:
        pass

    def paint(self, canvas: Canvas, painter: QPainter) -> None:
        pass

    def cancel(self) -> None:
        pass


class PanTool(Tool):
    """Drag moves the map; a click identifies what is under it."""

    cursor = Qt.CursorShape.OpenHandCursor

    def __init__(self) -> None:
        self._start: QPointF | None = None
        self._last: QPointF | None = None
        self._dragging = False

    def press(self, canvas: Canvas, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._start = self._last = event.position()
            self._dragging = False

    def move(self, canvas: Canvas, event: QMouseEvent) -> None:
        if self._start is None or self._last is None:
            return
        pos = event.position()
        if not self._dragging and (pos - self._start).manhattanLength() < CLICK_SLOP_PX:
            return
        self._dragging = True
        canvas.pan_by(pos.x() - self._last.x(), pos.y() - self._last.y())
        self._last = pos

    def release(self, canvas: Canvas, event: QMouseEvent) -> None:
        if self._start is None:
            return
        if self._dragging:
            self.move(canvas, event)
        elif event.button() == Qt.MouseButton.LeftButton:
            canvas.identify_at(event.position().x(), event.position().y())
        self.cancel()

    def cancel(self) -> None:
        self._start = self._last = None
        self._dragging = False


class BoxSelectTool(Tool):
    """Drag a rectangle; what it covers becomes the selection."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self) -> None:
        self._rect: QRectF | None = None

    def press(self, canvas: Canvas, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._rect = QRectF(event.position(), event.position())

    def move(self, canvas: Canvas, event: QMouseEvent) -> None:
        if self._rect is not None:
            self._rect.setBottomRight(event.position())
            canvas.update()

    def release(self, canvas: Canvas, event: QMouseEvent) -> None:
        if self._rect is None:
            return
        self._rect.setBottomRight(event.position())
        canvas.select_box(self._rect.normalized())
        self.cancel()
        canvas.update()

    def paint(self, canvas: Canvas, painter: QPainter) -> None:
        if self._rect is not None:
            painter.setPen(QPen(QColor(21, 101, 192), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(21, 101, 192, 40))
            painter.drawRect(self._rect.normalized())

    def cancel(self) -> None:
        self._rect = None


class MeasureTool(Tool):
    """Click points along a route; the running total shows at the cursor. Double-click or right-click
    ends the line (its length is reported); the next click starts a new one. Points are kept in world
    coordinates, so the line stays put while the map pans or zooms under it."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self) -> None:
        self.xs: list[float] = []
        self.ys: list[float] = []
        self._hover: tuple[float, float] | None = None
        self._finished = False

    def press(self, canvas: Canvas, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self._finish(canvas)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._finished:
            self.cancel()
        x, y = canvas.view.screen_to_world(event.position().x(), event.position().y())
        self.xs.append(float(x))
        self.ys.append(float(y))
        canvas.update()

    def move(self, canvas: Canvas, event: QMouseEvent) -> None:
        if self.xs and not self._finished:
            x, y = canvas.view.screen_to_world(event.position().x(), event.position().y())
            self._hover = (float(x), float(y))
            canvas.update()

    def double_click(self, canvas: Canvas, event: QMouseEvent) -> None:
        self._finish(canvas)

    def _finish(self, canvas: Canvas) -> None:
        if len(self.xs) >= 2 and not self._finished:
            self._finished = True
            self._hover = None
            canvas.report_measure(self.length())
            canvas.update()

    def length(self) -> float:
        return geodesic_length(self.xs, self.ys)

    def paint(self, canvas: Canvas, painter: QPainter) -> None:
        if not self.xs:
            return
        xs, ys = list(self.xs), list(self.ys)
        if self._hover is not None:
            xs.append(self._hover[0])
            ys.append(self._hover[1])
        sx, sy = canvas.view.world_to_screen(xs, ys)
        line = [QPointF(float(a), float(b)) for a, b in zip(sx, sy, strict=True)]
        painter.setPen(QPen(QColor(216, 27, 96), 2.5))
        painter.drawPolyline(line)
        painter.setBrush(QColor(255, 255, 255))
        for point in line[: len(self.xs)]:
            painter.drawEllipse(point, 3.5, 3.5)
        label = format_distance(geodesic_length(xs, ys))
        end = line[-1]
        metrics = painter.fontMetrics()
        box = QRectF(end.x() + 10, end.y() - metrics.height() - 6, metrics.horizontalAdvance(label) + 10, 20)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 220))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor(30, 30, 30))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def cancel(self) -> None:
        self.xs, self.ys = [], []
        self._hover = None
        self._finished = False
