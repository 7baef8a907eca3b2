"""RTP packets as a raw socket sees them, the driver registry and the pacing of recordings."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import numpy as np
import pytest

from gridwatch.plugins.speakers.driver import RtpSpeakerDriver, load_driver, play
from gridwatch.plugins.speakers.g711 import alaw_decode, ulaw_decode
from gridwatch.plugins.speakers.rtp import Destination, RtpSender, sdp


@pytest.fixture
def receivers() -> Iterator[list[socket.socket]]:
    socks = []
    for _ in range(2):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2)
        socks.append(sock)
    yield socks
    for sock in socks:
        sock.close()


def address(sock: socket.socket) -> Destination:
    return Destination("127.0.0.1", sock.getsockname()[1])


def receive(sock: socket.socket, count: int) -> list[bytes]:
    return [sock.recv(2048) for _ in range(count)]


@pytest.mark.parametrize(("codec", "pt", "decode"), [("pcmu", 0, ulaw_decode), ("pcma", 8, alaw_decode)])
def test_header_fields_and_payload(receivers, codec: str, pt: int, decode) -> None:
    sender = RtpSender([address(receivers[0])], codec)
    pcm = (np.sin(np.arange(800) / 3) * 10000).astype(np.int16)
    sender.send(pcm[:250])  # frames are cut across calls to send
    sender.send(pcm[250:])
    packets = receive(receivers[0], 5)
    sender.close()
    headers = [struct.unpack("!BBHII", p[:12]) for p in packets]
    assert all(h[0] == 0x80 for h in headers)  # V=2, no padding, extension or CSRC
    assert [h[1] & 0x7F for h in headers] == [pt] * 5
    assert [h[1] >> 7 for h in headers] == [1, 0, 0, 0, 0]  # marker on the first packet only
    assert [(h[2] - headers[0][2]) % 65536 for h in headers] == [0, 1, 2, 3, 4]
    assert [(h[3] - headers[0][3]) % 2**32 for h in headers] == [0, 160, 320, 480, 640]
    assert len({h[4] for h in headers}) == 1
    assert all(len(p) == 12 + 160 for p in packets)
    decoded = decode(np.frombuffer(b"".join(p[12:] for p in packets), dtype=np.uint8)).astype(int)
    assert np.abs(decoded - pcm).max() < 400


def test_a_group_hears_the_same_stream(receivers) -> None:
    sender = RtpSender([address(r) for r in receivers], "pcmu")
    sender.send(np.zeros(480, dtype=np.int16))
    sender.close()
    assert receive(receivers[0], 3) == receive(receivers[1], 3)
    assert sender.problems == []


def test_close_pads_the_last_frame_with_silence(receivers) -> None:
    sender = RtpSender([address(receivers[0])], "pcma")
    sender.send(np.full(200, 1000, dtype=np.int16))
    sender.close()
    _, last = receive(receivers[0], 2)
    assert len(last) == 12 + 160
    assert set(alaw_decode(np.frombuffer(last[12 + 40 :], dtype=np.uint8))) == {8}  # A-law's silence


def test_streams_get_random_ssrc_and_start() -> None:
    starts = {RtpSender([Destination("127.0.0.1", 9)], "pcmu").packetizer.ssrc for _ in range(8)}
    assert len(starts) > 1


def test_a_missing_receiver_is_reported_not_fatal() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the with-block ends: nobody listens there
    sender = RtpSender([Destination("127.0.0.1", port)], "pcmu")
    sender.send(np.zeros(1600, dtype=np.int16))
    sender.close()
    assert sender.packets_sent == 10
    assert len(sender.problems) == 1
    assert f"127.0.0.1:{port}" in sender.problems[0]


def test_play_paces_frames_on_an_absolute_schedule() -> None:
    now = [100.0]
    sends: list[float] = []

    class Recorder:
        def __init__(self) -> None:
            self.problems: list[str] = []

        def send(self, pcm: np.ndarray) -> None:
            sends.append(now[0])
            now[0] += 0.003  # each send takes 3 ms

        def close(self) -> None: ...

    def sleep(seconds: float) -> None:
        now[0] += seconds

    play(Recorder(), np.zeros(160 * 5 + 10, dtype=np.int16), clock=lambda: now[0], sleep=sleep)
    assert np.allclose(np.array(sends) - 100.0, [0, 0.02, 0.04, 0.06, 0.08, 0.10])


def test_the_rtp_driver_is_registered() -> None:
    assert isinstance(load_driver("rtp"), RtpSpeakerDriver)
    with pytest.raises(LookupError, match=r"installed: .*rtp"):
        load_driver("nope")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("rtp://10.0.0.5:40001", Destination("10.0.0.5", 40001)), ("host:7", Destination("host", 7))],
)
def test_destinations_parse(text: str, expected: Destination) -> None:
    assert Destination.parse(text) == expected
    for bad in ("http://x:1", "rtp://x", "x"):
        with pytest.raises(ValueError, match="RTP address"):
            Destination.parse(bad)


def test_sdp_names_the_codec_and_port() -> None:
    text = sdp(Destination("127.0.0.1", 5004), "pcma")
    assert "m=audio 5004 RTP/AVP 8\r\n" in text
    assert "a=rtpmap:8 PCMA/8000" in text
    assert "c=IN IP4 127.0.0.1" in text
