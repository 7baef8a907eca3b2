"""`MapWidget`: the canvas with its layers, tool buttons, layer list and status line, fed by the store.

The widget is what other windows embed (the dispatcher workspace, `gridwatch map`). It reads the store
through a one-thread loader, turns clicks into domain signals (a case, a grid, a camera, a loudspeaker)
and, once `start_live()` is called, re-reads only what the change feed says changed.

Under everything lies an optional raster basemap: an XYZ URL template or an offline .mbtiles/.pmtiles
file, from the QSettings keys `map/basemap` and `map/basemap_datum` (wgs84 | gcj02) unless the caller
names one. A basemap that cannot be opened is said in the status line; the map works without it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import get_args

import numpy as np
import platformdirs
from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from gridwatch.db.config import APP
from gridwatch.db.store import Store
from gridwatch.layers.base import Feature, LayerModel
from gridwatch.layers.basemap import BasemapLayer
from gridwatch.layers.cases import CasesLayer
from gridwatch.layers.devices import DevicesLayer
from gridwatch.layers.heatmap import HeatmapLayer
from gridwatch.layers.org import OrgLayer, OrgLevel, OrgStyle
from gridwatch.layers.personnel import PersonnelLayer
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.tiles.math import Datum
from gridwatch.layers.tiles.sources import SourceError, XYZSource, open_source
from gridwatch.layers.tiles.store import TileStore
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator
from gridwatch.ui.feed import FeedThread
from gridwatch.ui.map import data
from gridwatch.ui.map.canvas import MapCanvas
from gridwatch.ui.map.identify import Describer, by_priority
from gridwatch.ui.map.layer_panel import LayerPanel
from gridwatch.ui.map.legend import Legend
from gridwatch.ui.map.live import LiveChanges
from gridwatch.ui.map.loader import Loader
from gridwatch.ui.map.tools import BoxSelectTool, MeasureTool, PanTool, Tool

KINDS = ("org", "cases", "density", "devices", "personnel")
LABELS_Z = 100
BASEMAP_Z = -100
BASEMAP_KEY, BASEMAP_DATUM_KEY = "map/basemap", "map/basemap_datum"
WAIT_POLL_MS = 20
SELECT_MARGIN_PX = 40
"""A selected case closer than this to the edge counts as off-screen: the map pans to it."""


class _CaseSource:
    """The open-case table, touched only by loader tasks (which run one at a time, in order)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.table = data.CaseTable.empty()

    def full(self) -> data.CaseTable:
        self.table = data.load_cases(self._store)
        return self.table

    def patch(self, ids: Collection[int]) -> data.CaseTable:
        self.table = self.table.patched(ids, data.load_cases(self._store, ids))
        return self.table


class MapWidget(QWidget):
    case_clicked = Signal(int)
    grid_clicked = Signal(int)
    camera_clicked = Signal(int)
    camera_zones_requested = Signal(int)  # a camera symbol's menu: edit its analytics zones
    speaker_clicked = Signal(int)
    sensor_clicked = Signal(int)  # a sensor symbol: its readings' chart
    cases_selected = Signal(list)  # case ids inside a selection box

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        basemap: str | None = None,
        basemap_datum: str | None = None,
        settings: QSettings | None = None,
        default_basemap: str = "",
    ) -> None:
        """`basemap`/`basemap_datum` override the settings; "" for `basemap` means none.
        `default_basemap` (a WGS84 file: the demo's, docs/BASEMAP.md) is used when the settings name none."""
        super().__init__(parent)
        self.store = store
        self.basemap = BasemapLayer(self.tr("Basemap"), z=BASEMAP_Z)
        self.org = OrgLayer(self.tr("Org units"))
        self.org.set_style(OrgStyle(labels=False))
        # names go on top of every symbol, as in QGIS: a second org layer draws only the labels
        self.org_labels = OrgLayer(self.tr("Names"), z=LABELS_Z)
        self.org_labels.set_style(OrgStyle(shapes=False))
        self.heatmap = HeatmapLayer(self.tr("Case density"))
        self.cases = CasesLayer(self.tr("Open cases"))
        self.devices = DevicesLayer(self.tr("Devices"))
        self.personnel = PersonnelLayer(self.tr("Grid workers"))
        self.layers: list[LayerModel] = [
            self.basemap,
            self.org,
            self.heatmap,
            self.cases,
            self.devices,
            self.personnel,
            self.org_labels,
        ]
        self.canvas = MapCanvas(self)
        self.describer = Describer(store, self)
        self.canvas.tooltip_for = self.describer.top  # hover: the thing a click would act on, by name
        for layer in self.layers:
            self.canvas.add_layer(layer)
        self.panel = LayerPanel([(layer, layer.name) for layer in self.layers], self)
        self.panel.setFixedWidth(190)
        self.legend = Legend(self.layers, self)
        self.legend.setFixedWidth(190)
        for layer in self.layers:  # a changed scale range greys or ungreys the layer's row
            layer.appearance_changed.connect(lambda: self.panel.set_view(self.canvas.view))
        self._case_source = _CaseSource(store)
        self._case_table = data.CaseTable.empty()
        self._waiting: set[str] = set(KINDS)
        self._unread: dict[str, str] = {}  # kind → why its last read failed, until a read of it lands
        self._unread_said = ""  # the status line's text about them, so a later click's text is left alone
        self.loaded = False
        self._loader = Loader(self)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_failed)
        self._live = LiveChanges(self)
        self._live.refresh.connect(self.refresh)
        self._feed: FeedThread | None = None
        self._build_chrome()
        self.canvas.features_clicked.connect(self._on_clicked)
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._context_menu)
        self.canvas.box_selected.connect(self._on_box)
        self.canvas.cursor_moved.connect(self._show_cursor)
        self.canvas.view_changed.connect(self._view_changed)
        self.canvas.measured.connect(self._show_measure)
        settings = settings or QSettings()
        self.set_basemap(
            str(settings.value(BASEMAP_KEY, "") or default_basemap) if basemap is None else basemap,
            str(settings.value(BASEMAP_DATUM_KEY, "wgs84") or "wgs84")
            if basemap_datum is None
            else basemap_datum,
        )
        self.reload()

    # --- layout -------------------------------------------------------------------------------------

    def _build_chrome(self) -> None:
        self.tool_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        tools: list[tuple[str, str, Callable[[], Tool]]] = [
            ("pan", self.tr("Pan / identify"), PanTool),
            ("select", self.tr("Box select"), BoxSelectTool),
            ("measure", self.tr("Measure"), MeasureTool),
        ]
        for key, title, make in tools:
            button = QToolButton(self)
            button.setText(title)
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, make=make: self.canvas.set_tool(make()))
            group.addButton(button)
            bar.addWidget(button)
            self.tool_buttons[key] = button
        self.tool_buttons["pan"].setChecked(True)
        whole = QToolButton(self)
        whole.setText(self.tr("Whole area"))
        whole.clicked.connect(self.zoom_to_extent)
        bar.addWidget(whole)
        bar.addStretch(1)
        self.coords_label = QLabel(self)
        self.scale_label = QLabel(self)
        self.message_label = QLabel(self)
        status = QHBoxLayout()
        status.setContentsMargins(6, 2, 6, 2)
        status.addWidget(self.message_label, 1)
        status.addWidget(self.coords_label)
        status.addSpacing(16)
        status.addWidget(self.scale_label)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.canvas, 1)
        side = QVBoxLayout()  # the layer list over the legend of the layers switched on
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.panel)
        side.addWidget(self.legend)
        side.addStretch(1)
        body.addLayout(side)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(bar)
        outer.addLayout(body, 1)
        outer.addLayout(status)
        self._view_changed(self.canvas.view)

    # --- basemap -----------------------------------------------------------------------------------------

    def set_basemap(self, spec: str, datum: str = "wgs84") -> bool:
        """Show the tiles of `spec` ("" for none) under the map; False (and why, in the status line) if the
        source cannot be opened, leaving no basemap."""
        self.basemap.set_store(None)
        if not spec:
            return True
        if datum not in get_args(Datum):
            self._basemap_problem(self.tr("unknown datum %1 (wgs84 or gcj02)").replace("%1", repr(datum)))
            return False
        try:
            source = open_source(spec, datum=datum)  # type: ignore[arg-type]  # checked just above
        except SourceError as exc:
            self._basemap_problem(str(exc))
            return False
        cache = (
            Path(platformdirs.user_cache_dir(APP)) / "tiles" / source.cache_id
            if isinstance(source, XYZSource)
            else None
        )
        store = TileStore(source, cache)
        store.tile_failed.connect(self._basemap_tile_failed)
        self.basemap.set_store(store)
        return True

    def _basemap_problem(self, why: str) -> None:
        self.message_label.setText(self.tr("No basemap: %1").replace("%1", why))
        self.message_label.setToolTip(why)

    def _basemap_tile_failed(self) -> None:
        store = self.basemap.store
        name = store.source.name if store is not None else ""
        self.message_label.setText(
            self.tr("Basemap tiles from %1 could not be read; retrying.").replace("%1", name)
        )

    # --- loading ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read every layer from the store (the map keeps showing the old data until each lands)."""
        for kind in KINDS:
            if kind != "density":  # cases bring their density along
                self.refresh(kind, None)

    def refresh(self, kind: str, ids: Collection[int] | None = None) -> None:
        """Re-read one kind of data; for cases, `ids` limits the read to the rows that changed."""
        work: Callable[[], object]
        if kind == "org":
            work = lambda: data.load_org(self.store)  # noqa: E731
        elif kind == "cases":
            self.refresh("density", None)
            source = self._case_source
            work = source.full if ids is None else lambda: source.patch(ids)
        elif kind == "density":
            work = lambda: data.load_density(self.store)  # noqa: E731
        elif kind == "devices":
            work = lambda: data.load_devices(self.store)  # noqa: E731
        elif kind == "personnel":
            work = lambda: data.load_personnel(self.store)  # noqa: E731
        else:
            raise ValueError(f"unknown map data kind {kind!r}")
        self._loader.request(kind, work)

    def _on_loaded(self, kind: str, result: object) -> None:
        if kind == "org":
            assert isinstance(result, dict)
            self.org.set_levels(result)
            self.org_labels.set_levels(result)
            self.heatmap.set_clip(result[min(result)] if result else None)  # the coarsest: the territory
            self.canvas.home_extent = data.org_extent(result) or self.canvas.home_extent
        elif kind == "cases":
            assert isinstance(result, data.CaseTable)
            self._case_table = result
            self.cases.set_data(result.case_data())
        elif kind == "density":
            self.heatmap.set_points(result)  # type: ignore[arg-type]
        elif kind == "devices":
            self.devices.set_data(result)  # type: ignore[arg-type]
        elif kind == "personnel":
            self.personnel.set_data(result)  # type: ignore[arg-type]
        if self._unread.pop(kind, None) is not None:
            self._say_unread()
        self._settle(kind)

    def _on_failed(self, kind: str, message: str) -> None:
        self._unread[kind] = message
        self._say_unread()
        self._settle(kind)

    def _say_unread(self) -> None:
        """Name the layers whose last read failed (the map keeps drawing what it had), with the store's
        reasons as the tooltip; once every one has been read again, take back what was said, but only if
        the line still says it (a click or a measurement since has its own text)."""
        names = {
            "org": self.org.name,
            "cases": self.cases.name,
            "density": self.heatmap.name,
            "devices": self.devices.name,
            "personnel": self.personnel.name,
        }
        if self._unread:
            self._unread_said = self.tr("Could not read the map data (%1).").replace(
                "%1", ", ".join(names[k] for k in KINDS if k in self._unread)
            )
            self.message_label.setText(self._unread_said)
            self.message_label.setToolTip("\n".join(self._unread.values()))
        elif self._unread_said:
            if self.message_label.text() == self._unread_said:
                self.message_label.setText("")
                self.message_label.setToolTip("")
            self._unread_said = ""

    def _settle(self, kind: str) -> None:
        if kind in self._waiting:
            self._waiting.discard(kind)
            if not self._waiting:
                self.loaded = True
                if self.canvas.home_extent is None:
                    self.canvas.home_extent = self._points_extent()
                self.zoom_to_extent()

    def _points_extent(self) -> Extent | None:
        """Without org polygons, fit what there is: the cases."""
        t = self._case_table
        if not len(t):
            return None
        x, y = lonlat_to_mercator(t.lon, t.lat)
        return Extent(float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y)))

    @property
    def busy(self) -> bool:
        view = self.canvas.view
        return (
            not self.loaded
            or self._loader.busy
            or self._live.pending
            or self.canvas.rendering
            or (self.basemap.shown_at(view) and self.basemap.loading(view))
        )

    def wait_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Run the event loop until the data are read, the basemap tiles in view have arrived and every
        visible layer is drawn (tests, screenshots); False if that took longer than `timeout_ms`."""
        if not self.busy:
            return True
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(WAIT_POLL_MS)
        poll.timeout.connect(lambda: None if self.busy else loop.quit())
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        poll.start()
        deadline.start(timeout_ms)
        loop.exec()
        poll.stop()
        deadline.stop()
        return not self.busy

    # --- live updates --------------------------------------------------------------------------------

    def start_live(self, shared: FeedThread | None = None) -> FeedThread:
        """Follow the change feed: the window's `shared` one, or the map's own when it stands alone."""
        if shared is not None:
            shared.changes.connect(self._live.take)
            return shared
        if self._feed is None:
            self._feed = FeedThread(self.store, self)
            self._feed.changes.connect(self._live.take)
            self._feed.start()
        return self._feed

    def stop_live(self) -> None:
        """Stop the map's own feed (a shared one belongs to the window, which stops it)."""
        if self._feed is not None:
            self._feed.stop()
            self._feed = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the feed thread, the loader and the render workers: none may outlive the widget."""
        self.stop_live()
        self._loader.wait()
        self.canvas.shutdown()
        self.basemap.close()

    # --- commands ------------------------------------------------------------------------------------

    def go_to(self, lon: float, lat: float, scale_denominator: float) -> None:
        """Centre on a place at a ground scale of 1:`scale_denominator`."""
        x, y = (float(v) for v in lonlat_to_mercator(lon, lat))
        v = self.canvas.view
        here = MapView(x, y, v.resolution, v.width, v.height, v.device_pixel_ratio)
        self.canvas.set_view(here.with_scale_denominator(scale_denominator), 0)

    def zoom_to_extent(self) -> None:
        if self.canvas.home_extent is not None:
            self.canvas.zoom_to(self.canvas.home_extent)

    def zoom_to_grid(self, grid_id: int) -> None:
        grids: PolygonSet | None = self.org.levels.get(OrgLevel.GRID)
        if grids is None:
            return
        hit = np.flatnonzero(grids.ids == grid_id)
        if hit.size:
            xmin, ymin, xmax, ymax = (float(v) for v in grids.bbox[hit[0]])
            self.canvas.zoom_to(Extent(xmin, ymin, xmax, ymax))

    def select_case(self, case_id: int) -> None:
        """Highlight the case; pan to it when it is off-screen (or too close to the edge to notice)."""
        self.cases.set_selection([case_id])
        where = self._case_table.lonlat_of(case_id) or data.case_lonlat(self.store, case_id)
        if where is None:
            return
        x, y = (float(v) for v in lonlat_to_mercator(*where))
        margin = SELECT_MARGIN_PX * self.canvas.view.resolution
        inner = self.canvas.view.extent.buffered(-margin)
        if not (inner.xmin <= x <= inner.xmax and inner.ymin <= y <= inner.ymax):
            self.canvas.center_on(x, y)

    # --- clicks --------------------------------------------------------------------------------------

    def _on_clicked(self, features: list[Feature]) -> None:
        """Something to act on wins over where it is: a case or device before the grid under it; the status
        line names what was clicked."""
        features = by_priority(features)
        if features and features[0].kind not in ("case", "cluster"):
            self.message_label.setText(self.describer.describe(features[0]))
        for feature in features:
            kind = feature.kind
            if kind == "case":
                self.cases.set_selection([feature.feature_id])
                self.case_clicked.emit(feature.feature_id)
                return
            if kind == "cluster":
                v = self.canvas.view
                x, y = feature.properties["x"], feature.properties["y"]
                assert isinstance(x, float) and isinstance(y, float)
                sx, sy = v.world_to_screen(x, y)
                self.canvas.zoom_around(float(sx), float(sy), 4.0)
                return
            if kind == "camera":
                self.camera_clicked.emit(feature.feature_id)
                return
            if kind == "loudspeaker":
                self.speaker_clicked.emit(feature.feature_id)
                return
            if kind == "sensor":
                self.sensor_clicked.emit(feature.feature_id)
                return
            if kind == "person":
                return  # named in the status line; nothing else to open
            if kind == "grid":
                self.grid_clicked.emit(feature.feature_id)
                return
        self.message_label.setText(", ".join(str(f.properties.get("name", f.kind)) for f in features))

    def camera_menu(self, x: float, y: float) -> QMenu | None:
        """A camera symbol's menu at canvas pixel (x, y): watch it, edit its analytics zones."""
        cameras = [f for f in by_priority(self.canvas.identify(x, y)) if f.kind == "camera"]
        if not cameras:
            return None
        camera_id = cameras[0].feature_id
        menu = QMenu(self)
        menu.setObjectName("cameraMenu")
        watch = menu.addAction(self.tr("Watch camera"))
        watch.triggered.connect(lambda: self.camera_clicked.emit(camera_id))
        zones = menu.addAction(self.tr("Analytics zones…"))
        zones.setObjectName("cameraZonesAction")
        zones.triggered.connect(lambda: self.camera_zones_requested.emit(camera_id))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        menu = self.camera_menu(position.x(), position.y())
        if menu is not None:
            menu.popup(self.canvas.mapToGlobal(position))

    def _on_box(self, features: list[Feature]) -> None:
        ids = [f.feature_id for f in features if f.kind == "case"]
        self.cases.set_selection(ids)
        self.message_label.setText(self.tr("%n case(s) selected", "", len(ids)))
        self.cases_selected.emit(ids)

    # --- status line -----------------------------------------------------------------------------------

    def _show_cursor(self, lon: float, lat: float) -> None:
        self.coords_label.setText(f"{lon:.5f}°E  {lat:.5f}°N")

    def _view_changed(self, view: MapView) -> None:
        self.scale_label.setText(f"1 : {view.scale_denominator():,.0f}")
        self.panel.set_view(view)

    def _show_measure(self, metres: float) -> None:
        self.message_label.setText(self.tr("Distance: %1 m").replace("%1", f"{metres:,.1f}"))
