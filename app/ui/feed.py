"""The change feed in a QThread: one per window, shared by every view in it (queue, detail, map, wall).

`FeedThread` runs `ChangeFeed.poll` in its own thread and emits each batch of changes as a Qt signal,
queued to the GUI thread; one LISTEN connection per window whatever the number of views.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread, Signal

from gridwatch.db.feed import ChangeFeed
from gridwatch.db.store import Store

log = logging.getLogger(__name__)

POLL_S = 0.25
"""How long one poll may block: also how long `stop()` may wait for the thread to notice."""


class FeedThread(QThread):
    changes = Signal(list)  # list[Change]
    listening = Signal()  # after the first poll: changes committed from now on will arrive

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def run(self) -> None:
        feed = ChangeFeed(self._store)
        first = True
        try:
            while not self.isInterruptionRequested():
                found = feed.poll(POLL_S)
                if found:
                    self.changes.emit(found)
                if first:
                    first = False
                    self.listening.emit()
        except Exception:  # the window keeps working without live updates; say why they stopped
            log.exception("change feed stopped: live updates end here until the window is reopened")
        finally:
            feed.close()

    def stop(self) -> None:
        self.requestInterruption()
        self.wait()
