"""`gridwatch talk` run as a real process; ffmpeg, a standard RTP receiver, must play what it sends."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.models import Device
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.sources import speak
from tests.talk.conftest import FfmpegReceiver, free_rtp_port, peak_hz, write_tone

pytestmark = pytest.mark.slow


def gridwatch_talk(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, as an operator or a script runs it."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "gridwatch", "talk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def talk_in_process(*args: str) -> Result:
    """The same command in this process, where its start-up time would only slow the test down."""
    return CliRunner().invoke(app, ["talk", *args], env={"COLUMNS": "200"})


@pytest.mark.parametrize("codec", ["pcmu", "pcma"])
def test_a_tone_file_arrives_with_its_frequency_and_length(
    tmp_path: Path, ffmpeg_receiver: Callable[[str], FfmpegReceiver], codec: str
) -> None:
    tone = write_tone(tmp_path / "tone.wav", 1000.0, 2.0)  # 44.1 kHz stereo: converted on the way
    receiver = ffmpeg_receiver(codec)
    result = gridwatch_talk(f"rtp://127.0.0.1:{receiver.port}", "--file", str(tone), "--codec", codec)
    assert result.returncode == 0, result.stderr
    audio = receiver.stop()
    assert len(audio) / 8000 == pytest.approx(2.0, abs=0.1)
    assert peak_hz(audio) == pytest.approx(1000.0, abs=10)
    assert "no receiver" not in result.stderr


def test_spoken_text_arrives_as_speech(ffmpeg_receiver: Callable[[str], FfmpegReceiver]) -> None:
    text = "请不要在人行道上摆摊，谢谢配合"
    expected = len(speak(text)) / 8000
    receiver = ffmpeg_receiver("pcmu")
    result = gridwatch_talk(f"rtp://127.0.0.1:{receiver.port}", "--say", text)
    assert result.returncode == 0, result.stderr
    audio = receiver.stop().astype(np.float64)
    assert expected > 1.5
    assert len(audio) / 8000 == pytest.approx(expected, abs=0.1)
    envelope = np.sqrt(np.mean(audio[: len(audio) // 400 * 400].reshape(-1, 400) ** 2, axis=1))  # 50 ms
    assert envelope.max() > 1000  # not silence
    assert envelope.std() / envelope.mean() > 0.4  # syllables and pauses, unlike a steady tone


def test_a_speaker_that_does_not_answer_gets_the_call_and_a_note(tmp_path: Path) -> None:
    tone = write_tone(tmp_path / "tone.wav", 1000.0, 0.5)
    result = talk_in_process(f"rtp://127.0.0.1:{free_rtp_port()}", "--file", str(tone))
    assert result.exit_code == 0, result.output
    assert "no receiver answered" in result.stderr
    assert "done" in result.stdout


def test_a_speaker_code_is_looked_up_in_the_store(
    sqlite_store: Store, tmp_path: Path, ffmpeg_receiver: Callable[[str], FfmpegReceiver]
) -> None:
    receiver = ffmpeg_receiver("pcma")
    with sqlite_store.session() as session:
        session.add(
            Device(
                code="SPK-1", kind="loudspeaker", name="广场广播", lon=118.1, lat=24.5,
                address=f"127.0.0.1:{receiver.port}", protocol="rtp-pcma", updated_at=datetime.now(UTC),
            )
        )  # fmt: skip
    tone = write_tone(tmp_path / "tone.wav", 800.0, 1.0)
    result = talk_in_process("SPK-1", "--file", str(tone), "--db", sqlite_store.url)
    assert result.exit_code == 0, result.output
    assert "(pcma," in result.stdout  # the speaker's own codec
    assert peak_hz(receiver.stop()) == pytest.approx(800.0, abs=10)
    missing = talk_in_process("SPK-404", "--file", str(tone), "--db", sqlite_store.url)
    assert missing.exit_code != 0
    assert "SPK-404" in missing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rtp://127.0.0.1:5004"], "exactly one of --file"),
        (["rtp://127.0.0.1:5004", "--say", "你好", "--codec", "g722"], "unknown codec"),
        (["rtp://127.0.0.1:5004", "--file", "/nonexistent.wav"], "nonexistent.wav"),
    ],
)
def test_user_errors_are_messages(args: list[str], message: str) -> None:
    result = talk_in_process(*args)
    assert result.exit_code != 0
    assert message in result.output
