"""Compose per-layer images into one frame, each moved from the view it was rendered for.

While the user pans or zooms, the canvas calls this with the last images and the new view:
the frame is right at once (shifted/scaled), and sharp again when the new job delivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from gridwatch.layers.raster import new_layer_image
from gridwatch.layers.view import MapView


@dataclass(frozen=True, slots=True)
class LayerImage:
    view: MapView  # the view the image was rendered for
    image: QImage
    opacity: float = 1.0


def placement(source: MapView, target: MapView) -> QRectF:
    """Where `source`'s image lands in `target`, in target logical pixels."""
    left, top = target.world_to_screen(source.extent.xmin, source.extent.ymax)
    scale = source.resolution / target.resolution
    return QRectF(float(left), float(top), source.width * scale, source.height * scale)


def compose(view: MapView, layers: Sequence[LayerImage], into: QImage | None = None) -> QImage:
    """Bottom layer first. Pass `into` (a frame of the view's size) to reuse its memory."""
    frame = into if into is not None else new_layer_image(view)
    frame.fill(0)
    painter = QPainter(frame)
    try:
        for layer in layers:
            painter.setOpacity(layer.opacity)
            target = placement(layer.view, view)
            if layer.view.resolution == view.resolution:
                painter.drawImage(target.topLeft(), layer.image)  # pure shift: a blit, no resampling
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(target, layer.image)
    finally:
        painter.end()
    return frame
