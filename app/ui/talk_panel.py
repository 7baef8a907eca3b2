"""The loudspeaker panel: a speaker picked on the map, its state, hold-to-talk and spoken warnings.

A warning is spoken by the same path as `gridwatch talk --say` (`plugins.speakers.broadcast`), in a
worker thread: it plays at real time for several seconds and waits on the store's talk arbiter.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads.devices import DeviceInfo, device
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.broadcast import Broadcast, broadcast
from gridwatch.plugins.speakers.sources import AudioSourceError, speak
from gridwatch.talk.button import TalkButton
from gridwatch.ui.speaking import SpeakingMonitor
from gridwatch.ui.widgets import named


class TalkPanel(QWidget):
    """One loudspeaker at a time; `show_speaker` picks it."""

    message = Signal(str)  # for the status bar
    _announced = Signal(object)  # Broadcast, from the worker
    _announce_failed = Signal(str)

    def __init__(
        self, store: Store, username: str, monitor: SpeakingMonitor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("talkPanel")
        self.store, self.username, self.monitor = store, username, monitor
        self.speaker: DeviceInfo | None = None
        self._jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="announce")
        self.title = named("speakerTitle", QLabel(self.tr("Click a loudspeaker on the map.")))
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.status = named("speakerStatus", QLabel())
        self.talk = named("panelTalk", TalkButton(store=store, username=username, parent=self))
        self.talk.problem.connect(self.message)
        self.warnings = named("warnings", QListWidget())
        for caption, spoken in self._canned():
            item = QListWidgetItem(self.tr("%1: %2").replace("%1", caption).replace("%2", spoken))
            item.setData(Qt.ItemDataRole.UserRole, spoken)
            item.setToolTip(spoken)
            self.warnings.addItem(item)
        self.warnings.setCurrentRow(0)
        self.own_text = named("ownWarning", QLineEdit())
        self.own_text.setPlaceholderText(self.tr("Or type a warning (spoken in Mandarin)"))
        self.send = named("sendWarning", QPushButton(self.tr("Send warning")))
        self.send.clicked.connect(self.send_warning)
        self.warnings.itemDoubleClicked.connect(lambda _item: self.send_warning())
        row = QHBoxLayout()
        row.addWidget(self.own_text, 1)
        row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.talk)
        layout.addWidget(QLabel(self.tr("Spoken warnings")))
        layout.addWidget(self.warnings, 1)
        layout.addLayout(row)
        self._announced.connect(self._done)
        self._announce_failed.connect(self._failed)
        monitor.changed.connect(self._speaking_changed)
        self._playing = False
        self._render()

    def _canned(self) -> list[tuple[str, str]]:
        """What the operator picks (in the UI language) and what the street hears (always Mandarin)."""
        return [
            (self.tr("Street stall"), "请勿占道经营，请将摊位移回店内或指定区域。"),
            (self.tr("Illegal parking"), "此处禁止停车，请立即将车辆驶离。"),
            (self.tr("Littering"), "请勿乱扔垃圾，共同维护市容整洁。"),
            (self.tr("Throwing from height"), "高空抛物危害公共安全，请立即停止。"),
            (self.tr("Smoke or fire"), "前方发现烟雾，请行人远离现场，注意安全。"),
            (self.tr("Crowd"), "请勿聚集，请有序离开。"),
        ]

    def show_speaker(self, device_id: int | None = None, *, code: str | None = None) -> bool:
        speaker = device(self.store, device_id, code=code)
        if speaker is None or speaker.kind != "loudspeaker":
            self.message.emit(
                self.tr("No loudspeaker %1 in the device table.").replace("%1", str(code or device_id))
            )
            return False
        self.speaker = speaker
        self.talk.set_targets([speaker.code])
        self._render()
        return True

    def _render(self) -> None:
        speaker = self.speaker
        self.talk.setVisible(speaker is not None)
        self.send.setEnabled(speaker is not None and not self._playing)
        if speaker is None:
            self.status.clear()
            return
        self.title.setText(f"{speaker.name} ({speaker.code})")
        parts = [self.tr("online") if speaker.online else self.tr("offline")]
        if self._playing:
            parts.append(self.tr("playing a warning…"))
        if speaker.code in self.monitor.speaking:
            parts.append(self.tr("speaking"))
        self.status.setText(" · ".join(parts))
        speaking = speaker.code in self.monitor.speaking
        self.status.setStyleSheet("color: #2e9d4f; font-weight: bold;" if speaking else "")

    def _speaking_changed(self, code: str, _speaking: bool) -> None:
        if self.speaker is not None and code == self.speaker.code:
            self._render()

    # --- spoken warnings -------------------------------------------------------------------------------

    def chosen_text(self) -> str:
        own = self.own_text.text().strip()
        if own:
            return own
        item = self.warnings.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def send_warning(self) -> None:
        text = self.chosen_text()
        if self.speaker is None or self._playing or not text:
            return
        codes = [self.speaker.code]
        self._playing = True
        self._render()
        self.message.emit(self.tr("Playing a warning on %1…").replace("%1", self.speaker.name))

        def job() -> None:
            try:
                pcm = speak(text)
                self._announced.emit(
                    broadcast(self.store, self.username, pcm, kind="tts", codes=codes, text=text)
                )
            except (AudioSourceError, StoreError, StoreUnavailable, OSError, LookupError) as exc:
                self._announce_failed.emit(str(exc))

        self._jobs.submit(job)

    def _done(self, result: Broadcast) -> None:
        self._playing = False
        self._render()
        name = self.speaker.name if self.speaker else ""
        if result.taken_over_by:
            self.message.emit(self.tr("%1 took over the speaker").replace("%1", result.taken_over_by))
        else:
            self.message.emit(
                self.tr("Warning played on %1 (%2 s).")
                .replace("%1", name)
                .replace("%2", f"{result.seconds:.1f}")
            )
        for problem in result.problems:
            self.message.emit(problem)

    def _failed(self, reason: str) -> None:
        self._playing = False
        self._render()
        self.message.emit(reason)

    def shutdown(self) -> None:
        """Lets a warning being played finish and be recorded; ends a talk."""
        self.talk.stop_talking()
        if self.talk.floor is not None:
            self.talk.floor.shutdown()
        self._jobs.shutdown(wait=True)
