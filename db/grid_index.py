"""Point-in-grid routing without PostGIS: which grid polygon holds each case's point.

On PostgreSQL the store asks PostGIS (`ST_Contains` with a GiST index); on SQLite there is no spatial
SQL, so routing happens here. A per-point STRtree query costs about a microsecond a point; routing a
whole import (a million points) has to be faster, so the index answers most points with array
indexing alone:

* A uniform raster of square cells covers the polygons' bounds. Each cell is classified once, at build
  time, with exact GEOS predicates against the cell's box (slightly enlarged, so that float rounding in
  the point→cell arithmetic can never put a point outside the box that was tested): *resolved* (one
  polygon answers for every point of the box), *outside* (no polygon touches the box) or *boundary*
  (a short candidate list).
* Classification refines coarse to fine (2×2 split of boundary cells only), so building costs in
  proportion to the polygons' perimeter, not to the raster's area.
* `locate` turns coordinates into cell numbers and reads the raster; only points in boundary cells are
  tested exactly, with `shapely.intersects_xy` on prepared polygons, one vectorized call per round of
  candidates.

Rule for points on edges (deterministic): a point belongs to the **lowest-index polygon that covers
it**, boundary included. A point on an edge shared by polygons 3 and 7 goes to 3; a point on a grid's
outer edge, or on the ring of a hole, belongs to that grid; a point strictly inside a hole does not.
Overlapping polygons follow the same rule. Points outside every polygon, non-finite coordinates
(NaN, ±inf) and points far outside the bounds get -1: callers keep and flag them, never drop them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Polygon

OUTSIDE: Final = -1
"""The answer for a point that no polygon covers."""

_MIN_CELLS: Final = 1 << 14
_MAX_CELLS: Final = 1 << 22  # 16 MB of int32: enough for ~10,000 grids at a few hundred cells each
_CELLS_PER_POLYGON: Final = 4096  # boundary cells then hold ~3 % of a polygon's area
_BASE_CELLS_PER_AXIS: Final = 32  # coarsest level of the refinement
_PAD: Final = 1e-6  # box enlargement, in cell sizes: far above float rounding, far below a cell

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


class GridIndex:
    """Exact polygon lookup for many points at once; see the module docstring for the edge rule."""

    def __init__(self, polygons: Sequence[Polygon | MultiPolygon]) -> None:
        self._geoms = np.asarray(list(polygons), dtype=object)
        if self._geoms.size:
            shapely.prepare(self._geoms)
        live = ~shapely.is_empty(self._geoms) if self._geoms.size else np.zeros(0, dtype=bool)
        self._raster: IntArray = np.full(1, OUTSIDE, dtype=np.int32)
        self._cand_ptr: IntArray = np.zeros(1, dtype=np.int32)
        self._cand: IntArray = np.zeros(0, dtype=np.int32)
        self._x0 = self._y0 = 0.0
        self._inv_size = 1.0
        self._nx = self._ny = 0
        if live.any():
            self._build(np.flatnonzero(live))

    def __len__(self) -> int:
        return int(self._geoms.size)

    @property
    def raster_shape(self) -> tuple[int, int]:
        """(rows, columns) of the finest raster; exposed for benchmarks and tuning."""
        return self._ny, self._nx

    def locate(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        """Index of the polygon holding each point (int32, shape of `x`), -1 where none does."""
        xs = np.asarray(x, dtype=np.float64)
        ys = np.asarray(y, dtype=np.float64)
        if xs.shape != ys.shape:
            raise ValueError(f"x and y differ in shape: {xs.shape} vs {ys.shape}")
        flat_x, flat_y = xs.ravel(), ys.ravel()
        result = self._lookup_cells(flat_x, flat_y)
        self._resolve_boundary(result, flat_x, flat_y)
        return result.reshape(xs.shape)

    def locate_one(self, x: float, y: float) -> int:
        """`locate` for a single point: the case form's "which grid is this?"."""
        return int(self.locate(np.array([x]), np.array([y]))[0])

    # -- lookup -------------------------------------------------------------------------------------

    def _lookup_cells(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Raster codes per point: a polygon index, -1 outside, or -2-k for boundary cell k."""
        tx = (x - self._x0) * self._inv_size
        ty = (y - self._y0) * self._inv_size
        on_raster = (tx >= 0) & (tx < self._nx) & (ty >= 0) & (ty < self._ny)  # False for NaN
        cell = np.where(on_raster, ty, 0.0).astype(np.intp) * self._nx
        cell += np.where(on_raster, tx, 0.0).astype(np.intp)
        codes = self._raster[cell]
        codes[~on_raster] = OUTSIDE
        return codes

    def _resolve_boundary(self, codes: IntArray, x: FloatArray, y: FloatArray) -> None:
        """Replace boundary codes in place by exact answers, lowest candidate index first."""
        pending = np.flatnonzero(codes <= -2)
        if not pending.size:
            return
        cells = -2 - codes[pending]
        codes[pending] = OUTSIDE
        next_cand = self._cand_ptr[cells]
        end = self._cand_ptr[cells + 1]
        while pending.size:
            poly = self._cand[next_cand]
            hit = shapely.intersects_xy(self._geoms[poly], x[pending], y[pending])
            codes[pending[hit]] = poly[hit]
            next_cand += 1
            more = ~hit & (next_cand < end)
            pending, next_cand, end = pending[more], next_cand[more], end[more]

    # -- build --------------------------------------------------------------------------------------

    def _build(self, live: npt.NDArray[np.intp]) -> None:
        xmin, ymin, xmax, ymax = shapely.total_bounds(self._geoms[live])
        # The cell size is chosen for the bounds' area, but the raster is at least one coarsest cell
        # across its short side. Bounds narrower than that (grids drawn on one line: collinear vertices,
        # zero area) got cells sized for an area the raster does not have, hundreds of millions of them
        # (a MemoryError); so the short side counts as one coarsest cell at least. Up to an aspect of
        # 32:1 nothing changes.
        longest = max(xmax - xmin, ymax - ymin, 1e-12)
        width = max(xmax - xmin, longest / _BASE_CELLS_PER_AXIS)
        height = max(ymax - ymin, longest / _BASE_CELLS_PER_AXIS)
        target = min(max(live.size * _CELLS_PER_POLYGON, _MIN_CELLS), _MAX_CELLS)
        size = math.sqrt(width * height / target)
        levels = max(0, math.ceil(math.log2(max(width, height) / size / _BASE_CELLS_PER_AXIS)))
        base = size * 2**levels
        bnx, bny = math.floor(width / base) + 1, math.floor(height / base) + 1
        self._x0, self._y0 = float(xmin), float(ymin)
        self._nx, self._ny = bnx << levels, bny << levels
        self._inv_size = 1.0 / size
        tree = shapely.STRtree(self._geoms)

        rows, cols = np.divmod(np.arange(bnx * bny, dtype=np.intp), bnx)
        raster = np.full((bny, bnx), OUTSIDE, dtype=np.int32)
        for level in range(levels + 1):
            cell_size = base / 2**level
            owner, pairs = self._classify(tree, cols, rows, cell_size)
            raster[rows, cols] = owner
            if level == levels:
                self._store_candidates(raster, rows, cols, owner, pairs)
                break
            raster = raster.repeat(2, axis=0).repeat(2, axis=1)
            split = owner == -2
            rows, cols = self._children(rows[split], cols[split])
        self._raster = raster.ravel()

    def _classify(
        self, tree: shapely.STRtree, cols: npt.NDArray[np.intp], rows: npt.NDArray[np.intp], size: float
    ) -> tuple[IntArray, npt.NDArray[np.intp]]:
        """Per cell: the resolving polygon, -1 (outside) or -2 (boundary); and the (cell, polygon) pairs."""
        pad = size * _PAD
        left, bottom = self._x0 + cols * size - pad, self._y0 + rows * size - pad
        boxes = shapely.box(left, bottom, left + size + 2 * pad, bottom + size + 2 * pad)
        pairs = tree.query(boxes, predicate="intersects")
        pairs = pairs[:, np.lexsort((pairs[1], pairs[0]))]
        owner = np.full(boxes.size, OUTSIDE, dtype=np.int32)
        if pairs.shape[1]:
            first = np.ones(pairs.shape[1], dtype=bool)
            first[1:] = pairs[0, 1:] != pairs[0, :-1]
            box_idx, lowest = pairs[0, first], pairs[1, first]
            covered = shapely.covers(self._geoms[lowest], boxes[box_idx])
            owner[box_idx] = np.where(covered, lowest, -2)
        return owner, pairs

    def _store_candidates(
        self,
        raster: IntArray,
        rows: npt.NDArray[np.intp],
        cols: npt.NDArray[np.intp],
        owner: IntArray,
        pairs: npt.NDArray[np.intp],
    ) -> None:
        """Number the finest boundary cells and keep their sorted candidate lists (CSR)."""
        boundary = np.flatnonzero(owner == -2)
        number = np.full(owner.size, -1, dtype=np.intp)
        number[boundary] = np.arange(boundary.size)
        raster[rows[boundary], cols[boundary]] = -2 - np.arange(boundary.size, dtype=np.int32)
        keep = number[pairs[0]] >= 0  # pairs are sorted by cell, then polygon
        counts = np.bincount(number[pairs[0, keep]], minlength=boundary.size)
        self._cand_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
        self._cand = pairs[1, keep].astype(np.int32)

    @staticmethod
    def _children(
        rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        dr = np.array([0, 0, 1, 1], dtype=np.intp)
        dc = np.array([0, 1, 0, 1], dtype=np.intp)
        return (2 * rows[:, None] + dr).ravel(), (2 * cols[:, None] + dc).ravel()
