"""The cases layer: one symbol per case (shape = component/event, inner mark = top class,
colour = deadline light, size = urgency), and count bubbles at low zoom.

A light goes stale without any change in the store: a case turns yellow and then red as time passes.
So each case carries the moments its light changes (`yellow_at`, `due_at`, epoch seconds, NaN when no
clock runs), worked out on the site's calendar when the case is read, and the layer's clock recomputes
every light from them in numpy once a minute, re-rendering the cases only when a light changed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from gridwatch.layers.base import Feature, LayerModel, LayerSnapshot, LegendEntry
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cluster import Clusters, cell_size, cluster
from gridwatch.layers.points import PointSet, frozen_array
from gridwatch.layers.raster import device_painter, new_layer_image, pixels
from gridwatch.layers.splat import splat
from gridwatch.layers.symbols import Glyph, Shape, Symbol, build_atlas
from gridwatch.layers.view import Extent, MapView


class CaseClass(IntEnum):
    COMPONENT = 0  # 部件
    EVENT = 1  # 事件/事项


class Light(IntEnum):
    """Ordered by severity, so the worst light of a cluster is a max."""

    CLOSED = 0
    GREEN = 1
    YELLOW = 2
    RED = 3


class Urgency(IntEnum):
    A = 0  # 紧急
    B = 1  # 重要
    C = 2  # 普通


TOP_CLASSES = 5  # per tree: 01–05 components, 06–10 events (top class within its tree: 0..4)
LIGHT_COLOURS = {
    Light.CLOSED: 0xFF9E9E9E,
    Light.GREEN: 0xFF2E9D46,
    Light.YELLOW: 0xFFF2B705,
    Light.RED: 0xFFD7261E,
}
URGENCY_SIZES = {Urgency.A: 14.0, Urgency.B: 11.0, Urgency.C: 8.0}
TOP_CLASS_GLYPHS = (Glyph.NONE, Glyph.DOT, Glyph.BAR, Glyph.CROSS, Glyph.SLASH)
SELECTION_COLOUR = 0xFF1565C0
RELIGHT_MS = 60_000


def _symbol_table() -> tuple[Symbol, ...]:
    """Index = ((class × 5 + top) × 4 + light) × 3 + urgency; see `symbol_index`."""
    return tuple(
        Symbol(
            Shape.SQUARE if cls is CaseClass.COMPONENT else Shape.CIRCLE,
            LIGHT_COLOURS[light],
            URGENCY_SIZES[urgency],
            glyph=TOP_CLASS_GLYPHS[top],
        )
        for cls in CaseClass
        for top in range(TOP_CLASSES)
        for light in Light
        for urgency in Urgency
    )


SYMBOLS = _symbol_table()


def symbol_index(
    case_class: NDArray[np.uint8],
    top: NDArray[np.uint8],
    light: NDArray[np.uint8],
    urgency: NDArray[np.uint8],
) -> NDArray[np.intp]:
    return ((case_class.astype(np.intp) * TOP_CLASSES + top) * len(Light) + light) * len(Urgency) + urgency


def lights_at(
    now: float, light: NDArray[np.uint8], yellow_at: NDArray[np.float64], due_at: NDArray[np.float64]
) -> NDArray[np.uint8]:
    """Each case's light at `now` (epoch s): red past its due time, yellow from `yellow_at`, else green.

    Cases without a running clock (NaN times) keep the light they were read with.
    """
    timed = np.isfinite(due_at)
    fresh = np.where(now > due_at, Light.RED, np.where(now >= yellow_at, Light.YELLOW, Light.GREEN))
    return np.where(timed, fresh, light).astype(np.uint8)


@dataclass(frozen=True, eq=False)
class CaseData:
    """Built by whoever reads the store (a worker), handed to the model whole: never mutated.

    `started_at`, `yellow_at` and `due_at` are the current step's clock in epoch seconds (NaN: none).
    """

    points: PointSet
    case_class: NDArray[np.uint8]
    top_class: NDArray[np.uint8]
    light: NDArray[np.uint8]
    urgency: NDArray[np.uint8]
    started_at: NDArray[np.float64]
    yellow_at: NDArray[np.float64]
    due_at: NDArray[np.float64]
    symbol: NDArray[np.intp] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "symbol", symbol_index(self.case_class, self.top_class, self.light, self.urgency)
        )
        self.symbol.setflags(write=False)

    @classmethod
    def build(
        cls,
        points: PointSet,
        case_class: ArrayLike,
        top_class: ArrayLike,
        light: ArrayLike,
        urgency: ArrayLike,
        *,
        started_at: ArrayLike | None = None,
        yellow_at: ArrayLike | None = None,
        due_at: ArrayLike | None = None,
    ) -> CaseData:
        def u8(a: ArrayLike) -> NDArray[np.uint8]:
            return frozen_array(a, np.uint8)

        def moments(a: ArrayLike | None) -> NDArray[np.float64]:
            if a is None:  # no clocks: one shared read-only NaN, not n × 8 bytes (a million cases: 24 MB)
                return np.broadcast_to(np.float64(np.nan), (len(points),))
            return frozen_array(a, np.float64)

        return cls(
            points,
            u8(case_class),
            u8(top_class),
            u8(light),
            u8(urgency),
            moments(started_at),
            moments(yellow_at),
            moments(due_at),
        )

    @property
    def timed(self) -> bool:
        """Some case has a running clock: its light may change with time alone."""
        return bool(np.isfinite(self.due_at).any())

    def relit(self, now: float) -> CaseData | None:
        """The same cases with their lights at `now`; None when no light changed."""
        light = lights_at(now, self.light, self.yellow_at, self.due_at)
        if np.array_equal(light, self.light):
            return None
        light.setflags(write=False)
        return replace(self, light=light)


@dataclass(frozen=True)
class CaseStyle:
    cluster_above_resolution: float = 5.0  # m/px; cluster when zoomed out further than this
    cluster_cell_px: float = 64.0


@dataclass(frozen=True, kw_only=True)
class CasesSnapshot(LayerSnapshot):
    data: CaseData
    selected: NDArray[np.int64]  # sorted case ids
    style: CaseStyle


def clustered(style: CaseStyle, view: MapView) -> bool:
    return view.resolution > style.cluster_above_resolution


def bubble_radius(count: NDArray[np.int64] | int) -> NDArray[np.float64]:
    """Logical px; grows with the log of the count so 10 and 10,000 are both readable."""
    return np.asarray(10.0 + 4.0 * np.log10(np.maximum(count, 1)), dtype=np.float64)


def _draw_clusters(painter: QPainter, view: MapView, clusters: Clusters) -> None:
    dpr = view.device_pixel_ratio
    px, py = view.world_to_device(clusters.x, clusters.y)
    radius = bubble_radius(clusters.count) * dpr
    font = QFont()
    font.setPixelSize(round(11 * dpr))
    font.setBold(True)
    painter.setFont(font)
    for level in Light:
        members = np.flatnonzero(clusters.worst == level)
        colour = QColor.fromRgba(LIGHT_COLOURS[level])
        painter.setPen(QPen(QColor(255, 255, 255, 230), 2 * dpr))
        painter.setBrush(colour)
        for i in members:
            painter.drawEllipse(QPointF(px[i], py[i]), radius[i], radius[i])
        painter.setPen(QColor(Qt.GlobalColor.white if level != Light.YELLOW else Qt.GlobalColor.black))
        for i in members:
            r = radius[i]
            painter.drawText(
                QRectF(px[i] - r, py[i] - r, 2 * r, 2 * r),
                Qt.AlignmentFlag.AlignCenter,
                str(clusters.count[i]),
            )


def render_cases(snapshot: CasesSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    data, style = snapshot.data, snapshot.style
    atlas = build_atlas(SYMBOLS, view.device_pixel_ratio)
    visible = data.points.visible(view, margin_px=max(URGENCY_SIZES.values()))
    cancel.check()
    groups = None
    if clustered(style, view):
        groups = cluster(
            data.points.x[visible],
            data.points.y[visible],
            data.light[visible],
            len(Light),
            view,
            style.cluster_cell_px,
        )
        visible = visible[groups.singles]
    cancel.check()
    dx, dy = view.world_to_device(data.points.x[visible], data.points.y[visible])
    splat(pixels(image), dx, dy, data.symbol[visible], atlas, cancel)
    painter = device_painter(image)
    try:
        if groups is not None:
            _draw_clusters(painter, view, groups)
        _draw_selection(painter, snapshot, view, visible)
    finally:
        painter.end()
    return image


def _draw_selection(
    painter: QPainter, snapshot: CasesSnapshot, view: MapView, visible: NDArray[np.int64]
) -> None:
    if snapshot.selected.size == 0:
        return
    data = snapshot.data
    chosen = visible[np.isin(data.points.ids[visible], snapshot.selected)]
    dpr = view.device_pixel_ratio
    dx, dy = view.world_to_device(data.points.x[chosen], data.points.y[chosen])
    painter.setPen(QPen(QColor.fromRgba(SELECTION_COLOUR), 2.5 * dpr))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for x, y, u in zip(dx, dy, data.urgency[chosen], strict=True):
        r = (URGENCY_SIZES[Urgency(int(u))] / 2 + 4) * dpr
        painter.drawEllipse(QPointF(x, y), r, r)


class CasesLayer(LayerModel):
    """Its clock (`RELIGHT_MS`, GUI thread) runs while some case has a running deadline clock."""

    def __init__(self, name: str = "cases", data: CaseData | None = None, *, z: int = 30) -> None:
        super().__init__(name, z=z)
        self._data = data or CaseData.build(PointSet.from_mercator([], []), [], [], [], [])
        self._selected: NDArray[np.int64] = frozen_array([], np.int64)
        self._style = CaseStyle()
        self._clock = QTimer(self)
        self._clock.setInterval(RELIGHT_MS)
        self._clock.timeout.connect(self.relight)
        self._follow_clock()

    @property
    def data(self) -> CaseData:
        return self._data

    @property
    def relight_interval_ms(self) -> int:
        return self._clock.interval()

    @relight_interval_ms.setter
    def relight_interval_ms(self, msecs: int) -> None:
        self._clock.setInterval(msecs)

    @property
    def ticking(self) -> bool:
        """The relight clock runs: some case's light may change with time alone."""
        return self._clock.isActive()

    def set_data(self, data: CaseData) -> None:
        self._data = data
        self._follow_clock()
        self.touch()

    def relight(self, now: float | None = None) -> bool:
        """Recompute the lights for `now` (default: the wall clock); True (and a re-render) if any changed."""
        fresh = self._data.relit(time.time() if now is None else now)
        if fresh is None:
            return False
        self._data = fresh
        self.touch()
        return True

    def _follow_clock(self) -> None:
        if self._data.timed and not self._clock.isActive():
            self._clock.start()
        elif not self._data.timed:
            self._clock.stop()

    def set_style(self, style: CaseStyle) -> None:
        self._style = style
        self.touch()

    def set_selection(self, ids: ArrayLike) -> None:
        self._selected = frozen_array(np.unique(np.asarray(ids, dtype=np.int64)), np.int64)
        self.touch()

    def snapshot(self) -> CasesSnapshot:
        return CasesSnapshot(
            layer_id=self.layer_id,
            version=self.version,
            data=self._data,
            selected=self._selected,
            style=self._style,
        )

    def legend(self) -> tuple[LegendEntry, ...]:
        """Colour is the deadline light, size the urgency, shape component (square) or event (circle)."""
        plain = LIGHT_COLOURS[Light.CLOSED]
        lights = tuple(
            LegendEntry(
                f"light.{light.name.lower()}",
                Symbol(Shape.CIRCLE, LIGHT_COLOURS[light], URGENCY_SIZES[Urgency.B]),
            )
            for light in (Light.GREEN, Light.YELLOW, Light.RED)
        )
        sizes = tuple(
            LegendEntry(f"urgency.{u.name}", Symbol(Shape.CIRCLE, plain, URGENCY_SIZES[u])) for u in Urgency
        )
        shapes = (
            LegendEntry("class.component", Symbol(Shape.SQUARE, plain, URGENCY_SIZES[Urgency.B])),
            LegendEntry("class.event", Symbol(Shape.CIRCLE, plain, URGENCY_SIZES[Urgency.B])),
        )
        return (*lights, *sizes, *shapes)

    def identify(self, view: MapView, x_px: float, y_px: float, tolerance_px: float = 4.0) -> list[Feature]:
        if clustered(self._style, view):
            return self._identify_clusters(view, x_px, y_px, tolerance_px)
        points = self._data.points
        reach = tolerance_px + max(URGENCY_SIZES.values()) / 2
        idx, dist = points.nearest(view, x_px, y_px, reach)
        sizes = np.array([URGENCY_SIZES[u] for u in Urgency])[self._data.urgency[idx]]
        hit = dist <= tolerance_px + sizes / 2
        return [self._case_feature(int(i), float(d)) for i, d in zip(idx[hit], dist[hit], strict=True)]

    def identify_box(
        self, view: MapView, x0_px: float, y0_px: float, x1_px: float, y1_px: float
    ) -> list[Feature]:
        return [
            self._case_feature(int(i), 0.0)
            for i in self._data.points.in_box(view, x0_px, y0_px, x1_px, y1_px)
        ]

    def _case_feature(self, i: int, distance: float) -> Feature:
        d = self._data
        return Feature(
            self.layer_id,
            int(d.points.ids[i]),
            "case",
            distance,
            {
                "class": CaseClass(int(d.case_class[i])),
                "top_class": int(d.top_class[i]),
                "light": Light(int(d.light[i])),
                "urgency": Urgency(int(d.urgency[i])),
                "started_at": float(d.started_at[i]),
                "due_at": float(d.due_at[i]),
            },
        )

    def _identify_clusters(
        self, view: MapView, x_px: float, y_px: float, tolerance_px: float
    ) -> list[Feature]:
        """Only the 3×3 cells around the cursor are examined, through the index: no full re-cluster."""
        points = self._data.points
        size = cell_size(view, self._style.cluster_cell_px)
        wx, wy = (float(v) for v in view.screen_to_world(x_px, y_px))
        hits: list[Feature] = []
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                cx, cy = math.floor(wx / size) + i, math.floor(wy / size) + j
                box = Extent(
                    cx * size,
                    cy * size,
                    math.nextafter((cx + 1) * size, -math.inf),
                    math.nextafter((cy + 1) * size, -math.inf),
                )
                members = points.index.query(box)
                if members.size == 0:
                    continue
                mx, my = float(points.x[members].mean()), float(points.y[members].mean())
                dist = math.hypot(mx - wx, my - wy) / view.resolution
                if members.size == 1:
                    size_px = URGENCY_SIZES[Urgency(int(self._data.urgency[members[0]]))]
                    if dist <= tolerance_px + size_px / 2:
                        hits.append(self._case_feature(int(members[0]), dist))
                elif dist <= float(bubble_radius(members.size)) + tolerance_px:
                    hits.append(
                        Feature(
                            self.layer_id,
                            -1,
                            "cluster",
                            dist,
                            {"count": int(members.size), "ids": points.ids[members], "x": mx, "y": my},
                        )
                    )
        return sorted(hits, key=lambda f: f.distance_px)
