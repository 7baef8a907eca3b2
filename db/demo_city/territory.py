"""The demo district's org tree: a wobbly district cut into streets, communities and ~130 unit grids.

Grids are the Voronoi cells of Lloyd-relaxed points inside an irregular blob near Xiamen; a ring of
points outside the blob bounds the edge cells, so the district is exactly the union of its grids.
Every Voronoi edge is bent once (a smooth wiggle, or a near-straight "road") and both cells on it
use the same bent points, so neighbours share their boundary exactly. Communities and streets are
contiguous groups of grids grown over the adjacency graph, so they nest exactly and never overlap.
All shapes are built in metres on a local plane and turned into lon/lat at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from gridwatch.db.demo_city.names import DISTRICT_CODE, DISTRICT_NAME, STREETS

CENTER = (118.115, 24.470)  # lon, lat: central 思明区, Xiamen
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTER[1]))

GRID_COUNT = 130
COMMUNITIES_PER_STREET = 5
BLOB_RADIUS_M = 3_800.0
BEND_STEP_M = 25.0
ROAD_SHARE = 0.4  # edges kept nearly straight, like a boundary that follows a road

FloatArray = npt.NDArray[np.float64]
Key = tuple[float, float]


@dataclass(frozen=True)
class Unit:
    """One org-tree node as the seeder writes it; `geom` is in lon/lat."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geom: MultiPolygon


@dataclass(frozen=True)
class Edge:
    """One bent boundary between two grids (or a grid and the outside), in lon/lat."""

    line: LineString
    road: bool


@dataclass(frozen=True)
class Territory:
    district: Unit
    streets: list[Unit]
    communities: list[Unit]
    grids: list[Unit]
    edges: list[Edge]

    @property
    def units(self) -> list[Unit]:
        """Parents before children, the order they must be inserted in."""
        return [self.district, *self.streets, *self.communities, *self.grids]


def to_lonlat(xy: FloatArray) -> FloatArray:
    return np.column_stack((CENTER[0] + xy[:, 0] / M_PER_DEG_LON, CENTER[1] + xy[:, 1] / M_PER_DEG_LAT))


def _to_lonlat_geom(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, to_lonlat)


def _blob(rng: np.random.Generator) -> Polygon:
    """An irregular outline: a circle whose radius wobbles with a few random harmonics."""
    theta = np.linspace(0.0, 2 * math.pi, 361)[:-1]
    radius = np.ones_like(theta)
    for k in range(2, 8):
        radius += rng.uniform(0.03, 0.16) / k**0.6 * np.sin(k * theta + rng.uniform(0, 2 * math.pi))
    radius *= BLOB_RADIUS_M
    return Polygon(np.column_stack((radius * np.cos(theta), radius * np.sin(theta))))


def _sample_inside(rng: np.random.Generator, area: Polygon, n: int) -> FloatArray:
    xmin, ymin, xmax, ymax = area.bounds
    found: list[FloatArray] = []
    count = 0
    while count < n:
        xy = rng.uniform((xmin, ymin), (xmax, ymax), size=(4 * n, 2))
        xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]
        found.append(xy)
        count += len(xy)
    return np.concatenate(found)[:n]


def _voronoi(points: FloatArray, envelope: Polygon) -> list[Polygon]:
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    return list(cells.geoms)


def _relaxed_seeds(rng: np.random.Generator, blob: Polygon) -> FloatArray:
    """Lloyd relaxation: grids of similar size, as real grids are drawn for similar household counts."""
    points = _sample_inside(rng, blob, GRID_COUNT)
    envelope = box(*blob.buffer(5_000).bounds)
    for _ in range(5):
        cells = shapely.intersection(np.asarray(_voronoi(points, envelope), dtype=object), blob)
        points = shapely.get_coordinates(shapely.centroid(cells))
    return points


def _ring_seeds(blob: Polygon, spacing: float) -> FloatArray:
    ring = blob.buffer(spacing * 0.5).exterior
    count = max(12, int(ring.length / spacing))
    spots = ring.interpolate(np.linspace(0.0, 1.0, count, endpoint=False), normalized=True)
    return np.asarray(shapely.get_coordinates(spots), dtype=np.float64)


def _bend(rng: np.random.Generator, a: Key, b: Key, road: bool, scale: float) -> FloatArray:
    """Interior points of the bent edge from a to b (endpoints stay where they are)."""
    start, end = np.array(a), np.array(b)
    length = float(np.hypot(*(end - start)))
    n = max(1, round(length / BEND_STEP_M))
    t = np.linspace(0.0, 1.0, n + 1)[1:-1]
    if not t.size:
        return np.empty((0, 2))
    envelope = np.sin(math.pi * t)
    if road:
        offset = rng.normal(0.0, 1.0, t.size) * envelope
    else:
        waves = sum(
            rng.normal(0, 1) / k * np.sin(k * math.pi * t + rng.uniform(0, 2 * math.pi)) for k in (1, 2, 3)
        )
        offset = length * rng.uniform(0.03, 0.08) * envelope * waves + rng.normal(0.0, 3.0, t.size) * envelope
    normal = np.array((start[1] - end[1], end[0] - start[0])) / max(length, 1e-9)
    points: FloatArray = start + np.outer(t, end - start) + np.outer(offset * scale, normal)
    return points


class _Graph:
    """The Voronoi edges of the inside cells, each bent once and shared by both cells on it."""

    def __init__(self, rng: np.random.Generator, cells: list[Polygon]) -> None:
        self.rings: list[list[Key]] = []
        self.cells_of: dict[tuple[Key, Key], list[int]] = {}
        for i, cell in enumerate(cells):
            coords = [(float(x), float(y)) for x, y in shapely.orient_polygons(cell).exterior.coords[:-1]]
            self.rings.append(coords)
            for a, b in zip(coords, [*coords[1:], coords[0]], strict=True):
                self.cells_of.setdefault((min(a, b), max(a, b)), []).append(i)
        self.edges = sorted(self.cells_of)
        self.road = {e: bool(rng.random() < ROAD_SHARE) for e in self.edges}
        self.scale = dict.fromkeys(self.edges, 1.0)
        self._seeds = {e: int(rng.integers(2**63)) for e in self.edges}

    def bent(self, edge: tuple[Key, Key]) -> FloatArray:
        rng = np.random.default_rng(self._seeds[edge])
        return _bend(rng, edge[0], edge[1], self.road[edge], self.scale[edge])

    def polygons(self) -> list[Polygon]:
        bent = {e: self.bent(e) for e in self.edges}
        out = []
        for ring in self.rings:
            parts: list[FloatArray] = []
            for a, b in zip(ring, [*ring[1:], ring[0]], strict=True):
                inner = bent[(a, b)] if a < b else bent[(b, a)][::-1]
                parts += [np.array([a]), inner]
            out.append(Polygon(np.concatenate(parts)))
        return out

    def settle(self) -> list[Polygon]:
        """Bend, then calm the edges of any cell that came out invalid or overlapping, until clean."""
        for _ in range(8):
            polys = self.polygons()
            bad = set(np.flatnonzero(~shapely.is_valid(np.asarray(polys, dtype=object))).tolist())
            tree = shapely.STRtree(polys)
            pairs = tree.query(polys, predicate="overlaps")
            for i, j in pairs.T.tolist():
                if i < j and polys[i].intersection(polys[j]).area > 1e-6:
                    bad.update((i, j))
            if not bad:
                return polys
            for e, owners in self.cells_of.items():
                if bad.intersection(owners):
                    self.scale[e] = self.scale[e] * 0.5 if self.scale[e] > 0.05 else 0.0
        raise RuntimeError("the demo grids could not be made valid")  # unreachable: scale reaches 0

    def neighbours(self) -> list[set[int]]:
        out: list[set[int]] = [set() for _ in self.rings]
        for owners in self.cells_of.values():
            if len(owners) == 2:
                a, b = owners
                out[a].add(b)
                out[b].add(a)
        return out


def _grow(
    rng: np.random.Generator, members: list[int], centres: FloatArray, neighbours: list[set[int]], k: int
) -> list[list[int]]:
    """Split connected cells into k contiguous groups of similar size: the most even of a few tries."""
    starts = rng.permutation(members)[:16].tolist()
    tries = [_grow_from(start, members, centres, neighbours, k) for start in starts]
    return min(tries, key=lambda groups: np.ptp([len(g) for g in groups]))


def _grow_from(
    first: int, members: list[int], centres: FloatArray, neighbours: list[set[int]], k: int
) -> list[list[int]]:
    """Balanced region growing from k far-apart seeds; the smallest group takes the next cell."""
    pool = set(members)
    seeds = [first]
    while len(seeds) < k:
        dist = np.min(
            np.hypot(*(centres[members][:, None, :] - centres[seeds][None, :, :]).transpose(2, 0, 1)), axis=1
        )
        seeds.append(members[int(np.argmax(dist))])
    groups = [[s] for s in seeds]
    owner = {s: g for g, s in enumerate(seeds)}
    while len(owner) < len(pool):
        for g in sorted(range(k), key=lambda g: (len(groups[g]), g)):
            frontier = sorted({n for c in groups[g] for n in neighbours[c] if n in pool and n not in owner})
            if frontier:
                anchor = centres[groups[g]].mean(axis=0)
                pick = min(frontier, key=lambda n: float(np.hypot(*(centres[n] - anchor))))
                groups[g].append(pick)
                owner[pick] = g
                break
        else:
            raise RuntimeError("the demo grids are not connected")
    return groups


def _reading_order(geoms: list[BaseGeometry]) -> list[int]:
    """North to south in bands, west to east inside a band: how people number grids on a map."""
    xy = shapely.get_coordinates(shapely.point_on_surface(np.asarray(geoms, dtype=object)))
    band = np.floor(-xy[:, 1] / 900.0)
    return sorted(range(len(geoms)), key=lambda i: (band[i], xy[i, 0]))


def _multi(geom: BaseGeometry) -> MultiPolygon:
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


def build_territory(seed: int) -> Territory:
    """The whole org tree for one seed; the same seed always gives the same codes and shapes."""
    rng = np.random.default_rng([seed, 1])
    blob = _blob(rng)
    seeds = _relaxed_seeds(rng, blob)
    spacing = math.sqrt(blob.area / GRID_COUNT)
    points = np.concatenate((seeds, _ring_seeds(blob, spacing)))
    cells = _voronoi(points, box(*blob.buffer(5 * spacing).bounds))[:GRID_COUNT]
    graph = _Graph(rng, cells)
    polys = graph.settle()
    neighbours = graph.neighbours()
    centres = shapely.get_coordinates(shapely.centroid(np.asarray(polys, dtype=object)))

    district = Unit(
        DISTRICT_CODE, DISTRICT_NAME, "district", None, _multi(_to_lonlat_geom(shapely.union_all(polys)))
    )
    streets, communities, grids = [], [], []
    street_groups = _grow(rng, list(range(GRID_COUNT)), centres, neighbours, len(STREETS))
    street_shapes = [shapely.union_all([polys[i] for i in g]) for g in street_groups]
    for s_no, s_idx in enumerate(_reading_order(street_shapes), start=1):
        street_name, community_names = STREETS[s_no - 1]
        s_code = f"{DISTRICT_CODE}{s_no:03d}"
        streets.append(
            Unit(s_code, street_name, "street", DISTRICT_CODE, _multi(_to_lonlat_geom(street_shapes[s_idx])))
        )
        groups = _grow(rng, street_groups[s_idx], centres, neighbours, COMMUNITIES_PER_STREET)
        shapes = [shapely.union_all([polys[i] for i in g]) for g in groups]
        for c_no, c_idx in enumerate(_reading_order(shapes), start=1):
            c_code = f"{s_code}{c_no:03d}"
            communities.append(
                Unit(
                    c_code,
                    community_names[c_no - 1],
                    "community",
                    s_code,
                    _multi(_to_lonlat_geom(shapes[c_idx])),
                )
            )
            members = groups[c_idx]
            for g_no, m_idx in enumerate(_reading_order([polys[i] for i in members]), start=1):
                grids.append(
                    Unit(
                        f"{c_code}{g_no:02d}",
                        f"第{g_no}网格",
                        "grid",
                        c_code,
                        _multi(_to_lonlat_geom(polys[members[m_idx]])),
                    )
                )
    edges = [
        Edge(_to_lonlat_geom(LineString(np.concatenate(([e[0]], graph.bent(e), [e[1]])))), graph.road[e])
        for e in graph.edges
    ]
    return Territory(district, streets, communities, grids, edges)


def random_points_in(rng: np.random.Generator, geom: BaseGeometry, n: int) -> FloatArray:
    """n uniform random lon/lat points inside a polygon."""
    xmin, ymin, xmax, ymax = geom.bounds
    found: list[FloatArray] = []
    count = 0
    shapely.prepare(geom)
    while count < n:
        xy = rng.uniform((xmin, ymin), (xmax, ymax), size=(max(8, 3 * n), 2))
        xy = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        found.append(xy)
        count += len(xy)
    return np.concatenate(found)[:n]


def outside_points(rng: np.random.Generator, district: BaseGeometry, n: int) -> FloatArray:
    """n lon/lat points a few hundred metres outside the district, for cases no grid holds."""
    grown = _multi(district.buffer(400.0 / M_PER_DEG_LON))
    ring = max(grown.geoms, key=lambda p: p.area).exterior
    spots = shapely.line_interpolate_point(ring, rng.uniform(0, 1, n), normalized=True)
    return np.asarray(shapely.get_coordinates(spots), dtype=np.float64)
