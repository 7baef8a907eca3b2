"""The basemap renderer's view of a tile source: never blocks, loads in the background, retries.

`image()` answers from memory at once (a dict look-up under a lock) and otherwise queues a fetch
and returns None; the renderer draws a placeholder and re-renders the basemap when `tile_ready` or
`tile_failed` arrives. Workers take the newest request first (the view the user is looking at now), the
queue is capped by dropping the oldest, and `retain()` drops queued tiles that left the view.
A failed tile (error, timeout, bytes QImage cannot decode) is retried after an exponential back-off,
driven by a timer, as long as it is still wanted; undecodable bytes never reach the disk cache.

The thread-safe part is `TileReader`, not a QObject: the tile threads and the basemap's render
workers hold it, so a thread letting go of it last never deletes a Qt object. `TileStore` is the
GUI-thread face: it owns the reader, the retry timer, and re-emits the threads' news as its signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from gridwatch.layers.raster import PIXEL_FORMAT
from gridwatch.layers.tiles.cache import DiskCache
from gridwatch.layers.tiles.math import Datum, TileKey
from gridwatch.layers.tiles.sources import TileError, TileSource

log = logging.getLogger(__name__)

TileState = Literal["ready", "pending", "failed", "empty", "unknown"]


@dataclass(slots=True)
class _Failure:
    attempts: int
    retry_at: float


def decode(data: bytes) -> QImage | None:
    """A tile image in the format layers paint fastest, or None for bytes that are not an image."""
    image = QImage.fromData(data)
    return None if image.isNull() else image.convertToFormat(PIXEL_FORMAT)


class _Signals(QObject):
    """Emitted from the tile threads; a child of its store, so a thread dropping it never deletes it."""

    ready = Signal(int, int, int)
    failed = Signal(int, int, int)


class TileReader:
    """Tiles from memory, or queued for the worker threads; every method may be called from any thread."""

    def __init__(
        self,
        source: TileSource,
        cache: DiskCache | None,
        signals: _Signals,
        *,
        workers: int,
        retry_after_s: float,
        max_retry_s: float,
        memory_tiles: int,
        max_queue: int,
    ) -> None:
        self.source, self.cache = source, cache
        self.retry_after_s, self.max_retry_s = retry_after_s, max_retry_s
        self.memory_tiles, self.max_queue = memory_tiles, max_queue
        self._signals = signals
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._images: OrderedDict[TileKey, QImage | None] = OrderedDict()  # None: no such tile
        self._queue: OrderedDict[TileKey, None] = OrderedDict()  # newest last
        self._running: set[TileKey] = set()
        self._failed: dict[TileKey, _Failure] = {}
        self._wanted: frozenset[TileKey] | None = None
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"tiles-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def min_zoom(self) -> int:
        return self.source.min_zoom

    @property
    def max_zoom(self) -> int:
        return self.source.max_zoom

    @property
    def tile_size(self) -> int:
        return self.source.tile_size

    @property
    def datum(self) -> Datum:
        return self.source.datum

    def image(self, z: int, x: int, y: int) -> QImage | None:
        key = TileKey(z, x, y)
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
            if self._closed or not self.source.min_zoom <= z <= self.source.max_zoom:
                return None
            failure = self._failed.get(key)
            if failure is None or failure.retry_at <= time.monotonic():
                self._enqueue(key)
            return None

    def peek(self, z: int, x: int, y: int) -> QImage | None:
        """From memory only, never fetching: e.g. a parent tile to enlarge while its children load."""
        with self._lock:
            return self._images.get(TileKey(z, x, y))

    def state(self, z: int, x: int, y: int) -> TileState:
        key = TileKey(z, x, y)
        with self._lock:
            if key in self._images:
                return "ready" if self._images[key] is not None else "empty"
            if not self.source.min_zoom <= z <= self.source.max_zoom:
                return "empty"
            if key in self._failed:
                return "failed"
            if key in self._queue or key in self._running:
                return "pending"
            return "unknown"

    def retain(self, keys: Iterable[tuple[int, int, int]]) -> None:
        """The tiles the current view needs: queued requests and failures for others are dropped."""
        wanted = frozenset(TileKey(*k) for k in keys)
        with self._lock:
            self._wanted = wanted
            for key in [k for k in self._queue if k not in wanted]:
                del self._queue[key]
            for key in [k for k in self._failed if k not in wanted]:
                del self._failed[key]

    def close(self) -> None:
        """Stops the workers (a fetch in progress finishes unseen) and closes the source."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=0.05)
        self.source.close()

    def _enqueue(self, key: TileKey) -> None:
        if key in self._running:
            return
        self._queue[key] = None
        self._queue.move_to_end(key)
        while len(self._queue) > self.max_queue:
            self._queue.popitem(last=False)
        self._wake.notify()

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                key, _ = self._queue.popitem(last=True)
                self._running.add(key)
            try:
                image, error = self._fetch(key), None
            except Exception as exc:  # a worker must survive any source failure
                image, error = None, exc
            with self._lock:  # emitting under the lock: close() cannot slip in between
                self._running.discard(key)
                if self._closed:
                    return
                if error is None:
                    self._failed.pop(key, None)
                    self._remember(key, image)
                    self._signals.ready.emit(*key)
                else:
                    log.debug("tile %s failed: %s", key, error)
                    attempts = self._failed[key].attempts + 1 if key in self._failed else 1
                    delay = min(self.retry_after_s * 2 ** (attempts - 1), self.max_retry_s)
                    self._failed[key] = _Failure(attempts, time.monotonic() + delay)
                    self._signals.failed.emit(*key)

    def _fetch(self, key: TileKey) -> QImage | None:
        if self.cache is not None and (cached := self.cache.get(*key)) is not None:
            if (image := decode(cached)) is not None:
                return image
            self.cache.discard(*key)
        data = self.source.get(*key)
        if data is None:
            return None
        image = decode(data)
        if image is None:
            raise TileError(f"{self.source.name} {key}: {len(data)} bytes that are not an image")
        if self.cache is not None:
            self.cache.put(*key, data)
        return image

    def _remember(self, key: TileKey, image: QImage | None) -> None:
        self._images[key] = image
        self._images.move_to_end(key)
        while len(self._images) > self.memory_tiles:
            self._images.popitem(last=False)

    def retry_due(self) -> bool:
        """Queue the failed tiles whose back-off is over; False once no failure is left to retry."""
        now = time.monotonic()
        with self._lock:
            for key, failure in self._failed.items():
                queued = key in self._queue or key in self._running
                if not queued and failure.retry_at <= now and (self._wanted is None or key in self._wanted):
                    self._enqueue(key)
            return bool(self._failed)


class TileStore(QObject):
    """Owns `source` (closes it) and its worker threads; create and call it from the GUI thread.

    States: "ready" (image in memory), "pending" (queued or loading), "failed" (draw a placeholder; a
    retry is scheduled), "empty" (the source has no such tile, or the zoom is outside its range: draw
    nothing), "unknown" (never asked, or dropped from memory).
    Signals carry (z, x, y) and are emitted in the GUI thread (queued from the tile threads).
    Renderers in worker threads use `reader`, which has the same image/peek/state/retain.
    """

    tile_ready = Signal(int, int, int)
    tile_failed = Signal(int, int, int)

    def __init__(
        self,
        source: TileSource,
        cache_dir: Path | str | None = None,
        *,
        workers: int = 4,
        retry_after_s: float = 2.0,
        max_retry_s: float = 60.0,
        memory_tiles: int = 512,
        max_queue: int = 256,
        cache_max_bytes: int = 512 * 1024 * 1024,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.cache = DiskCache(cache_dir, cache_max_bytes) if cache_dir is not None else None
        signals = _Signals(self)
        signals.ready.connect(self.tile_ready)
        signals.failed.connect(self.tile_failed)
        self.reader = TileReader(
            source,
            self.cache,
            signals,
            workers=workers,
            retry_after_s=retry_after_s,
            max_retry_s=max_retry_s,
            memory_tiles=memory_tiles,
            max_queue=max_queue,
        )
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(max(20, round(min(retry_after_s, 2.0) * 250)))
        self._retry_timer.timeout.connect(self._retry_due)
        self.tile_failed.connect(self._arm_retry)
        self._closed = False

    def image(self, z: int, x: int, y: int) -> QImage | None:
        return self.reader.image(z, x, y)

    def peek(self, z: int, x: int, y: int) -> QImage | None:
        return self.reader.peek(z, x, y)

    def state(self, z: int, x: int, y: int) -> TileState:
        return self.reader.state(z, x, y)

    def retain(self, keys: Iterable[tuple[int, int, int]]) -> None:
        self.reader.retain(keys)

    def close(self) -> None:
        """Stops the workers (a fetch in progress finishes unseen) and closes the source."""
        self._closed = True
        self._retry_timer.stop()
        self.reader.close()

    def _arm_retry(self) -> None:
        if not self._retry_timer.isActive() and not self._closed:
            self._retry_timer.start()

    def _retry_due(self) -> None:
        if not self.reader.retry_due():
            self._retry_timer.stop()
