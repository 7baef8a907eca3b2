"""What a pane tells the operator about its stream, and how long it waits before trying again."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StreamState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    STALLED = "stalled"  # connected, but no new frame for a while
    RECONNECTING = "reconnecting"  # the stream broke after being live; retrying with back-off
    LOST = "lost"  # never opened (wrong URL, camera off): the message says why


STALL_AFTER_S = 1.5  # no frame for this long: stalled
RECONNECT_AFTER_S = 5.0  # stalled this long: drop the connection and reconnect
OPEN_ATTEMPTS = 3  # a stream that never opened is lost after this many tries


@dataclass
class BackOff:
    """Delays between reconnection attempts: doubling from `first` up to `longest`, reset once live."""

    first: float = 0.5
    longest: float = 10.0
    attempts: int = 0

    def next_delay(self) -> float:
        delay = min(self.longest, self.first * 2.0**self.attempts)
        self.attempts += 1
        return delay

    def reset(self) -> None:
        self.attempts = 0
