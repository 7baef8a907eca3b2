"""The demo's loopback loudspeakers hear real RTP from the sender: speaking, level, time heard, the call's
source, and what happens when a port is taken."""

from __future__ import annotations

import math
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from gridwatch.db.talk import Speaker
from gridwatch.plugins.speakers.driver import play
from gridwatch.plugins.speakers.loopback import SILENCE_DBFS, LoopbackSpeakers, SpeakerStatus, rtp_payload
from gridwatch.plugins.speakers.rtp import Destination, RtpSender

SINE_AMPLITUDE = 16384  # -6 dBFS peak, so -9.03 dBFS RMS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def speaker(code: str, address: str | None) -> Speaker:
    return Speaker(code, f"广播{code}", address, "pcmu", True, None)


def tone(seconds: float, freq: float = 1000.0) -> np.ndarray:
    t = np.arange(int(8000 * seconds)) / 8000
    return (np.sin(2 * np.pi * freq * t) * SINE_AMPLITUDE).astype(np.int16)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class Changes:
    """A listener that keeps every change it is told about."""

    def __init__(self) -> None:
        self.seen: list[SpeakerStatus] = []
        self.done = threading.Event()

    def __call__(self, status: SpeakerStatus) -> None:
        self.seen.append(status)
        if not status.speaking:
            self.done.set()


@pytest.fixture
def two_ports() -> Iterator[tuple[int, int]]:
    yield free_port(), free_port()


def test_a_call_is_heard_speaking_then_silent(two_ports: tuple[int, int]) -> None:
    port = two_ports[0]
    changes = Changes()
    with LoopbackSpeakers([speaker("S1", f"127.0.0.1:{port}")], silent_after=0.2) as service:
        service.add_listener(changes)
        assert service.problems == [] and not service.status("S1").speaking
        call = RtpSender([Destination("127.0.0.1", port)], "pcma")
        play(call, tone(0.5))
        call.close()
        assert changes.done.wait(2)
        status = service.status("S1")
        heard = service.audio("S1")
    assert [s.speaking for s in changes.seen] == [True, False]
    assert status.packets == 25 and status.seconds_heard == pytest.approx(0.5)
    assert status.level_dbfs == pytest.approx(20 * math.log10(SINE_AMPLITUDE / math.sqrt(2) / 32768), abs=0.3)
    assert status.ssrc == call.packetizer.ssrc
    spectrum = np.abs(np.fft.rfft(heard.astype(np.float64)))
    assert np.fft.rfftfreq(len(heard), 1 / 8000)[np.argmax(spectrum)] == pytest.approx(1000, abs=5)


def test_a_group_call_reaches_every_speaker_as_one_stream(two_ports: tuple[int, int]) -> None:
    a, b = two_ports
    with LoopbackSpeakers([speaker("S1", f"127.0.0.1:{a}"), speaker("S2", f"127.0.0.1:{b}")]) as service:
        call = RtpSender([Destination("127.0.0.1", a), Destination("127.0.0.1", b)])
        call.send(tone(0.2))
        call.close()
        wait_for(lambda: all(s.packets == 10 for s in service.statuses().values()))
        first, second = service.status("S1"), service.status("S2")
        assert first.ssrc == second.ssrc == call.packetizer.ssrc
        assert np.array_equal(service.audio("S1"), service.audio("S2"))


def test_a_port_in_use_is_named_and_the_other_speakers_still_hear(two_ports: tuple[int, int]) -> None:
    taken, free = two_ports
    squatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    squatter.bind(("127.0.0.1", taken))
    loudspeakers = [
        speaker("S1", f"127.0.0.1:{taken}"),
        speaker("S2", f"127.0.0.1:{free}"),
        speaker("S3", f"127.0.0.1:{free}"),  # a copy-paste address in the device table
        speaker("S4", "10.1.2.3:5004"),  # a real speaker elsewhere: not ours to play
        speaker("S5", None),
    ]
    try:
        with LoopbackSpeakers(loudspeakers) as service:
            assert len(service.problems) == 2
            assert (
                f"S1 (广播S1): UDP port {taken} on 127.0.0.1 is in use by another program"
                in service.problems[0]
            )
            assert "same address" in service.problems[1] and "as S2" in service.problems[1]
            assert service.skipped == ["S4", "S5"]
            assert set(service.statuses()) == {"S2"}
            call = RtpSender([Destination("127.0.0.1", free)])
            call.send(tone(0.1))
            call.close()
            wait_for(lambda: service.status("S2").packets == 5)
    finally:
        squatter.close()


def test_stop_frees_the_ports_and_ends_speech(two_ports: tuple[int, int]) -> None:
    port = two_ports[0]
    changes = Changes()
    service = LoopbackSpeakers([speaker("S1", f"127.0.0.1:{port}")], silent_after=60)
    service.add_listener(changes)
    service.start()
    call = RtpSender([Destination("127.0.0.1", port)])
    call.send(np.zeros(160, dtype=np.int16))
    wait_for(lambda: service.status("S1").speaking)
    assert service.status("S1").level_dbfs == SILENCE_DBFS  # digital silence is a number, not -inf
    service.stop()
    assert [s.speaking for s in changes.seen] == [True, False]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(("127.0.0.1", port))  # freed
    call.close()


def test_rtp_headers_with_csrcs_extension_and_padding() -> None:
    payload = bytes(range(10))
    header = struct.pack("!BBHII", 0x80 | 0x20 | 0x10 | 2, 8, 1, 160, 0xCAFE)
    csrcs = struct.pack("!II", 1, 2)
    extension = struct.pack("!HHI", 0xBEDE, 1, 0)
    padding = b"\0\0\x03"
    assert rtp_payload(header + csrcs + extension + payload + padding) == (8, 0xCAFE, payload)
    assert rtp_payload(b"\x00" * 20) is None  # version 0: not RTP
    assert rtp_payload(b"\x80\x00") is None  # truncated
