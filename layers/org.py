"""The organisation layer: district/street/community/grid outlines, a metric fill, labels.

Each level is drawn as one QPainterPath built from numpy (paths.py); a metric fill is one path per
colour class, so 10,000 grids cost a handful of fillPath calls, not 10,000.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from gridwatch.layers.base import Feature, LayerModel, LayerSnapshot
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.labels import place_labels
from gridwatch.layers.paths import path_from_parts
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.ramp import classify, lut
from gridwatch.layers.raster import device_painter, new_layer_image
from gridwatch.layers.view import MapView


class OrgLevel(IntEnum):
    DISTRICT = 0  # 区
    STREET = 1  # 街道
    COMMUNITY = 2  # 社区
    GRID = 3  # 网格


@dataclass(frozen=True)
class OrgStyle:
    # outlines of a level are drawn when the view is at most this many m/px (zoomed in enough)
    max_resolution: tuple[float, float, float, float] = (float("inf"), 60.0, 15.0, 6.0)
    # labels of a level only when its polygons are this many px wide on screen
    label_min_px: float = 60.0
    colours: tuple[int, int, int, int] = (0xFF5B2C83, 0xFF7B5BA6, 0xFF8E8E8E, 0xFFB0B0B0)
    widths: tuple[float, float, float, float] = (2.5, 1.6, 1.0, 0.6)
    fill_level: OrgLevel = OrgLevel.GRID
    ramp: str = "ylorrd"
    classes: int = 8
    fill_alpha: int = 150
    labels: bool = True
    shapes: bool = True  # outlines and the metric fill; False with labels=True: a names-only layer
    font_px: int = 12


@dataclass(frozen=True, kw_only=True)
class OrgSnapshot(LayerSnapshot):
    levels: Mapping[OrgLevel, PolygonSet]
    metric: NDArray[np.float64] | None  # one value per polygon of style.fill_level, NaN = no data
    metric_range: tuple[float, float]
    style: OrgStyle


def _fill(
    painter: QPainter,
    polys: PolygonSet,
    metric: NDArray[np.float64],
    value_range: tuple[float, float],
    style: OrgStyle,
    view: MapView,
    visible: NDArray[np.bool_],
    cancel: CancelToken,
) -> None:
    classes = classify(metric, value_range[0], value_range[1], style.classes)
    colours = lut(style.ramp, style.classes)
    vertex_class = np.where(visible, classes, -1)[polys.owner]
    dx, dy = view.world_to_device(polys.x, polys.y)
    painter.setPen(Qt.PenStyle.NoPen)
    # fills abut and are outlined on top: antialiasing them only costs time (measured 8× slower)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for c in range(style.classes):
        cancel.check()
        mask = vertex_class == c
        if mask.any():
            colour = QColor.fromRgba(int(colours[c]))
            colour.setAlpha(style.fill_alpha)
            painter.fillPath(path_from_parts(dx[mask], dy[mask], polys.starts[mask]), colour)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)


def _outline(
    painter: QPainter,
    polys: PolygonSet,
    level: OrgLevel,
    style: OrgStyle,
    view: MapView,
    visible: NDArray[np.bool_],
) -> None:
    mask = visible[polys.owner]
    dx, dy = view.world_to_device(polys.x[mask], polys.y[mask])
    pen = QPen(QColor.fromRgba(style.colours[level]), style.widths[level] * view.device_pixel_ratio)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.strokePath(path_from_parts(dx, dy, polys.starts[mask]), pen)


def _labels(
    painter: QPainter, snapshot: OrgSnapshot, drawn: list[tuple[OrgLevel, NDArray[np.bool_]]], view: MapView
) -> None:
    """Coarse levels first, larger units first: a district name wins over a grid number."""
    style = snapshot.style
    candidates: list[tuple[str, float, float]] = []
    for level, visible in sorted(drawn, key=lambda item: item[0]):
        polys = snapshot.levels[level]
        b = polys.bbox
        wide = visible & ((b[:, 2] - b[:, 0]) / view.resolution >= style.label_min_px)
        order = np.flatnonzero(wide)[np.argsort(-polys.area[wide], kind="stable")]
        lx, ly = view.world_to_device(polys.label_x[order], polys.label_y[order])
        candidates.extend(zip((polys.names[i] for i in order), lx.tolist(), ly.tolist(), strict=True))
    font = QFont()
    font.setPixelSize(round(style.font_px * view.device_pixel_ratio))
    place_labels(painter, font, candidates, view.device_width, view.device_height)


def render_org(snapshot: OrgSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    style = snapshot.style
    extent = view.extent
    painter = device_painter(image)
    try:
        fill_polys = snapshot.levels.get(style.fill_level)
        if style.shapes and snapshot.metric is not None and fill_polys is not None:
            _fill(
                painter,
                fill_polys,
                snapshot.metric,
                snapshot.metric_range,
                style,
                view,
                fill_polys.visible(extent),
                cancel,
            )
        drawn: list[tuple[OrgLevel, NDArray[np.bool_]]] = []
        for level in sorted(snapshot.levels, reverse=True):  # fine levels first, districts on top
            cancel.check()
            if view.resolution <= style.max_resolution[level]:
                visible = snapshot.levels[level].visible(extent)
                if style.shapes:
                    _outline(painter, snapshot.levels[level], level, style, view, visible)
                drawn.append((level, visible))
        if style.labels:
            cancel.check()
            _labels(painter, snapshot, drawn, view)
    finally:
        painter.end()
    return image


class OrgLayer(LayerModel):
    def __init__(
        self, name: str = "org", levels: Mapping[OrgLevel, PolygonSet] | None = None, *, z: int = 10
    ) -> None:
        super().__init__(name, z=z)
        self._levels: Mapping[OrgLevel, PolygonSet] = MappingProxyType(dict(levels or {}))
        self._metric: NDArray[np.float64] | None = None
        self._range = (0.0, 1.0)
        self._style = OrgStyle()

    def set_levels(self, levels: Mapping[OrgLevel, PolygonSet]) -> None:
        self._levels = MappingProxyType(dict(levels))
        self.touch()

    def set_metric(
        self, values: NDArray[np.float64] | None, value_range: tuple[float, float] | None = None
    ) -> None:
        """Values aligned with the fill level's polygons; range defaults to the data's min..max."""
        if values is not None:
            values = np.array(values, dtype=np.float64)
            values.setflags(write=False)
            finite = values[np.isfinite(values)]
            if value_range is None and finite.size:
                value_range = (float(finite.min()), float(finite.max()))
        self._metric = values
        self._range = value_range or (0.0, 1.0)
        self.touch()

    def set_style(self, style: OrgStyle) -> None:
        self._style = style
        self.touch()

    def snapshot(self) -> OrgSnapshot:
        problems = tuple(p for polys in self._levels.values() for p in polys.problems)
        return OrgSnapshot(
            layer_id=self.layer_id,
            version=self.version,
            problems=problems,
            levels=self._levels,
            metric=self._metric,
            metric_range=self._range,
            style=self._style,
        )

    def identify(self, view: MapView, x_px: float, y_px: float, tolerance_px: float = 4.0) -> list[Feature]:
        """Every unit containing the point, finest level first (a grid, then its community…)."""
        hits: list[Feature] = []
        for level in sorted(self._levels, reverse=True):
            polys = self._levels[level]
            for i in polys.at(view, x_px, y_px):
                hits.append(
                    Feature(
                        self.layer_id,
                        int(polys.ids[i]),
                        level.name.lower(),
                        0.0,
                        {"name": polys.names[i], "level": level},
                    )
                )
        return hits

    @property
    def levels(self) -> Mapping[OrgLevel, PolygonSet]:
        return self._levels
