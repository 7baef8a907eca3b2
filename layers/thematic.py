"""A thematic map: grids coloured by one figure of the evaluation (open-past-deadline rate, cases per km²,
a score), with its legend. The org layer's metric fill does the colouring (one path per class); this
module turns figures keyed by grid id into that fill, picks the classes' bounds, and draws a still
snapshot with a legend for a report page. The review window can hand the same `Theme` to its canvas's
org layer (`apply_theme`). No database here: the caller passes the figures (gridwatch.db.reads)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.org import OrgLayer, OrgLevel, OrgStyle, render_org
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.ramp import lut
from gridwatch.layers.view import Extent, MapView

EARTH_RADIUS_M = 6_378_137.0


def percent_label(value: float) -> str:
    return f"{value * 100:.0f}%"


def count_label(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


@dataclass(frozen=True)
class Theme:
    """A figure per grid (`values`: grid org id → value; grids without one are "no data"), its title, how
    a legend bound prints, the ramp and the number of classes."""

    title: str
    values: Mapping[int, float]
    label: Callable[[float], str] = count_label
    ramp: str = "ylorrd"
    classes: int = 5
    no_data: str = "—"
    value_range: tuple[float, float] | None = field(default=None)

    def bounds(self) -> tuple[float, float]:
        """The fill's range: as given, else 0..the largest value (a rate's legend starts at 0%)."""
        if self.value_range is not None:
            return self.value_range
        finite = [v for v in self.values.values() if math.isfinite(v)]
        top = max(finite, default=1.0)
        return 0.0, top if top > 0 else 1.0


def aligned(grids: PolygonSet, values: Mapping[int, float]) -> NDArray[np.float64]:
    """The values in the order of the grid polygons, NaN where a grid has none."""
    return np.array([values.get(int(i), math.nan) for i in grids.ids], dtype=np.float64)


def grid_km2(grids: PolygonSet) -> dict[int, float]:
    """Each grid's area in km² (Web Mercator areas scaled back by cos² of the latitude at its label)."""
    lat = np.degrees(2 * np.arctan(np.exp(grids.label_y / EARTH_RADIUS_M)) - np.pi / 2)
    km2 = grids.area * np.cos(np.radians(lat)) ** 2 / 1e6
    return {int(i): float(a) for i, a in zip(grids.ids, km2, strict=True)}


def density(grids: PolygonSet, counts: Mapping[int, int]) -> dict[int, float]:
    """Cases per km² of each grid with a count."""
    areas = grid_km2(grids)
    return {i: n / areas[i] for i, n in counts.items() if areas.get(i)}


def apply_theme(layer: OrgLayer, theme: Theme | None) -> None:
    """Colour a map canvas's org layer by the theme (None: no fill)."""
    grids = layer.levels.get(OrgLevel.GRID)
    if theme is None or grids is None:
        layer.set_metric(None)
        return
    layer.set_style(OrgStyle(ramp=theme.ramp, classes=theme.classes, fill_level=OrgLevel.GRID))
    layer.set_metric(aligned(grids, theme.values), theme.bounds())


def legend_entries(theme: Theme) -> list[tuple[QColor, str]]:
    """(colour, "from – to") per class, then the no-data swatch."""
    low, high = theme.bounds()
    colours = lut(theme.ramp, theme.classes)
    step = (high - low) / theme.classes
    out = []
    for c in range(theme.classes):
        colour = QColor.fromRgba(int(colours[c]))
        colour.setAlpha(OrgStyle().fill_alpha)
        out.append((colour, f"{theme.label(low + c * step)} – {theme.label(low + (c + 1) * step)}"))
    out.append((QColor(0, 0, 0, 0), theme.no_data))
    return out


def extent_of(levels: Mapping[OrgLevel, PolygonSet]) -> Extent | None:
    boxes = [p.bbox for p in levels.values() if len(p)]
    if not boxes:
        return None
    b = np.vstack(boxes)
    return Extent(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def render_thematic(
    levels: Mapping[OrgLevel, PolygonSet],
    theme: Theme,
    width: int,
    height: int,
    *,
    font: QFont | None = None,
    device_pixel_ratio: float = 2.0,
    title: bool = True,
) -> QImage:
    """The whole territory fitted into `width`×`height` (logical px) on white: grids filled by class,
    outlines, labels, the theme's title and a legend in the lower left corner."""
    image = QImage(
        round(width * device_pixel_ratio), round(height * device_pixel_ratio), QImage.Format.Format_ARGB32
    )
    image.setDevicePixelRatio(device_pixel_ratio)
    image.fill(QColor("white"))
    font = QFont(font) if font is not None else QFont()
    title_h = QFontMetricsF(font).height() * 1.6 if title else 0.0
    extent = extent_of(levels)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        if extent is not None:
            map_h = max(int(height - title_h), 1)
            view = MapView.fit(extent.buffered(max(extent.width, extent.height) * 0.03), width, map_h,
                               device_pixel_ratio)  # fmt: skip
            layer = OrgLayer(levels=levels)
            style = OrgStyle(
                ramp=theme.ramp,
                classes=theme.classes,
                max_resolution=(math.inf, math.inf, math.inf, math.inf),  # a snapshot shows every level
                label_min_px=90.0,
            )
            layer.set_style(style)
            grids = levels.get(OrgLevel.GRID)
            if grids is not None:
                layer.set_metric(aligned(grids, theme.values), theme.bounds())
            painter.drawImage(
                QRectF(0, title_h, width, map_h), render_org(layer.snapshot(), view, CancelToken())
            )
        if title:  # a PDF writes the title as text of its own (searchable), not into the picture
            title_font = QFont(font)
            title_font.setBold(True)
            painter.setFont(title_font)
            painter.setPen(QColor("black"))
            painter.drawText(QRectF(0, 0, width, title_h), Qt.AlignmentFlag.AlignCenter, theme.title)
        _legend(painter, theme, font, height)
    finally:
        painter.end()
    return image


def _legend(painter: QPainter, theme: Theme, font: QFont, height: float) -> None:
    entries = legend_entries(theme)
    small = QFont(font)
    small.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
    metrics = QFontMetricsF(small)
    line = metrics.height() * 1.3
    box_w = max(metrics.horizontalAdvance(label) for _, label in entries) + line * 1.6
    box = QRectF(8, height - 8 - line * len(entries) - 8, box_w + 8, line * len(entries) + 8)
    painter.setPen(QPen(QColor(120, 120, 120)))
    painter.setBrush(QColor(255, 255, 255, 220))
    painter.drawRect(box)
    painter.setFont(small)
    for i, (colour, label) in enumerate(entries):
        y = box.top() + 4 + i * line
        swatch = QRectF(box.left() + 6, y + line * 0.15, line * 0.9, line * 0.7)
        painter.setBrush(colour)
        painter.setPen(QPen(QColor(150, 150, 150)))
        painter.drawRect(swatch)
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(swatch.right() + 6, y, box_w, line), Qt.AlignmentFlag.AlignVCenter, label)
