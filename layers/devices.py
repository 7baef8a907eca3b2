"""The devices layer: cameras (with their view wedge), loudspeakers, sensors; offline in grey."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from gridwatch.layers.base import DETAIL_SCALE, Feature, LayerModel, LayerSnapshot, LegendEntry
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.markers import draw_markers, identify_markers, in_box_markers
from gridwatch.layers.paths import path_from_parts
from gridwatch.layers.points import PointSet, frozen_array
from gridwatch.layers.raster import device_painter, new_layer_image
from gridwatch.layers.symbols import Glyph, Shape, Symbol
from gridwatch.layers.view import MapView


class DeviceKind(IntEnum):
    CAMERA = 0
    LOUDSPEAKER = 1
    SENSOR = 2


MARKER_SIZE = 13.0
OFFLINE = 0xFFA0A0A0
_LOOK = {
    DeviceKind.CAMERA: (Shape.SQUARE, 0xFF1E6FD9, Glyph.DOT),
    DeviceKind.LOUDSPEAKER: (Shape.TRIANGLE, 0xFFE07B00, Glyph.NONE),
    DeviceKind.SENSOR: (Shape.DIAMOND, 0xFF00897B, Glyph.NONE),
}
# index = kind * 2 + online
SYMBOLS = tuple(
    Symbol(shape, colour if online else OFFLINE, MARKER_SIZE, glyph=glyph)
    for shape, colour, glyph in _LOOK.values()
    for online in (False, True)
)
WEDGE_STEPS = 8
WEDGE_MIN_PX = 8.0  # wedges shorter than this on screen are noise: skip them


@dataclass(frozen=True, eq=False)
class DeviceData:
    points: PointSet
    kind: NDArray[np.uint8]
    online: NDArray[np.bool_]
    heading_deg: NDArray[np.float64]  # camera bearing, clockwise from north; NaN = unknown/PTZ
    fov_deg: NDArray[np.float64]
    range_m: NDArray[np.float64]

    @classmethod
    def build(
        cls,
        points: PointSet,
        kind: ArrayLike,
        online: ArrayLike,
        heading_deg: ArrayLike,
        fov_deg: ArrayLike,
        range_m: ArrayLike,
    ) -> DeviceData:
        return cls(
            points,
            frozen_array(kind, np.uint8),
            frozen_array(online, np.bool_),
            frozen_array(heading_deg, np.float64),
            frozen_array(fov_deg, np.float64),
            frozen_array(range_m, np.float64),
        )

    @property
    def symbol(self) -> NDArray[np.intp]:
        return self.kind.astype(np.intp) * 2 + self.online


@dataclass(frozen=True, kw_only=True)
class DevicesSnapshot(LayerSnapshot):
    data: DeviceData


def _draw_wedges(painter: QPainter, data: DeviceData, view: MapView) -> None:
    """All wedges of one state as one path: centre, arc of WEDGE_STEPS+1 points, back to centre."""
    pts = data.points
    cams = np.flatnonzero(
        (data.kind == DeviceKind.CAMERA)
        & np.isfinite(data.heading_deg)
        & (data.range_m / view.resolution >= WEDGE_MIN_PX)
        & view.extent.buffered(float(np.max(data.range_m, initial=0))).contains(pts.x, pts.y)
    )
    if cams.size == 0:
        return
    t = np.linspace(-0.5, 0.5, WEDGE_STEPS + 1)
    bearing = np.radians(data.heading_deg[cams, None] + t * data.fov_deg[cams, None])
    r = data.range_m[cams, None]
    wx = np.column_stack((pts.x[cams], pts.x[cams, None] + r * np.sin(bearing), pts.x[cams]))
    wy = np.column_stack((pts.y[cams], pts.y[cams, None] + r * np.cos(bearing), pts.y[cams]))
    dx, dy = view.world_to_device(wx.ravel(), wy.ravel())
    starts = np.zeros(wx.shape, dtype=bool)
    starts[:, 0] = True
    painter.setPen(Qt.PenStyle.NoPen)
    for online, colour in ((True, QColor(30, 111, 217, 60)), (False, QColor(140, 140, 140, 50))):
        rows = np.repeat(data.online[cams] == online, wx.shape[1])
        if rows.any():
            painter.fillPath(path_from_parts(dx[rows], dy[rows], starts.ravel()[rows]), colour)


def render_devices(snapshot: DevicesSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    painter = device_painter(image)
    try:
        _draw_wedges(painter, snapshot.data, view)
    finally:
        painter.end()
    cancel.check()
    draw_markers(image, view, snapshot.data.points, snapshot.data.symbol, SYMBOLS, cancel)
    return image


class DevicesLayer(LayerModel):
    def __init__(
        self,
        name: str = "devices",
        data: DeviceData | None = None,
        *,
        z: int = 40,
        max_scale_denominator: float | None = DETAIL_SCALE,
    ) -> None:
        super().__init__(name, z=z, max_scale_denominator=max_scale_denominator)
        self._data = data or DeviceData.build(PointSet.from_mercator([], []), [], [], [], [], [])

    def set_data(self, data: DeviceData) -> None:
        self._data = data
        self.touch()

    def snapshot(self) -> DevicesSnapshot:
        return DevicesSnapshot(layer_id=self.layer_id, version=self.version, data=self._data)

    def _feature(self, i: int, distance: float) -> Feature:
        d = self._data
        return Feature(
            self.layer_id,
            int(d.points.ids[i]),
            DeviceKind(int(d.kind[i])).name.lower(),
            distance,
            {"online": bool(d.online[i])},
        )

    def legend(self) -> tuple[LegendEntry, ...]:
        online = tuple(LegendEntry(f"device.{k.name.lower()}", SYMBOLS[k * 2 + 1]) for k in DeviceKind)
        return (*online, LegendEntry("device.offline", SYMBOLS[DeviceKind.CAMERA * 2]))

    def identify(self, view: MapView, x_px: float, y_px: float, tolerance_px: float = 4.0) -> list[Feature]:
        return identify_markers(
            self._data.points, view, x_px, y_px, tolerance_px, MARKER_SIZE / 2, self._feature
        )

    def identify_box(
        self, view: MapView, x0_px: float, y0_px: float, x1_px: float, y1_px: float
    ) -> list[Feature]:
        return in_box_markers(self._data.points, view, (x0_px, y0_px, x1_px, y1_px), self._feature)
