"""Golden images of each layer type at a fixed view; see conftest.Golden for tolerance/update."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cases import CasesLayer, CaseStyle
from gridwatch.layers.devices import DeviceData, DeviceKind, DevicesLayer
from gridwatch.layers.heatmap import HeatmapLayer
from gridwatch.layers.org import OrgLayer, OrgLevel, OrgStyle, render_org
from gridwatch.layers.personnel import PersonnelData, PersonnelLayer
from gridwatch.layers.points import PointSet
from gridwatch.layers.registry import render
from gridwatch.layers.view import MapView


def draw(layer: object, view: MapView) -> QImage:
    return render(layer.snapshot(), view, CancelToken())  # type: ignore[attr-defined]


def test_cases_symbols(golden, cases, city_view) -> None:
    layer = CasesLayer(data=cases)
    layer.set_style(CaseStyle(cluster_above_resolution=100.0))
    layer.set_selection(cases.points.ids[:3])
    golden.check(draw(layer, city_view), "cases_symbols")


def test_cases_clusters(golden, cases, city_view) -> None:
    layer = CasesLayer(data=cases)
    layer.set_style(CaseStyle(cluster_above_resolution=1.0))
    golden.check(draw(layer, city_view), "cases_clusters", fraction=0.01)


def test_cases_hidpi(golden, cases, city_view) -> None:
    view = city_view.resized(160, 120, 2.0).zoomed_around(80, 60, 2.0)
    layer = CasesLayer(data=cases)
    layer.set_style(CaseStyle(cluster_above_resolution=100.0))
    image = draw(layer, view)
    assert (image.width(), image.height(), image.devicePixelRatio()) == (320, 240, 2.0)
    golden.check(image, "cases_hidpi")


def test_org_fill_outlines_labels(golden, grids, city_view) -> None:
    layer = OrgLayer(levels={OrgLevel.GRID: grids})
    layer.set_style(OrgStyle(max_resolution=(np.inf, np.inf, np.inf, np.inf), label_min_px=40))
    layer.set_metric(np.arange(len(grids), dtype=float))
    golden.check(draw(layer, city_view), "org_grids", fraction=0.02)


def test_devices(golden, city_view) -> None:
    cx, cy = city_view.center_x, city_view.center_y
    r = city_view.resolution
    points = PointSet.from_mercator(
        [cx - 80 * r, cx, cx + 80 * r, cx - 80 * r, cx + 80 * r], [cy, cy, cy, cy - 60 * r, cy - 60 * r]
    )
    kinds = [
        DeviceKind.CAMERA,
        DeviceKind.CAMERA,
        DeviceKind.LOUDSPEAKER,
        DeviceKind.SENSOR,
        DeviceKind.SENSOR,
    ]
    data = DeviceData.build(
        points,
        kinds,
        [True, False, True, True, False],
        [45.0, 200.0, np.nan, np.nan, np.nan],
        [60.0, 90.0, 0, 0, 0],
        [50 * r, 40 * r, 0, 0, 0],
    )
    golden.check(draw(DevicesLayer(data=data), city_view), "devices")


def test_personnel(golden, city_view) -> None:
    cx, cy, r = city_view.center_x, city_view.center_y, city_view.resolution
    t = np.linspace(0, 1, 6)
    track_x = np.concatenate([cx - 100 * r + 60 * r * t, cx + 40 * r + 50 * r * t])
    track_y = np.concatenate([cy + 30 * r * np.sin(6 * t), cy - 40 * r * t])
    owner = np.repeat([0, 1], 6)
    points = PointSet.from_mercator([track_x[5], track_x[11]], [track_y[5], track_y[11]])
    data = PersonnelData.build(points, [True, False], track_x, track_y, owner)
    layer = PersonnelLayer(data=data, tail_max_scale_denominator=None)  # tails at the overview scale too
    golden.check(draw(layer, city_view), "personnel")


def test_heatmap(golden, cases, city_view) -> None:
    golden.check(draw(HeatmapLayer(points=cases.points), city_view), "heatmap")


@pytest.mark.parametrize("name", ["cases_symbols", "org_grids"])
def test_golden_comparison_can_fail(golden, name, city_view) -> None:
    blank = QImage(city_view.device_width, city_view.device_height, QImage.Format.Format_ARGB32_Premultiplied)
    blank.fill(0)
    with pytest.raises(pytest.fail.Exception):
        golden.check(blank, name)


def test_names_only_style_draws_no_outline(grids, city_view) -> None:
    """OrgStyle(shapes=False) is the names layer drawn above the symbols: text, no polygon pixels."""
    view = city_view.zoomed_around(160, 120, 2.0)  # close enough for grid outlines
    shapes, names = OrgLayer(levels={OrgLevel.GRID: grids}), OrgLayer(levels={OrgLevel.GRID: grids})
    shapes.set_style(OrgStyle(labels=False))
    names.set_style(OrgStyle(shapes=False))
    outline = render_org(shapes.snapshot(), view, CancelToken())
    text = render_org(names.snapshot(), view, CancelToken())
    centre_x = round(view.width / 2)  # a grid line runs down the middle, clear of the names
    assert max(outline.pixelColor(centre_x, y).alpha() for y in range(view.height)) > 100
    assert all(text.pixelColor(centre_x, y).alpha() == 0 for y in range(view.height))
    assert any(text.pixelColor(x, y).alpha() for x in range(view.width) for y in range(0, view.height, 2))
