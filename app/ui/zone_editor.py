"""The analytics zone editor: polygons drawn on a camera's picture, each with its detector, dwell time and
sensitivity, validated by the detectors and saved through the store (docs/ANALYTICS.md, "Zones").

Opened from a camera pane's toolbar ("Zones") or a camera's map symbol (right-click). Points are kept as
fractions (0-1) of the picture, so zones survive a change of resolution. A click adds a point to the zone
being drawn, a double-click (or "Close polygon") closes it, a right-click takes the last point back. A
drawn zone's corners are tuned in place, as in a GIS editor's vertex tool: drag a corner (it stays on the
picture), Esc during the drag puts it back, a double-click on an edge adds a corner there and Delete takes
away the corner under the cursor. The pane's "Show zones" draws the saved zones over the live picture
(`ZoneOverlay`).

Every edit that Save would store (a corner dragged, added or deleted, a zone drawn or deleted, a zone's
settings) is a command on the editor's undo stack (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y), undone after Save too;
the stack's clean state is what was last loaded or saved, so Esc or closing the window with edits not saved
asks Save / Discard / Keep editing. A zone's 64 corners (the store's limit) are kept where a corner is added:
a 65th is refused then and there, Save's check stays the last guard.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QLineF, QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QUndoCommand,
    QUndoStack,
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
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.analytics import MAX_POINTS
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
Zones = list[dict[str, Any]]
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
    "New zone" clears the selection, so a new zone's first point may fall on another zone's corner.

    The canvas changes no zone itself but for the corner under a drag, which follows the cursor: it says
    what was done or asked (`moved` once a drag ends, `inserting`, `removing`) and the editor makes each an
    undoable command. The draft (a zone being drawn) is not a zone yet: its points are the canvas's own."""

    changed = Signal()  # a double-click closes the draft
    picked = Signal(int)  # a zone's corner was taken: that zone becomes the selected one
    refused = Signal(str)  # why a corner edit was not made
    moved = Signal(int, int, object)  # (zone, corner, where it was): a drag ended with the corner elsewhere
    inserting = Signal(int, int, object)  # (zone, index, point): a corner is asked for on an edge
    removing = Signal(int, int)  # (zone, corner): the corner under the cursor is to go

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

    def cancel_drag(self) -> None:
        """The corner being dragged back where it was taken, as if never moved (Esc; an undo; closing)."""
        if self.drag is None:
            return
        zone, corner, origin, _pressed = self.drag
        self._set_corner(zone, corner, origin)
        self.drag, self.hover = None, None  # the cursor is no longer over the corner; a move says again
        self.unsetCursor()
        self.update()

    def _end_drag(self, position: QPointF) -> None:
        """The dragged corner stays where it is; the drag is one edit if it left where it was taken."""
        if self.drag is None:
            return
        zone, corner, origin, _pressed = self.drag
        self.drag = None
        x, y = self.zones[zone]["polygon"][corner]
        if (x, y) != origin:
            self.moved.emit(zone, corner, origin)
        self._show_hover(position)

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
        if point is None:
            return
        if len(self.draft) >= MAX_POINTS:
            self.refused.emit(
                self.tr("A zone has at most %1 points: close the polygon now.").replace("%1", str(MAX_POINTS))
            )
            return
        self.draft.append(point)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self.drag is None:
            self._show_hover(position)
            return
        if not event.buttons() & Qt.MouseButton.LeftButton:
            # its release went elsewhere (a popup took the mouse): dropped there, not carried by a free cursor
            self._end_drag(position)
            return
        zone, corner, (x, y), pressed = self.drag
        moved = position - pressed
        if moved.isNull():  # back where it was taken: exactly where it was
            self._set_corner(zone, corner, (x, y))
        else:
            self._set_corner(zone, corner, self._clamped(self.screen_at((x, y)) + moved))
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end_drag(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        here = self.fraction_at(position.x(), position.y())
        if self.selected >= 0 and all(p == here for p in self.draft):  # only this double-click's own presses
            edge = self.edge_at(position) if self.corner_at(position) is None else None
            if edge is not None:
                self.draft = []
                zone, corner, point = edge
                if len(self.zones[zone].get("polygon", [])) >= MAX_POINTS:
                    self.refused.emit(
                        self.tr("A zone has at most %1 points: this one has no room for another.").replace(
                            "%1", str(MAX_POINTS)
                        )
                    )
                    self.update()
                    return
                self.inserting.emit(zone, corner, point)
                self._show_hover(position)  # the new corner, under the cursor
                self.update()
                return
            if self.corner_at(position) is not None:
                return  # a double-click on a corner is two presses that moved nothing
        if self.draft and len(self.draft) > 1 and self.draft[-1] == self.draft[-2]:
            self.draft.pop()  # the double-click's own first click
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.cancel_drag()
            return  # the dialog is not closed by the Esc that cancelled the drag
        deleting = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if deleting and self.drag is None and self.hover is not None and self.editing():
            zone, corner = self.hover
            polygon = self.zones[zone].get("polygon", [])
            if len(polygon) <= 3:
                self.refused.emit(self.tr("A zone keeps at least 3 points: move this one instead."))
                return
            self.removing.emit(zone, corner)
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


class ZoneEdit(QUndoCommand):
    """One edit of a camera's zones, kept as the zones before and after it, each whole.

    A camera has at most 32 zones of 64 corners, so a copy costs nothing, and an undo then cannot fall out
    of step with how the edit was made (a drag, a typed value, a deleted zone, a detector change that drops
    the old detector's settings). `live`: the person's own widgets already show the edit (a corner dropped,
    a value typed), so its first redo only records it and does not refill what they are working in.
    Successive changes of the same settings of the same zone (`merge`) are one step."""

    SETTINGS = 1  # the id of commands that may merge

    def __init__(
        self,
        editor: ZoneEditor,
        text: str,
        before: tuple[Zones, int],
        after: tuple[Zones, int],
        *,
        merge: Hashable | None = None,
        live: bool = False,
    ) -> None:
        super().__init__(text)
        self.editor, self.before, self.after, self.merge, self.live = editor, before, after, merge, live

    def id(self) -> int:
        return self.SETTINGS if self.merge is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ZoneEdit) or other.merge != self.merge:
            return False
        self.after = other.after
        self.setObsolete(self.after[0] == self.before[0])  # typed back to what it was: no step at all
        return True

    def redo(self) -> None:
        self.editor.show_zones(*self.after, live=self.live)
        self.live = False

    def undo(self) -> None:
        self.editor.show_zones(*self.before)


class ZoneEditor(QDialog):
    """Edits one camera's zones; `save` validates with the detectors and stores them. Every edit goes
    through `undo_stack` (see ZoneEdit), whose clean state says whether there is anything unsaved."""

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
        self.title = self.tr("Analytics zones: %1").replace("%1", title)
        self.setWindowTitle(self.title + "[*]")  # "*" while there are edits not saved
        loaded = analytics_reads.zones(store, camera_code)
        self.version = loaded.version
        self.canvas = ZoneCanvas(self)
        self.canvas.zones = copy.deepcopy(list(loaded.zones.get("zones", [])))
        self.canvas.changed.connect(self.close_polygon)
        self.canvas.moved.connect(self._corner_moved)
        self.canvas.inserting.connect(self._insert_corner)
        self.canvas.removing.connect(self._remove_corner)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._show_clean)
        self.undo_action = self.undo_stack.createUndoAction(self)  # its text: Qt's own "Undo <edit>"
        self.undo_action.setObjectName("zoneUndoAction")
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self)
        self.redo_action.setObjectName("zoneRedoAction")
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)  # the platform's, and both usual
        redo_keys += [k for k in (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")) if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.addActions([self.undo_action, self.redo_action])
        self.undo_keys = [*self.undo_action.shortcuts(), *redo_keys]
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
        for edit in (self.name_field, self.dwell_field, self.sensitivity_field, self.category_field):
            edit.installEventFilter(self)  # Ctrl+Z there is the editor's undo, not the field's own
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
        row = QHBoxLayout()
        for name, action in (("zoneUndo", self.undo_action), ("zoneRedo", self.redo_action)):
            tool = named(name, QToolButton())
            tool.setDefaultAction(action)
            tool.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(tool)
        row.addStretch(1)
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
        self._shown: dict[str, Any] = {}  # the selected zone's settings as its fields were filled in
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

    def _show_clean(self, clean: bool) -> None:
        self.setWindowModified(not clean)

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
        self._shown = self._field_values() if zone is not None else {}
        self.canvas.update()

    def _field_values(self) -> dict[str, Any]:
        return {
            "name": self.name_field.text().strip(),
            "detector": str(self.detector_field.currentData()),
            "dwell_s": self.dwell_field.value(),
            "sensitivity": round(self.sensitivity_field.value(), 3),
            "category": self.category_field.text().strip(),
        }

    def _store_fields(self) -> None:
        """The settings changed in the fields since they were filled in become an edit of the selected zone.

        Only what was changed is written: a zone that never had a sensitivity does not get the field's
        shown default, so opening and closing the editor is no edit."""
        row = self.canvas.selected
        if self._filling or not 0 <= row < len(self.canvas.zones) or not self._shown:
            return
        now = self._field_values()
        changed = tuple(key for key in now if now[key] != self._shown.get(key))
        if not changed:
            return
        self._shown = now
        zone = dict(self.canvas.zones[row])
        if "detector" in changed and now["detector"] != zone.get("detector"):
            zone = {k: v for k, v in zone.items() if k in COMMON_KEYS}  # the old detector's would be refused
        for key in changed:
            if key == "category" and not now[key]:
                zone.pop("category", None)
            else:
                zone[key] = now[key]
        edits = {
            "name": self.tr("Rename zone"),
            "detector": self.tr("Change detector"),
            "dwell_s": self.tr("Change dwell time"),
            "sensitivity": self.tr("Change sensitivity"),
            "category": self.tr("Change category"),
        }
        text = edits[changed[0]] if len(changed) == 1 else self.tr("Change zone settings")
        after = copy.deepcopy(self.canvas.zones)
        after[row] = zone
        self._push(text, after, row, merge=(row, changed), live=True)

    # --- edits: each one a command on the undo stack ------------------------------------------------------

    def _push(
        self,
        text: str,
        after: Zones,
        select: int,
        *,
        before: Zones | None = None,
        merge: Hashable | None = None,
        live: bool = False,
    ) -> None:
        """The edit from the zones shown (or `before`) to `after`, done by pushing it (its redo)."""
        was = (copy.deepcopy(self.canvas.zones) if before is None else before, self.canvas.selected)
        self.undo_stack.push(ZoneEdit(self, text, was, (after, select), merge=merge, live=live))

    def show_zones(self, zones: Zones, select: int, *, live: bool = False) -> None:
        """The zones as a command leaves them, `select` the selected one; `live`: the fields and the canvas
        already show them (only the list's texts may be behind)."""
        self.canvas.cancel_drag()  # an undo in the middle of a drag: the drag is over
        self.canvas.zones = copy.deepcopy(zones)
        if live:
            for row, zone in enumerate(self.canvas.zones):
                item = self.zone_list.item(row)
                if item is not None and item.text() != entry(zone):
                    item.setText(entry(zone))
            self.canvas.update()
            return
        self.problem.clear()  # what it said was about the zones as they were
        self.canvas.hover = None
        self.canvas.unsetCursor()
        self._refill_list(min(select, len(self.canvas.zones) - 1))

    def _corner_moved(self, zone: int, corner: int, origin: Point) -> None:
        """A drag ended: one edit, from where the corner was taken to where it was dropped."""
        before = copy.deepcopy(self.canvas.zones)
        before[zone]["polygon"][corner] = [origin[0], origin[1]]
        self._push(self.tr("Move corner"), copy.deepcopy(self.canvas.zones), zone, before=before, live=True)

    def _insert_corner(self, zone: int, index: int, point: Point) -> None:
        after = copy.deepcopy(self.canvas.zones)
        after[zone]["polygon"].insert(index, [point[0], point[1]])
        self._push(self.tr("Add corner"), after, zone)

    def _remove_corner(self, zone: int, corner: int) -> None:
        after = copy.deepcopy(self.canvas.zones)
        del after[zone]["polygon"][corner]
        self._push(self.tr("Delete corner"), after, zone)

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
        zone = {"name": name, "detector": detector, "polygon": [list(p) for p in points], "dwell_s": 30.0,
                "sensitivity": 0.5}  # fmt: skip
        self.canvas.draft = []
        after = [*copy.deepcopy(self.canvas.zones), zone]
        self._push(self.tr("Add zone"), after, len(after) - 1)

    def delete_zone(self) -> None:
        row = self.canvas.selected
        if 0 <= row < len(self.canvas.zones):
            after = copy.deepcopy(self.canvas.zones)
            del after[row]
            self._push(self.tr("Delete zone"), after, min(row, len(after) - 1))

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
        self.undo_stack.setClean()  # what is stored now; an undo after this is an edit again
        self.problem.clear()
        self.status.setText(
            self.tr(
                "Saved (version %1): the analytics workers pick the zones up at their next renewal."
            ).replace("%1", str(self.version))
        )
        return True

    # --- leaving -----------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Close and the window's close button: edits not saved are not dropped without asking."""
        self.canvas.cancel_drag()
        self._store_fields()  # a name typed but not yet confirmed is an edit too
        if not self.undo_stack.isClean():
            answer = self._ask_unsaved()
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return  # refused: the reason is shown and the edits are still here
        super().reject()

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel ("Keep editing", also the box's Esc: the choice that loses nothing)."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.title,
            self.tr("These zones have changes that are not saved."),
            buttons.Save | buttons.Discard | buttons.Cancel,
            self,
        )
        box.setObjectName("zoneUnsaved")
        box.setInformativeText(self.tr("Save them, discard them, or keep editing?"))
        box.button(buttons.Cancel).setText(self.tr("Keep editing"))
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        box.exec()
        return box.standardButton(box.clickedButton())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The fields' own undo would undo typing the editor has already taken as an edit: the editor's
        undo and redo keys go to its stack instead, after what was typed is taken."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and QKeySequence(event.keyCombination()) in self.undo_keys
        ):
            self._store_fields()
            event.ignore()  # not the field's: the shortcut goes to the undo or redo action
            return True
        return super().eventFilter(watched, event)


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
