"""Web Mercator tile arithmetic and the GCJ-02 datum used by some Chinese tile providers.

Tiles are XYZ-addressed (y grows southwards, as in slippy maps); MBTiles' TMS rows are flipped in its
source. GCJ-02 is WGS-84 plus a published, deliberately irregular offset of a few hundred metres inside
China. A GCJ-02 tile's pixels therefore sit at GCJ-02 coordinates: to lay it on our WGS-84 map, each tile
corner is taken back to WGS-84 and the image is drawn onto that quad (`tile_transform`). Neighbouring
tiles share corners, so the result has no seams; across one tile the offset varies by well under a pixel
from a straight quad.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPolygonF, QTransform

from gridwatch.layers.view import (
    EARTH_RADIUS_M,
    MAX_LATITUDE,
    Extent,
    Floats,
    MapView,
    lonlat_to_mercator,
    mercator_to_lonlat,
)

Datum = Literal["wgs84", "gcj02"]
TILE_SIZE = 256
HALF_WORLD_M = math.pi * EARTH_RADIUS_M
MAX_ZOOM = 24


class TileKey(NamedTuple):
    z: int
    x: int
    y: int


def tile_span_m(z: int) -> float:
    return 2 * HALF_WORLD_M / (1 << z)


def tile_bounds(key: TileKey) -> Extent:
    """The tile's square in Web Mercator metres, in its own datum."""
    span = tile_span_m(key.z)
    xmin = -HALF_WORLD_M + key.x * span
    ymax = HALF_WORLD_M - key.y * span
    return Extent(xmin, ymax - span, xmin + span, ymax)


def lonlat_to_tile(lon: float, lat: float, z: int) -> TileKey:
    x, y = lonlat_to_mercator(lon, lat)
    last = (1 << z) - 1
    span = tile_span_m(z)
    col = min(max(math.floor((float(x) + HALF_WORLD_M) / span), 0), last)
    row = min(max(math.floor((HALF_WORLD_M - float(y)) / span), 0), last)
    return TileKey(z, col, row)


def tile_to_lonlat(z: int, x: float, y: float) -> tuple[float, float]:
    """The north-west corner of tile (x, y); fractional x/y give points inside the tile."""
    span = tile_span_m(z)
    lon, lat = mercator_to_lonlat(-HALF_WORLD_M + x * span, HALF_WORLD_M - y * span)
    return float(lon), float(lat)


def tiles_for_extent(extent: Extent, z: int) -> list[TileKey]:
    """Tiles covering `extent` (Mercator metres), nearest the centre first so they load first.

    No wrap across the antimeridian: a city map never needs it.
    """
    span = tile_span_m(z)
    last = (1 << z) - 1

    def col(v: float) -> int:
        return min(max(math.floor((v + HALF_WORLD_M) / span), 0), last)

    def row(v: float) -> int:
        return min(max(math.floor((HALF_WORLD_M - v) / span), 0), last)

    cx = ((extent.xmin + extent.xmax) / 2 + HALF_WORLD_M) / span - 0.5
    cy = (HALF_WORLD_M - (extent.ymin + extent.ymax) / 2) / span - 0.5
    keys = [
        TileKey(z, x, y)
        for y in range(row(extent.ymax), row(extent.ymin) + 1)
        for x in range(col(extent.xmin), col(extent.xmax) + 1)
    ]
    keys.sort(key=lambda k: (k.x - cx) ** 2 + (k.y - cy) ** 2)
    return keys


def zoom_for_resolution(
    resolution: float, min_zoom: int = 0, max_zoom: int = MAX_ZOOM, tile_size: int = TILE_SIZE
) -> int:
    """The zoom whose tiles are drawn closest to 1:1 at `resolution` (metres per device pixel).

    Pass the view's device resolution so HiDPI screens get sharp tiles; rounding in log space keeps the
    drawn scale between 0.71x and 1.41x. Beyond `max_zoom` the source's last level is enlarged.
    """
    z = round(math.log2(2 * HALF_WORLD_M / tile_size / resolution))
    return min(max(z, min_zoom), max_zoom)


# GCJ-02: Krasovsky 1940 ellipsoid constants of the published formula.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_CHINA = (72.004, 0.8293, 137.8347, 55.8271)  # the formula's customary "in China" box (lon, lat)


def _in_china(lon: Floats, lat: Floats) -> NDArray[np.bool_]:
    return (lon >= _CHINA[0]) & (lon <= _CHINA[2]) & (lat >= _CHINA[1]) & (lat <= _CHINA[3])


def _gcj_delta(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    waves = (20 * np.sin(6 * x * pi) + 20 * np.sin(2 * x * pi)) * 2 / 3
    dlat = (
        -100
        + 2 * x
        + 3 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + waves
        + (20 * np.sin(y * pi) + 40 * np.sin(y / 3 * pi)) * 2 / 3
        + (160 * np.sin(y / 12 * pi) + 320 * np.sin(y * pi / 30)) * 2 / 3
    )
    dlon = (
        300
        + x
        + 2 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + waves
        + (20 * np.sin(x * pi) + 40 * np.sin(x / 3 * pi)) * 2 / 3
        + (150 * np.sin(x / 12 * pi) + 300 * np.sin(x / 30 * pi)) * 2 / 3
    )
    rad = np.radians(lat)
    magic = 1 - _GCJ_EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180 / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180 / (_GCJ_A / sqrt_magic * np.cos(rad) * pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Floats, Floats]:
    lon_a, lat_a = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    return lon_a + dlon, lat_a + dlat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, tolerance: float = 1e-7) -> tuple[Floats, Floats]:
    """The exact inverse by fixed-point iteration (the offset is smooth: ~4 steps to 1e-7 degrees)."""
    gcj_lon, gcj_lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()
    for _ in range(30):
        fwd_lon, fwd_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        err_lon, err_lat = fwd_lon - gcj_lon, fwd_lat - gcj_lat
        wgs_lon, wgs_lat = wgs_lon - err_lon, wgs_lat - err_lat
        if max(np.max(np.abs(err_lon), initial=0), np.max(np.abs(err_lat), initial=0)) < tolerance:
            break
    return wgs_lon, wgs_lat


def tile_corners_m(key: TileKey, datum: Datum) -> Floats:
    """Where the tile's NW, NE, SE, SW corners belong on the WGS-84 Web Mercator map, shape (4, 2)."""
    b = tile_bounds(key)
    xs = np.array([b.xmin, b.xmax, b.xmax, b.xmin])
    ys = np.array([b.ymax, b.ymax, b.ymin, b.ymin])
    if datum == "gcj02":
        lon, lat = mercator_to_lonlat(xs, ys)
        lat = np.clip(lat, -MAX_LATITUDE, MAX_LATITUDE)
        xs, ys = lonlat_to_mercator(*gcj02_to_wgs84(lon, lat))
    return np.column_stack([xs, ys])


def tile_transform(view: MapView, key: TileKey, datum: Datum, tile_size: int = TILE_SIZE) -> QTransform:
    """Maps the tile image's pixels to the view's device pixels.

    Use with a painter in device pixels (`raster.device_painter`):
    `painter.save(); painter.setTransform(t, True); painter.drawImage(0, 0, img); painter.restore()`,
    with SmoothPixmapTransform on when the drawn scale is not 1. For a WGS-84 tile this is a plain
    scale + translate; for GCJ-02 a slightly skewed quad.
    """
    corners = tile_corners_m(key, datum)
    dx, dy = view.world_to_device(corners[:, 0], corners[:, 1])
    s = float(tile_size)
    src = QPolygonF([QPointF(0, 0), QPointF(s, 0), QPointF(s, s), QPointF(0, s)])
    dst = QPolygonF([QPointF(float(a), float(b)) for a, b in zip(dx, dy, strict=True)])
    transform = QTransform()
    if not QTransform.quadToQuad(src, dst, transform):
        raise ValueError(f"degenerate tile quad for {key}")
    return transform
