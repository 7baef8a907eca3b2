"""Render all visible layers in parallel, one QImage each, and hand them to the GUI thread.

`MapRenderer` lives in the GUI thread for the canvas's lifetime: it owns the thread pool, the
per-layer image cache and the record of problems already reported. `MapRenderer.render()` cancels
the previous job (the view moved on) and returns a new `RenderJob`; connect to its signals, then
`start()` it. Cached layers are delivered on the next event-loop turn, the rest as they finish.
Worker threads only touch snapshots and their own QImage; results cross threads as queued signals.
"""

from __future__ import annotations

import traceback
from collections import OrderedDict
from collections.abc import Iterable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage

from gridwatch.layers.base import LayerSnapshot
from gridwatch.layers.cancel import CancelToken, RenderCancelled
from gridwatch.layers.registry import render
from gridwatch.layers.view import MapView

CacheKey = tuple[MapView, int]


class ImageCache:
    """Per layer, the last few images keyed by (view, version): enough for back-and-forth zooms."""

    def __init__(self, per_layer: int = 3) -> None:
        self._per_layer = per_layer
        self._images: dict[str, OrderedDict[CacheKey, QImage]] = {}

    def get(self, layer_id: str, view: MapView, version: int) -> QImage | None:
        images = self._images.get(layer_id)
        if images is None or (view, version) not in images:
            return None
        images.move_to_end((view, version))
        return images[(view, version)]

    def put(self, layer_id: str, view: MapView, version: int, image: QImage) -> None:
        images = self._images.setdefault(layer_id, OrderedDict())
        images[(view, version)] = image
        while len(images) > self._per_layer:
            images.popitem(last=False)

    def forget(self, layer_id: str) -> None:
        self._images.pop(layer_id, None)


class _TaskSignals(QObject):
    """Created in the GUI thread, emitted from a worker: Qt queues the call to the GUI thread."""

    rendered = Signal(str, QImage)
    failed = Signal(str, str)
    dropped = Signal(str)


class _LayerTask(QRunnable):
    def __init__(
        self, snapshot: LayerSnapshot, view: MapView, cancel: CancelToken, signals: _TaskSignals
    ) -> None:
        super().__init__()
        self._snapshot, self._view, self._cancel, self._signals = snapshot, view, cancel, signals

    def run(self) -> None:
        layer_id = self._snapshot.layer_id
        try:
            self._cancel.check()
            image = render(self._snapshot, self._view, self._cancel)
        except RenderCancelled:
            self._signals.dropped.emit(layer_id)
        except Exception:  # a renderer bug must not take the canvas down: report it instead
            self._signals.failed.emit(layer_id, traceback.format_exc())
        else:
            self._signals.rendered.emit(layer_id, image)


class RenderJob(QObject):
    """One view, one set of snapshots. `finished` fires once, after every layer is accounted for."""

    layer_rendered = Signal(str, QImage)  # layer_id, image (device pixels, DPR set)
    layer_failed = Signal(str, str)  # layer_id, traceback
    finished = Signal()

    def __init__(
        self, view: MapView, snapshots: Iterable[LayerSnapshot], cache: ImageCache, pool: QThreadPool
    ) -> None:
        super().__init__()
        self.view = view
        self._snapshots = {s.layer_id: s for s in snapshots}
        self._cache, self._pool = cache, pool
        self._cancel = CancelToken()
        self._pending = set(self._snapshots)
        self._signals = _TaskSignals()
        self._signals.rendered.connect(self._on_rendered)
        self._signals.failed.connect(self._on_failed)
        self._signals.dropped.connect(self._settle)

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    @property
    def done(self) -> bool:
        return not self._pending

    def start(self) -> None:
        for layer_id, snapshot in self._snapshots.items():
            cached = self._cache.get(layer_id, self.view, snapshot.version)
            if cached is not None:
                QTimer.singleShot(0, self, lambda lid=layer_id, img=cached: self._on_rendered(lid, img))
            else:
                self._pool.start(_LayerTask(snapshot, self.view, self._cancel, self._signals))
        if not self._pending:
            QTimer.singleShot(0, self, self.finished.emit)

    def cancel(self) -> None:
        """Workers stop at their next check; results that still arrive are dropped."""
        self._cancel.cancel()

    def _on_rendered(self, layer_id: str, image: QImage) -> None:
        if self._cancel.cancelled or layer_id not in self._pending:
            self._settle(layer_id)
            return
        self._cache.put(layer_id, self.view, self._snapshots[layer_id].version, image)
        self.layer_rendered.emit(layer_id, image)
        self._settle(layer_id)

    def _on_failed(self, layer_id: str, message: str) -> None:
        if not self._cancel.cancelled:
            self.layer_failed.emit(layer_id, message)
        self._settle(layer_id)

    def _settle(self, layer_id: str) -> None:
        if layer_id in self._pending:
            self._pending.discard(layer_id)
            if not self._pending:
                self.finished.emit()


class MapRenderer(QObject):
    """The canvas's render service. `problem` reports each data problem (e.g. an invalid
    geometry a layer skipped) once per layer, not once per frame."""

    problem = Signal(str, str)  # layer_id, message

    def __init__(self, pool: QThreadPool | None = None, cache: ImageCache | None = None) -> None:
        super().__init__()
        self._pool = pool or QThreadPool(self)
        self.cache = cache or ImageCache()
        self._job: RenderJob | None = None
        self._reported: set[tuple[str, str]] = set()

    def render(self, view: MapView, snapshots: Iterable[LayerSnapshot]) -> RenderJob:
        if self._job is not None:
            self._job.cancel()
        snapshots = list(snapshots)
        for snapshot in snapshots:
            for message in snapshot.problems:
                if (snapshot.layer_id, message) not in self._reported:
                    self._reported.add((snapshot.layer_id, message))
                    self.problem.emit(snapshot.layer_id, message)
        self._job = RenderJob(view, snapshots, self.cache, self._pool)
        return self._job

    def wait_idle(self, msecs: int = -1) -> bool:
        """For tests and shutdown: block until the workers are done."""
        return self._pool.waitForDone(msecs)
