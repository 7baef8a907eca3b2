"""Which map layer each changed table belongs to, and a short gathering of bursts of changes.

The feed itself is `gridwatch.ui.feed.FeedThread`. `LiveChanges` gathers a burst of changes for a
moment and then names the layer kinds to refresh with the ids that changed (None: reload the kind), so
a hundred position fixes in a second cost one personnel re-read and one personnel re-render.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from gridwatch.db.feed import Change

log = logging.getLogger(__name__)

KIND_OF_TABLE = {
    "cases": "cases",
    "devices": "devices",
    "positions": "personnel",
    "people": "personnel",  # on/off duty
    "org_units": "org",
}
GATHER_MS = 100


class LiveChanges(QObject):
    """`refresh(kind, ids)`: ids is a set of changed row ids, or None when the whole kind must reload."""

    refresh = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[str, set[int] | None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._flush)

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def take(self, changes: list[Change]) -> None:
        for change in changes:
            kind = KIND_OF_TABLE.get(change.table)
            if kind is None:
                continue
            ids = self._pending.get(kind, set())
            if change.id is None or ids is None:
                self._pending[kind] = None
            else:
                ids.add(change.id)
                self._pending[kind] = ids
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        for kind, ids in pending.items():
            self.refresh.emit(kind, ids)
