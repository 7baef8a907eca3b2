"""Tile arithmetic and the GCJ-02 datum, checked against values published with the formula."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from gridwatch.layers.raster import device_painter, new_layer_image
from gridwatch.layers.tiles.math import (
    TileKey,
    gcj02_to_wgs84,
    lonlat_to_tile,
    tile_bounds,
    tile_corners_m,
    tile_span_m,
    tile_to_lonlat,
    tile_transform,
    tiles_for_extent,
    wgs84_to_gcj02,
    zoom_for_resolution,
)
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator

# (wgs lon, wgs lat, gcj lon, gcj lat): googollee/eviltransform's test points (Shanghai, Shenzhen, Beijing)
# and hujiulong/gcoord's (123, 45).
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (123.0, 45.0, 123.00607541, 45.00197815),
]


@pytest.mark.parametrize("z", [0, 3, 12, 18])
def test_lonlat_tile_round_trip(z: int) -> None:
    for lon, lat in [(116.391, 39.907), (-70.5, -33.4), (0.0, 0.0), (179.9, 84.9)]:
        key = lonlat_to_tile(lon, lat, z)
        west, north = tile_to_lonlat(z, key.x, key.y)
        east, south = tile_to_lonlat(z, key.x + 1, key.y + 1)
        assert west <= lon < east and south < lat <= north
        b = tile_bounds(key)
        assert np.allclose(lonlat_to_mercator([west, east], [south, north]),
                           ([b.xmin, b.xmax], [b.ymin, b.ymax]))


def test_tiles_for_extent_cover_the_view_centre_first() -> None:
    span = tile_span_m(10)
    centre = tile_bounds(TileKey(10, 843, 388))
    extent = centre.buffered(span / 2)
    keys = tiles_for_extent(extent, 10)
    assert keys[0] == TileKey(10, 843, 388)
    assert sorted(keys) == [TileKey(10, x, y) for x in (842, 843, 844) for y in (387, 388, 389)]
    assert len(tiles_for_extent(Extent(-1e9, -1e9, 1e9, 1e9), 1)) == 4


def test_zoom_for_resolution() -> None:
    for z in (0, 7, 15):
        native = tile_span_m(z) / 256
        assert zoom_for_resolution(native) == z
        assert zoom_for_resolution(native * 1.3) == z
        assert zoom_for_resolution(native / 1.3) == z
    assert zoom_for_resolution(0.001, max_zoom=18) == 18
    assert zoom_for_resolution(1e6, min_zoom=3) == 3


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_gcj02_matches_published_values(wlon: float, wlat: float, glon: float, glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert float(lon) == pytest.approx(glon, abs=1e-6)
    assert float(lat) == pytest.approx(glat, abs=1e-6)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert float(back_lon) == pytest.approx(wlon, abs=1e-6)
    assert float(back_lat) == pytest.approx(wlat, abs=1e-6)


def test_tiananmen_offset() -> None:
    lon, lat = wgs84_to_gcj02(116.391, 39.907)
    assert float(lon) - 116.391 == pytest.approx(0.0062, abs=0.0003)
    assert float(lat) - 39.907 == pytest.approx(0.0014, abs=0.0003)


def test_gcj02_round_trip_over_china_vectorized() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(74, 135, 5000), rng.uniform(18, 53, 5000)
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back_lon - lon)) < 1e-6
    assert np.max(np.abs(back_lat - lat)) < 1e-6


def test_no_offset_outside_china() -> None:
    lon, lat = np.array([-0.1276, 139.69, 2.35]), np.array([51.507, 35.69, 48.86])  # London, Tokyo, Paris
    for f in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = f(lon, lat)
        assert np.array_equal(out_lon, lon) and np.array_equal(out_lat, lat)


def _view_on(key: TileKey, dpr: float = 1.0) -> MapView:
    b = tile_bounds(key)
    return MapView((b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2, tile_span_m(key.z) / 256, 512, 512, dpr)


def test_wgs84_tile_is_drawn_on_its_square_at_any_pixel_ratio() -> None:
    key = lonlat_to_tile(116.391, 39.907, 15)
    tile = QImage(256, 256, QImage.Format.Format_ARGB32_Premultiplied)
    tile.fill(QColor("red"))
    for dpr in (1.0, 2.0):
        view = _view_on(key, dpr)
        canvas = new_layer_image(view)
        painter = device_painter(canvas)
        painter.setTransform(tile_transform(view, key, "wgs84"), True)
        painter.drawImage(0, 0, tile)
        painter.end()
        inside, outside = round(130 * dpr), round(120 * dpr)
        assert canvas.pixelColor(inside, inside) == QColor("red")
        assert canvas.pixelColor(round(380 * dpr), round(380 * dpr)) == QColor("red")
        assert canvas.pixelColor(outside, outside).alpha() == 0


def test_gcj02_tile_is_moved_back_onto_wgs84() -> None:
    key = lonlat_to_tile(116.391, 39.907, 15)
    view = _view_on(key)
    transform = tile_transform(view, key, "gcj02")
    # A GCJ-02 tile's north-west pixel shows the place whose GCJ-02 coordinates are that corner.
    west, north = tile_to_lonlat(15, key.x, key.y)
    true_x, true_y = view.world_to_device(*lonlat_to_mercator(*gcj02_to_wgs84(west, north)))
    drawn = transform.map(QPointF(0, 0))
    assert drawn.x() == pytest.approx(float(true_x), abs=0.01)
    assert drawn.y() == pytest.approx(float(true_y), abs=0.01)
    assert 100 < 128 - drawn.x() < 200 and 20 < drawn.y() - 128 < 60  # ~530 m west, ~150 m south
    # Neighbours share corners exactly: no seams between GCJ-02 tiles.
    east = tile_corners_m(TileKey(15, key.x + 1, key.y), "gcj02")
    assert np.array_equal(tile_corners_m(key, "gcj02")[1], east[0])

