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


class GridIndex:
    def __init__(self, x: NDArray[np.float64], y: NDArray[np.float64], per_cell: int = 16) -> None:
        self._x, self._y = x, y
        n = x.size
        if n:
            self._x0, self._y0 = float(x.min()), float(y.min())
            w = max(float(x.max()) - self._x0, 1e-9)
            h = max(float(y.max()) - self._y0, 1e-9)
            self._cell = max(math.sqrt(w * h * per_cell / n), 1e-9)
        else:
            self._x0 = self._y0 = 0.0
            w = h = self._cell = 1.0
        self._nx = min(int(w / self._cell) + 1, 1 << 15)
        self._ny = min(int(h / self._cell) + 1, 1 << 15)
        cells = self._cells(x, y)
        self._order = np.argsort(cells, kind="stable").astype(np.int64)
        self._starts = np.searchsorted(cells[self._order], np.arange(self._nx * self._ny + 1))

    def _cells(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        cx = np.clip(((x - self._x0) / self._cell).astype(np.int64), 0, self._nx - 1)
        cy = np.clip(((y - self._y0) / self._cell).astype(np.int64), 0, self._ny - 1)
        return cy * self._nx + cx

    def query(self, box: Extent) -> NDArray[np.int64]:
        """Indices of points inside `box` (inclusive), in ascending index order."""
        cx0 = max(int((box.xmin - self._x0) // self._cell), 0)
        cx1 = min(int((box.xmax - self._x0) // self._cell), self._nx - 1)
        cy0 = max(int((box.ymin - self._y0) // self._cell), 0)
        cy1 = min(int((box.ymax - self._y0) // self._cell), self._ny - 1)
        if cx0 > cx1 or cy0 > cy1:
            return np.empty(0, dtype=np.int64)
        chunks = [
            self._order[self._starts[row * self._nx + cx0] : self._starts[row * self._nx + cx1 + 1]]
            for row in range(cy0, cy1 + 1)
        ]
        candidates = np.concatenate(chunks)
        inside = box.contains(self._x[candidates], self._y[candidates])
        return np.sort(candidates[inside])
