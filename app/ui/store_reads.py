"""The one way the desk reads the store from a slot or a timer, so that an unreachable store is said once.

A slot that let `StoreUnavailable` escape showed the person nothing (a traceback on stderr) and could leave
a model part-way through a change. Every read a click, a key, a timer or the change feed starts goes
through `StoreReads.read`: the caller reads everything first and changes what it shows only with the
answer in hand, so a failed read leaves the view as it was; `unreachable` carries the store's message to
the window, which says in its status bar since when the queue's rows are (MainWindow). A store error that
is not about reaching the store (a refusal, a bug) still raises: hiding it would hide a wrong answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from gridwatch.db.engine import StoreUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


class StoreReads(QObject):
    """Runs a desk's reads; one per window, shared by its queue, detail, banners and alerts."""

    unreachable = Signal(str)  # the store's message: where it is and what to check

    def read(self, read: Callable[[], T]) -> T | None:
        """`read()`'s answer, or None when the store could not be reached (the server down, the network cut,
        every connection busy); then `unreachable` has said why. `read` returns no None of its own."""
        try:
            return read()
        except StoreUnavailable as exc:
            log.warning("a desk read could not reach the store: %s", exc)
            self.unreachable.emit(str(exc))
            return None
