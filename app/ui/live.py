"""The alert for urgent new cases (the change feed that reports them is `gridwatch.ui.feed`).

New cases that need a person at once (urgency A, or raised by a camera or a sensor) flash the status bar,
show a banner and sound a tone.
"""

from __future__ import annotations

import math
import struct
import tempfile
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QStatusBar, QVBoxLayout, QWidget

from gridwatch.db.reads.cases import briefs
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.store_reads import StoreReads

ALERT_SOURCES = frozenset({"video", "sensor"})
BANNER_SECONDS = 8


def alert_tone() -> Path:
    """A short two-tone chime as a WAV file (generated once per session; no binary asset to ship)."""
    path = Path(tempfile.gettempdir()) / "gridwatch-alert.wav"
    if path.exists():
        return path
    rate = 22_050
    frames = bytearray()
    for freq in (880.0, 660.0, 880.0):
        for i in range(int(rate * 0.18)):
            fade = min(1.0, i / 200, (rate * 0.18 - i) / 200)
            frames += struct.pack("<h", int(12_000 * fade * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


class Banner(QFrame):
    """A tray-like notice in the window's top-right corner; click it to open the case."""

    clicked = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("alertBanner")
        self.setStyleSheet(
            "#alertBanner { background: #b3261e; border-radius: 6px; }"
            " QLabel { color: white; font-size: 14px; }"
        )
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.case_id = 0
        self.setFixedWidth(360)
        self.hide()
        self._timer = QTimer(self, singleShot=True, interval=BANNER_SECONDS * 1000)
        self._timer.timeout.connect(self.hide)

    def show_text(self, text: str, case_id: int) -> None:
        self.label.setText(text)
        self.case_id = case_id
        self.adjustSize()
        self.reposition()
        self.raise_()
        self.show()
        self._timer.start()

    def reposition(self) -> None:
        """Top-right corner of the window, below the toolbar; called again when the window resizes."""
        parent = self.parentWidget()
        if parent is not None:
            self.move(parent.width() - self.width() - 16, 48)

    def mousePressEvent(self, event: object) -> None:
        self.hide()
        self.clicked.emit(self.case_id)


class AlertCenter(QObject):
    """Decides which new cases alert, and alerts: status bar flash, banner, sound."""

    alerted = Signal(int, str)  # case id, text

    def __init__(
        self, store: Store, window: QWidget, status: QStatusBar, reads: StoreReads | None = None
    ) -> None:
        """`reads`: the window's, which says when the store cannot be reached."""
        super().__init__(window)
        self.store = store
        self.reads = reads or StoreReads(self)
        self.status = status
        self._unread: list[int] = []  # new cases whose read did not reach the store: considered again
        self.banner = Banner(window)
        self.count = 0
        self._sound = self._make_sound()
        self._flashes = 0
        self._flash_timer = QTimer(self, interval=300)
        self._flash_timer.timeout.connect(self._flash)

    def _make_sound(self) -> QObject | None:
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:  # no libpulse: the beep below still sounds
            return None
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(alert_tone())))
        effect.setVolume(0.8)
        return effect

    def consider(self, case_ids: list[int]) -> None:
        """New cases (version 1) just reported: alert for those that need a person now. Those whose read
        did not reach the store are considered again with the next ones (an urgent case alerts late, not
        never); `consider([])` tries them again."""
        ids = list(dict.fromkeys([*self._unread, *case_ids]))
        if not ids:
            return
        rows = self.reads.read(lambda: briefs(self.store, ids))
        self._unread = ids if rows is None else []
        for row in rows or []:
            if row.urgency == "A" or row.source in ALERT_SOURCES:
                self.alert(row.id, row.case_no, row.urgency, row.source, row.address or row.description)

    def alert(self, case_id: int, case_no: str, urgency: str, source: str, where: str) -> None:
        text = self.tr("New %1 case %2 from %3: %4").replace("%1", texts.label(texts.urgencies(), urgency))
        text = (
            text.replace("%2", case_no)
            .replace("%3", texts.label(texts.sources(), source))
            .replace("%4", where)
        )
        self.count += 1
        self.status.showMessage(text, BANNER_SECONDS * 1000)
        self._flashes = 6
        self._flash_timer.start()
        self.banner.show_text(text, case_id)
        if self._sound is not None:
            self._sound.play()  # type: ignore[attr-defined]
        else:
            QApplication.beep()
        self.alerted.emit(case_id, text)

    def _flash(self) -> None:
        self._flashes -= 1
        on = self._flashes % 2 == 1
        self.status.setStyleSheet("QStatusBar { background: #b3261e; color: white; }" if on else "")
        if self._flashes <= 0:
            self._flash_timer.stop()
            self.status.setStyleSheet("")
