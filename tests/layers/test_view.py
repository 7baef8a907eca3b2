from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer

from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator, mercator_to_lonlat


def test_mercator_formula_matches_pyproj() -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(73, 135, 1000), rng.uniform(18, 54, 1000)
    x, y = lonlat_to_mercator(lon, lat)
    px, py = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    assert np.abs(x - px).max() < 1e-6 and np.abs(y - py).max() < 1e-6
    back_lon, back_lat = mercator_to_lonlat(x, y)
    assert np.allclose(back_lon, lon) and np.allclose(back_lat, lat)


def test_world_screen_round_trip_and_orientation() -> None:
    view = MapView(1000.0, 2000.0, 2.0, 400, 300)
    sx, sy = view.world_to_screen([1000.0, 1002.0, 1000.0], [2000.0, 2000.0, 2002.0])
    assert sx.tolist() == [200.0, 201.0, 200.0]
    assert sy.tolist() == [150.0, 150.0, 149.0]  # north is up
    wx, wy = view.screen_to_world(sx, sy)
    assert np.allclose(wx, [1000, 1002, 1000]) and np.allclose(wy, [2000, 2000, 2002])


def test_device_pixels_follow_the_ratio() -> None:
    view = MapView(0.0, 0.0, 1.0, 100, 50, device_pixel_ratio=2.0)
    assert (view.device_width, view.device_height, view.device_resolution) == (200, 100, 0.5)
    dx, dy = view.world_to_device(10.0, 0.0)
    assert (float(dx), float(dy)) == (120.0, 50.0)


def test_zoom_keeps_the_point_under_the_cursor() -> None:
    view = MapView(500.0, 500.0, 4.0, 800, 600)
    before = view.screen_to_world(100.0, 50.0)
    zoomed = view.zoomed_around(100.0, 50.0, 2.0)
    assert zoomed.resolution == 2.0
    assert np.allclose(zoomed.screen_to_world(100.0, 50.0), before)


def test_pan_moves_content_with_the_mouse() -> None:
    view = MapView(0.0, 0.0, 1.0, 100, 100)
    panned = view.panned(10, 5)
    sx, sy = panned.world_to_screen(0.0, 0.0)
    assert (float(sx), float(sy)) == (60.0, 55.0)


def test_fit_and_scale_denominator() -> None:
    view = MapView.fit(Extent(0, 0, 2000, 1000), 200, 200)
    assert view.resolution == 10.0
    assert view.extent == Extent(0, -500, 2000, 1500)
    # at the equator 1 px = 10 m at 96 dpi → 1:37,795
    assert view.scale_denominator() == pytest.approx(10 * 96 / 0.0254)
    assert view.with_scale_denominator(5000).scale_denominator() == pytest.approx(5000)
