"""Speaker drivers: how the app opens a call to loudspeakers, whatever their make.

Drivers are found by name in the `gridwatch.speakers` entry-point group, built-in or third-party alike;
the generic one, `rtp`, streams standard G.711 RTP that any receiver plays. A vendor driver (HTTP or SIP
call set-up before the audio) implements the same protocol.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Protocol

from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.plugins.speakers.rtp import FRAME_SAMPLES, FRAME_SECONDS, Destination, RtpSender

ENTRY_POINT_GROUP = "gridwatch.speakers"


class Call(Protocol):
    """An open call: 8 kHz mono int16 audio goes in; `problems` says, after `close`, which speakers
    did not take it; `audio` is the G.711 payload sent so far, for the talk record."""

    problems: list[str]
    audio: bytearray

    def send(self, pcm: Pcm) -> None: ...

    def close(self) -> None: ...


class SpeakerDriver(Protocol):
    def open_call(self, targets: Sequence[str], codec: str) -> Call:
        """One call heard by every target (a speaker group hears the same stream)."""
        ...


class RtpSpeakerDriver:
    """Plain RTP/G.711 to `rtp://HOST:PORT` (or `HOST:PORT`) targets, no call set-up."""

    def open_call(self, targets: Sequence[str], codec: str = "pcmu") -> RtpSender:
        return RtpSender([Destination.parse(t) for t in targets], codec)


def load_driver(name: str = "rtp") -> SpeakerDriver:
    found = entry_points(group=ENTRY_POINT_GROUP, name=name)
    if not found:
        known = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
        raise LookupError(f"no speaker driver {name!r}; installed: {', '.join(known) or 'none'}")
    driver: SpeakerDriver = next(iter(found)).load()()
    return driver


def play(
    call: Call,
    pcm: Pcm,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Feed a recording to `call` at real time, one 20 ms frame per tick on an absolute schedule (no
    drift), so a speaker's small jitter buffer never overflows; `stop` ends it early (someone took the
    speakers over)."""
    start = clock()
    for index, offset in enumerate(range(0, len(pcm), FRAME_SAMPLES)):
        if stop():
            return
        delay = start + index * FRAME_SECONDS - clock()
        if delay > 0:
            sleep(delay)
        call.send(pcm[offset : offset + FRAME_SAMPLES])
