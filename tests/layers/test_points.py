"""Clustering counts, identify hits and the z-buffer splat's draw order."""

from __future__ import annotations

import numpy as np

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cases import CaseData, CasesLayer, CaseStyle, Light
from gridwatch.layers.cluster import cluster
from gridwatch.layers.org import OrgLayer, OrgLevel
from gridwatch.layers.points import PointSet
from gridwatch.layers.raster import new_layer_image, pixels
from gridwatch.layers.splat import splat
from gridwatch.layers.symbols import Shape, Symbol, build_atlas
from gridwatch.layers.view import MapView

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
