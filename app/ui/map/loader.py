"""Runs the map's store reads off the GUI thread, one at a time, in the order they were asked for.

One worker thread (not a pool) keeps reads ordered: a later read of a layer always lands after an
earlier one, so a slow full load can never overwrite a newer patch. Results cross back as queued
signals; the GUI thread only swaps the new data into the layer models.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(str, object)
    failed = Signal(str, str)


class _Task(QRunnable):
    def __init__(self, kind: str, work: Callable[[], object], signals: _Signals) -> None:
        super().__init__()
        self._kind, self._work, self._signals = kind, work, signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # a store hiccup must reach the status line, not kill the worker silently
            log.exception("the map could not read its %s", self._kind)
            # the store's own errors are written for people (where the store is, what to check); others
            # say their type and message, the traceback is in the log
            known = isinstance(exc, (StoreUnavailable, StoreError))
            why = str(exc) if known else traceback.format_exception_only(exc)[-1].strip()
            self._signals.failed.emit(self._kind, why)
        else:
            self._signals.done.emit(self._kind, result)


class Loader(QObject):
    """`loaded(kind, result)` for each `request`, in request order; `failed(kind, why)` on error (the
    traceback goes to the log)."""

    loaded = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)
        self._pending = 0

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def request(self, kind: str, work: Callable[[], object]) -> None:
        self._pending += 1
        self._pool.start(_Task(kind, work, self._signals))

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _done(self, kind: str, result: object) -> None:
        self._pending -= 1
        self.loaded.emit(kind, result)

    def _failed(self, kind: str, message: str) -> None:
        self._pending -= 1
        self.failed.emit(kind, message)
