"""Draw a `DemoMap` into 256 px PNG tiles with QPainter and write them as an MBTiles 1.3 file.

Each tile is painted from the features near it, in global pixel coordinates of its zoom shifted by the
tile's corner, so a street or a label that crosses a tile edge continues exactly on the next tile.
Labels are placed once per zoom (largest first, skipping any that would overlap one already placed),
then drawn on every tile they touch. Needs a QGuiApplication for the fonts (`__main__` makes one).
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.base import BaseGeometry

from gridwatch.layers.tiles.math import HALF_WORLD_M, TILE_SIZE, TileKey, tile_span_m, tiles_for_extent
from gridwatch.layers.view import Extent, mercator_to_lonlat
from gridwatch.plugins.basemap.demo_map import Area, DemoMap

MIN_ZOOM, MAX_ZOOM = 11, 16  # the whole district on a screen down to single houses' streets

LAND, SEA, GREEN, BLOCK = "#f2efe9", "#aad3df", "#c8e6b0", "#e3dccf"
STREET, STREET_CASING, ROAD, ROAD_CASING = "#ffffff", "#cfc6b8", "#fcd68a", "#d4a85a"
TEXT, WATER_TEXT, PARK_TEXT, HALO = "#3a3a3a", "#2a6f97", "#3d7a2a", "#ffffff"

# line widths in pixels per zoom: casing (outer) and fill
STREET_PX = {11: 0.0, 12: 0.0, 13: 0.6, 14: 1.5, 15: 2.5, 16: 4.5}  # the winding grid boundaries
ROAD_PX = {11: 0.0, 12: 0.8, 13: 1.2, 14: 2.5, 15: 4.0, 16: 7.0}  # the straight ones, unnamed
MAIN_PX = {11: 1.0, 12: 1.5, 13: 2.5, 14: 4.0, 15: 6.5, 16: 11.0}  # the named roads
LANE_PX = {14: 0.0, 15: 1.5, 16: 3.0}
CASING_PX = 1.0  # each side
ROAD_LABEL_ZOOM, AREA_LABEL_ZOOM = 14, 13
LABEL_EVERY_PX = 400.0  # a long road's name repeats this often (where no other label is)
MARGIN_PX = 64.0  # tiles reach at least this far past the district at every zoom, 2.5 km at most
MARGIN_M = 2_500.0


@dataclass(frozen=True)
class Label:
    """A text centred at `x, y` (global pixels of its zoom), turned `angle` degrees."""

    text: str
    x: float
    y: float
    angle: float
    colour: str
    size: float
    bold: bool

    def rect(self) -> QRectF:
        """The axis-aligned box the turned text covers, with its halo."""
        width, height = _metrics(self.size, self.bold).horizontalAdvance(self.text) + 6, self.size * 1.6
        a = math.radians(self.angle)
        w = abs(width * math.cos(a)) + abs(height * math.sin(a))
        h = abs(width * math.sin(a)) + abs(height * math.cos(a))
        return QRectF(self.x - w / 2, self.y - h / 2, w, h)


def _font(size: float, bold: bool) -> QFont:
    font = QFont(["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "sans-serif"])
    font.setPixelSize(round(size))
    font.setBold(bold)
    return font


def _metrics(size: float, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(_font(size, bold))


class _Zoom:
    """The map at one zoom: a function from metres to this zoom's global pixels, and the labels."""

    def __init__(self, demo: DemoMap, z: int) -> None:
        self.z = z
        self.scale = TILE_SIZE / tile_span_m(z)  # pixels per metre
        self.labels = _place_labels(demo, self)

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x + HALF_WORLD_M) * self.scale, (HALF_WORLD_M - y) * self.scale

    def line_path(self, line: LineString) -> QPainterPath:
        coords = np.asarray(line.coords)
        path = QPainterPath()
        path.moveTo(*self.px(*coords[0]))
        for x, y in coords[1:]:
            path.lineTo(*self.px(x, y))
        return path

    def area_path(self, geom: BaseGeometry) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for polygon in getattr(geom, "geoms", [geom]):
            if not isinstance(polygon, Polygon) or polygon.is_empty:
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                path.moveTo(*self.px(*coords[0]))
                for x, y in coords[1:]:
                    path.lineTo(*self.px(x, y))
                path.closeSubpath()
        return path


def _road_labels(demo: DemoMap, zoom: _Zoom) -> Iterator[Label]:
    size = 12.0 if zoom.z < 16 else 14.0
    for road in demo.named:
        length_px = road.line.length * zoom.scale
        width_px = _metrics(size, False).horizontalAdvance(road.name) + 16
        if length_px < width_px * 1.5:
            continue
        count = max(1, int(length_px // LABEL_EVERY_PX))
        for k in range(count):
            at = road.line.length * (k + 0.5) / count
            half = width_px / 2 / zoom.scale
            a = zoom.px(*road.line.interpolate(max(at - half, 0.0)).coords[0])
            b = zoom.px(*road.line.interpolate(min(at + half, road.line.length)).coords[0])
            angle = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
            angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle  # never upside down
            x, y = zoom.px(*road.line.interpolate(at).coords[0])
            yield Label(road.name, x, y, angle, TEXT, size, False)


def _area_labels(demo: DemoMap, zoom: _Zoom) -> Iterator[Label]:
    areas: list[tuple[Area, str]] = [(demo.sea, WATER_TEXT), (demo.lake, WATER_TEXT)]
    areas += [(park, PARK_TEXT) for park in demo.parks]
    for area, colour in areas:
        x, y = zoom.px(area.at.x, area.at.y)
        yield Label(area.name, x, y, 0.0, colour, 14.0 if area is demo.sea else 12.0, area is demo.sea)


def _place_labels(demo: DemoMap, zoom: _Zoom) -> list[Label]:
    """Area names from AREA_LABEL_ZOOM, road names from ROAD_LABEL_ZOOM; none overlaps another."""
    candidates = [*(_area_labels(demo, zoom) if zoom.z >= AREA_LABEL_ZOOM else [])]
    candidates += [*(_road_labels(demo, zoom) if zoom.z >= ROAD_LABEL_ZOOM else [])]
    placed: list[Label] = []
    for label in candidates:
        rect = label.rect()
        if not any(rect.intersects(other.rect()) for other in placed):
            placed.append(label)
    return placed


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _stroke(
    painter: QPainter, zoom: _Zoom, lines: list[LineString], width: float, fill: str, casing: str
) -> None:
    if width <= 0 or not lines:
        return
    paths = [zoom.line_path(line) for line in lines]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if width >= 2:
        painter.setPen(_pen(casing, width + 2 * CASING_PX))
        for path in paths:
            painter.drawPath(path)
    painter.setPen(_pen(fill if width >= 2 else casing, width))
    for path in paths:
        painter.drawPath(path)


def _draw_label(painter: QPainter, label: Label) -> None:
    painter.save()
    painter.translate(label.x, label.y)
    painter.rotate(label.angle)
    font = _font(label.size, label.bold)
    metrics = QFontMetricsF(font)
    text = QPainterPath()
    text.addText(
        QPointF(-metrics.horizontalAdvance(label.text) / 2, metrics.ascent() / 2 - 1), font, label.text
    )
    stroker = QPainterPathStroker()
    stroker.setWidth(3.0)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.fillPath(stroker.createStroke(text), QColor(HALO))
    painter.fillPath(text, QColor(label.colour))
    painter.restore()


def _near(items: list[BaseGeometry], tree: shapely.STRtree, area: Polygon) -> list[BaseGeometry]:
    return [items[i] for i in sorted(tree.query(area))]


class TileRenderer:
    """Paints tiles of one `DemoMap`; the spatial indexes and per-zoom labels are built once."""

    def __init__(self, demo: DemoMap) -> None:
        self.demo = demo
        self._zooms: dict[int, _Zoom] = {}
        self._sets: dict[str, list[BaseGeometry]] = {
            "blocks": list(demo.blocks),
            "lanes": list(demo.lanes),
            "streets": list(demo.streets),
            "roads": list(demo.roads),
            "main": [road.line for road in demo.named],
        }
        self._trees = {name: shapely.STRtree(items) for name, items in self._sets.items()}

    def zoom(self, z: int) -> _Zoom:
        if z not in self._zooms:
            self._zooms[z] = _Zoom(self.demo, z)
        return self._zooms[z]

    def tile(self, key: TileKey) -> QImage:
        zoom = self.zoom(key.z)
        span = tile_span_m(key.z)
        pad = span * 0.1  # wide lines and casings reaching in from just outside
        xmin, ymax = -HALF_WORLD_M + key.x * span, HALF_WORLD_M - key.y * span
        area = box(xmin - pad, ymax - span - pad, xmin + span + pad, ymax + pad)
        near = {name: _near(items, self._trees[name], area) for name, items in self._sets.items()}

        image = QImage(TILE_SIZE, TILE_SIZE, QImage.Format.Format_RGB32)
        image.fill(QColor(LAND))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.translate(-key.x * TILE_SIZE, -key.y * TILE_SIZE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillPath(zoom.area_path(self.demo.sea.geom.intersection(area)), QColor(SEA))
        for park in self.demo.parks:
            if park.geom.intersects(area):
                painter.fillPath(zoom.area_path(park.geom), QColor(GREEN))
        if self.demo.lake.geom.intersects(area):
            painter.fillPath(zoom.area_path(self.demo.lake.geom), QColor(SEA))
        if key.z >= 14:
            for block in near["blocks"]:
                painter.fillPath(zoom.area_path(block), QColor(BLOCK))
        _stroke(painter, zoom, near["lanes"], LANE_PX.get(key.z, 0.0), STREET, STREET_CASING)
        _stroke(painter, zoom, near["streets"], STREET_PX[key.z], STREET, STREET_CASING)
        _stroke(painter, zoom, near["roads"], ROAD_PX[key.z], STREET, STREET_CASING)
        _stroke(painter, zoom, near["main"], MAIN_PX[key.z], ROAD, ROAD_CASING)
        tile_rect = QRectF(key.x * TILE_SIZE, key.y * TILE_SIZE, TILE_SIZE, TILE_SIZE)
        for label in zoom.labels:
            if label.rect().intersects(tile_rect):
                _draw_label(painter, label)
        painter.end()
        return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # zlib default: 3x faster than 9, +4 %
    buffer.close()
    return bytes(data.data())


def tile_keys(demo: DemoMap, zooms: range) -> list[TileKey]:
    """The tiles covering the district and a margin around it, in a fixed (z, x, y) order.

    The margin is 2.5 km when zoomed out, so the district sits in its surroundings, and shrinks to a
    few tile widths' worth of pixels at street scale, where plain land and sea would cost most tiles.
    """
    xmin, ymin, xmax, ymax = demo.district
    keys = []
    for z in zooms:
        margin = min(MARGIN_M, MARGIN_PX * 4 / (TILE_SIZE / tile_span_m(z)))
        keys += tiles_for_extent(Extent(xmin - margin, ymin - margin, xmax + margin, ymax + margin), z)
    return sorted(keys)


def write_mbtiles(
    demo: DemoMap,
    path: Path,
    *,
    name: str,
    zooms: range = range(MIN_ZOOM, MAX_ZOOM + 1),
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render every tile of `zooms` into a new MBTiles file at `path` (written beside it, then moved in
    place, so a reader never sees half a file); returns the tile count."""
    renderer = TileRenderer(demo)
    keys = tile_keys(demo, zooms)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    west, south = (float(v) for v in mercator_to_lonlat(demo.district[0], demo.district[1]))
    east, north = (float(v) for v in mercator_to_lonlat(demo.district[2], demo.district[3]))
    metadata = {
        "name": name,
        "format": "png",
        "type": "baselayer",
        "version": "1",
        "description": "The gridwatch demo district, generated (not a survey)",
        "attribution": "gridwatch demo (generated)",
        "minzoom": str(zooms.start),
        "maxzoom": str(zooms.stop - 1),
        "bounds": f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}",
        "center": f"{(west + east) / 2:.6f},{(south + north) / 2:.6f},{zooms.start + 2}",
    }
    with sqlite3.connect(partial) as db:
        db.execute("CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB,"
            " PRIMARY KEY (zoom_level, tile_column, tile_row))"
        )
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        for done, key in enumerate(keys, start=1):
            row = (1 << key.z) - 1 - key.y  # MBTiles counts rows from the south (TMS)
            db.execute(
                "INSERT INTO tiles VALUES (?, ?, ?, ?)", (key.z, key.x, row, png_bytes(renderer.tile(key)))
            )
            if progress is not None:
                progress(done, len(keys))
    db.close()
    partial.replace(path)
    return len(keys)
