"""Screen-space grid clustering, vectorized: one bincount per statistic, no per-point Python.

Cells are anchored to world coordinates (multiples of cell_px × resolution), so panning does not
reshuffle clusters and zooming in halves cells, which splits clusters as the scale grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gridwatch.layers.view import MapView


@dataclass(frozen=True, slots=True)
class Clusters:
    x: NDArray[np.float64]  # world centroid of each cluster
    y: NDArray[np.float64]
    count: NDArray[np.int64]
    worst: NDArray[np.int64]  # highest `severity` among members
    singles: NDArray[np.int64]  # indices (into the input) of points alone in their cell


def cell_size(view: MapView, cell_px: float) -> float:
    return cell_px * view.resolution


def cluster(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    severity: NDArray[np.integer],
    levels: int,
    view: MapView,
    cell_px: float,
) -> Clusters:
    """Cluster the given points (already culled to about the view) into world-anchored cells."""
    size = cell_size(view, cell_px)
    cx = np.floor(x / size).astype(np.int64)
    cy = np.floor(y / size).astype(np.int64)
    if cx.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return Clusters(np.empty(0), np.empty(0), empty, empty, empty)
    cx -= cx.min()
    cy -= cy.min()
    ncx = int(cx.max()) + 1
    key = cy * ncx + cx
    count = np.bincount(key)
    sx = np.bincount(key, weights=x)
    sy = np.bincount(key, weights=y)
    worst = np.zeros(count.size, dtype=np.int64)
    for level in range(1, levels):
        worst[np.bincount(key, weights=(severity == level), minlength=count.size) > 0] = level
    multi = count >= 2
    return Clusters(
        sx[multi] / count[multi],
        sy[multi] / count[multi],
        count[multi],
        worst[multi],
        np.flatnonzero(count[key] == 1),
    )
