"""The personnel layer: each grid worker's last position and a short tail of recent fixes.

The dots show at every scale (where the workers are is the point of the layer); the tails only from
`tail_max_scale_denominator` in, where they say which way someone walks instead of smudging the overview.
A worker late, gone early or absent today (打卡, docs/DOMAIN.md "Grid workers' attendance") gets a
coloured ring around the dot; on time, or not clocked on yet, none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPen

from gridwatch.layers.base import DETAIL_SCALE, Feature, LayerModel, LayerSnapshot, LegendEntry
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.markers import draw_markers, identify_markers, in_box_markers
from gridwatch.layers.paths import path_from_parts
from gridwatch.layers.points import PointSet, frozen_array
from gridwatch.layers.raster import device_painter, new_layer_image
from gridwatch.layers.symbols import Glyph, Shape, Symbol
from gridwatch.layers.view import MapView

ON_DUTY, OFF_DUTY = 0xFF0B8043, 0xFF9E9E9E
# index = on_duty
SYMBOLS = (
    Symbol(Shape.CIRCLE, OFF_DUTY, 9.0, stroke=0xFFFFFFFF, stroke_width=1.5),
    Symbol(Shape.CIRCLE, ON_DUTY, 12.0, stroke=0xFFFFFFFF, stroke_width=2.0, glyph=Glyph.DOT),
)
ATTENDANCE = ("", "late", "early_leave", "absent")
"""Today's attendance class of a point (index); "" is on time or nothing to say (no ring)."""
LATE_RING, EARLY_RING, ABSENT_RING = 0xFFFF8F00, 0xFF8E24AA, 0xFFD32F2F
RING_SIZE, RING_WIDTH = 22.0, 3.0
"""A ring's outer diameter and stroke, logical px: clear of the 12 px dot, the dot's white rim between."""
# index = ATTENDANCE index; the first draws nothing (an empty footprint never covers a pixel)
RINGS = (
    Symbol(Shape.CIRCLE, 0x00000000, 1.0, stroke=0x00000000, stroke_width=0.0),
    *(
        Symbol(Shape.CIRCLE, 0x00000000, RING_SIZE, stroke=colour, stroke_width=RING_WIDTH)
        for colour in (LATE_RING, EARLY_RING, ABSENT_RING)
    ),
)


@dataclass(frozen=True, eq=False)
class PersonnelData:
    """`track_*` hold each person's recent fixes, oldest first, people contiguous by `track_owner`."""

    points: PointSet
    on_duty: NDArray[np.bool_]
    track_x: NDArray[np.float64]
    track_y: NDArray[np.float64]
    track_owner: NDArray[np.int64]
    attendance: NDArray[np.uint8]  # per point, an ATTENDANCE index
    clock_minute: NDArray[np.int16]  # per point, the local minute of day the status rests on, -1 none

    @classmethod
    def build(
        cls,
        points: PointSet,
        on_duty: ArrayLike,
        track_x: ArrayLike,
        track_y: ArrayLike,
        track_owner: ArrayLike,
        attendance: ArrayLike | None = None,
        clock_minute: ArrayLike | None = None,
    ) -> PersonnelData:
        """`attendance` and `clock_minute` default to nothing known (no ring, no time)."""
        n = len(points.ids)
        return cls(
            points,
            frozen_array(on_duty, np.bool_),
            frozen_array(track_x, np.float64),
            frozen_array(track_y, np.float64),
            frozen_array(track_owner, np.int64),
            frozen_array(np.zeros(n) if attendance is None else attendance, np.uint8),
            frozen_array(np.full(n, -1) if clock_minute is None else clock_minute, np.int16),
        )


@dataclass(frozen=True, kw_only=True)
class PersonnelSnapshot(LayerSnapshot):
    data: PersonnelData
    tail_max_scale_denominator: float | None = DETAIL_SCALE


def tails_shown(snapshot: PersonnelSnapshot, view: MapView) -> bool:
    limit = snapshot.tail_max_scale_denominator
    return limit is None or view.scale_denominator() <= limit


def render_personnel(snapshot: PersonnelSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    d = snapshot.data
    if tails_shown(snapshot, view):
        _draw_tails(image, d, view)
    cancel.check()
    if d.attendance.any():  # rings first: the dot and its white rim sit inside them
        draw_markers(image, view, d.points, d.attendance.astype(np.intp), RINGS, cancel)
    draw_markers(image, view, d.points, d.on_duty.astype(np.intp), SYMBOLS, cancel)
    return image


def _draw_tails(image: QImage, d: PersonnelData, view: MapView) -> None:
    dx, dy = view.world_to_device(d.track_x, d.track_y)
    starts = np.ones(d.track_owner.size, dtype=bool)
    starts[1:] = d.track_owner[1:] != d.track_owner[:-1]
    dpr = view.device_pixel_ratio
    painter = device_painter(image)
    try:
        for duty, pen in (
            (False, QPen(QColor.fromRgba(OFF_DUTY), 1.5 * dpr, Qt.PenStyle.DashLine)),
            (True, QPen(QColor.fromRgba(ON_DUTY), 2.5 * dpr)),
        ):
            mine = d.on_duty[d.track_owner] == duty
            if mine.any():
                painter.strokePath(path_from_parts(dx[mine], dy[mine], starts[mine]), pen)
    finally:
        painter.end()


class PersonnelLayer(LayerModel):
    def __init__(
        self,
        name: str = "personnel",
        data: PersonnelData | None = None,
        *,
        z: int = 50,
        tail_max_scale_denominator: float | None = DETAIL_SCALE,
    ) -> None:
        super().__init__(name, z=z)
        self._data = data or PersonnelData.build(PointSet.from_mercator([], []), [], [], [], [])
        self._tail_max_scale = tail_max_scale_denominator

    @property
    def tail_max_scale_denominator(self) -> float | None:
        return self._tail_max_scale

    @tail_max_scale_denominator.setter
    def tail_max_scale_denominator(self, value: float | None) -> None:
        self._tail_max_scale = value
        self.touch()

    def set_data(self, data: PersonnelData) -> None:
        rings_before = self.legend()
        self._data = data
        self.touch()
        if self.legend() != rings_before:  # a first late worker today: the legend gains their ring
            self.appearance_changed.emit()

    def snapshot(self) -> PersonnelSnapshot:
        return PersonnelSnapshot(
            layer_id=self.layer_id,
            version=self.version,
            data=self._data,
            tail_max_scale_denominator=self._tail_max_scale,
        )

    def _feature(self, i: int, distance: float) -> Feature:
        return Feature(
            self.layer_id,
            int(self._data.points.ids[i]),
            "person",
            distance,
            {
                "on_duty": bool(self._data.on_duty[i]),
                "attendance": ATTENDANCE[int(self._data.attendance[i])],
                "clock_minute": int(self._data.clock_minute[i]),
            },
        )

    def legend(self) -> tuple[LegendEntry, ...]:
        """The dots, and the rings only when some worker wears one today."""
        entries = [LegendEntry("person.on_duty", SYMBOLS[1]), LegendEntry("person.off_duty", SYMBOLS[0])]
        shown = set(np.unique(self._data.attendance).tolist()) - {0}
        entries += [LegendEntry(f"person.{ATTENDANCE[i]}", RINGS[i]) for i in sorted(shown)]
        return tuple(entries)

    def identify(self, view: MapView, x_px: float, y_px: float, tolerance_px: float = 4.0) -> list[Feature]:
        return identify_markers(self._data.points, view, x_px, y_px, tolerance_px, 6.0, self._feature)

    def identify_box(
        self, view: MapView, x0_px: float, y0_px: float, x1_px: float, y1_px: float
    ) -> list[Feature]:
        return in_box_markers(self._data.points, view, (x0_px, y0_px, x1_px, y1_px), self._feature)
