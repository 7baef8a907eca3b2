"""The map canvas: owns the view, asks gridwatch.layers for one image per layer, paints them.

A view change repaints at once from the last images, shifted and scaled to the new view (so a pan
moves the picture under the cursor with no wait), and starts a new render job a moment later; the job
cancels the previous one. A layer whose data change re-renders alone: the others come from the render
cache (same view, same version), so `render_counts` only grows for the layer that changed. A layer
outside its scale range (`LayerModel.max_scale_denominator`) is skipped like a hidden one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from gridwatch.layers.base import Feature, LayerModel
from gridwatch.layers.compose import LayerImage, placement
from gridwatch.layers.job import MapRenderer, RenderJob
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator, mercator_to_lonlat
from gridwatch.ui.map.scale_bar import draw_scale_bar
from gridwatch.ui.map.tools import PanTool, Tool

BACKGROUND = QColor(242, 239, 233)
RENDER_DELAY_MS = 40
"""While the view keeps moving, wait this long for it to settle before rendering: a drag paints from
the last images and does not start (and cancel) a job on every mouse move."""
WHEEL_STEP = 2**0.5  # one wheel notch: half a zoom level
KEY_PAN_FRACTION = 0.2
MIN_RESOLUTION, MAX_RESOLUTION = 0.05, 20_000.0  # m/px: street furniture … all of China
FIT_MARGIN = 1.05
IDENTIFY_TOLERANCE_PX = 4.0
# Xiamen, 思明区: where an empty store opens
DEFAULT_CENTER = (118.09, 24.47)
DEFAULT_RESOLUTION = 10.0


class MapCanvas(QWidget):
    features_clicked = Signal(list)  # list[Feature], topmost layer first, nearest first
    box_selected = Signal(list)  # list[Feature]
    cursor_moved = Signal(float, float)  # lon, lat
    view_changed = Signal(object)  # MapView
    measured = Signal(float)  # metres
    render_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tooltip_for: Callable[[list[Feature]], str] | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        x, y = lonlat_to_mercator(*DEFAULT_CENTER)
        self._view = MapView(
            float(x), float(y), DEFAULT_RESOLUTION, max(1, self.width()), max(1, self.height())
        )
        self._layers: list[LayerModel] = []
        self._images: dict[str, LayerImage] = {}
        self._renderer = MapRenderer()
        self.home_extent: Extent | None = None  # what Home (and zoom_to_extent) shows
        self._job: RenderJob | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._render)
        self.render_counts: Counter[str] = Counter()
        self._closed = False  # after shutdown(): no more render jobs
        self.tool: Tool = PanTool()
        self._pan = PanTool()  # the middle button's, whatever tool is active
        self._middle = False

    # --- layers and rendering -----------------------------------------------------------------------

    @property
    def layers(self) -> list[LayerModel]:
        return list(self._layers)

    @property
    def renderer(self) -> MapRenderer:
        return self._renderer

    def add_layer(self, layer: LayerModel) -> None:
        self._layers.append(layer)
        layer.changed.connect(lambda: self.schedule_render(0))
        layer.appearance_changed.connect(self._appearance_changed)
        self.schedule_render(0)

    def _appearance_changed(self) -> None:
        self.update()
        self.schedule_render(0)  # a layer turned visible needs an image; the cache makes the rest free

    def schedule_render(self, delay_ms: int = RENDER_DELAY_MS) -> None:
        if self._closed:
            return
        if not self._timer.isActive() or delay_ms < self._timer.remainingTime():
            self._timer.start(delay_ms)

    @property
    def rendering(self) -> bool:
        return self._timer.isActive() or (self._job is not None and not self._job.done)

    def _render(self) -> None:
        view = self._view
        snapshots = [layer.snapshot() for layer in self._layers if layer.shown_at(view)]
        names = {layer.layer_id: layer.name for layer in self._layers}
        for snapshot in snapshots:
            if self._renderer.cache.get(snapshot.layer_id, view, snapshot.version) is None:
                self.render_counts[names[snapshot.layer_id]] += 1
        # bound methods, not lambdas holding the job: a job must never sit in a reference cycle, or
        # Python's cyclic GC (which may run in a render thread) could delete a GUI-thread QObject
        self._job = self._renderer.render(view, snapshots)
        self._job.layer_rendered.connect(self._layer_rendered)
        self._job.finished.connect(self._job_finished)
        self._job.start()

    def _layer_rendered(self, layer_id: str, image: QImage) -> None:
        # only the current job delivers: rendering a new one cancels the previous
        if self._job is not None:
            self._images[layer_id] = LayerImage(self._job.view, image)
            self.update()

    def _job_finished(self) -> None:
        if self._job is not None and self._job.done and not self._job.cancelled:
            self.render_finished.emit()

    def wait_idle(self, msecs: int = -1) -> bool:
        return self._renderer.wait_idle(msecs)

    def shutdown(self) -> None:
        """Stop rendering before the widget goes: workers must not outlive the images they paint."""
        self._closed = True
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()
        self._renderer.wait_idle()

    # --- the view -----------------------------------------------------------------------------------

    @property
    def view(self) -> MapView:
        return self._view

    def set_view(self, view: MapView, delay_ms: int = RENDER_DELAY_MS) -> None:
        resolution = min(MAX_RESOLUTION, max(MIN_RESOLUTION, view.resolution))
        if resolution != view.resolution:
            view = MapView(
                view.center_x, view.center_y, resolution, view.width, view.height, view.device_pixel_ratio
            )
        if view == self._view:
            return
        self._view = view
        self.update()
        self.view_changed.emit(view)
        self.schedule_render(delay_ms)

    def pan_by(self, dx: float, dy: float) -> None:
        self.set_view(self._view.panned(dx, dy))

    def zoom_around(self, x: float, y: float, factor: float) -> None:
        self.set_view(self._view.zoomed_around(x, y, factor))

    def zoom_to(self, extent: Extent) -> None:
        """Fit the extent (a point-sized one keeps the scale and centres on it)."""
        v = self._view
        if extent.width <= 0 and extent.height <= 0:
            self.center_on(extent.xmin, extent.ymin)
            return
        fitted = MapView.fit(
            extent.buffered(max(extent.width, extent.height) * (FIT_MARGIN - 1) / 2),
            v.width,
            v.height,
            v.device_pixel_ratio,
        )
        self.set_view(fitted, 0)

    def center_on(self, x: float, y: float) -> None:
        v = self._view
        self.set_view(MapView(x, y, v.resolution, v.width, v.height, v.device_pixel_ratio), 0)

    def screen_to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = mercator_to_lonlat(*self._view.screen_to_world(x, y))
        return float(lon), float(lat)

    def lonlat_to_screen(self, lon: float, lat: float) -> QPointF:
        sx, sy = self._view.world_to_screen(*lonlat_to_mercator(lon, lat))
        return QPointF(float(sx), float(sy))

    # --- what the tools call ---------------------------------------------------------------------------

    def set_tool(self, tool: Tool) -> None:
        self.tool.cancel()
        self.tool = tool
        self.setCursor(tool.cursor)
        self.update()

    def identify(self, x: float, y: float) -> list[Feature]:
        hits: list[Feature] = []
        for layer in sorted(self._layers, key=lambda item: -item.z):
            if layer.shown_at(self._view):
                hits.extend(layer.identify(self._view, x, y, IDENTIFY_TOLERANCE_PX))
        return hits

    def event(self, event: QEvent) -> bool:
        """Hover: a tooltip naming the thing under the pointer (`tooltip_for`), none over empty ground."""
        if event.type() == QEvent.Type.ToolTip and self.tooltip_for is not None:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_for(self.identify(event.pos().x(), event.pos().y()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def identify_at(self, x: float, y: float) -> None:
        self.features_clicked.emit(self.identify(x, y))

    def select_box(self, rect: QRectF) -> None:
        hits: list[Feature] = []
        for layer in sorted(self._layers, key=lambda item: -item.z):
            if layer.shown_at(self._view):
                hits.extend(
                    layer.identify_box(self._view, rect.left(), rect.top(), rect.right(), rect.bottom())
                )
        self.box_selected.emit(hits)

    def report_measure(self, metres: float) -> None:
        self.measured.emit(metres)

    # --- Qt events ------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for layer in sorted(self._layers, key=lambda item: item.z):
            shown = self._images.get(layer.layer_id)
            if shown is None or not layer.shown_at(self._view):
                continue
            painter.setOpacity(layer.opacity)
            target = placement(shown.view, self._view)
            if shown.view.resolution == self._view.resolution:
                painter.drawImage(target.topLeft(), shown.image)  # a pure shift: no resampling
            else:
                painter.drawImage(target, shown.image)
        painter.setOpacity(1.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.tool.paint(self, painter)
        draw_scale_bar(painter, self._view, 14, self.height() - 12)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        self.set_view(
            self._view.resized(max(1, size.width()), max(1, size.height()), self.devicePixelRatioF()), 0
        )

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            pos = event.position()
            self.zoom_around(pos.x(), pos.y(), WHEEL_STEP**steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._middle = event.button() == Qt.MouseButton.MiddleButton
        (self._pan if self._middle else self.tool).press(self, event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        lon, lat = self.screen_to_lonlat(event.position().x(), event.position().y())
        self.cursor_moved.emit(lon, lat)
        (self._pan if self._middle else self.tool).move(self, event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        (self._pan if self._middle else self.tool).release(self, event)
        self._middle = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.tool.double_click(self, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, v = event.key(), self._view
        step_x, step_y = v.width * KEY_PAN_FRACTION, v.height * KEY_PAN_FRACTION
        pans = {
            Qt.Key.Key_Left: (step_x, 0.0),
            Qt.Key.Key_Right: (-step_x, 0.0),
            Qt.Key.Key_Up: (0.0, step_y),
            Qt.Key.Key_Down: (0.0, -step_y),
        }
        if key in pans:
            self.pan_by(*pans[Qt.Key(key)])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_around(v.width / 2, v.height / 2, 2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom_around(v.width / 2, v.height / 2, 0.5)
        elif key == Qt.Key.Key_Home and self.home_extent is not None:
            self.zoom_to(self.home_extent)
        elif key == Qt.Key.Key_Escape:
            self.tool.cancel()
            self.update()
        else:
            super().keyPressEvent(event)
