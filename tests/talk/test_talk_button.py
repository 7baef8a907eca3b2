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

from gridwatch.talk.button import HoldKey, TalkButton
from tests.talk.capture import RtpCapture
from tests.talk.conftest import peak_hz, write_tone
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
