"""What the demo district's basemap shows, as shapes in Web Mercator metres (no Qt here).

Everything comes from the same `build_territory(seed)` the demo store is seeded from, so the map lines
up with the grids exactly: every grid boundary is a street (grid boundaries follow streets in real
数字城管 grids), the near-straight "road" boundaries are wider, and the named roads the demo addresses
use (`demo_city.roads`) are drawn over them. Blocks are the grids shrunk off the streets and cut by a
lane or two; a few grids are parks, one holds a lake, and the sea lies south-west
of the district as it does around 思明区. See docs/BASEMAP.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from gridwatch.db.demo_city.roads import NamedRoad, named_roads
from gridwatch.db.demo_city.territory import build_territory
from gridwatch.layers.view import lonlat_to_mercator

LANE_MIN_AREA_M2 = 60_000.0  # grids larger than this get a lane through them, two if twice as large
PARK_NAMES = ("中山公园", "万石植物园", "白鹭洲公园", "南湖公园")
LAKE_NAME = "筼筜湖"
SEA_NAME = "鹭江"


@dataclass(frozen=True)
class Area:
    """A labelled polygon: a park or a stretch of water."""

    name: str
    geom: BaseGeometry
    at: Point  # where its name goes


def _area(name: str, geom: BaseGeometry) -> Area:
    return Area(name, geom, geom.point_on_surface())


@dataclass(frozen=True)
class DemoMap:
    """The basemap's features in EPSG:3857 metres, in drawing order from bottom to top."""

    district: tuple[float, float, float, float]  # its bounds: xmin, ymin, xmax, ymax
    sea: Area
    lake: Area
    parks: list[Area]
    blocks: list[Polygon]
    lanes: list[LineString]
    streets: list[LineString]  # the winding grid boundaries
    roads: list[LineString]  # the near-straight ones
    named: list[NamedRoad]  # through roads along streets and roads, drawn over both as main roads


def _mercator(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(lonlat_to_mercator(xy[:, 0], xy[:, 1])))


def _lanes(grid: Polygon) -> list[LineString]:
    """One lane across a mid-sized grid along its long axis' normal, a cross lane in a large one."""
    if grid.area < LANE_MIN_AREA_M2:
        return []
    rect = grid.minimum_rotated_rectangle
    corners = np.asarray(rect.exterior.coords)[:4]
    sides = [corners[1] - corners[0], corners[2] - corners[1]]
    long_side, short_side = sorted(sides, key=lambda v: -float(np.hypot(*v)))
    centre = np.asarray(grid.centroid.coords[0])
    directions = [short_side] if grid.area < 2 * LANE_MIN_AREA_M2 else [short_side, long_side]
    lanes = []
    for d in directions:
        unit = d / float(np.hypot(*d))
        cut = LineString([centre - unit * 5_000, centre + unit * 5_000]).intersection(grid)
        lanes += [g for g in getattr(cut, "geoms", [cut]) if isinstance(g, LineString) and g.length > 0]
    return lanes


def build_demo_map(seed: int) -> DemoMap:
    """The basemap of the district `build_territory(seed)` builds; the same seed gives the same map."""
    territory = build_territory(seed)
    district = _mercator(territory.district.geom)
    grids = [_mercator(g.geom.geoms[0]) for g in territory.grids]
    cx, cy = district.centroid.x, district.centroid.y
    radius = math.sqrt(district.area / math.pi)

    # the sea, 100 km out (past any tile): south-west of a line through the district's middle, kept off
    # its shore by a beach
    half = Polygon(
        [(cx - 1e5, cy + 1e5 - 0.35 * radius), (cx + 1e5, cy - 1e5 - 0.35 * radius), (cx - 1e5, cy - 1e5)]
    )
    sea = box(cx - 1e5, cy - 1e5, cx + 1e5, cy + 1e5).intersection(half).difference(district.buffer(150.0))

    rng = np.random.default_rng([seed, 41])
    inner = [i for i, g in enumerate(grids) if g.distance(district.boundary) > 300.0]
    by_size = sorted(inner, key=lambda i: (-grids[i].area, i))
    lake_grid = by_size[0]
    park_grids = sorted(rng.choice(by_size[1:12], size=len(PARK_NAMES) - 1, replace=False).tolist())
    lake_park = grids[lake_grid].buffer(-12.0)
    lake = shapely.affinity.scale(grids[lake_grid].buffer(-60.0), 0.7, 0.7).buffer(40.0).buffer(-30.0)
    parks = [_area(PARK_NAMES[2], lake_park)] + [
        _area(name, grids[i].buffer(-12.0))
        for name, i in zip((*PARK_NAMES[:2], PARK_NAMES[3]), park_grids, strict=True)
    ]
    green = {lake_grid, *park_grids}

    lanes: list[LineString] = []
    blocks: list[Polygon] = []
    for i, grid in enumerate(grids):
        if i in green:
            continue
        grid_lanes = _lanes(grid)
        lanes += grid_lanes
        cut = (
            grid.buffer(-10.0).difference(MultiLineString(grid_lanes).buffer(7.0))
            if grid_lanes
            else grid.buffer(-10.0)
        )
        blocks += [p for p in getattr(cut, "geoms", [cut]) if isinstance(p, Polygon) and p.area > 500.0]

    streets: list[LineString] = []
    roads: list[LineString] = []
    for edge in territory.edges:
        (roads if edge.road else streets).append(_mercator(edge.line))
    named = [NamedRoad(road.name, _mercator(road.line)) for road in named_roads(territory)]
    return DemoMap(
        district=district.bounds,
        sea=Area(SEA_NAME, sea, _offshore(district, 900.0)),
        lake=_area(LAKE_NAME, lake),
        parks=parks,
        blocks=blocks,
        lanes=lanes,
        streets=streets,
        roads=roads,
        named=named,
    )


def _offshore(district: BaseGeometry, distance: float) -> Point:
    """A point `distance` metres off the district's south-west shore, in the sea, for the sea's name."""
    centre = district.centroid
    ray = LineString([(centre.x, centre.y), (centre.x - 2e4, centre.y - 2e4)])
    grown = district.buffer(distance)
    shore = max(getattr(grown, "geoms", [grown]), key=lambda p: p.area).exterior
    crossing = ray.intersection(shore)
    return max(getattr(crossing, "geoms", [crossing]), key=lambda p: p.distance(centre))
