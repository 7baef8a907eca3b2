"""`TalkButton`: hold the button (or F8) to speak through the loudspeakers, release to stop.

The microphone is opened on press and closed on release, so a stuck call cannot keep a street's
speakers open. The button is disabled, with a tooltip saying why, while there is no microphone, and
follows microphones being plugged in or out.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QPushButton, QWidget

from gridwatch.plugins.speakers.driver import Call, SpeakerDriver, load_driver
from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.talk.microphone import Microphone, default_microphone

HOLD_KEY = Qt.Key.Key_F8


class TalkButton(QPushButton):
    """Push-to-talk to `targets` (speaker addresses for the driver, one call for all of them)."""

    talking = Signal(bool)
    problem = Signal(str)  # a call that could not start, or speakers that did not take it

    def __init__(
        self,
        targets: Sequence[str] = (),
        codec: str = "pcmu",
        driver: SpeakerDriver | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Hold to talk (F8)"), parent)
        self.targets = list(targets)
        self.codec = codec
        self.driver = driver or load_driver("rtp")
        self.call: Call | None = None
        self.microphone: Microphone | None = None
        self._devices = QMediaDevices(self)
        self._devices.audioInputsChanged.connect(self._update_availability)
        self.pressed.connect(self.start_talking)
        self.released.connect(self.stop_talking)
        self._update_availability()

    def set_targets(self, targets: Sequence[str], codec: str | None = None) -> None:
        self.targets = list(targets)
        self.codec = codec or self.codec
        self._update_availability()

    def _update_availability(self) -> None:
        if self.call is not None:
            return  # never swap the microphone under a live call
        device = default_microphone()
        if device is None or self.microphone is None or self.microphone.device != device:
            if self.microphone is not None:
                self.microphone.deleteLater()
            self.microphone = None if device is None else Microphone(device, self)
            if self.microphone is not None:
                self.microphone.chunk.connect(self._send)
                self.microphone.failed.connect(self._microphone_failed)
        reason = ""
        if self.microphone is None:
            reason = self.tr("No microphone: connect one to talk to the loudspeakers")
        elif not self.targets:
            reason = self.tr("Choose a loudspeaker first")
        self.setEnabled(not reason)
        self.setToolTip(reason or self.tr("Hold to talk to: %s") % ", ".join(self.targets))

    def start_talking(self) -> None:
        if self.call is not None or self.microphone is None or not self.isEnabled():
            return
        try:
            self.call = self.driver.open_call(self.targets, self.codec)
        except (OSError, ValueError) as exc:
            self.problem.emit(str(exc))
            return
        self.microphone.start()
        self.talking.emit(True)

    def _send(self, pcm: Pcm) -> None:
        if self.call is not None:
            self.call.send(pcm)

    def _microphone_failed(self, reason: str) -> None:
        if self.call is not None:
            self.call.close()
            self.call = None
            self.talking.emit(False)
        self.setEnabled(False)
        self.setToolTip(reason)
        self.problem.emit(reason)

    def stop_talking(self) -> None:
        if self.call is None or self.microphone is None:
            return
        self.microphone.stop()  # flushes the last samples through _send
        call, self.call = self.call, None
        call.close()
        for problem in call.problems:
            self.problem.emit(problem)
        self.talking.emit(False)


class HoldKey(QObject):
    """Holding F8 anywhere in `window` holds the button; key auto-repeat is ignored."""

    def __init__(self, button: TalkButton, window: QWidget) -> None:
        super().__init__(button)
        self.button = button
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        key = event if isinstance(event, QKeyEvent) else None
        if key is None or key.key() != HOLD_KEY or key.isAutoRepeat():
            return False
        pressed = event.type() == QEvent.Type.KeyPress
        if self.button.isEnabled() and pressed != self.button.isDown():
            self.button.setDown(pressed)
            (self.button.start_talking if pressed else self.button.stop_talking)()
        return True
