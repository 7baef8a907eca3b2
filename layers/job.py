"""Render all visible layers in parallel, one QImage each, and hand them to the GUI thread.

`MapRenderer` lives in the GUI thread for the canvas's lifetime: it owns the thread pool, the
per-layer image cache and the record of problems already reported. `MapRenderer.render()` cancels
the previous job (the view moved on) and returns a new `RenderJob`; connect to its signals, then
`start()` it. Cached layers are delivered on the next event-loop turn, the rest as they finish.
Worker threads only touch snapshots and their own QImage; results cross threads as queued signals.
"""

from __future__ import annotations

import itertools
import traceback
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial

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


class _Results(QObject):
    """The renderer's one emitter, parented to it in the GUI thread; workers emit, Qt queues the calls.

    Workers hold a reference to it, never to a job: a job's last reference always drops in the GUI
    thread. Being a child of the renderer, its C++ object is never deleted by a worker dropping the
    Python wrapper, and the renderer's pool (an older child) waits for the workers before it goes.
    """

    rendered = Signal(int, str, QImage)  # job id, layer id, image
    failed = Signal(int, str, str)  # job id, layer id, traceback
    dropped = Signal(int, str)  # job id, layer id


class _LayerTask(QRunnable):
    def __init__(
        self, job_id: int, snapshot: LayerSnapshot, view: MapView, cancel: CancelToken, results: _Results
    ) -> None:
        super().__init__()
        self._job_id, self._snapshot, self._view = job_id, snapshot, view
        self._cancel, self._results = cancel, results

    def run(self) -> None:
        layer_id = self._snapshot.layer_id
        try:
            self._cancel.check()
            image = render(self._snapshot, self._view, self._cancel)
        except RenderCancelled:
            self._results.dropped.emit(self._job_id, layer_id)
        except Exception:  # a renderer bug must not take the canvas down: report it instead
            self._results.failed.emit(self._job_id, layer_id, traceback.format_exc())
        else:
            self._results.rendered.emit(self._job_id, layer_id, image)


class RenderJob(QObject):
    """One view, one set of snapshots. `finished` fires once, after every layer is accounted for.

    Only the GUI thread references a job (its renderer until every layer is settled, and whoever
    connected to it); workers know it by its id, so no worker can delete it.
    """

    layer_rendered = Signal(str, QImage)  # layer_id, image (device pixels, DPR set)
    layer_failed = Signal(str, str)  # layer_id, traceback
    finished = Signal()

    def __init__(
        self,
        job_id: int,
        view: MapView,
        snapshots: Iterable[LayerSnapshot],
        cache: ImageCache,
        pool: QThreadPool,
        results: _Results,
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.view = view
        self._snapshots = {s.layer_id: s for s in snapshots}
        self._cache, self._pool, self._results = cache, pool, results
        self._cancel = CancelToken()
        self._pending = set(self._snapshots)
        self.started = False

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    @property
    def done(self) -> bool:
        return not self._pending

    def start(self) -> None:
        """Cached layers arrive on the next event-loop turn, through the same route as the workers'."""
        self.started = True
        results = self._results
        for layer_id, snapshot in self._snapshots.items():
            cached = self._cache.get(layer_id, self.view, snapshot.version)
            if cached is not None:
                QTimer.singleShot(0, results, partial(results.rendered.emit, self.job_id, layer_id, cached))
            else:
                self._pool.start(_LayerTask(self.job_id, snapshot, self.view, self._cancel, results))
        if not self._pending:
            QTimer.singleShot(0, self, self.finished.emit)

    def cancel(self) -> None:
        """Workers stop at their next check; results that still arrive are dropped."""
        self._cancel.cancel()

    def deliver(self, layer_id: str, image: QImage) -> None:
        if self._cancel.cancelled or layer_id not in self._pending:
            self.settle(layer_id)
            return
        self._cache.put(layer_id, self.view, self._snapshots[layer_id].version, image)
        self.layer_rendered.emit(layer_id, image)
        self.settle(layer_id)

    def fail(self, layer_id: str, message: str) -> None:
        if not self._cancel.cancelled:
            self.layer_failed.emit(layer_id, message)
        self.settle(layer_id)

    def settle(self, layer_id: str) -> None:
        if layer_id in self._pending:
            self._pending.discard(layer_id)
            if not self._pending:
                self.finished.emit()


class MapRenderer(QObject):
    """The canvas's render service. `problem` reports each data problem (e.g. an invalid
    geometry a layer skipped) once per layer, not once per frame.

    It keeps each job until every layer of it is settled (rendered, failed or dropped after a
    cancel), routes worker results to their job by id, and drops results of jobs it no longer has.
    """

    problem = Signal(str, str)  # layer_id, message

    def __init__(self, pool: QThreadPool | None = None, cache: ImageCache | None = None) -> None:
        super().__init__()
        self._pool = pool or QThreadPool(self)
        self.cache = cache or ImageCache()
        self._results = _Results(self)  # created after the pool: Qt deletes children in order
        self._results.rendered.connect(self._rendered)
        self._results.failed.connect(self._failed)
        self._results.dropped.connect(self._dropped)
        self._jobs: dict[int, RenderJob] = {}
        self._job_ids = itertools.count(1)
        self._job: RenderJob | None = None
        self._reported: set[tuple[str, str]] = set()

    @property
    def jobs_in_flight(self) -> int:
        """Jobs (current or cancelled) whose layers are not all settled yet."""
        return len(self._jobs)

    def render(self, view: MapView, snapshots: Iterable[LayerSnapshot]) -> RenderJob:
        if self._job is not None:
            self._job.cancel()
        # a job never started has no workers to wait for
        self._jobs = {job_id: job for job_id, job in self._jobs.items() if job.started}
        snapshots = list(snapshots)
        for snapshot in snapshots:
            for message in snapshot.problems:
                if (snapshot.layer_id, message) not in self._reported:
                    self._reported.add((snapshot.layer_id, message))
                    self.problem.emit(snapshot.layer_id, message)
        job = RenderJob(next(self._job_ids), view, snapshots, self.cache, self._pool, self._results)
        if not job.done:
            self._jobs[job.job_id] = job
        self._job = job
        return job

    def wait_idle(self, msecs: int = -1) -> bool:
        """For tests and shutdown: block until the workers are done."""
        return self._pool.waitForDone(msecs)

    def _rendered(self, job_id: int, layer_id: str, image: QImage) -> None:
        if (job := self._jobs.get(job_id)) is not None:
            job.deliver(layer_id, image)
            self._forget_if_done(job)

    def _failed(self, job_id: int, layer_id: str, message: str) -> None:
        if (job := self._jobs.get(job_id)) is not None:
            job.fail(layer_id, message)
            self._forget_if_done(job)

    def _dropped(self, job_id: int, layer_id: str) -> None:
        if (job := self._jobs.get(job_id)) is not None:
            job.settle(layer_id)
            self._forget_if_done(job)

    def _forget_if_done(self, job: RenderJob) -> None:
        if job.done:
            del self._jobs[job.job_id]
