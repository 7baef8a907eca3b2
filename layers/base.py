"""The layer protocol: a model in the GUI thread, an immutable snapshot, a renderer in a worker.

This is QGIS's renderer-snapshot pattern. `LayerModel.snapshot()` runs in the GUI thread and must
be cheap: it copies references to immutable data (numpy arrays marked read-only, frozen
dataclasses), never the data. A renderer (see registry.py) gets only the snapshot, so nothing the
GUI thread mutates is ever read from a worker. `version` changes whenever what a renderer would
draw changes; visibility, opacity and z are composition-time and do not bump it, so toggling
opacity re-uses the cached image. `max_scale_denominator` is QGIS's "show only when zoomed in past
1:N": a layer outside its scale range is neither rendered nor painted nor identified, so the district
overview is not buried under symbols one only needs on a street.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.symbols import Symbol
from gridwatch.layers.view import MapView

_layer_ids = itertools.count(1)
DETAIL_SCALE = 25_000.0
"""1:25,000: street level. Device symbols and worker tails appear from here in (QGIS's habit for detail)."""


@dataclass(frozen=True, slots=True)
class Feature:
    """One identify hit. `kind` lets the canvas decide what a click means (a case, a cluster…)."""

    layer_id: str
    feature_id: int
    kind: str
    distance_px: float = 0.0
    properties: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of the map's legend, from the layer that draws it: its own symbol or colour ramp, and a
    stable key the desk words in the user's language (`symbol` or `ramp`, never both)."""

    key: str
    symbol: Symbol | None = None
    ramp: str | None = None


@dataclass(frozen=True, kw_only=True)
class LayerSnapshot:
    """Base of every snapshot; subclasses add their (immutable) data and style fields."""

    layer_id: str
    version: int
    problems: tuple[str, ...] = ()  # data problems found while building (reported once by the job)


S_contra = TypeVar("S_contra", bound=LayerSnapshot, contravariant=True)


class Renderer(Protocol[S_contra]):
    def __call__(self, snapshot: S_contra, view: MapView, cancel: CancelToken, /) -> QImage: ...


class LayerModel(QObject):
    """State the GUI edits. Subclasses hold data and style and implement snapshot/identify.

    `changed` means "re-render" (data or style); `appearance_changed` means "re-compose only".
    """

    changed = Signal()
    appearance_changed = Signal()

    def __init__(
        self,
        name: str,
        *,
        z: int = 0,
        visible: bool = True,
        opacity: float = 1.0,
        max_scale_denominator: float | None = None,
    ) -> None:
        super().__init__()
        self.layer_id = f"layer-{next(_layer_ids)}"
        self._name = name
        self._z = z
        self._visible = visible
        self._opacity = opacity
        self._max_scale = max_scale_denominator
        self._version = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> int:
        return self._version

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        if value != self._visible:
            self._visible = value
            self.appearance_changed.emit()

    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = min(1.0, max(0.0, value))
        if value != self._opacity:
            self._opacity = value
            self.appearance_changed.emit()

    @property
    def z(self) -> int:
        return self._z

    @z.setter
    def z(self, value: int) -> None:
        if value != self._z:
            self._z = value
            self.appearance_changed.emit()

    @property
    def max_scale_denominator(self) -> float | None:
        """Shown only at 1:N or closer (N at most this); None: at every scale."""
        return self._max_scale

    @max_scale_denominator.setter
    def max_scale_denominator(self, value: float | None) -> None:
        if value != self._max_scale:
            self._max_scale = value
            self.appearance_changed.emit()

    def in_scale(self, view: MapView) -> bool:
        return self._max_scale is None or view.scale_denominator() <= self._max_scale

    def shown_at(self, view: MapView) -> bool:
        """Drawn and clickable in `view`: switched on and inside its scale range."""
        return self._visible and self.in_scale(view)

    def legend(self) -> tuple[LegendEntry, ...]:
        """What each symbol or colour of this layer means; () for a layer with nothing to explain."""
        return ()

    def touch(self) -> None:
        """Call after any change a renderer would draw differently."""
        self._version += 1
        self.changed.emit()

    def snapshot(self) -> LayerSnapshot:
        raise NotImplementedError

    def identify(self, view: MapView, x_px: float, y_px: float, tolerance_px: float = 4.0) -> list[Feature]:
        """Hits nearest first; (x_px, y_px) in logical pixels of `view`."""
        return []

    def identify_box(
        self, view: MapView, x0_px: float, y0_px: float, x1_px: float, y1_px: float
    ) -> list[Feature]:
        return []
