"""The one way the desk reads the store from a slot or a timer, so that an unreachable store is said once.

A slot that let `StoreUnavailable` escape showed the person nothing (a traceback on stderr) and could leave
a model part-way through a change. Every read a click, a key, a timer or the change feed starts goes
through `StoreReads.read`: the caller reads everything first and changes what it shows only with the
answer in hand, so a failed read leaves the view as it was; `unreachable` carries the store's message to
the window, whose `AwayNotice` says in its status bar since when its rows are. A store error that
is not about reaching the store (a refusal, a bug) still raises: hiding it would hide a wrong answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar

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


class AwayNotice(QObject):
    """A window's status bar while its store is out of reach: the store's own message (where, what to
    check) as the tooltip and, until a read reaches the store again (`reached`), the window's standing line
    (`standing`: since when its rows are), said again whenever a passing message (an alert, a decision
    done) has gone. The desk and the review station say it this one way."""

    def __init__(self, reads: StoreReads, bar: QStatusBar, standing: Callable[[], str]) -> None:
        super().__init__(bar)
        self.reason: str | None = None
        """Why the last read failed, until a read reaches the store again; None while within reach."""
        self._bar = bar
        self._standing = standing
        reads.unreachable.connect(self.unreachable)
        bar.messageChanged.connect(self._cleared)

    def unreachable(self, reason: str) -> None:
        self.reason = reason
        self._bar.setToolTip(reason)
        self._bar.showMessage(self._standing())

    def reached(self) -> None:
        """The rows were read again: what the status bar said of the store is over."""
        if self.reason is not None:
            self.reason = None
            self._bar.setToolTip("")
            self._bar.showMessage(self._standing())

    def _cleared(self, message: str) -> None:
        if not message and (standing := self._standing()):
            self._bar.showMessage(standing)
