"""`gridwatch talk` run as a real process; ffmpeg, a standard RTP receiver, must play what it sends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db import talk
from gridwatch.db.models import Device, Person, TalkRecord
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.g711 import ulaw_decode
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.plugins.speakers.rtp import FRAME_SAMPLES
from gridwatch.plugins.speakers.sources import speak
from tests.talk.conftest import GROUP, FfmpegReceiver, Heard, free_rtp_port, peak_hz, write_tone

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


# --- through the store: the arbiter, the record, the demo's loopback speakers ------------------------------


def talk_records(store: Store) -> list[TalkRecord]:
    with store.session() as session:
        return list(session.scalars(select(TalkRecord).order_by(TalkRecord.id)))


def envelope(pcm: np.ndarray, window: int = 400) -> np.ndarray:
    """RMS per 50 ms."""
    x = pcm[: len(pcm) // window * window].astype(np.float64)
    return np.sqrt(np.mean(x.reshape(-1, window) ** 2, axis=1))


def test_spoken_text_reaches_a_loopback_speaker_and_is_recorded(
    talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard]
) -> None:
    service, heard = loopback
    text = "请不要在人行道上摆摊"
    result = talk_in_process("S01", "--say", text, "--db", talk_store.url)
    assert result.exit_code == 0, result.output
    assert heard.silent.wait(2)
    assert heard.changes == [("S01", True), ("S01", False)]  # speaking, then silent; S02 heard nothing
    status = service.status("S01")
    spoken = speak(text)
    packets = -(-len(spoken) // FRAME_SAMPLES)
    assert status.packets == packets and not status.speaking
    audio = service.audio("S01")
    assert envelope(audio).max() > 1000 and status.seconds_heard == pytest.approx(
        len(spoken) / 8000, abs=0.02
    )
    (row,) = talk_records(talk_store)
    assert (row.kind, row.text, row.codec, row.targets["speakers"]) == ("tts", text, "pcmu", ["S01"])
    assert row.person_id is not None and row.preempted_by_id is None
    assert len(row.audio or b"") == packets * FRAME_SAMPLES
    assert np.array_equal(ulaw_decode(np.frombuffer(row.audio or b"", np.uint8)), audio)  # what was heard
    assert row.ended_at is not None
    assert (row.ended_at - row.started_at).total_seconds() == pytest.approx(len(spoken) / 8000, abs=0.15)


def test_a_group_is_one_call_heard_by_every_speaker(
    talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard], tmp_path: Path
) -> None:
    service, _ = loopback
    tone = write_tone(tmp_path / "tone.wav", 600.0, 0.4)
    result = talk_in_process(
        "--group", GROUP, "--file", str(tone), "--db", talk_store.url, "--as", "dispatcher"
    )
    assert result.exit_code == 0, result.output
    first, second = service.status("S01"), service.status("S02")
    assert first.packets == second.packets == 20
    assert first.ssrc == second.ssrc is not None  # the same stream, not two calls
    (row,) = talk_records(talk_store)
    assert row.kind == "file" and row.targets["speakers"] == ["S01", "S02"]


def test_a_busy_speaker_names_its_holder_and_nothing_is_sent(
    talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard], tmp_path: Path
) -> None:
    service, _ = loopback
    tone = write_tone(tmp_path / "tone.wav", 600.0, 0.2)
    held = talk.acquire(talk_store, "leader", ["S02"])
    result = talk_in_process(
        "--group", GROUP, "--file", str(tone), "--db", talk_store.url, "--as", "dispatcher"
    )
    assert result.exit_code == 1
    assert "is in use by 值班长老李" in result.stderr and "ask a shift leader" in result.stderr
    assert service.status("S01").packets == 0  # a group call is all or nothing
    assert talk_records(talk_store) == []
    talk.release(talk_store, held)


def test_a_shift_leader_takes_over_a_running_broadcast(
    talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard], tmp_path: Path
) -> None:
    service, _ = loopback
    tone = write_tone(tmp_path / "tone.wav", 600.0, 8.0)
    process = subprocess.Popen(
        [sys.executable, "-m", "gridwatch", "talk", "S01", "--file", str(tone), "--db", talk_store.url,
         "--as", "dispatcher"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while service.status("S01").packets < 25:  # half a second on air
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    grant = talk.acquire(talk_store, "leader", ["S01"])
    assert grant.preempted == ("调度员小王",)
    _, err = process.communicate(timeout=talk.RENEW_SECONDS + 10)
    assert process.returncode == 1
    assert "值班长老李 took over the speaker" in err
    (row,) = talk_records(talk_store)
    sent = len(row.audio or b"") / 8000
    assert 0.5 <= sent <= 0.5 + talk.RENEW_SECONDS + 1.0  # stopped within one renewal, not after 8 s
    with talk_store.session() as session:
        leader = session.scalars(select(Person).where(Person.username == "leader")).one()
    assert row.preempted_by_id == leader.id
    talk.release(talk_store, grant)


def test_a_speaker_nobody_answers_still_gets_the_call_and_the_record(
    talk_store: Store, tmp_path: Path
) -> None:
    tone = write_tone(tmp_path / "tone.wav", 600.0, 0.5)
    result = talk_in_process("S03", "--file", str(tone), "--db", talk_store.url)
    assert result.exit_code == 0, result.output
    assert "no receiver answered" in result.stderr
    (row,) = talk_records(talk_store)
    assert row.targets["speakers"] == ["S03"] and len(row.audio or b"") == 4000
    assert talk.acquire(talk_store, "worker", ["S03"]).preempted == ()  # released after the call
