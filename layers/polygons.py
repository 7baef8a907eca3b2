"""Polygon data as flat vertex arrays (for drawing) plus shapely geometries (for identify).

Invalid geometries are skipped here, once, and listed in `problems`; the render job reports each
problem once, so a bad grid boundary never breaks or floods the canvas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from gridwatch.layers.points import frozen_array
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def _to_mercator(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = lonlat_to_mercator(coords[:, 0], coords[:, 1])
    return np.column_stack((x, y))


@dataclass(frozen=True, eq=False)
class PolygonSet:
    ids: NDArray[np.int64]
    names: tuple[str, ...]
    geoms: NDArray[np.object_]  # shapely, Web Mercator
    x: NDArray[np.float64]  # every ring vertex, rings closed
    y: NDArray[np.float64]
    starts: NDArray[np.bool_]  # True where a ring begins
    owner: NDArray[np.int64]  # polygon index of each vertex
    bbox: NDArray[np.float64]  # (n, 4) xmin, ymin, xmax, ymax
    label_x: NDArray[np.float64]
    label_y: NDArray[np.float64]
    area: NDArray[np.float64]
    problems: tuple[str, ...] = ()

    @classmethod
    def from_lonlat(cls, ids: ArrayLike, names: Sequence[str], geoms: ArrayLike) -> PolygonSet:
        """Geometries in EPSG:4326/4490; anything not a valid non-empty (multi)polygon is skipped."""
        id_arr = np.asarray(ids, dtype=np.int64)
        geo = np.asarray(geoms, dtype=object)
        ok = ~shapely.is_missing(geo)
        ok[ok] = np.isin(shapely.get_type_id(geo[ok]), _POLYGONAL) & ~shapely.is_empty(geo[ok])
        ok[ok] = shapely.is_valid(geo[ok])
        problems = tuple(
            f"{names[int(i)]} (id {id_arr[i]}): skipped, "
            f"{shapely.is_valid_reason(geo[i]) if geo[i] is not None else 'no geometry'}"
            for i in np.flatnonzero(~ok)
        )
        merc = shapely.transform(geo[ok], _to_mercator)
        return cls.build(
            id_arr[ok], tuple(n for n, keep in zip(names, ok, strict=True) if keep), merc, problems
        )

    @classmethod
    def build(
        cls,
        ids: NDArray[np.int64],
        names: tuple[str, ...],
        geoms: NDArray[np.object_],
        problems: tuple[str, ...] = (),
    ) -> PolygonSet:
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
        starts = np.ones(vertex_ring.size, dtype=bool)
        starts[1:] = vertex_ring[1:] != vertex_ring[:-1]
        labels = shapely.point_on_surface(geoms)

        def f(a: ArrayLike) -> NDArray[np.float64]:
            return frozen_array(a, np.float64)

        return cls(
            frozen_array(ids, np.int64),
            names,
            geoms,
            f(coords[:, 0]),
            f(coords[:, 1]),
            frozen_array(starts, np.bool_),
            frozen_array(part_owner[ring_part[vertex_ring]], np.int64),
            f(shapely.bounds(geoms).reshape(-1, 4)),
            f(shapely.get_x(labels)),
            f(shapely.get_y(labels)),
            f(shapely.area(geoms)),
            problems,
        )

    def __len__(self) -> int:
        return int(self.ids.size)

    def visible(self, extent: Extent) -> NDArray[np.bool_]:
        b = self.bbox
        return (
            (b[:, 0] <= extent.xmax)
            & (b[:, 2] >= extent.xmin)
            & (b[:, 1] <= extent.ymax)
            & (b[:, 3] >= extent.ymin)
        )

    def at(self, view: MapView, x_px: float, y_px: float) -> NDArray[np.int64]:
        """Polygons under the screen point (boundary included), smallest first: the most specific unit."""
        wx, wy = (float(v) for v in view.screen_to_world(x_px, y_px))
        b = self.bbox
        cand = np.flatnonzero((b[:, 0] <= wx) & (b[:, 2] >= wx) & (b[:, 1] <= wy) & (b[:, 3] >= wy))
        hit = cand[shapely.intersects_xy(self.geoms[cand], wx, wy)]
        ordered: NDArray[np.int64] = hit[np.argsort(self.area[hit])]
        return ordered
