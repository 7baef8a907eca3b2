"""A sorted-grid spatial index: numpy only, built in one argsort, queried with a few slices.

Points are bucketed into square cells (about `per_cell` points each on average) and sorted by cell,
so a cell's points are one contiguous slice of `order`. A box query walks cell rows (a handful for
an identify click) and filters the candidates exactly; no Python runs per point.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from gridwatch.layers.view import Extent

MAX_CELLS_PER_AXIS = 1 << 15
"""Columns (and rows) at most: a billion cells' start offsets would not fit in memory."""


class GridIndex:
    def __init__(self, x: NDArray[np.float64], y: NDArray[np.float64], per_cell: int = 16) -> None:
        self._x, self._y = x, y
        n = x.size
        if n:
            self._x0, self._y0 = float(x.min()), float(y.min())
            w = max(float(x.max()) - self._x0, 1e-9)
            h = max(float(y.max()) - self._y0, 1e-9)
            # Cells of about `per_cell` points over the bounds' area; but points on one line (one
            # latitude, one longitude: the bounds have no height or width) would get cells sized for an
            # area they do not have, so no side has more cells than there are groups of `per_cell`
            # points, nor more than the axis may hold.
            longest = max(w, h)
            self._cell = max(
                math.sqrt(w * h * per_cell / n), longest * per_cell / n, longest / (MAX_CELLS_PER_AXIS - 1)
            )
        else:
            self._x0 = self._y0 = 0.0
            w = h = self._cell = 1.0
        self._nx = min(int(w / self._cell) + 1, MAX_CELLS_PER_AXIS)
        self._ny = min(int(h / self._cell) + 1, MAX_CELLS_PER_AXIS)
        cells = self._row(y) * self._nx + self._column(x)
        self._order = np.argsort(cells, kind="stable").astype(np.int64)
        self._starts = np.searchsorted(cells[self._order], np.arange(self._nx * self._ny + 1))

    def _column(self, x: NDArray[np.float64]) -> NDArray[np.int64]:
        return self._axis(x, self._x0, self._nx)

    def _row(self, y: NDArray[np.float64]) -> NDArray[np.int64]:
        return self._axis(y, self._y0, self._ny)

    def _axis(self, v: NDArray[np.float64], origin: float, count: int) -> NDArray[np.int64]:
        """Cell numbers along one axis: points and query boxes both go through here, so a point on a
        cell's edge is in the cell its box looks in (non-finite values go to an end, found by no box)."""
        at = np.nan_to_num((v - origin) / self._cell, nan=0.0)
        return np.clip(at, 0, count - 1).astype(np.int64)

    def query(self, box: Extent) -> NDArray[np.int64]:
        """Indices of points inside `box` (inclusive), in ascending index order."""
        cx0, cx1 = self._column(np.array([box.xmin, box.xmax], dtype=np.float64)).tolist()
        cy0, cy1 = self._row(np.array([box.ymin, box.ymax], dtype=np.float64)).tolist()
        if cx0 > cx1 or cy0 > cy1:
            return np.empty(0, dtype=np.int64)
        chunks = [
            self._order[self._starts[row * self._nx + cx0] : self._starts[row * self._nx + cx1 + 1]]
            for row in range(cy0, cy1 + 1)
        ]
        candidates = np.concatenate(chunks)
        inside = box.contains(self._x[candidates], self._y[candidates])
        return np.sort(candidates[inside])
