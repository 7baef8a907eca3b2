"""G.711 over RTP (RFC 3550 / RFC 3551): packets, a sender to one speaker or a group, and the SDP a
receiver needs.

A speaker group hears one call: the same packets (same SSRC, sequence and timestamps) go to every
address. Each address gets its own connected UDP socket, so a loudspeaker that is not listening shows up
as an ICMP "port unreachable" we can report, while the call goes on for the others — UDP gives no other
delivery signal.
"""

from __future__ import annotations

import secrets
import socket
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

from gridwatch.plugins.speakers.g711 import Codes, Pcm, alaw_encode, ulaw_encode

FRAME_SAMPLES = 160  # 20 ms at 8 kHz, the usual G.711 packet (RFC 3551 §4.5)
FRAME_SECONDS = FRAME_SAMPLES / 8000
CODECS: dict[str, tuple[int, str, Callable[[Pcm], Codes]]] = {
    "pcmu": (0, "PCMU", ulaw_encode),
    "pcma": (8, "PCMA", alaw_encode),
}
RTP_VERSION = 2


@dataclass(frozen=True)
class Destination:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Destination:
        """`rtp://host:port` or `host:port`."""
        parts = urlsplit(text if "://" in text else f"rtp://{text}")
        if parts.scheme != "rtp" or not parts.hostname or parts.port is None:
            raise ValueError(f"not an RTP address: {text!r} (expected rtp://HOST:PORT)")
        return cls(parts.hostname, parts.port)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"rtp://{host}:{self.port}"


def codec_info(codec: str) -> tuple[int, str, Callable[[Pcm], Codes]]:
    try:
        return CODECS[codec.lower()]
    except KeyError:
        raise ValueError(f"unknown codec {codec!r}; use one of {', '.join(CODECS)}") from None


class Packetizer:
    """RTP headers for one stream: random SSRC, initial sequence and timestamp (RFC 3550 §5.1), marker on
    the first packet of the talk spurt."""

    def __init__(self, payload_type: int) -> None:
        self.payload_type = payload_type
        self.ssrc = secrets.randbits(32)
        self.seq = secrets.randbits(16)
        self.timestamp = secrets.randbits(32)
        self._first = True

    def packet(self, payload: bytes) -> bytes:
        marker = 0x80 if self._first else 0
        header = struct.pack(
            "!BBHII", RTP_VERSION << 6, marker | self.payload_type, self.seq, self.timestamp, self.ssrc
        )
        self._first = False
        self.seq = (self.seq + 1) & 0xFFFF
        self.timestamp = (self.timestamp + len(payload)) & 0xFFFFFFFF  # one G.711 byte per sample
        return header + payload


class RtpSender:
    """One G.711 call to one or many addresses; `send` takes 8 kHz mono int16 and sends every complete
    20 ms frame at once (a live microphone is its own clock; `play` paces recordings)."""

    def __init__(self, destinations: Sequence[Destination], codec: str = "pcmu") -> None:
        if not destinations:
            raise ValueError("a call needs at least one speaker address")
        payload_type, _, self._encode = codec_info(codec)
        self.packetizer = Packetizer(payload_type)
        self.destinations = list(destinations)
        self.problems: list[str] = []
        self.packets_sent = 0
        self.audio = bytearray()  # every payload sent, in order: what goes on the record
        self._failed: dict[Destination, str] = {}
        self._pending = np.zeros(0, dtype=np.int16)
        self._sockets = [self._connect(d) for d in self.destinations]

    @staticmethod
    def _connect(destination: Destination) -> socket.socket:
        family, kind, proto, _, address = socket.getaddrinfo(
            destination.host, destination.port, type=socket.SOCK_DGRAM
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.connect(address)
        return sock

    def send(self, pcm: Pcm) -> None:
        samples = np.concatenate([self._pending, np.asarray(pcm, dtype=np.int16)])
        whole = len(samples) - len(samples) % FRAME_SAMPLES
        for start in range(0, whole, FRAME_SAMPLES):
            self._send_frame(samples[start : start + FRAME_SAMPLES])
        self._pending = samples[whole:]

    def _send_frame(self, frame: Pcm) -> None:
        payload = self._encode(frame).tobytes()
        self.audio += payload
        packet = self.packetizer.packet(payload)
        for destination, sock in zip(self.destinations, self._sockets, strict=True):
            try:
                sock.send(packet)
            except OSError as exc:  # ICMP from a previous packet: nobody listens there (yet)
                self._failed.setdefault(destination, exc.strerror or str(exc))
        self.packets_sent += 1

    def close(self) -> None:
        """Send what is left, padded with silence to a whole frame, and record which addresses refused."""
        if len(self._pending):
            self._send_frame(np.pad(self._pending, (0, FRAME_SAMPLES - len(self._pending))))
            self._pending = np.zeros(0, dtype=np.int16)
        for sock in self._sockets:
            sock.close()
        self._sockets = []
        self.problems = [
            f"{d}: no receiver answered ({why}); the call was sent anyway, as UDP does not wait"
            for d, why in self._failed.items()
        ]


def sdp(destination: Destination, codec: str = "pcmu", *, session: str = "gridwatch talk") -> str:
    """A session description that lets ffmpeg or VLC receive the call at `destination`."""
    payload_type, name, _ = codec_info(codec)
    family = "IP6" if ":" in destination.host else "IP4"
    return (
        "v=0\r\n"
        f"o=- 0 0 IN {family} {destination.host}\r\n"
        f"s={session}\r\n"
        f"c=IN {family} {destination.host}\r\n"
        "t=0 0\r\n"
        f"m=audio {destination.port} RTP/AVP {payload_type}\r\n"
        f"a=rtpmap:{payload_type} {name}/8000\r\n"
    )
