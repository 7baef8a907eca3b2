"""The hold-to-talk button against a fake microphone (PulseAudio null sink) and a raw RTP receiver."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridwatch.db.models import Person, TalkRecord
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.plugins.speakers.rtp import FRAME_SAMPLES, RtpSender
from gridwatch.talk.button import HoldKey, TalkButton
from tests.talk.capture import RtpCapture
from tests.talk.conftest import GROUP, Heard, peak_hz, write_tone
from tests.talk.fake_pulse import FakePulse

pytestmark = pytest.mark.slow


@pytest.fixture
def tone_in_microphone(fake_pulse: FakePulse, tmp_path: Path):
    player = fake_pulse.play(write_tone(tmp_path / "tone.wav", 1000.0, 20.0))
    yield
    player.kill()
    player.wait()


def received_tone(capture: RtpCapture) -> float:
    pcm = capture.pcm()
    return peak_hz(pcm[-4000:])  # the last half second: the first buffers may predate the tone


@pytest.mark.usefixtures("tone_in_microphone")
def test_holding_the_button_streams_the_microphone(qtbot: QtBot, rtp_capture: RtpCapture) -> None:
    button = TalkButton([rtp_capture.address], "pcma")
    qtbot.addWidget(button)
    assert button.isEnabled(), button.toolTip()
    with qtbot.waitSignal(button.talking):
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(rtp_capture.packets) >= 50, timeout=10000)  # a second of speech
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert button.call is None
    sent = len(rtp_capture.packets)
    qtbot.wait(300)
    assert len(rtp_capture.packets) - sent <= 1  # released: the microphone is closed
    assert received_tone(rtp_capture) == pytest.approx(1000.0, abs=10)
    assert {data[1] & 0x7F for _, data in rtp_capture.packets} == {8}  # PCMA


@pytest.mark.usefixtures("tone_in_microphone")
def test_holding_f8_talks_and_auto_repeat_is_ignored(qtbot: QtBot, rtp_capture: RtpCapture) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    button = TalkButton([rtp_capture.address], "pcmu")
    QVBoxLayout(window).addWidget(button)
    HoldKey(button, window)
    window.show()
    states: list[bool] = []
    button.talking.connect(states.append)
    qtbot.keyPress(window, Qt.Key.Key_F8)
    assert button.isDown() and button.call is not None
    repeat = QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_F8, Qt.KeyboardModifier.NoModifier, "", True)
    QApplication.sendEvent(window, repeat)  # auto-repeat sends release/press pairs while held
    assert button.call is not None
    qtbot.waitUntil(lambda: len(rtp_capture.packets) >= 50, timeout=10000)
    qtbot.keyRelease(window, Qt.Key.Key_F8)
    assert states == [True, False]
    assert received_tone(rtp_capture) == pytest.approx(1000.0, abs=10)


def test_the_button_waits_for_a_loudspeaker(qtbot: QtBot) -> None:
    button = TalkButton([])
    qtbot.addWidget(button)
    assert not button.isEnabled()
    assert "loudspeaker" in button.toolTip()
    button.set_targets(["rtp://127.0.0.1:40001"])
    assert button.isEnabled()


NO_MICROPHONE = """
from PySide6.QtWidgets import QApplication
from gridwatch.talk.button import TalkButton
app = QApplication([])
button = TalkButton(["rtp://127.0.0.1:40001"])
print(button.isEnabled(), button.toolTip())
"""


def test_without_a_microphone_the_button_is_disabled_and_says_why() -> None:
    # A process of its own: QtMultimedia here is already connected to the fake microphone, and Qt does
    # not report a removed PulseAudio source (only added ones).
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/pulse/native", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", NO_MICROPHONE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False No microphone"), result.stdout


# --- with a store: the arbiter decides who talks, and every talk is recorded --------------------------------


def store_button(
    qtbot: QtBot, store: Store, username: str, targets: list[str], group: str | None = None
) -> TalkButton:
    button = TalkButton(targets, store=store, username=username, group=group)
    qtbot.addWidget(button)
    assert button.floor is not None
    button.floor.renew_every = 0.2  # a take-over shows within a fifth of a second
    assert button.isEnabled(), button.toolTip()
    return button


def ssrc_of(button: TalkButton) -> int:
    assert isinstance(button.call, RtpSender)
    return button.call.packetizer.ssrc


def records(store: Store) -> list[TalkRecord]:
    with store.session() as session:
        return list(session.scalars(select(TalkRecord).order_by(TalkRecord.id)))


def person_id(store: Store, username: str) -> int:
    with store.session() as session:
        return session.scalars(select(Person.id).where(Person.username == username)).one()


@pytest.mark.usefixtures("tone_in_microphone")
def test_a_second_talker_is_told_who_holds_the_speaker_and_a_shift_leader_takes_over(
    qtbot: QtBot, talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard]
) -> None:
    service, _ = loopback
    dispatcher = store_button(qtbot, talk_store, "dispatcher", ["S01"])
    worker = store_button(qtbot, talk_store, "worker", ["S01"])
    leader = store_button(qtbot, talk_store, "leader", ["S01"])
    qtbot.waitUntil(lambda: "中山路广播1号" in dispatcher.toolTip())  # the store's name for S01

    with qtbot.waitSignal(dispatcher.talking, check_params_cb=lambda on: on, timeout=5000):
        qtbot.mousePress(dispatcher, Qt.MouseButton.LeftButton)
    on_air = ssrc_of(dispatcher)
    qtbot.waitUntil(lambda: service.status("S01").packets >= 25, timeout=10000)

    with qtbot.waitSignal(worker.problem, timeout=5000) as refused:
        qtbot.mousePress(worker, Qt.MouseButton.LeftButton)
    assert worker.text() == "In use by 调度员小王"
    assert "ask a shift leader to take over" in worker.toolTip() and refused.args == [worker.toolTip()]
    assert worker.call is None and not worker.busy  # nothing was sent
    qtbot.mouseRelease(worker, Qt.MouseButton.LeftButton)
    assert service.status("S01").ssrc == on_air

    with qtbot.waitSignals([leader.talking, dispatcher.talking], timeout=5000):
        qtbot.mousePress(leader, Qt.MouseButton.LeftButton)
    assert dispatcher.call is None and not dispatcher.isDown()
    assert dispatcher.text() == "值班长老李 took over the speaker"
    assert "Talk again when they have finished" in dispatcher.toolTip()
    qtbot.waitUntil(lambda: service.status("S01").ssrc == ssrc_of(leader), timeout=5000)
    qtbot.mouseRelease(dispatcher, Qt.MouseButton.LeftButton)  # the dispatcher lets go afterwards: no effect
    assert dispatcher.call is None

    assert leader.floor is not None
    with qtbot.waitSignal(leader.floor.recorded, timeout=5000):
        qtbot.mouseRelease(leader, Qt.MouseButton.LeftButton)
    lost, won = records(talk_store)
    assert (lost.person_id, lost.kind, lost.preempted_by_id) == (
        person_id(talk_store, "dispatcher"),
        "microphone",
        person_id(talk_store, "leader"),
    )
    assert (won.person_id, won.preempted_by_id) == (person_id(talk_store, "leader"), None)
    assert lost.targets["speakers"] == won.targets["speakers"] == ["S01"]
    qtbot.wait(500)
    assert not service.status("S01").speaking  # both calls are over


@pytest.mark.usefixtures("tone_in_microphone")
def test_a_group_call_from_the_button_is_one_stream_and_its_record_matches_its_length(
    qtbot: QtBot, talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard]
) -> None:
    service, _ = loopback
    button = store_button(qtbot, talk_store, "dispatcher", [], group=GROUP)
    with qtbot.waitSignal(button.talking, timeout=5000):
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    on_air = ssrc_of(button)
    qtbot.waitUntil(lambda: service.status("S01").packets > 0, timeout=10000)  # the fake microphone wakes up
    qtbot.wait(1500)
    assert button.floor is not None
    with qtbot.waitSignal(button.floor.recorded, timeout=5000):
        qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    (row,) = records(talk_store)
    assert row.targets["speakers"] == ["S01", "S02"] and row.codec == "pcmu"
    assert row.ended_at is not None
    seconds = (row.ended_at - row.started_at).total_seconds()
    assert seconds > 1.4
    assert len(row.audio or b"") == pytest.approx(seconds * 8000, abs=FRAME_SAMPLES)  # ±1 packet
    qtbot.waitUntil(lambda: all(not s.speaking for s in service.statuses().values()), timeout=3000)
    first, second = service.status("S01"), service.status("S02")
    assert first.ssrc == second.ssrc == on_air and first.packets == second.packets
    assert first.packets * FRAME_SAMPLES == len(row.audio or b"")  # the record is what was sent
    assert peak_hz(service.audio("S01")[-4000:]) == pytest.approx(1000.0, abs=10)
