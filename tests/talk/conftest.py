"""Fixtures for push-to-talk: tones, free RTP ports, ffmpeg as a standard RTP receiver, a raw capture."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from gridwatch.db.models import Device, Person, PersonRole
from gridwatch.db.store import Store, utcnow
from gridwatch.db.talk import speakers
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers, SpeakerStatus
from gridwatch.plugins.speakers.rtp import Destination, sdp
from tests.talk.capture import RtpCapture, listening
from tests.talk.fake_pulse import FakePulse

_pulse = FakePulse()


def pytest_configure(config: pytest.Config) -> None:
    """Starts the fake microphone's server at collection, before any test can initialise QtMultimedia
    (which connects to PulseAudio only once per process)."""
    _pulse.start()
    os.environ["PULSE_SERVER"] = _pulse.server


def pytest_unconfigure(config: pytest.Config) -> None:
    _pulse.stop()


@pytest.fixture(scope="session")
def fake_pulse() -> FakePulse:
    return _pulse


def write_tone(path: Path, freq: float, seconds: float, rate: int = 44100, channels: int = 2) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    mono = (np.sin(2 * np.pi * freq * t) * 12000).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(mono, channels).tobytes())
    return path


def peak_hz(pcm: np.ndarray, rate: int = 8000) -> float:
    x = pcm.astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def udp_port_bound(port: int) -> bool:
    needle = f":{port:04X} "
    return any(needle in line.split()[1] + " " for line in Path("/proc/net/udp").read_text().splitlines()[1:])


def free_rtp_port() -> int:
    """An even port whose odd neighbour (RTCP) is free too."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1] & ~1
        if port > 1024 and not udp_port_bound(port) and not udp_port_bound(port + 1):
            return port


@dataclass
class FfmpegReceiver:
    """ffmpeg listening on an SDP, as a loudspeaker or a recorder on the network would."""

    port: int
    out: Path
    process: subprocess.Popen[bytes]

    def stop(self, linger: float = 0.5) -> np.ndarray:
        """The audio ffmpeg decoded. ffmpeg would wait 10 s for more RTP and only then write a WAV
        trailer, so it writes raw PCM flushed per packet, and is simply stopped."""
        time.sleep(linger)  # the last packets are in flight
        self.process.kill()
        _, err = self.process.communicate(timeout=10)
        assert self.out.exists(), err.decode(errors="replace")[-2000:]
        return np.frombuffer(self.out.read_bytes(), dtype=np.int16)


@pytest.fixture
def ffmpeg_receiver(tmp_path: Path) -> Iterator[Callable[[str], FfmpegReceiver]]:
    started: list[FfmpegReceiver] = []

    def start(codec: str) -> FfmpegReceiver:
        port = free_rtp_port()
        description = tmp_path / f"call-{port}.sdp"
        description.write_text(sdp(Destination("127.0.0.1", port), codec))
        out = tmp_path / f"out-{port}.s16"
        process = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
             "-protocol_whitelist", "file,udp,rtp", "-i", str(description),
             "-f", "s16le", "-ar", "8000", "-ac", "1", "-flush_packets", "1", "-y", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not udp_port_bound(port):
            assert process.poll() is None and time.monotonic() < deadline, "ffmpeg did not start listening"
            time.sleep(0.02)
        receiver = FfmpegReceiver(port, out, process)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        if receiver.process.poll() is None:
            receiver.process.kill()
            receiver.process.wait()


@pytest.fixture
def rtp_capture() -> Iterator[RtpCapture]:
    with listening() as capture:
        yield capture


TALKERS = {
    "dispatcher": ("调度员小王", "dispatcher"),
    "leader": ("值班长老李", "shift_leader"),
    "worker": ("网格员小陈", "grid_worker"),
}
GROUP = "中山路"


@pytest.fixture
def talk_store(sqlite_store: Store) -> Store:
    """A store with three talkers and three loudspeakers on free loopback ports: S01 and S02 make the
    group 中山路, S03 stands alone (and in most tests nobody listens there)."""
    now = utcnow()
    with sqlite_store.session() as session:
        for username, (name, role) in TALKERS.items():
            session.add(Person(username=username, name=name, updated_at=now, roles=[PersonRole(role=role)]))
        for n, group in ((1, GROUP), (2, GROUP), (3, None)):
            session.add(
                Device(
                    code=f"S0{n}", kind="loudspeaker", name=f"中山路广播{n}号", lon=118.1, lat=24.5,
                    address=f"127.0.0.1:{free_rtp_port()}", protocol="rtp-pcmu", priority_group=group,
                    updated_at=now,
                )
            )  # fmt: skip
    return sqlite_store


@dataclass
class Heard:
    """Every speaking/silent change the loopback speakers reported, in order."""

    changes: list[tuple[str, bool]] = field(default_factory=list)
    silent: threading.Event = field(default_factory=threading.Event)

    def __call__(self, status: SpeakerStatus) -> None:
        self.changes.append((status.code, status.speaking))
        if not status.speaking:
            self.silent.set()


@pytest.fixture
def loopback(talk_store: Store) -> Iterator[tuple[LoopbackSpeakers, Heard]]:
    """The demo's loopback service listening as S01 and S02 (S03 is left unanswered)."""
    service = LoopbackSpeakers(speakers(talk_store, ["S01", "S02"]), silent_after=0.3)
    heard = Heard()
    service.add_listener(heard)
    assert service.start() == []
    yield service, heard
    service.stop()
