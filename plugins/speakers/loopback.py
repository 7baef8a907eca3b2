"""`LoopbackSpeakers`: the demo city's loudspeakers, played by this machine instead of hardware.

The demo's loudspeakers have 127.0.0.1 addresses; this service binds their UDP ports, decodes the G.711
RTP that arrives, and tells listeners when a speaker starts and stops speaking, so the map and the
dispatcher window can show "speaking" and the level without a single real device. One thread serves every
port through a selector. Qt-free on purpose: a window passes a callback that posts to its own thread.
"""

from __future__ import annotations

import errno
import logging
import math
import selectors
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from types import TracebackType

import numpy as np

from gridwatch.db.store import Store
from gridwatch.db.talk import Speaker, speakers
from gridwatch.plugins.speakers.g711 import Codes, Pcm, alaw_decode, ulaw_decode

LOOPBACK = "127.0.0.1"
SILENT_AFTER = 0.5  # seconds without a packet before a speaker counts as silent again
KEEP_SECONDS = 30.0  # decoded audio kept per speaker, for a look at what was said
SILENCE_DBFS = -100.0  # the level of digital silence, so levels stay finite numbers
DECODERS: dict[int, Callable[[Codes], Pcm]] = {0: ulaw_decode, 8: alaw_decode}  # RTP payload types
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeakerStatus:
    """What one loudspeaker has heard: `speaking` while packets keep coming (within SILENT_AFTER)."""

    code: str
    name: str
    port: int
    speaking: bool = False
    level_dbfs: float | None = None  # RMS of the last packet, dBFS; None before the first
    seconds_heard: float = 0.0
    packets: int = 0
    ssrc: int | None = None  # the last stream's source: a group call shows the same one on every speaker
    last_packet_at: float | None = None  # time.monotonic()


Listener = Callable[[SpeakerStatus], None]


@dataclass
class _Ear:
    status: SpeakerStatus
    sock: socket.socket
    audio: deque[Pcm] = field(default_factory=deque)
    kept_samples: int = 0


def rtp_payload(packet: bytes) -> tuple[int, int, bytes] | None:
    """(payload type, SSRC, payload) of an RTP packet (RFC 3550 §5.1: CSRCs, extension and padding
    skipped), or None for anything else."""
    if len(packet) < 12 or packet[0] >> 6 != 2:
        return None
    start = 12 + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10:  # header extension: 16-bit profile, 16-bit length in words
        if len(packet) < start + 4:
            return None
        start += 4 + 4 * struct.unpack_from("!H", packet, start + 2)[0]
    end = len(packet) - (packet[-1] if packet[0] & 0x20 else 0)
    if start > end:
        return None
    return packet[1] & 0x7F, struct.unpack_from("!I", packet, 8)[0], packet[start:end]


def level_dbfs(pcm: Pcm) -> float:
    rms = math.sqrt(float(np.mean(np.square(pcm, dtype=np.float64)))) if len(pcm) else 0.0
    return max(SILENCE_DBFS, 20 * math.log10(rms / 32768)) if rms > 0 else SILENCE_DBFS


class LoopbackSpeakers:
    """Listens as every 127.0.0.1 loudspeaker of `loudspeakers`; `start`, then read `statuses()` or
    `add_listener` for speaking/silent changes (called in the service's thread)."""

    def __init__(self, loudspeakers: Iterable[Speaker], *, silent_after: float = SILENT_AFTER) -> None:
        self.speakers = list(loudspeakers)
        self.silent_after = silent_after
        self.problems: list[str] = []  # speakers that cannot be heard, and why
        self.skipped: list[str] = []  # codes whose address is not on this machine
        self._ears: dict[str, _Ear] = {}
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._selector: selectors.BaseSelector | None = None
        self._thread: threading.Thread | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None  # a byte here wakes the thread to stop
        self._running = False

    @classmethod
    def from_store(cls, store: Store, *, silent_after: float = SILENT_AFTER) -> LoopbackSpeakers:
        return cls(speakers(store), silent_after=silent_after)

    # --- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> list[str]:
        """Binds the ports and starts listening; returns the problems (a port in use leaves that speaker
        deaf and the others listening)."""
        if self._thread is not None:
            return self.problems
        self.problems, self.skipped, self._ears = [], [], {}
        selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        selector.register(self._wake_r, selectors.EVENT_READ)
        taken: dict[int, str] = {}
        for speaker in self.speakers:
            port = _loopback_port(speaker.address)
            if port is None:
                self.skipped.append(speaker.code)
                continue
            if port in taken:
                self.problems.append(
                    f"{speaker.code} ({speaker.name}): same address {LOOPBACK}:{port} as {taken[port]}; "
                    "only the first is heard. Give each loudspeaker a port of its own."
                )
                continue
            sock = self._bind(speaker, port)
            if sock is None:
                continue
            taken[port] = speaker.code
            self._ears[speaker.code] = _Ear(SpeakerStatus(speaker.code, speaker.name, port), sock)
            selector.register(sock, selectors.EVENT_READ, speaker.code)
        self._selector = selector
        self._running = True
        self._thread = threading.Thread(target=self._serve, name="loopback-speakers", daemon=True)
        self._thread.start()
        return self.problems

    def _bind(self, speaker: Speaker, port: int) -> socket.socket | None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((LOOPBACK, port))
        except OSError as exc:
            sock.close()
            why = (
                "is in use by another program"
                if exc.errno == errno.EADDRINUSE
                else f"cannot be opened ({exc.strerror or exc})"
            )
            self.problems.append(
                f"{speaker.code} ({speaker.name}): UDP port {port} on {LOOPBACK} {why}, so this speaker "
                "will not show as speaking. Stop that program, or give the speaker another port."
            )
            return None
        sock.setblocking(False)
        return sock

    def stop(self) -> None:
        """Stops the thread and frees every port; a speaker that was speaking reports silence."""
        if self._thread is None:
            return
        assert self._selector is not None and self._wake_r is not None and self._wake_w is not None
        self._running = False
        self._wake_w.send(b"x")
        self._thread.join()
        self._thread = None
        self._selector.close()
        self._selector = None
        for sock in (*(ear.sock for ear in self._ears.values()), self._wake_r, self._wake_w):
            sock.close()
        for code in list(self._ears):
            self._set_silent(code)

    def __enter__(self) -> LoopbackSpeakers:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- reading -----------------------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """`listener(status)` on every start and end of speech, in the service's thread: keep it short,
        and hop to your own thread (a Qt queued signal) before touching widgets."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def statuses(self) -> dict[str, SpeakerStatus]:
        with self._lock:
            return {code: ear.status for code, ear in self._ears.items()}

    def status(self, code: str) -> SpeakerStatus:
        with self._lock:
            return self._ears[code].status

    def audio(self, code: str) -> Pcm:
        """The last KEEP_SECONDS of decoded audio the speaker heard, 8 kHz int16."""
        with self._lock:
            frames = list(self._ears[code].audio)
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)

    # --- the service thread ------------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._selector is not None
        while self._running:
            speaking = any(ear.status.speaking for ear in self._ears.values())
            for key, _ in self._selector.select(self.silent_after / 5 if speaking else None):
                if key.data is not None:
                    self._drain(key.data)
            now = time.monotonic()
            for code, ear in self._ears.items():
                last = ear.status.last_packet_at
                if ear.status.speaking and last is not None and now - last >= self.silent_after:
                    self._set_silent(code)

    def _drain(self, code: str) -> None:
        ear = self._ears[code]
        while True:
            try:
                packet = ear.sock.recv(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # an ICMP error queued on the socket; nothing to read
                continue
            self._heard(code, packet)

    def _heard(self, code: str, packet: bytes) -> None:
        parsed = rtp_payload(packet)
        if parsed is None or parsed[0] not in DECODERS:
            return
        payload_type, ssrc, payload = parsed
        pcm = DECODERS[payload_type](np.frombuffer(payload, dtype=np.uint8))
        with self._lock:
            ear = self._ears[code]
            began = not ear.status.speaking
            ear.status = replace(
                ear.status,
                speaking=True,
                level_dbfs=level_dbfs(pcm),
                seconds_heard=ear.status.seconds_heard + len(pcm) / 8000,
                packets=ear.status.packets + 1,
                ssrc=ssrc,
                last_packet_at=time.monotonic(),
            )
            ear.audio.append(pcm)
            ear.kept_samples += len(pcm)
            while ear.kept_samples - len(ear.audio[0]) >= KEEP_SECONDS * 8000:
                ear.kept_samples -= len(ear.audio.popleft())
            status = ear.status
        if began:
            self._tell(status)

    def _set_silent(self, code: str) -> None:
        with self._lock:
            ear = self._ears[code]
            if not ear.status.speaking:
                return
            ear.status = replace(ear.status, speaking=False)
            status = ear.status
        self._tell(status)

    def _tell(self, status: SpeakerStatus) -> None:
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a broken listener must not silence the other speakers
                log.exception("loopback speaker listener failed for %s", status.code)


def _loopback_port(address: str | None) -> int | None:
    host, _, port = (address or "").rpartition(":")
    return int(port) if host == LOOPBACK and port.isdigit() else None
