"""A raw RTP receiver for tests and benchmarks: what arrived, when, and the audio it carries."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from gridwatch.plugins.speakers.g711 import alaw_decode, ulaw_decode


@dataclass
class RtpCapture:
    """A raw UDP socket collecting RTP packets with their arrival times, in a thread."""

    sock: socket.socket
    packets: list[tuple[float, bytes]] = field(default_factory=list)
    running: bool = True

    @property
    def address(self) -> str:
        return f"rtp://127.0.0.1:{self.sock.getsockname()[1]}"

    def run(self) -> None:
        while self.running:
            try:
                data = self.sock.recv(2048)
            except TimeoutError:
                continue
            self.packets.append((time.monotonic(), data))

    def pcm(self) -> np.ndarray:
        """The received audio, decoded by each packet's payload type."""
        frames = [
            (ulaw_decode if data[1] & 0x7F == 0 else alaw_decode)(np.frombuffer(data[12:], dtype=np.uint8))
            for _, data in self.packets
        ]
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)


@contextmanager
def listening() -> Iterator[RtpCapture]:
    """An RtpCapture on a free loopback port, receiving until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    capture = RtpCapture(sock)
    thread = threading.Thread(target=capture.run, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        capture.running = False
        thread.join()
        sock.close()
