"""Which loudspeakers are speaking now, as the demo's loopback speakers hear it, for the window to show.

`LoopbackSpeakers` calls its listeners in its own thread; `SpeakingMonitor.heard` only emits a signal,
connected queued, so every widget update happens in the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gridwatch.plugins.speakers.loopback import LoopbackSpeakers, SpeakerStatus


class SpeakingMonitor(QObject):
    """`changed(code, speaking)` in the GUI thread; `speaking` maps the codes speaking now to their names."""

    changed = Signal(str, bool)
    _heard = Signal(str, str, bool)  # crosses from the service thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.speaking: dict[str, str] = {}
        self.service: LoopbackSpeakers | None = None
        self._heard.connect(self._apply, Qt.ConnectionType.QueuedConnection)

    def watch(self, service: LoopbackSpeakers) -> None:
        self.service = service
        service.add_listener(self.heard)
        for status in service.statuses().values():
            if status.speaking:
                self.heard(status)

    def unwatch(self) -> None:
        if self.service is not None:
            self.service.remove_listener(self.heard)
            self.service = None

    def heard(self, status: SpeakerStatus) -> None:
        """The listener: called in the loopback service's thread."""
        self._heard.emit(status.code, status.name, status.speaking)

    @Slot(str, str, bool)
    def _apply(self, code: str, name: str, speaking: bool) -> None:
        if speaking:
            self.speaking[code] = name
        else:
            self.speaking.pop(code, None)
        self.changed.emit(code, speaking)
