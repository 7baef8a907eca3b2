"""What the device and personnel layers share: an atlas-drawn marker per point and a click test."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QImage

from gridwatch.layers.base import Feature
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.points import PointSet
from gridwatch.layers.raster import pixels
from gridwatch.layers.splat import splat
from gridwatch.layers.symbols import Symbol, build_atlas
from gridwatch.layers.view import MapView


def draw_markers(
    image: QImage,
    view: MapView,
    points: PointSet,
    symbol: NDArray[np.intp],
    symbols: tuple[Symbol, ...],
    cancel: CancelToken,
) -> None:
    visible = points.visible(view, margin_px=max(s.size for s in symbols))
    dx, dy = view.world_to_device(points.x[visible], points.y[visible])
    splat(pixels(image), dx, dy, symbol[visible], build_atlas(symbols, view.device_pixel_ratio), cancel)


def identify_markers(
    points: PointSet,
    view: MapView,
    x_px: float,
    y_px: float,
    tolerance_px: float,
    radius_px: float,
    feature: Callable[[int, float], Feature],
) -> list[Feature]:
    idx, dist = points.nearest(view, x_px, y_px, tolerance_px + radius_px)
    return [feature(int(i), float(d)) for i, d in zip(idx, dist, strict=True)]


def in_box_markers(
    points: PointSet,
    view: MapView,
    box: tuple[float, float, float, float],
    feature: Callable[[int, float], Feature],
) -> list[Feature]:
    return [feature(int(i), 0.0) for i in points.in_box(view, *box)]
