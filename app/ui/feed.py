"""The change feed in a QThread: one per window, shared by every view in it (queue, detail, map, wall).

`FeedThread` runs `ChangeFeed.poll` in its own thread and emits each batch of changes as a Qt signal,
queued to the GUI thread; one LISTEN connection per window whatever the number of views. The thread never
ends before the window does: when the store fails it says so (`lost`), the feed keeps trying, and once it
is back (`listening` again) the changes made meanwhile arrive like any others.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QThread, Signal

from gridwatch.db.feed import ChangeFeed
from gridwatch.db.store import Store

log = logging.getLogger(__name__)

POLL_S = 0.25
"""How long one poll may block: also how long `stop()` may wait for the thread to notice."""


class FeedThread(QThread):
    changes = Signal(list)  # list[Change]
    listening = Signal()  # connected, at the start and again after `lost`: changes from now on will arrive
    lost = Signal(str)  # why the feed lost the store; it keeps trying and will reconcile what it missed

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def run(self) -> None:
        feed = ChangeFeed(self._store)
        shown: str | None = ""  # what was last said: None live, else the problem ("" nothing yet)
        while not self.isInterruptionRequested():
            try:
                found = feed.poll(POLL_S)
            except Exception as exc:  # not a store error (ChangeFeed handles those): a bug; stay live
                log.exception("change feed failed; starting over")
                feed.close()  # the next poll connects again and reconciles from the cursor
                feed.problem = str(exc) or type(exc).__name__
                found = []
                self._pause(feed.max_backoff)
            if found:
                self.changes.emit(found)
            if feed.problem != shown:
                shown = feed.problem
                if shown is None:
                    self.listening.emit()
                else:
                    self.lost.emit(shown)
        feed.close()

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.isInterruptionRequested():
            self.msleep(50)

    def stop(self) -> None:
        self.requestInterruption()
        self.wait()
