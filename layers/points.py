"""Point data shared by the cases, devices and personnel layers: coordinates, ids, index, hits."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridwatch.layers.spatial import GridIndex
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator

G = TypeVar("G", bound=np.generic)


def frozen_array(values: ArrayLike, dtype: type[G]) -> NDArray[G]:
    """A read-only copy: snapshots share arrays across threads, so nobody may write them."""
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class PointSet:
    """Points in Web Mercator metres, drawn in array order (last on top), with stable ids."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    ids: NDArray[np.int64]
    _index: list[GridIndex] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_lonlat(cls, lon: ArrayLike, lat: ArrayLike, ids: ArrayLike | None = None) -> PointSet:
        x, y = lonlat_to_mercator(lon, lat)
        return cls.from_mercator(x, y, ids)

    @classmethod
    def from_mercator(cls, x: ArrayLike, y: ArrayLike, ids: ArrayLike | None = None) -> PointSet:
        xa = frozen_array(x, np.float64)
        id_values = np.arange(xa.size) if ids is None else ids
        return cls(xa, frozen_array(y, np.float64), frozen_array(id_values, np.int64))

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def index(self) -> GridIndex:
        """Built on first use; call `build_index()` in the loader's thread to keep the GUI smooth."""
        with self._lock:
            if not self._index:
                self._index.append(GridIndex(self.x, self.y))
            return self._index[0]

    def build_index(self) -> PointSet:
        _ = self.index
        return self

    def visible(self, view: MapView, margin_px: float = 0.0) -> NDArray[np.int64]:
        """Indices inside the view (plus a margin so symbols on the edge are not cut)."""
        extent = view.extent.buffered(margin_px * view.resolution)
        return np.flatnonzero(extent.contains(self.x, self.y))

    def nearest(
        self, view: MapView, x_px: float, y_px: float, tolerance_px: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Indices within tolerance of a screen point and their distances in px, nearest first."""
        wx, wy = view.screen_to_world(x_px, y_px)
        t = tolerance_px * view.resolution
        cand = self.index.query(Extent(float(wx) - t, float(wy) - t, float(wx) + t, float(wy) + t))
        dist = np.hypot(self.x[cand] - wx, self.y[cand] - wy) / view.resolution
        close = dist <= tolerance_px
        cand, dist = cand[close], dist[close]
        # nearest first; among equals the one drawn on top (higher index) first
        order = np.lexsort((-cand, dist))
        return cand[order], dist[order]

    def in_box(
        self, view: MapView, x0_px: float, y0_px: float, x1_px: float, y1_px: float
    ) -> NDArray[np.int64]:
        xs, ys = view.screen_to_world(np.array([x0_px, x1_px]), np.array([y0_px, y1_px]))
        return self.index.query(Extent(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
