"""A small offline basemap written on the fly: an MBTiles file of one district, drawn with QPainter.

Land colour, the district outline and a few fake roads, tile by tile, so tests (and the demo screenshot)
have a real raster basemap without a binary fixture or the network. Colours are exported so pixel tests
can look for them. `GatedSource` holds tiles back until a test lets them through; `break_tiles` spoils
every tile of a file, as a misconfigured tile proxy would.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from gridwatch.layers.tiles.math import TILE_SIZE, Datum, TileKey, tile_bounds, tiles_for_extent
from gridwatch.layers.tiles.sources import TileSource
from gridwatch.layers.view import Extent, lonlat_to_mercator

OUTSIDE = 0xFFDCE3D0  # the country around the district
LAND = 0xFFF1EADB
ROAD = 0xFFFFFFFF
ROAD_CASING = 0xFFC9BFAE
OUTLINE = 0xFF9C8DB8


def _rings(geometry: shapely.Geometry) -> list[np.ndarray]:
    """Exterior and interior rings of a (multi)polygon, in Web Mercator metres."""
    rings = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            lon, lat = np.asarray(ring.coords).T
            rings.append(np.column_stack(lonlat_to_mercator(lon, lat)))
    return rings


def fake_roads(geometry: shapely.Geometry, count: int = 3) -> list[np.ndarray]:
    """Straight avenues across the district's box: `count` east-west, `count` north-south, one diagonal."""
    w, s, e, n = geometry.bounds
    roads = []
    for k in range(1, count + 1):
        lat = s + (n - s) * k / (count + 1)
        lon = w + (e - w) * k / (count + 1)
        roads.append(np.column_stack(lonlat_to_mercator([w, e], [lat, lat])))
        roads.append(np.column_stack(lonlat_to_mercator([lon, lon], [s, n])))
    roads.append(np.column_stack(lonlat_to_mercator([w, e], [s, n])))
    return roads


def _tile_png(key: TileKey, rings: list[np.ndarray], roads: list[np.ndarray]) -> bytes:
    b = tile_bounds(key)
    scale = TILE_SIZE / b.width

    def to_px(xy: np.ndarray) -> QPolygonF:
        return QPolygonF([QPointF((x - b.xmin) * scale, (b.ymax - y) * scale) for x, y in xy.tolist()])

    image = QImage(TILE_SIZE, TILE_SIZE, QImage.Format.Format_ARGB32)
    image.fill(QColor.fromRgba(OUTSIDE))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    land = QPainterPath()
    land.setFillRule(Qt.FillRule.OddEvenFill)
    for ring in rings:
        land.addPolygon(to_px(ring))
    painter.fillPath(land, QColor.fromRgba(LAND))
    painter.save()
    painter.setClipPath(land)
    for colour, width in ((ROAD_CASING, 7.0), (ROAD, 5.0)):
        painter.setPen(QPen(QColor.fromRgba(colour), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        for road in roads:
            painter.drawPolyline(to_px(road))
    painter.restore()
    painter.setPen(QPen(QColor.fromRgba(OUTLINE), 2.0, Qt.PenStyle.DashLine))
    painter.drawPath(land)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes str here
    return bytes(data.data())


def write_district_mbtiles(
    path: Path, district: shapely.Geometry, zooms: range = range(12, 17), name: str = "district"
) -> Path:
    """Every tile of `zooms` touching the district's box (plus a margin), in MBTiles 1.3 (TMS rows)."""
    rings, roads = _rings(district), fake_roads(district)
    w, s, e, n = district.buffer(0.01).bounds
    (x0, x1), (y0, y1) = lonlat_to_mercator([w, e], [s, n])
    extent = Extent(float(x0), float(y0), float(x1), float(y1))
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", name),
            ("format", "png"),
            ("bounds", f"{w},{s},{e},{n}"),
            ("minzoom", str(zooms.start)),
            ("maxzoom", str(zooms.stop - 1)),
        ],
    )
    for z in zooms:
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [
                (k.z, k.x, (1 << k.z) - 1 - k.y, _tile_png(k, rings, roads))
                for k in tiles_for_extent(extent, z)
            ],
        )
    db.commit()
    db.close()
    return path


class GatedSource:
    """Wraps a source; `get` blocks until the gate opens, so tiles stay pending as long as a test likes."""

    def __init__(self, inner: TileSource) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.name, self.min_zoom, self.max_zoom = inner.name, inner.min_zoom, inner.max_zoom
        self.tile_size, self.bounds = inner.tile_size, inner.bounds
        self.datum: Datum = inner.datum

    def get(self, z: int, x: int, y: int) -> bytes | None:
        self.gate.wait(10)
        return self.inner.get(z, x, y)

    def close(self) -> None:
        self.gate.set()
        self.inner.close()


def break_tiles(path: Path) -> None:
    """Every tile's bytes replaced by an HTML error page, as a misconfigured tile proxy would serve."""
    db = sqlite3.connect(path)
    db.execute("UPDATE tiles SET tile_data = ?", (b"<html>not a tile</html>",))
    db.commit()
    db.close()
