"""Clustering counts, identify hits and the z-buffer splat's draw order."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cases import CaseData, CasesLayer, CaseStyle, Light
from gridwatch.layers.cluster import cluster
from gridwatch.layers.org import OrgLayer, OrgLevel
from gridwatch.layers.points import PointSet
from gridwatch.layers.raster import new_layer_image, pixels
from gridwatch.layers.splat import splat
from gridwatch.layers.symbols import Shape, Symbol, build_atlas
from gridwatch.layers.view import Extent, MapView

VIEW = MapView(0.0, 0.0, 1.0, 200, 100)


def test_cluster_counts_per_world_cell() -> None:
    # cell = 10 px × 1 m/px = 10 m; three in [0,10)², two in [20,30)×[0,10), one alone
    x = np.array([1.0, 2.0, 9.0, 21.0, 29.0, 55.0])
    y = np.array([1.0, 5.0, 9.0, 3.0, 4.0, 55.0])
    light = np.array([Light.GREEN, Light.RED, Light.GREEN, Light.YELLOW, Light.CLOSED, Light.RED])
    groups = cluster(x, y, light, len(Light), VIEW, cell_px=10)
    assert sorted(groups.count.tolist()) == [2, 3]
    by_count = dict(zip(groups.count.tolist(), groups.worst.tolist(), strict=True))
    assert by_count == {3: Light.RED, 2: Light.YELLOW}
    assert groups.singles.tolist() == [5]
    np.testing.assert_allclose(sorted(groups.x.tolist()), [4.0, 25.0])


def test_clusters_split_when_zooming_in() -> None:
    x = np.array([1.0, 6.0])
    y = np.array([1.0, 1.0])
    light = np.zeros(2, dtype=np.uint8)
    assert cluster(x, y, light, 4, VIEW, cell_px=10).count.tolist() == [2]
    assert cluster(x, y, light, 4, VIEW.zoomed_around(100, 50, 4), cell_px=10).count.size == 0


def _cases(x: list[float], y: list[float]) -> CaseData:
    n = len(x)
    return CaseData.build(
        PointSet.from_mercator(x, y, ids=np.arange(100, 100 + n)),
        [0] * n,
        [0] * n,
        [Light.GREEN] * n,
        [2] * n,
    )


def test_identify_case_nearest_first_and_misses() -> None:
    layer = CasesLayer(data=_cases([0.0, 3.0, 50.0], [0.0, 0.0, 0.0]))
    layer.set_style(CaseStyle(cluster_above_resolution=10.0))
    hits = layer.identify(VIEW, 100.0 + 2.5, 50.0, tolerance_px=2)
    assert [f.feature_id for f in hits] == [101, 100]
    assert hits[0].kind == "case" and hits[0].distance_px == 0.5
    assert layer.identify(VIEW, 100.0 + 25, 50.0 + 25, tolerance_px=2) == []
    box = layer.identify_box(VIEW, 90, 40, 110, 60)
    assert sorted(f.feature_id for f in box) == [100, 101]


def test_identify_and_box_select_find_cases_along_one_line() -> None:
    """Cases on one latitude (a patrol along an east-west road) gave the point index bounds of no height:
    its cells were sized for an area the points do not have, its columns reached a metre down the road,
    and a click on any case further east found nothing."""
    layer = CasesLayer(data=_cases([0.0, 30.0, 60.0, 90.0], [0.0, 0.0, 0.0, 0.0]))
    layer.set_style(CaseStyle(cluster_above_resolution=10.0))
    for x, case_id in ((0.0, 100), (60.0, 102), (90.0, 103)):
        sx, sy = VIEW.world_to_screen(x, 0.0)
        assert [f.feature_id for f in layer.identify(VIEW, float(sx), float(sy))] == [case_id]
    left, top = VIEW.world_to_screen(25.0, 5.0)
    right, bottom = VIEW.world_to_screen(95.0, -5.0)
    box = layer.identify_box(VIEW, float(left), float(top), float(right), float(bottom))
    assert [f.feature_id for f in box] == [101, 102, 103]


T = np.linspace(0.0, 2_000.0, 10_000)
E0, N0 = 13_146_000.0, 2_814_000.0
LINES = {
    "east-west": (E0 + T, np.full_like(T, N0)),
    "north-south": (np.full_like(T, E0), N0 + T),
    "diagonal": (E0 + T, N0 + T / 2),
    "one spot": (np.full_like(T, E0), np.full_like(T, N0)),
    # a cell's edge exactly on the last point: 1 / 0.04 is 25.0 but 1 // 0.04 is 24.0, and the box
    # looked one column short of the point
    "unit diagonal": (T / 2_000.0, T / 2_000.0),
}


@pytest.mark.parametrize("line", LINES)
def test_the_point_index_answers_as_an_strtree_for_points_on_a_line(line: str) -> None:
    """Boxes over points on one line, the box's edges on points included (the whole extent, a single
    point), answer exactly what shapely's STRtree answers."""
    x, y = LINES[line]
    index = PointSet.from_mercator(x, y).index
    tree = shapely.STRtree(shapely.points(x, y))
    rng = np.random.default_rng(3)
    boxes = [Extent(x.min(), y.min(), x.max(), y.max()), Extent(x[-1], y[-1], x[-1], y[-1])]
    for i, j in rng.integers(0, x.size, (50, 2)):
        boxes.append(Extent(min(x[i], x[j]), min(y[i], y[j]), max(x[i], x[j]), max(y[i], y[j])))
        boxes.append(Extent(x[i] - 0.001, y[i] - 0.001, x[i] + 0.001, y[i] + 0.001))
    for box in boxes:
        expected = np.sort(tree.query(shapely.box(box.xmin, box.ymin, box.xmax, box.ymax), "intersects"))
        np.testing.assert_array_equal(index.query(box), expected, err_msg=str(box))
    assert index.query(boxes[0]).size == x.size
    assert index.query(boxes[1]).size == (x.size if line == "one spot" else 1)


def test_identify_cluster_gives_count_and_members() -> None:
    layer = CasesLayer(data=_cases([1.0, 2.0, 3.0, 500.0], [1.0, 2.0, 3.0, 500.0]))
    layer.set_style(CaseStyle(cluster_above_resolution=0.5, cluster_cell_px=10))
    sx, sy = VIEW.world_to_screen(2.0, 2.0)
    hits = layer.identify(VIEW, float(sx), float(sy))
    assert hits[0].kind == "cluster" and hits[0].properties["count"] == 3
    assert sorted(hits[0].properties["ids"].tolist()) == [100, 101, 102]  # type: ignore[union-attr]


def test_identify_org_finest_unit_first(grids, city_view) -> None:
    layer = OrgLayer(levels={OrgLevel.GRID: grids})
    hits = layer.identify(city_view, 150.0, 110.0)
    assert len(hits) == 1 and hits[0].kind == "grid" and hits[0].properties["name"] == "网格09"
    assert len(layer.identify(city_view, 160.0, 120.0)) >= 2  # on a shared edge: every neighbour


def test_splat_later_points_draw_on_top_and_symbols_are_centred() -> None:
    view = MapView(0.0, 0.0, 1.0, 40, 20)
    image = new_layer_image(view)
    red = Symbol(Shape.SQUARE, 0xFFFF0000, 9, stroke_width=0)
    blue = Symbol(Shape.SQUARE, 0xFF0000FF, 9, stroke_width=0)
    atlas = build_atlas((red, blue), 1.0)
    splat(
        pixels(image),
        np.array([10.0, 16.0, 30.0]),
        np.array([10.0, 10.0, 10.0]),
        np.array([0, 1, 0]),
        atlas,
        CancelToken(),
    )
    px = pixels(image)
    assert px[10, 10] == 0xFFFF0000 and px[10, 16] == 0xFF0000FF
    assert px[10, 13] == 0xFF0000FF  # the overlap belongs to the later (blue) point
    assert px[10, 30] == 0xFFFF0000 and px[10, 23] == 0  # nothing between the symbols
    assert px[10, 27] == px[10, 33]  # symmetric around its centre
