"""QImage allocation and numpy views of QImage memory, for renderers that paint with numpy."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QImage, QPainter

from gridwatch.layers.view import MapView

PIXEL_FORMAT = QImage.Format.Format_ARGB32_Premultiplied


def new_layer_image(view: MapView) -> QImage:
    """Transparent image at device resolution; QImage (not QPixmap) so any thread may paint it."""
    image = QImage(view.device_width, view.device_height, PIXEL_FORMAT)
    image.setDevicePixelRatio(view.device_pixel_ratio)
    image.fill(0)
    return image


def pixels(image: QImage) -> NDArray[np.uint32]:
    """A writable (height, width) view of premultiplied 0xAARRGGBB words; no copy."""
    if image.format() != PIXEL_FORMAT:
        raise ValueError(f"expected ARGB32_Premultiplied, got {image.format()}")
    words = np.frombuffer(image.bits(), dtype=np.uint32)
    rows = words.reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, : image.width()]


def device_painter(image: QImage) -> QPainter:
    """A painter in device pixels (the image's DPR scaling undone) with antialiasing on."""
    painter = QPainter(image)
    painter.scale(1 / image.devicePixelRatio(), 1 / image.devicePixelRatio())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return painter


def premultiply(argb: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """0xAARRGGBB straight → premultiplied, vectorized (colour tables, ramps)."""
    a = (argb >> 24) & 0xFF
    r = ((argb >> 16) & 0xFF) * a // 255
    g = ((argb >> 8) & 0xFF) * a // 255
    b = (argb & 0xFF) * a // 255
    out: NDArray[np.uint32] = ((a << 24) | (r << 16) | (g << 8) | b).astype(np.uint32)
    return out


def composite_over(dst: NDArray[np.uint32], src: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """Porter-Duff source-over of premultiplied words, elementwise (1-D or any shape)."""
    inv = 255 - ((src >> 24) & 0xFF).astype(np.uint32)
    out = src.astype(np.uint32)
    for shift in (0, 8, 16, 24):
        channel = ((dst >> shift) & 0xFF) * inv // 255
        out = out + (channel << shift)
    return out.astype(np.uint32)
