"""Case density: a 2-D histogram on a coarse screen grid, Gaussian blur, colour ramp, upscale.

Binning at `cell_px` (not per pixel) keeps the blur cheap and the result smooth; the density is
normalised per frame, so the hottest spot in view is always the top of the ramp. The ramp is viridis
(perceptual, colour-blind safe), and the blur is clipped to the territory: no density over the sea or
the neighbouring district (docs/ARCHITECTURE.md, the map).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from gridwatch.layers.base import LayerModel, LayerSnapshot, LegendEntry
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.paths import path_from_parts
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.ramp import premultiplied_lut
from gridwatch.layers.raster import PIXEL_FORMAT, device_painter, new_layer_image, pixels
from gridwatch.layers.view import MapView


@dataclass(frozen=True)
class HeatmapStyle:
    radius_px: float = 24.0  # Gaussian sigma, logical px
    cell_px: int = 4
    ramp: str = "viridis"


@dataclass(frozen=True, kw_only=True)
class HeatmapSnapshot(LayerSnapshot):
    points: PointSet
    style: HeatmapStyle
    clip: PolygonSet | None = None  # the territory; None: unclipped


def render_heatmap(snapshot: HeatmapSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    style = snapshot.style
    cell = style.cell_px * view.device_pixel_ratio
    cols, rows = int(np.ceil(view.device_width / cell)), int(np.ceil(view.device_height / cell))
    pts = snapshot.points
    visible = pts.visible(view, margin_px=3 * style.radius_px)
    dx, dy = view.world_to_device(pts.x[visible], pts.y[visible])
    margin = int(np.ceil(3 * style.radius_px * view.device_pixel_ratio / cell))
    cx = np.floor(dx / cell).astype(np.int64) + margin
    cy = np.floor(dy / cell).astype(np.int64) + margin
    w, h = cols + 2 * margin, rows + 2 * margin
    inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    density = np.bincount(cy[inside] * w + cx[inside], minlength=w * h).astype(np.float32).reshape(h, w)
    cancel.check()
    sigma = style.radius_px * view.device_pixel_ratio / cell
    blurred = cv2.GaussianBlur(density, (0, 0), sigma)[margin : margin + rows, margin : margin + cols]
    top = float(blurred.max())
    if top <= 0:
        return image
    colours = premultiplied_lut(style.ramp)
    level = np.clip(np.sqrt(blurred / top) * 255, 0, 255).astype(np.intp)
    small = QImage(cols, rows, PIXEL_FORMAT)
    pixels(small)[:] = colours[level]
    painter = device_painter(image)
    try:
        clip = snapshot.clip
        if clip is not None and len(clip):
            x, y = view.world_to_device(clip.x, clip.y)
            painter.setClipPath(path_from_parts(x, y, clip.starts))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(0, 0, cols * cell, rows * cell), small)
    finally:
        painter.end()
    return image


class HeatmapLayer(LayerModel):
    """Shares the cases layer's PointSet (no copy): set the same data on both."""

    def __init__(self, name: str = "heatmap", points: PointSet | None = None, *, z: int = 20) -> None:
        super().__init__(name, z=z, visible=False)
        self._points = points or PointSet.from_mercator([], [])
        self._style = HeatmapStyle()
        self._clip: PolygonSet | None = None

    def set_clip(self, territory: PolygonSet | None) -> None:
        """The polygons the density is drawn inside (the district's), None for everywhere."""
        self._clip = territory
        self.touch()

    def legend(self) -> tuple[LegendEntry, ...]:
        return (LegendEntry("density", ramp=self._style.ramp),)

    def set_points(self, points: PointSet) -> None:
        self._points = points
        self.touch()

    def set_style(self, style: HeatmapStyle) -> None:
        self._style = style
        self.touch()

    def snapshot(self) -> HeatmapSnapshot:
        return HeatmapSnapshot(
            layer_id=self.layer_id,
            version=self.version,
            points=self._points,
            style=self._style,
            clip=self._clip,
        )
