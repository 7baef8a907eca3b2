"""Routing benchmark: 1,000,000 case points into the demo grids, GridIndex against the alternatives.

Run by hand:  python bench/routing.py [--points N] [--runs R] [--no-postgis]

Prints the median of R timed runs (after one warm-up) as points/s, the ratio of each alternative to
GridIndex, and how many answers differ from GridIndex. `within` (sjoin, STRtree) and `ST_Contains`
leave out points lying exactly on a grid edge, where GridIndex answers the lowest-index grid covering
the point; such differences are counted apart ("on an edge"). Then a size sweep of GridIndex alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import psycopg
import shapely
from shapely.geometry import MultiPolygon, Polygon

from gridwatch.db.geometry import SRID
from gridwatch.db.grid_index import OUTSIDE, GridIndex

Grids = list[Polygon | MultiPolygon]
DEMO_SEED = 1
DEFAULT_PG = "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"


def district() -> Polygon:
    """An irregular district outline filling lon 118.07–118.16, lat 24.43–24.51."""
    t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    r = 1 + 0.12 * np.sin(5 * t) + 0.05 * np.cos(13 * t + 1)
    r /= r.max()
    return Polygon(np.c_[118.115 + 0.045 * r * np.cos(t), 24.47 + 0.04 * r * np.sin(t)])


def voronoi_grids(count: int, seed: int = 20240) -> Grids:
    """Demo-like grids: Voronoi cells of seeded random sites, clipped to the district."""
    outline = district()
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = outline.bounds
    sites = shapely.points(rng.uniform(minx, maxx, 3 * count), rng.uniform(miny, maxy, 3 * count))
    sites = sites[shapely.contains(outline, sites)][:count]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=outline))
    return [c for c in shapely.intersection(cells, outline) if not c.is_empty]


def demo_grids() -> tuple[Grids, str]:
    """The demo city's grids when gridwatch.db.demo_city is there, else 130 generated ones like them."""
    try:
        from gridwatch.db.demo_city.territory import build_territory
    except ImportError:
        return voronoi_grids(130), "generated Voronoi grids clipped to an irregular district"
    return [unit.geom for unit in build_territory(DEMO_SEED).grids], f"demo_city grids, seed {DEMO_SEED}"


def random_points(grids: Grids, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shapely.total_bounds(grids)
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def median_seconds(run: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = run()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def lowest_per_point(n: int, point_idx: np.ndarray, grid_idx: np.ndarray) -> np.ndarray:
    """Pairs (point, grid) to one answer per point, the lowest grid index, -1 for none."""
    none = np.iinfo(np.int32).max
    answer = np.full(n, none, dtype=np.int32)
    np.minimum.at(answer, np.asarray(point_idx, dtype=np.intp), np.asarray(grid_idx, dtype=np.int32))
    answer[answer == none] = OUTSIDE
    return answer


def sjoin_answer(points: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> np.ndarray:
    joined = gpd.sjoin(points, grids, predicate="within", how="inner")
    return lowest_per_point(len(points), joined.index.to_numpy(), joined["index_right"].to_numpy())


def postgis_runner(grids: Grids, x: np.ndarray, y: np.ndarray) -> tuple[Callable[[], np.ndarray], Any]:
    """Load grids and points into TEMP tables (not timed); return the timed join and the connection."""
    url = os.environ.get("GRIDWATCH_TEST_PG", DEFAULT_PG).replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"CREATE TEMP TABLE grids (idx int PRIMARY KEY, geom geometry(Geometry, {SRID}))")
    conn.execute(f"CREATE TEMP TABLE pts (id int PRIMARY KEY, geom geometry(Point, {SRID}))")
    with conn.cursor().copy("COPY grids (idx, geom) FROM STDIN") as copy:
        for idx, wkb in enumerate(shapely.to_wkb(np.asarray(grids, dtype=object), hex=True)):
            copy.write_row((idx, f"SRID={SRID};{wkb}"))
    with conn.cursor().copy("COPY pts (id, geom) FROM STDIN") as copy:
        for wkb_rows in np.array_split(np.arange(x.size), max(1, x.size // 100_000)):
            hexes = shapely.to_wkb(shapely.points(x[wkb_rows], y[wkb_rows]), hex=True)
            copy.write("".join(f"{i}\tSRID={SRID};{h}\n" for i, h in zip(wkb_rows, hexes, strict=True)))
    conn.execute("CREATE INDEX ON grids USING gist (geom)")
    conn.execute("ANALYZE grids")
    conn.execute("ANALYZE pts")

    def run() -> np.ndarray:
        rows = conn.execute(
            "SELECT p.id, coalesce(g.idx, -1) FROM pts p LEFT JOIN grids g ON ST_Contains(g.geom, p.geom)"
        ).fetchall()
        pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
        inside = pairs[:, 1] >= 0
        return lowest_per_point(x.size, pairs[inside, 0], pairs[inside, 1])

    return run, conn


def compare(answer: np.ndarray, ours: np.ndarray, boundaries: Any, x: np.ndarray, y: np.ndarray) -> str:
    differ = np.flatnonzero(answer != ours)
    on_edge = int(shapely.intersects_xy(boundaries, x[differ], y[differ]).sum()) if differ.size else 0
    return f"{differ.size} differ ({on_edge} on an edge)"


def size_sweep(demo_grids: Grids, runs: int) -> None:
    print("\nSize sweep, GridIndex only (build: one run after a warm-up; locate: median):")
    print(f"{'grids':>8}{'build s':>10}{'points':>12}{'locate s':>11}{'M points/s':>12}")
    for grids in (demo_grids, voronoi_grids(10_000)):
        build_s, index = median_seconds(partial(GridIndex, grids), 1)
        for size in (10_000, 100_000, 1_000_000):
            x, y = random_points(grids, size, seed=size)
            locate_s, _ = median_seconds(partial(index.locate, x, y), runs)
            rate = size / locate_s / 1e6
            print(f"{len(grids):>8}{build_s:>10.2f}{size:>12,}{locate_s:>11.4f}{rate:>12.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgis", action="store_true")
    args = parser.parse_args()

    grids, source = demo_grids()
    x, y = random_points(grids, args.points)
    n = x.size
    print(
        f"{len(grids)} {source}, {n:,} random points over its bbox, "
        f"median of {args.runs} runs after a warm-up"
    )

    build_s, index = median_seconds(lambda: GridIndex(grids), args.runs)
    ours_s, ours = median_seconds(lambda: index.locate(x, y), args.runs)
    outside = int((ours == OUTSIDE).sum())
    print(f"GridIndex build {build_s * 1e3:.0f} ms, raster {index.raster_shape}; {outside:,} points outside")

    grid_array = np.asarray(grids, dtype=object)
    boundaries = shapely.union_all(shapely.boundary(grid_array))
    shapely.prepare(boundaries)
    results: list[tuple[str, float, str]] = [("GridIndex.locate", ours_s, "reference")]

    point_geoms = shapely.points(x, y)
    points_frame = gpd.GeoDataFrame(geometry=point_geoms, crs=SRID)
    grids_frame = gpd.GeoDataFrame(geometry=grid_array, crs=SRID)
    sjoin_s, answer = median_seconds(lambda: sjoin_answer(points_frame, grids_frame), args.runs)
    results.append(("geopandas.sjoin within", sjoin_s, compare(answer, ours, boundaries, x, y)))

    tree = shapely.STRtree(grid_array)
    tree_s, pairs = median_seconds(lambda: tree.query(point_geoms, predicate="within"), args.runs)
    answer = lowest_per_point(n, pairs[0], pairs[1])
    results.append(("STRtree.query within", tree_s, compare(answer, ours, boundaries, x, y)))

    if not args.no_postgis:
        run, conn = postgis_runner(grids, x, y)
        with conn:
            pg_s, answer = median_seconds(run, args.runs)
        results.append(("PostGIS ST_Contains+fetch", pg_s, compare(answer, ours, boundaries, x, y)))

    print(f"{'method':<28}{'median s':>10}{'M points/s':>12}{'GridIndex faster':>18}  answers vs GridIndex")
    for name, seconds, agreement in results:
        print(f"{name:<28}{seconds:>10.4f}{n / seconds / 1e6:>12.2f}{seconds / ours_s:>17.1f}×  {agreement}")

    size_sweep(grids, args.runs)


if __name__ == "__main__":
    main()
