"""The analytics zone editor: polygons drawn on a camera's picture, each with its detector, dwell time and
sensitivity, validated by the detectors and saved through the store (docs/ANALYTICS.md, "Zones").

Opened from a camera pane's toolbar ("Zones") or a camera's map symbol (right-click). Points are kept as
fractions (0-1) of the picture, so zones survive a change of resolution. A click adds a point to the zone
being drawn, a double-click (or "Close polygon") closes it, a right-click takes the last point back. A
drawn zone's corners are tuned in place, as in a GIS editor's vertex tool: drag a corner (it stays on the
picture), Esc during the drag puts it back, a double-click on an edge adds a corner there and Delete takes
away the corner under the cursor. The pane's "Show zones" draws the saved zones over the live picture
(`ZoneOverlay`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QLineF, QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads import analytics as analytics_reads
from gridwatch.db.reads.devices import device
from gridwatch.db.store import Store
from gridwatch.plugins.analytics import zones as zone_store
from gridwatch.plugins.analytics.source import FrameSource, StreamError, playable
from gridwatch.plugins.detectors.api import detector_names
from gridwatch.ui import texts
from gridwatch.ui.widgets import named

Point = tuple[float, float]
ZONE_COLOUR = QColor(255, 200, 0)  # amber, as the snapshots draw zones
SELECTED_COLOUR = QColor(0, 200, 255)
DRAFT_COLOUR = QColor(255, 80, 80)
GRAB_PX = 8.0  # how near (widget pixels, whatever the picture's scale) a press must be to take a corner
COMMON_KEYS = ("name", "detector", "polygon", "dwell_s", "sensitivity", "category")


def fitted(width: int, height: int, area: QRect) -> QRectF:
    """Where a `width` x `height` picture is drawn in `area`, aspect kept."""
    scale = min(area.width() / max(width, 1), area.height() / max(height, 1))
    w, h = width * scale, height * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def draw_zones(
    painter: QPainter,
    picture: QRectF,
    zones: list[dict[str, Any]],
    selected: int = -1,
    draft: Sequence[Point] = (),
    handles: bool = False,
    hot: tuple[int, int] | None = None,
) -> None:
    """The zones' outlines and names over a picture drawn in `picture`; with `handles` (the editor) each
    corner is marked, the `hot` one (zone, corner: under the cursor or being dragged) larger."""

    def screen(point: Point) -> QPointF:
        return QPointF(picture.x() + point[0] * picture.width(), picture.y() + point[1] * picture.height())

    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for index, zone in enumerate(zones):
        colour = SELECTED_COLOUR if index == selected else ZONE_COLOUR
        points = [screen((float(x), float(y))) for x, y in zone.get("polygon", [])]
        if len(points) < 2:
            continue
        painter.setPen(QPen(colour, 2))
        fill = QColor(colour)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF(points))
        painter.drawText(points[0] + QPointF(4, -4), str(zone.get("name", "")))
        if handles:
            for corner, p in enumerate(points):
                size = 10.0 if hot == (index, corner) else 6.0
                painter.setBrush(QColor(255, 255, 255) if size > 6.0 else QColor(20, 20, 20))
                painter.drawRect(QRectF(p.x() - size / 2, p.y() - size / 2, size, size))
    if draft:
        painter.setPen(QPen(DRAFT_COLOUR, 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        points = [screen(p) for p in draft]
        painter.drawPolyline(QPolygonF(points))
        for p in points:
            painter.drawEllipse(p, 3, 3)


def to_qimage(frame_bgr: np.ndarray) -> QImage:
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


class ZoneCanvas(QWidget):
    """The camera's picture with its zones; clicks draw the zone being edited, a drawn zone's corners are
    dragged, added on an edge (double-click) and taken away (Delete) in place.

    Corners are taken only while no zone is being drawn (a zone is selected and the draft is empty):
    "New zone" clears the selection, so a new zone's first point may fall on another zone's corner."""

    changed = Signal()  # a double-click closes the draft
    picked = Signal(int)  # a zone's corner was taken or added: that zone becomes the selected one
    refused = Signal(str)  # why a corner edit was not made

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneCanvas")
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)  # the cursor says when a corner can be taken
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Esc and Delete reach the canvas, not the dialog
        self.image: QImage | None = None
        self.zones: list[dict[str, Any]] = []
        self.selected = -1
        self.draft: list[Point] = []
        self.message = ""
        self.hover: tuple[int, int] | None = None  # (zone, corner) under the cursor
        # the corner being dragged: (zone, corner), where it was, where the press was
        self.drag: tuple[int, int, Point, QPointF] | None = None

    def picture_rect(self) -> QRectF:
        width, height = (self.image.width(), self.image.height()) if self.image else (640, 360)
        return fitted(width, height, self.rect())

    def fraction_at(self, x: float, y: float) -> Point | None:
        """The picture's fraction under a widget position; None outside the picture."""
        picture = self.picture_rect()
        fx, fy = (x - picture.x()) / picture.width(), (y - picture.y()) / picture.height()
        if not (0.0 <= fx <= 1.0 and 0.0 <= fy <= 1.0):
            return None
        return (round(fx, 4), round(fy, 4))

    def screen_at(self, point: Sequence[float]) -> QPointF:
        """Where a fraction of the picture is on the widget."""
        picture = self.picture_rect()
        return QPointF(
            picture.x() + float(point[0]) * picture.width(), picture.y() + float(point[1]) * picture.height()
        )

    def editing(self) -> bool:
        """Whether presses take corners (a zone is selected, none is being drawn) rather than add points."""
        return self.selected >= 0 and not self.draft

    def _zone_order(self) -> list[int]:
        """The selected zone first: where zones share a corner, the one being tuned keeps it."""
        others = [i for i in range(len(self.zones)) if i != self.selected]
        return ([self.selected] if 0 <= self.selected < len(self.zones) else []) + others

    def corner_at(self, position: QPointF) -> tuple[int, int] | None:
        """The (zone, corner) within GRAB_PX of a widget position, the nearest of the first zone that has
        one; None when no corner is that near."""
        for zone in self._zone_order():
            near = [
                (QLineF(position, self.screen_at(p)).length(), corner)
                for corner, p in enumerate(self.zones[zone].get("polygon", []))
            ]
            hits = [hit for hit in near if hit[0] <= GRAB_PX]
            if hits:
                return zone, min(hits)[1]
        return None

    def edge_at(self, position: QPointF) -> tuple[int, int, Point] | None:
        """The (zone, index a new corner takes, its fraction) of the edge within GRAB_PX of a widget
        position: the corner goes where the edge passes nearest the position."""
        for zone in self._zone_order():
            polygon = self.zones[zone].get("polygon", [])
            best: tuple[float, int, QPointF] | None = None
            for corner in range(len(polygon)):
                a, b = self.screen_at(polygon[corner]), self.screen_at(polygon[(corner + 1) % len(polygon)])
                edge = b - a
                length2 = QPointF.dotProduct(edge, edge)
                if length2 == 0.0:
                    continue
                t = min(max(QPointF.dotProduct(position - a, edge) / length2, 0.0), 1.0)
                foot = a + edge * t
                distance = QLineF(position, foot).length()
                if distance <= GRAB_PX and (best is None or distance < best[0]):
                    best = (distance, corner + 1, foot)
            if best is not None:
                return zone, best[1], self._clamped(best[2])
        return None

    def _clamped(self, position: QPointF) -> Point:
        """The fraction under a widget position, brought onto the picture (the store keeps 0-1 only)."""
        picture = self.picture_rect()
        fx = (position.x() - picture.x()) / picture.width()
        fy = (position.y() - picture.y()) / picture.height()
        return (round(min(max(fx, 0.0), 1.0), 4), round(min(max(fy, 0.0), 1.0), 4))

    def _set_corner(self, zone: int, corner: int, point: Sequence[float]) -> None:
        self.zones[zone]["polygon"][corner] = [point[0], point[1]]

    def _own_polygon(self, zone: int) -> list[list[float]]:
        """The zone's polygon as a list of its own, so an edit changes no document it was copied from."""
        polygon = [[float(x), float(y)] for x, y in self.zones[zone].get("polygon", [])]
        self.zones[zone] = {**self.zones[zone], "polygon": polygon}
        return polygon

    def _show_hover(self, position: QPointF) -> None:
        hover = self.corner_at(position) if self.editing() else None
        if hover != self.hover:
            self.hover = hover
            self.update()
        if hover is None:
            self.unsetCursor()
        else:
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            if self.draft:
                self.draft.pop()
                self.update()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        position = event.position()
        taken = self.corner_at(position) if self.editing() else None
        if taken is not None:
            zone, corner = taken
            x, y = self._own_polygon(zone)[corner]
            self.drag = (zone, corner, (x, y), QPointF(position))
            self.hover = taken
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if zone != self.selected:
                self.picked.emit(zone)
            self.update()
            return
        point = self.fraction_at(position.x(), position.y())
        if point is not None:
            self.draft.append(point)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self.drag is None:
            self._show_hover(position)
            return
        if not event.buttons() & Qt.MouseButton.LeftButton:
            # its release went elsewhere (a popup took the mouse): dropped there, not carried by a free cursor
            self.drag = None
            self._show_hover(position)
            return
        zone, corner, (x, y), pressed = self.drag
        moved = position - pressed
        if moved.isNull():  # back where it was taken: exactly where it was
            self._set_corner(zone, corner, (x, y))
        else:
            self._set_corner(zone, corner, self._clamped(self.screen_at((x, y)) + moved))
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.drag is not None:
            self.drag = None  # the corner stays where it was dropped
            self._show_hover(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        here = self.fraction_at(position.x(), position.y())
        if self.selected >= 0 and all(p == here for p in self.draft):  # only this double-click's own presses
            edge = self.edge_at(position) if self.corner_at(position) is None else None
            if edge is not None:
                self.draft = []
                zone, corner, point = edge
                self._own_polygon(zone).insert(corner, [point[0], point[1]])
                if zone != self.selected:
                    self.picked.emit(zone)
                self._show_hover(position)
                self.update()
                return
            if self.corner_at(position) is not None:
                return  # a double-click on a corner is two presses that moved nothing
        if self.draft and len(self.draft) > 1 and self.draft[-1] == self.draft[-2]:
            self.draft.pop()  # the double-click's own first click
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            zone, corner, origin, _pressed = self.drag
            self._set_corner(zone, corner, origin)
            self.drag, self.hover = None, None  # the cursor is no longer over the corner; a move says again
            self.unsetCursor()
            self.update()
            return  # the dialog is not closed by the Esc that cancelled the drag
        deleting = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if deleting and self.drag is None and self.hover is not None and self.editing():
            zone, corner = self.hover
            polygon = self.zones[zone].get("polygon", [])
            if len(polygon) <= 3:
                self.refused.emit(self.tr("A zone keeps at least 3 points: move this one instead."))
                return
            del self._own_polygon(zone)[corner]
            self.hover = None
            self.unsetCursor()
            self.update()
            return
        super().keyPressEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self.drag is None and self.hover is not None:
            self.hover = None
            self.update()
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 20))
        picture = self.picture_rect()
        if self.image is not None:
            painter.drawImage(picture, self.image)
        else:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
        draw_zones(painter, picture, self.zones, self.selected, self.draft, handles=True, hot=self.hover)


def entry(zone: dict[str, Any]) -> str:
    """A zone in the editor's list: its name and its detector in the user's words."""
    return f"{zone.get('name', '')} · {texts.label(texts.detectors(), zone.get('detector'))}"


class ZoneEditor(QDialog):
    """Edits one camera's zones; `save` validates with the detectors and stores them."""

    snapshot_ready = Signal(object)  # np.ndarray | str (why there is none), from the grabbing thread

    def __init__(
        self,
        store: Store,
        camera_code: str,
        username: str,
        parent: QWidget | None = None,
        *,
        picture: np.ndarray | None = None,
    ) -> None:
        """`picture`: the camera's current frame (BGR) when a live pane has one; else one is grabbed from
        the camera's stream in the background."""
        super().__init__(parent)
        self.setObjectName("zoneEditor")
        self.store, self.camera_code, self.username = store, camera_code, username
        camera = device(store, code=camera_code)
        self.camera = camera
        title = f"{camera.name} ({camera.code})" if camera else camera_code
        self.setWindowTitle(self.tr("Analytics zones: %1").replace("%1", title))
        loaded = analytics_reads.zones(store, camera_code)
        self.version = loaded.version
        self.canvas = ZoneCanvas(self)
        self.canvas.zones = [dict(z) for z in loaded.zones.get("zones", [])]
        self.canvas.changed.connect(self.close_polygon)
        self.zone_list = named("zoneList", QListWidget())
        self.zone_list.currentRowChanged.connect(self._select)
        self.new_button = named("newZone", QPushButton(self.tr("New zone")))
        self.new_button.clicked.connect(self.new_zone)
        self.close_button = named("closePolygon", QPushButton(self.tr("Close polygon")))
        self.close_button.clicked.connect(self.close_polygon)
        self.delete_button = named("deleteZone", QPushButton(self.tr("Delete zone")))
        self.delete_button.clicked.connect(self.delete_zone)
        self.name_field = named("zoneName", QLineEdit())
        self.detector_field = named("zoneDetector", QComboBox())
        for name in detector_names():
            self.detector_field.addItem(texts.label(texts.detectors(), name), name)
        self.dwell_field = named("zoneDwell", QDoubleSpinBox())
        self.dwell_field.setRange(0.0, 86_400.0)
        self.dwell_field.setDecimals(0)
        self.dwell_field.setSuffix(self.tr(" s"))
        self.sensitivity_field = named("zoneSensitivity", QDoubleSpinBox())
        self.sensitivity_field.setRange(0.0, 1.0)
        self.sensitivity_field.setSingleStep(0.05)
        self.category_field = named("zoneCategory", QLineEdit())
        self.category_field.setPlaceholderText(self.tr("the detector's own"))
        for field in (self.name_field, self.category_field):
            field.editingFinished.connect(self._store_fields)
        self.detector_field.currentIndexChanged.connect(self._store_fields)
        self.dwell_field.valueChanged.connect(self._store_fields)
        self.sensitivity_field.valueChanged.connect(self._store_fields)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_field)
        form.addRow(self.tr("Detector"), self.detector_field)
        form.addRow(self.tr("Dwell time"), self.dwell_field)
        form.addRow(self.tr("Sensitivity"), self.sensitivity_field)
        form.addRow(self.tr("Category"), self.category_field)
        self.problem = named("zoneProblem", QLabel(wordWrap=True))
        self.problem.setStyleSheet("color: #c0392b;")
        self.canvas.picked.connect(self.zone_list.setCurrentRow)  # a corner taken selects its zone
        self.canvas.refused.connect(self.problem.setText)
        self.status = named("zoneStatus", QLabel(wordWrap=True))
        self.status.setStyleSheet("color: #556;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        side = QVBoxLayout()
        side.addWidget(self.zone_list, 1)
        row = QHBoxLayout()
        for button in (self.new_button, self.close_button, self.delete_button):
            row.addWidget(button)
        side.addLayout(row)
        side.addLayout(form)
        side.addWidget(self.problem)
        side.addWidget(self.status)
        hint = QLabel(
            self.tr(
                "Click to add points, double-click to close the polygon, right-click to take a point back."
            )
            + " "
            + self.tr(
                "Drag a corner to move it (Esc puts it back), double-click an edge to add one, Delete removes the one under the cursor."  # noqa: E501  (one literal for lupdate)
            )
        )
        hint.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addWidget(hint)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self._filling = False
        self._refill_list(0 if self.canvas.zones else -1)
        self._show_watch_state()
        self.snapshot_ready.connect(self._snapshot_arrived)
        if picture is not None:
            self._snapshot_arrived(picture)
        else:
            self.canvas.message = self.tr("Taking a picture from the camera…")
            self._grab_snapshot()
        self.resize(1100, 560)

    # --- the picture -----------------------------------------------------------------------------------

    def _grab_snapshot(self) -> None:
        camera = self.camera
        if camera is None or not camera.stream_url:
            self.canvas.message = self.tr(
                "This camera has no stream address: zones are drawn on a blank frame."
            )
            return
        url, emit = camera.stream_url, self.snapshot_ready.emit

        def grab() -> None:
            source = FrameSource(playable(url), 1.0, timeout_s=8.0)
            try:
                source.open()
                for _t, frame in source.frames(threading.Event()):
                    emit(frame)
                    return
            except (StreamError, ValueError, OSError) as exc:
                emit(str(exc))
            finally:
                source.close()

        threading.Thread(target=grab, name="zone-snapshot", daemon=True).start()

    def _snapshot_arrived(self, picture: object) -> None:
        if isinstance(picture, np.ndarray):
            self.canvas.image = to_qimage(picture)
        else:
            self.canvas.message = self.tr(
                "No picture from the camera (%1): zones can still be drawn."
            ).replace("%1", str(picture))
        self.canvas.update()

    def _show_watch_state(self) -> None:
        try:
            state = analytics_reads.watch_state(self.store, self.camera_code)
            alarms = analytics_reads.false_alarms(self.store, self.camera_code)
        except (StoreError, StoreUnavailable):
            state, alarms = None, []
        counts = [
            self.tr("%1: %2 false alarm(s) of %3 case(s)")
            .replace("%1", a.detector)
            .replace("%2", str(a.false_alarms))
            .replace("%3", str(a.cases))
            for a in alarms
        ]
        if state is None or not state.status:
            self.status.setText("\n".join([self.tr("Not watched by an analytics worker yet."), *counts]))
            return
        lines = [self.tr("Worker: %1 · %2").replace("%1", state.holder or "—").replace(
            "%2", str(state.status.get("state", "")))]  # fmt: skip
        if state.status.get("error"):
            lines.append(str(state.status["error"]))
        for zone, reason in (state.status.get("disabled") or {}).items():
            lines.append(self.tr("Zone %1 disabled: %2").replace("%1", zone).replace("%2", str(reason)))
        self.status.setText("\n".join([*lines, *counts]))

    # --- zones -----------------------------------------------------------------------------------------

    def _refill_list(self, select: int) -> None:
        self._filling = True
        self.zone_list.clear()
        for zone in self.canvas.zones:
            self.zone_list.addItem(entry(zone))
        self._filling = False
        self.zone_list.setCurrentRow(select)
        self._select(select)

    def _select(self, row: int) -> None:
        if self._filling:
            return
        self.canvas.selected = row
        zone = self.canvas.zones[row] if 0 <= row < len(self.canvas.zones) else None
        for field in (self.name_field, self.detector_field, self.dwell_field, self.sensitivity_field,
                      self.category_field, self.delete_button):  # fmt: skip
            field.setEnabled(zone is not None)
        if zone is not None:
            self._filling = True
            self.name_field.setText(str(zone.get("name", "")))
            detector = str(zone.get("detector", ""))
            if self.detector_field.findData(detector) < 0:  # not installed here: kept, shown by its name
                self.detector_field.addItem(detector, detector)
            self.detector_field.setCurrentIndex(self.detector_field.findData(detector))
            self.dwell_field.setValue(float(zone.get("dwell_s", 30.0)))
            self.sensitivity_field.setValue(float(zone.get("sensitivity", 0.5)))
            self.category_field.setText(str(zone.get("category") or ""))
            self._filling = False
        self.canvas.update()

    def _store_fields(self) -> None:
        row = self.canvas.selected
        if self._filling or not 0 <= row < len(self.canvas.zones):
            return
        zone = self.canvas.zones[row]
        detector = str(self.detector_field.currentData())
        if detector != zone.get("detector"):  # another detector's settings would be refused: keep only ours
            zone = {k: v for k, v in zone.items() if k in COMMON_KEYS}
        zone.update(
            name=self.name_field.text().strip(),
            detector=detector,
            dwell_s=self.dwell_field.value(),
            sensitivity=round(self.sensitivity_field.value(), 3),
        )
        category = self.category_field.text().strip()
        if category:
            zone["category"] = category
        else:
            zone.pop("category", None)
        self.canvas.zones[row] = zone
        item = self.zone_list.item(row)
        if item is not None:
            item.setText(entry(zone))
        self.canvas.update()

    def new_zone(self) -> None:
        """Start drawing a new zone: the next clicks on the picture are its points."""
        self.canvas.draft = []
        self.canvas.selected = -1
        self.canvas.hover = None
        self.zone_list.clearSelection()
        self.problem.setText(self.tr("Click the zone's corners on the picture, then close the polygon."))
        self.canvas.update()

    def close_polygon(self) -> None:
        """The drawn points become a zone (a new one, named after the first free letter)."""
        points = self.canvas.draft
        if len(points) < 3:
            self.problem.setText(
                self.tr("A zone needs at least 3 points; %1 drawn.").replace("%1", str(len(points)))
            )
            return
        names = {str(z.get("name")) for z in self.canvas.zones}
        name = (
            next(c for c in (chr(ord("A") + i) for i in range(26)) if c not in names)
            if len(names) < 26
            else ""
        )
        detector = self.detector_field.currentData() or (detector_names() or [""])[0]
        self.canvas.zones.append(
            {"name": name, "detector": detector, "polygon": [list(p) for p in points], "dwell_s": 30.0,
             "sensitivity": 0.5}
        )  # fmt: skip
        self.canvas.draft = []
        self.problem.clear()
        self._refill_list(len(self.canvas.zones) - 1)

    def delete_zone(self) -> None:
        row = self.canvas.selected
        if 0 <= row < len(self.canvas.zones):
            del self.canvas.zones[row]
            self._refill_list(min(row, len(self.canvas.zones) - 1))

    def document(self) -> dict[str, Any]:
        return {"zones": [dict(z) for z in self.canvas.zones]}

    def save(self) -> bool:
        """Validate with the detectors and store; the problem is shown and nothing is stored otherwise."""
        self._store_fields()
        try:
            self.version = zone_store.save(
                self.store,
                self.camera_code,
                self.document(),
                actor=self.username,
                expected_version=self.version,
            )
        except (StoreError, StoreUnavailable) as exc:
            self.problem.setText(str(exc))
            return False
        self.problem.clear()
        self.status.setText(
            self.tr(
                "Saved (version %1): the analytics workers pick the zones up at their next renewal."
            ).replace("%1", str(self.version))
        )
        return True


class ZoneOverlay(QWidget):
    """A camera's saved zones drawn over its live pane (transparent to the mouse)."""

    def __init__(
        self, video: QWidget, zones: list[dict[str, Any]], aspect: Callable[[], float | None]
    ) -> None:
        super().__init__(video)
        self.setObjectName("zoneOverlay")
        self.zones, self.aspect = zones, aspect
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(video.rect())
        video.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        ratio = self.aspect() or 16 / 9
        painter = QPainter(self)
        draw_zones(painter, fitted(int(ratio * 1000), 1000, self.rect()), self.zones)


def install_zone_tools(pane: Any, store: Store, username: str, report: Callable[[str], None]) -> None:
    """A camera pane's "Zones" (the editor, on the pane's current picture) and "Show zones" (the overlay)."""
    code = pane.camera.code  # texts in the pane's own context (CameraPane), as lupdate files them
    zones_action = QAction(QCoreApplication.translate("CameraPane", "Zones"), pane)
    zones_action.setObjectName("zonesAction")
    zones_action.setToolTip(QCoreApplication.translate("CameraPane", "Draw this camera's analytics zones"))
    show_action = QAction(QCoreApplication.translate("CameraPane", "Show zones"), pane)
    show_action.setObjectName("showZonesAction")
    show_action.setToolTip(
        QCoreApplication.translate("CameraPane", "Show the analytics zones over the picture")
    )
    show_action.setCheckable(True)
    anchor = pane.toolbar.actions()[-2]  # the spacer before the close button
    pane.toolbar.insertAction(anchor, zones_action)
    pane.toolbar.insertAction(anchor, show_action)
    pane.zones_action, pane.show_zones_action, pane.zone_overlay = zones_action, show_action, None

    def edit() -> None:
        png = pane.video.snapshot()
        picture = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR) if png else None
        editor = ZoneEditor(store, code, username, pane.window(), picture=picture)
        editor.finished.connect(lambda _result: show(show_action.isChecked()))
        editor.open()
        pane.zone_editor = editor

    def show(visible: bool) -> None:
        if pane.zone_overlay is not None:
            pane.zone_overlay.deleteLater()
            pane.zone_overlay = None
        if not visible:
            return
        try:
            saved = analytics_reads.zones(store, code).zones.get("zones", [])
        except (StoreError, StoreUnavailable) as exc:
            report(str(exc))
            return
        if not saved:
            report(
                QCoreApplication.translate("CameraPane", "%1 has no analytics zones yet.").replace(
                    "%1", pane.camera.name
                )
            )
        pane.zone_overlay = ZoneOverlay(pane.video, list(saved), pane.video.picture_aspect)
        pane.zone_overlay.show()

    zones_action.triggered.connect(edit)
    show_action.toggled.connect(show)


def open_zone_editor(
    store: Store, camera_id: int, username: str, parent: QWidget | None
) -> ZoneEditor | None:
    """The editor for a camera chosen on the map (its picture grabbed from the stream)."""
    camera = device(store, camera_id)
    if camera is None or camera.kind != "camera":
        return None
    editor = ZoneEditor(store, camera.code, username, parent)
    editor.open()
    return editor
