"""The demo district's named roads: through routes along its grid boundaries, named from `names.ROADS`.

Grid boundaries follow streets in real grids, so the demo treats every boundary inside the district as a
street. At each crossing a road goes on along the straightest street (a Voronoi node turns ~60°), and the
longest routes get the names, longest first. Case addresses name the named road nearest the case
(cases.py), and the generated basemap draws these same lines with these names (docs/BASEMAP.md), so an
address's road is the road on the map there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from gridwatch.db.demo_city.names import ROADS
from gridwatch.db.demo_city.territory import (
    CENTER,
    M_PER_DEG_LAT,
    M_PER_DEG_LON,
    FloatArray,
    Territory,
    to_lonlat,
)

CHAIN_TURN_DEG = 65.0  # a road goes on through a crossing only if it turns less than this
END_REACH_M = 60.0  # a street's direction at a crossing is taken over this much of it


@dataclass(frozen=True)
class NamedRoad:
    name: str
    line: LineString  # lon/lat


def _to_local(xy: FloatArray) -> FloatArray:
    return np.column_stack(((xy[:, 0] - CENTER[0]) * M_PER_DEG_LON, (xy[:, 1] - CENTER[1]) * M_PER_DEG_LAT))


def _direction(line: LineString, at_start: bool) -> FloatArray:
    """The unit direction leaving the line at one end."""
    reach = min(END_REACH_M, line.length / 2)
    end = np.asarray(line.coords[0 if at_start else -1], dtype=np.float64)
    inner = line.interpolate(reach if at_start else line.length - reach)
    vector: FloatArray = np.asarray(inner.coords[0], dtype=np.float64) - end
    return vector / max(float(np.hypot(*vector)), 1e-9)


def _chains(lines: list[LineString]) -> list[LineString]:
    """Join streets into through routes, longest first: each grows at both ends along the straightest
    unused street at every crossing."""
    ends: dict[tuple[float, float], list[tuple[int, bool]]] = {}
    for i, line in enumerate(lines):
        for at_start in (True, False):
            x, y = line.coords[0 if at_start else -1]
            ends.setdefault((round(x, 3), round(y, 3)), []).append((i, at_start))
    used: set[int] = set()
    chains = []
    least = math.cos(math.radians(180.0 - CHAIN_TURN_DEG))
    for first in sorted(range(len(lines)), key=lambda i: (-lines[i].length, i)):
        if first in used:
            continue
        used.add(first)
        coords = list(lines[first].coords)
        for forward in (True, False):
            while True:
                tip = coords[-1] if forward else coords[0]
                heading = -_direction(LineString(coords), at_start=not forward)
                best, best_cos = None, -least
                for i, at_start in ends.get((round(tip[0], 3), round(tip[1], 3)), []):
                    cos = float(np.dot(heading, _direction(lines[i], at_start))) if i not in used else -2.0
                    if cos > best_cos:
                        best, best_cos = (i, at_start), cos
                if best is None:
                    break
                used.add(best[0])
                onward = list(lines[best[0]].coords)
                onward = onward if best[1] else onward[::-1]  # now running away from the tip
                coords = coords + onward[1:] if forward else onward[::-1][:-1] + coords
        chains.append(LineString(coords))
    chains.sort(key=lambda c: (-c.length, c.coords[0]))
    return chains


def named_roads(territory: Territory) -> list[NamedRoad]:
    """The district's named roads, one per name in `ROADS`; the district's own edge carries none."""
    outline = shapely.transform(territory.district.geom.boundary, _to_local)
    lines = [shapely.transform(edge.line, _to_local) for edge in territory.edges]
    inside = [line for line in lines if line.interpolate(0.5, normalized=True).distance(outline) > 1.0]
    chains = _chains(inside)
    return [
        NamedRoad(name, shapely.transform(chain, to_lonlat))
        for name, chain in zip(ROADS, chains, strict=False)
    ]


class RoadFinder:
    """The named road nearest a lon/lat point, in metres on the district's plane."""

    def __init__(self, roads: list[NamedRoad]) -> None:
        self.roads = roads
        self._tree = shapely.STRtree([shapely.transform(r.line, _to_local) for r in roads])

    def nearest(self, lon: float, lat: float) -> str:
        spot = Point(_to_local(np.array([[lon, lat]], dtype=np.float64))[0])
        return self.roads[int(self._tree.query_nearest(spot)[0])].name
