"""GridIndex answers exactly what a brute-force shapely scan answers, edges and odd inputs included."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from gridwatch.db.grid_index import OUTSIDE, GridIndex


def wobbly_district() -> Polygon:
    t = np.linspace(0, 2 * np.pi, 90, endpoint=False)
    r = 1 + 0.15 * np.sin(5 * t) + 0.06 * np.cos(13 * t)
    return Polygon(np.c_[118.115 + 0.045 * r * np.cos(t), 24.47 + 0.04 * r * np.sin(t)])


def voronoi_grids(count: int, seed: int) -> list[Polygon | MultiPolygon]:
    """Irregular grids like a district's: Voronoi cells of random seeds, clipped to a wobbly outline."""
    district = wobbly_district()
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = district.bounds
    seeds = shapely.points(rng.uniform(minx, maxx, 3 * count), rng.uniform(miny, maxy, 3 * count))
    seeds = seeds[shapely.contains(district, seeds)][:count]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=district))
    return [c for c in shapely.intersection(cells, district) if not c.is_empty]


def brute_force(polygons: list[Polygon | MultiPolygon], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The documented rule spelled out: the lowest index whose polygon covers the point."""
    answer = np.full(x.shape, OUTSIDE, dtype=np.int32)
    for index in range(len(polygons) - 1, -1, -1):
        answer[shapely.intersects_xy(polygons[index], x, y)] = index
    return answer


def strtree_reference(polygons: list[Polygon | MultiPolygon], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The rule again, from shapely's STRtree: each point's lowest intersecting polygon, else OUTSIDE."""
    point_idx, poly_idx = shapely.STRtree(polygons).query(shapely.points(x, y), predicate="intersects")
    expected = np.full(x.shape, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(expected, point_idx, poly_idx.astype(np.int32))
    expected[expected == np.iinfo(np.int32).max] = OUTSIDE
    return expected


def awkward_points(
    polygons: list[Polygon | MultiPolygon], seed: int, n_random: int
) -> tuple[np.ndarray, ...]:
    """Random points over and around the bounds, plus every vertex and points on edges."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    pad = 0.1 * (maxx - minx)
    rx = rng.uniform(minx - pad, maxx + pad, n_random)
    ry = rng.uniform(miny - pad, maxy + pad, n_random)
    vertices = np.unique(shapely.get_coordinates(polygons), axis=0)
    rings = shapely.get_exterior_ring(np.asarray(polygons, dtype=object))
    on_edges = shapely.get_coordinates(
        shapely.line_interpolate_point(rings, rng.uniform(0, 1, len(rings)), normalized=True)
    )
    x = np.concatenate([rx, vertices[:, 0], on_edges[:, 0]])
    y = np.concatenate([ry, vertices[:, 1], on_edges[:, 1]])
    return x, y


@pytest.fixture(scope="module")
def demo_like() -> list[Polygon | MultiPolygon]:
    return voronoi_grids(130, seed=7)


def test_voronoi_grids_match_brute_force_on_random_edge_and_vertex_points(
    demo_like: list[Polygon | MultiPolygon],
) -> None:
    x, y = awkward_points(demo_like, seed=1, n_random=200_000)
    got = GridIndex(demo_like).locate(x, y)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, brute_force(demo_like, x, y))
    assert (got == OUTSIDE).any() and (got >= 0).any()


def test_point_on_a_shared_edge_or_corner_goes_to_the_lowest_index() -> None:
    squares = [box(1, 0, 2, 1), box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)]
    index = GridIndex(squares)
    assert index.locate_one(1.0, 0.5) == 0  # edge shared by 0 and 1
    assert index.locate_one(0.5, 1.0) == 1  # edge shared by 1 and 2
    assert index.locate_one(1.0, 1.0) == 0  # corner of all four
    assert index.locate_one(0.0, 0.5) == 1  # outer edge belongs to its polygon
    assert index.locate_one(2.0 + 1e-12, 0.5) == OUTSIDE


def test_overlapping_polygons_answer_the_lowest_index() -> None:
    index = GridIndex([box(2, 2, 3, 3), box(0, 0, 4, 4), box(1, 1, 3, 3)])
    np.testing.assert_array_equal(index.locate([2.5, 1.5, 0.5], [2.5, 1.5, 0.5]), [0, 1, 1])


def test_a_hole_is_outside_its_polygon_but_its_ring_is_not() -> None:
    ring = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]])
    index = GridIndex([ring])
    assert index.locate_one(5, 5) == OUTSIDE
    assert index.locate_one(4, 5) == 0
    assert index.locate_one(2, 2) == 0
    island = Polygon([(4.5, 4.5), (5.5, 4.5), (5.5, 5.5), (4.5, 5.5)])
    both = GridIndex([ring, island])
    np.testing.assert_array_equal(both.locate([5, 4.6, 4.2], [5, 4.6, 4.2]), [1, 1, OUTSIDE])


def test_multipolygon_parts_and_holes_against_brute_force() -> None:
    donut = box(0, 0, 4, 4).difference(box(1, 1, 3, 3))
    polygons: list[Polygon | MultiPolygon] = [
        MultiPolygon([box(0, 5, 1, 6), box(3, 5, 4, 6)]),
        donut,
        box(1, 1, 3, 3).buffer(0.5, quad_segs=3),
    ]
    x, y = awkward_points(polygons, seed=2, n_random=50_000)
    index = GridIndex(polygons)
    np.testing.assert_array_equal(index.locate(x, y), brute_force(polygons, x, y))
    assert index.locate_one(2, 5.5) == OUTSIDE  # between the two parts


def test_non_finite_far_and_empty_inputs(demo_like: list[Polygon | MultiPolygon]) -> None:
    index = GridIndex(demo_like)
    x = np.array([np.nan, 118.11, np.inf, -np.inf, 1e300, -1e300, 118.11])
    y = np.array([24.47, np.nan, 24.47, 24.47, 24.47, 1e300, 24.47])
    got = index.locate(x, y)
    np.testing.assert_array_equal(got[:-1], OUTSIDE)
    assert got[-1] >= 0
    empty = index.locate(np.array([]), np.array([]))
    assert empty.shape == (0,) and empty.dtype == np.int32
    grid_shaped = index.locate(x[-1:].repeat(6).reshape(2, 3), y[-1:].repeat(6).reshape(2, 3))
    assert grid_shaped.shape == (2, 3)
    with pytest.raises(ValueError, match="shape"):
        index.locate(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("north_south", [False, True], ids=["east-west", "north-south"])
def test_grids_drawn_on_one_line_answer_as_an_strtree_does(north_south: bool) -> None:
    """Grids with no area, every vertex on one line (a grid digitised as a street's centre line): their
    bounds had zero height (or width), the raster's cells were sized for that area and numbered in the
    hundreds of millions (a MemoryError before a single point was routed)."""
    along = np.array([0.0, 0.005, 0.010, 0.015, 0.025, 0.030, 0.035, 0.005, -0.010])
    aside = np.array([0.0] * 7 + [1e-9, 0.0])  # the eighth point is a hair off the line
    grids = [(0.0, 0.010, 0.020), (0.010, 0.030, 0.020)]  # grid 1 overlaps grid 0's second half

    def street(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (118.105 + b, 24.46 + a) if north_south else (118.10 + a, 24.47 + b)

    polygons: list[Polygon | MultiPolygon] = [Polygon(np.c_[street(np.array(g), np.zeros(3))]) for g in grids]
    x, y = street(along, aside)
    got = GridIndex(polygons).locate(x, y)
    np.testing.assert_array_equal(got, [0, 0, 0, 0, 1, 1, OUTSIDE, OUTSIDE, OUTSIDE])
    np.testing.assert_array_equal(got, strtree_reference(polygons, x, y))


def test_no_polygons_or_only_empty_ones_route_nothing() -> None:
    for polygons in ([], [Polygon()]):
        assert GridIndex(polygons).locate_one(1.0, 1.0) == OUTSIDE


@pytest.mark.slow
def test_ten_thousand_grids_match_an_strtree_reference() -> None:
    polygons = voronoi_grids(10_000, seed=3)
    x, y = awkward_points(polygons, seed=4, n_random=200_000)
    got = GridIndex(polygons).locate(x, y)
    np.testing.assert_array_equal(got, strtree_reference(polygons, x, y))
