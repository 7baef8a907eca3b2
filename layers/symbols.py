"""Marker symbols pre-rendered once into an atlas of premultiplied sprites.

Renderers never make a QPen or QBrush per point: each distinct symbol is drawn once here (QPainter
on a QImage, safe in any thread) and points refer to it by index (see splat.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from gridwatch.layers.raster import PIXEL_FORMAT, pixels


class Shape(IntEnum):
    CIRCLE = 0
    SQUARE = 1
    TRIANGLE = 2
    DIAMOND = 3


class Glyph(IntEnum):
    """An inner mark that keeps the outline (and so the footprint) while telling classes apart."""

    NONE = 0
    DOT = 1
    BAR = 2
    CROSS = 3
    RING = 4
    SLASH = 5


@dataclass(frozen=True, slots=True)
class Symbol:
    shape: Shape
    fill: int  # 0xAARRGGBB, straight alpha
    size: float  # logical px across
    stroke: int = 0xFF202020
    stroke_width: float = 1.0
    glyph: Glyph = Glyph.NONE
    glyph_colour: int = 0xFFFFFFFF


@dataclass(frozen=True, eq=False)
class SymbolAtlas:
    """sprites[i] is symbol i centred in a square of side 2*radius+1 device pixels."""

    sprites: NDArray[np.uint32]  # (n, side, side)
    radius: int
    footprint_of: NDArray[np.intp]  # symbol -> footprint id (symbols sharing an alpha mask)
    footprints: NDArray[np.uint8]  # (m, side, side) 0/1 masks, for dilation


def _outline(shape: Shape, c: float, r: float) -> QPainterPath:
    path = QPainterPath()
    if shape is Shape.CIRCLE:
        path.addEllipse(QPointF(c, c), r, r)
    elif shape is Shape.SQUARE:
        s = r * 0.9
        path.addRect(c - s, c - s, 2 * s, 2 * s)
    elif shape is Shape.TRIANGLE:
        pts = [
            QPointF(c + r * math.sin(a), c - r * math.cos(a)) for a in (0, 2 * math.pi / 3, 4 * math.pi / 3)
        ]
        path.addPolygon(QPolygonF([*pts, pts[0]]))
    else:
        path.addPolygon(
            QPolygonF(
                [
                    QPointF(c, c - r),
                    QPointF(c + r, c),
                    QPointF(c, c + r),
                    QPointF(c - r, c),
                    QPointF(c, c - r),
                ]
            )
        )
    return path


def _draw_glyph(painter: QPainter, glyph: Glyph, c: float, r: float, colour: QColor, dpr: float) -> None:
    g = r * 0.45
    if glyph is Glyph.DOT:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(c, c), g * 0.8, g * 0.8)
        return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, max(1.0, 1.2 * dpr)))
    if glyph is Glyph.BAR:
        painter.drawLine(QPointF(c - g, c), QPointF(c + g, c))
    elif glyph is Glyph.CROSS:
        painter.drawLine(QPointF(c - g, c), QPointF(c + g, c))
        painter.drawLine(QPointF(c, c - g), QPointF(c, c + g))
    elif glyph is Glyph.RING:
        painter.drawEllipse(QPointF(c, c), g, g)
    elif glyph is Glyph.SLASH:
        painter.drawLine(QPointF(c - g, c + g), QPointF(c + g, c - g))


def _sprite(symbol: Symbol, side: int, dpr: float) -> NDArray[np.uint32]:
    image = QImage(side, side, PIXEL_FORMAT)
    image.fill(0)
    c = side / 2
    r = symbol.size * dpr / 2
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    stroke = (
        QPen(QColor.fromRgba(symbol.stroke), symbol.stroke_width * dpr)
        if symbol.stroke_width
        else QPen(Qt.PenStyle.NoPen)
    )
    painter.setPen(stroke)
    painter.setBrush(QBrush(QColor.fromRgba(symbol.fill)))
    painter.drawPath(_outline(symbol.shape, c, r - symbol.stroke_width * dpr / 2))
    if symbol.glyph is not Glyph.NONE:
        _draw_glyph(painter, symbol.glyph, c, r, QColor.fromRgba(symbol.glyph_colour), dpr)
    painter.end()
    return pixels(image).copy()


def symbol_image(symbol: Symbol, dpr: float = 1.0) -> QImage:
    """The symbol alone, exactly as the map draws it (the legend's icon)."""
    side = max(1, math.ceil(symbol.size * dpr / 2) + 1) * 2 + 1
    image = QImage(side, side, PIXEL_FORMAT)
    pixels(image)[:] = _sprite(symbol, side, dpr)
    image.setDevicePixelRatio(dpr)
    return image


@lru_cache(maxsize=64)
def build_atlas(symbols: tuple[Symbol, ...], dpr: float) -> SymbolAtlas:
    """Cached per style: a layer's symbol table rarely changes, so this runs once per style/DPR."""
    radius = max(1, math.ceil(max(s.size for s in symbols) * dpr / 2) + 1)
    side = 2 * radius + 1
    sprites = np.stack([_sprite(s, side, dpr) for s in symbols])
    masks = (sprites >> 24) >= 32  # faint antialiased rims do not hide what lies below
    footprints, footprint_of = np.unique(masks.reshape(len(symbols), -1), axis=0, return_inverse=True)
    return SymbolAtlas(
        sprites,
        radius,
        footprint_of.reshape(-1).astype(np.intp),
        footprints.reshape(-1, side, side).astype(np.uint8),
    )
