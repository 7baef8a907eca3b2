"""`TalkButton`: hold the button (or F8) to speak through the loudspeakers, release to stop.

The microphone is opened on press and closed on release, so a stuck call cannot keep a street's
speakers open. The button is disabled, with a tooltip saying why, while there is no microphone, and
follows microphones being plugged in or out.

With a store, the targets are speaker codes (or a speaker group) and the store's arbiter decides: the
press asks for the speakers while the microphone already captures (the first words are kept, not sent
before the answer); a busy speaker shows who holds it and sends nothing; a take-over by a higher role
stops the talk and names the taker; every talk ends on the record. Without a store, the targets are
rtp://HOST:PORT addresses, called directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QPushButton, QWidget

from gridwatch.db.store import Store, utcnow
from gridwatch.db.talk import Grant, Speaker, Takeover
from gridwatch.plugins.speakers.driver import Call, SpeakerDriver, load_driver
from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.talk.floor import TalkFloor
from gridwatch.talk.microphone import Microphone, default_microphone

HOLD_KEY = Qt.Key.Key_F8
NOTICE_MS = 8000  # how long "in use by …" / "… took over" stays on the button


class TalkButton(QPushButton):
    """Push-to-talk to `targets`, one call for all of them: speaker codes arbitrated through `store`
    (as `username`), or, without a store, speaker addresses for the driver."""

    talking = Signal(bool)
    problem = Signal(str)  # a call that could not start or was cut short, or speakers that did not take it

    def __init__(
        self,
        targets: Sequence[str] = (),
        codec: str = "pcmu",
        driver: SpeakerDriver | None = None,
        parent: QWidget | None = None,
        *,
        store: Store | None = None,
        username: str = "admin",
        group: str | None = None,
    ) -> None:
        super().__init__(self.tr("Hold to talk (F8)"), parent)
        self.targets = list(targets)
        self.speaker_group = group
        self.codec = codec
        self.driver = driver or load_driver("rtp")
        self.call: Call | None = None
        self.microphone: Microphone | None = None
        self.floor = TalkFloor(store, username, self) if store is not None else None
        self.grant: Grant | None = None
        self.reach: list[Speaker] = []  # what the store says a press would reach
        self._asking = False  # a press waits for the arbiter's answer
        self._let_go = False  # released before the answer came
        self._waiting: list[Pcm] = []  # microphone audio captured while asking
        self._started_at: datetime | None = None  # when the first captured audio began
        self._ended_at: datetime | None = None  # when the last captured audio arrived
        self._notice = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice.timeout.connect(self._update_availability)
        if self.floor is not None:
            self.floor.resolved.connect(self._resolved)
            self.floor.granted.connect(self._granted)
            self.floor.busy.connect(self._busy)
            self.floor.lost.connect(self._lost)
            self.floor.failed.connect(self._failed)
        self._devices = QMediaDevices(self)
        self._devices.audioInputsChanged.connect(self._update_availability)
        self.pressed.connect(self.start_talking)
        self.released.connect(self.stop_talking)
        self.set_targets(self.targets, group=group)

    def set_targets(
        self, targets: Sequence[str], codec: str | None = None, *, group: str | None = None
    ) -> None:
        """Speaker codes (and a group) with a store, addresses without; the store's answer on who that
        reaches arrives later and fills the tooltip."""
        self.targets = list(targets)
        self.speaker_group = group
        self.codec = codec or self.codec
        self.reach = []
        if self.floor is not None and (self.targets or group is not None):
            self.floor.lookup(self.targets, group)
        self._update_availability()

    def _update_availability(self) -> None:
        if self.busy:
            return  # never swap the microphone under a live call
        self._notice.stop()
        self.setText(self.tr("Hold to talk (F8)"))
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
        elif not self.targets and self.speaker_group is None:
            reason = self.tr("Choose a loudspeaker first")
        self.setEnabled(not reason)
        names = [s.name for s in self.reach] or [
            *self.targets,
            *([self.speaker_group] if self.speaker_group else []),
        ]
        self.setToolTip(reason or self.tr("Hold to talk to: %s") % ", ".join(names))

    def _resolved(self, reach: list[Speaker]) -> None:
        self.reach = reach
        self._update_availability()

    @property
    def busy(self) -> bool:
        """A press is being answered or a call is open."""
        return self.call is not None or self._asking

    def _show_notice(self, text: str, tooltip: str) -> None:
        """A message on the button itself, where the operator is looking, for NOTICE_MS."""
        self.setText(text)
        self.setToolTip(tooltip)
        self.problem.emit(tooltip)
        self._notice.start()

    # --- pressing ----------------------------------------------------------------------------------------

    def start_talking(self) -> None:
        if self.busy or self.microphone is None or not self.isEnabled():
            return
        self._started_at = self._ended_at = None
        if self.floor is None:
            if self._open([str(t) for t in self.targets], self.codec):
                self.microphone.start()
                self.talking.emit(True)
            return
        self._asking, self._let_go, self._waiting = True, False, []
        self.setText(self.tr("Connecting…"))
        self.microphone.start()
        self.floor.request(self.targets, self.speaker_group)

    def _open(self, addresses: Sequence[str], codec: str) -> bool:
        try:
            self.call = self.driver.open_call(addresses, codec)
        except (OSError, ValueError) as exc:
            self.problem.emit(str(exc))
            return False
        return True

    def _granted(self, grant: Grant) -> None:
        assert self.microphone is not None and self.floor is not None
        if not self._asking or not self._open(
            grant.addresses, grant.codec
        ):  # the microphone failed meanwhile
            self._give_up()
            self.floor.release(grant)
            self._update_availability()
            return
        self._asking = False
        self.grant = grant
        self.floor.keep(grant)
        for pcm in self._waiting:
            self._send(pcm)
        self._waiting = []
        self.setText(self.tr("Talking… release to stop"))
        if grant.preempted:
            self.setToolTip(self.tr("You took the speaker over from %s") % ", ".join(grant.preempted))
        self.talking.emit(True)
        if self._let_go:
            self.stop_talking()

    def _busy(self, holder: str, message: str) -> None:
        self._give_up()
        self._show_notice(self.tr("In use by %s") % holder, message)

    def _failed(self, message: str) -> None:
        if self._asking:
            self._give_up()
        self._show_notice(self.tr("Talk not possible"), message)

    def _give_up(self) -> None:
        """A press the arbiter refused: the captured audio is dropped, nothing was sent."""
        self._asking = False
        if self.microphone is not None:
            self.microphone.stop()
        self._waiting = []

    def _send(self, pcm: Pcm) -> None:
        """The record's times follow the audio, not the button: a microphone starts a little after the
        press and delivers the last words a little after the release."""
        self._ended_at = utcnow()
        if self._started_at is None:
            self._started_at = self._ended_at - timedelta(seconds=len(pcm) / 8000)
        if self.call is not None:
            self.call.send(pcm)
        elif self._asking:
            self._waiting.append(pcm)

    # --- letting go --------------------------------------------------------------------------------------

    def _microphone_failed(self, reason: str) -> None:
        if self.busy:
            self._asking = False
            self._end()
        self.setEnabled(False)
        self.setToolTip(reason)
        self.problem.emit(reason)

    def stop_talking(self) -> None:
        if self._asking:
            self._let_go = True  # the answer ends the talk, after sending what was said
            return
        if self.call is None:
            return
        self._end()
        self._update_availability()

    def _lost(self, grant: Grant, taker: Takeover) -> None:
        if grant != self.grant:
            return  # an earlier talk's renewal, already over
        self._end(taker)
        self.setDown(False)
        self._show_notice(
            self.tr("%s took over the speaker") % taker.name,
            self.tr(
                "%s (a higher role) took over the speaker and stopped your talk. "
                "Talk again when they have finished."
            )
            % taker.name,
        )

    def _end(self, taker: Takeover | None = None) -> None:
        """Closes the call and hands the store its release and record."""
        if self.microphone is not None:
            self.microphone.stop()  # flushes the last samples through _send
        call, self.call = self.call, None
        grant, self.grant = self.grant, None
        if call is None:
            return
        call.close()
        if grant is not None and self.floor is not None:
            ended_at = self._ended_at or utcnow()
            self.floor.finish(
                grant,
                started_at=self._started_at or ended_at,
                ended_at=ended_at,
                codec=grant.codec,
                audio=bytes(call.audio),
                preempted_by=taker.person_id if taker else None,
            )
        for problem in call.problems:
            self.problem.emit(problem)
        self.talking.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_talking()
        if self.floor is not None:
            self.floor.shutdown()
        super().closeEvent(event)


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
