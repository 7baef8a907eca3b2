"""The analytics zone editor: polygons drawn on a camera's picture, each with its detector, dwell time and
sensitivity, validated by the detectors and saved through the store (docs/ANALYTICS.md, "Zones").

Opened from a camera pane's toolbar ("Zones") or a camera's map symbol (right-click). Points are kept as
fractions (0-1) of the picture, so zones survive a change of resolution. A click adds a point to the zone
being drawn, a double-click (or "Close polygon") closes it, a right-click takes the last point back. The
pane's "Show zones" draws the saved zones over the live picture (`ZoneOverlay`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
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
from gridwatch.ui.widgets import named

Point = tuple[float, float]
ZONE_COLOUR = QColor(255, 200, 0)  # amber, as the snapshots draw zones
SELECTED_COLOUR = QColor(0, 200, 255)
DRAFT_COLOUR = QColor(255, 80, 80)
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
) -> None:
    """The zones' outlines and names over a picture drawn in `picture`."""

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
    """The camera's picture with its zones; clicks draw the zone being edited."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneCanvas")
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.zones: list[dict[str, Any]] = []
        self.selected = -1
        self.draft: list[Point] = []
        self.message = ""

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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            if self.draft:
                self.draft.pop()
                self.update()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.fraction_at(event.position().x(), event.position().y())
        if point is not None:
            self.draft.append(point)
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.draft and len(self.draft) > 1 and self.draft[-1] == self.draft[-2]:
            self.draft.pop()  # the double-click's own first click
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 20))
        picture = self.picture_rect()
        if self.image is not None:
            painter.drawImage(picture, self.image)
        else:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
        draw_zones(painter, picture, self.zones, self.selected, self.draft)


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
        self.detector_field.addItems(detector_names())
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
            self.zone_list.addItem(f"{zone.get('name', '')} · {zone.get('detector', '')}")
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
            self.detector_field.setCurrentText(str(zone.get("detector", "")))
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
        detector = self.detector_field.currentText()
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
            item.setText(f"{zone['name']} · {detector}")
        self.canvas.update()

    def new_zone(self) -> None:
        """Start drawing a new zone: the next clicks on the picture are its points."""
        self.canvas.draft = []
        self.canvas.selected = -1
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
        detector = self.detector_field.currentText() or (detector_names() or [""])[0]
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
