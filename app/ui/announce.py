"""A spoken warning on loudspeakers: the same path as `gridwatch talk --say`, callable from a window.

Text-to-speech, the talk arbiter (one talker per speaker, a higher role takes over), a real-time RTP
call and the talk record, in one blocking function the talk panel runs off the GUI thread. No Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridwatch.db import talk as arbiter
from gridwatch.db.store import Store, utcnow
from gridwatch.plugins.speakers.driver import load_driver, play
from gridwatch.plugins.speakers.sources import speak


@dataclass(frozen=True)
class Announced:
    record_id: int
    seconds: float
    taken_over_by: str | None  # who cut it short, if anyone
    problems: tuple[str, ...]  # speakers that did not take the call


def announce(
    store: Store, username: str, codes: Sequence[str], text: str, *, driver: str = "rtp"
) -> Announced:
    """Speak `text` on the loudspeakers `codes` at real time; raises AudioSourceError (no espeak-ng, empty
    text), SpeakerBusy (someone of an equal or higher role is talking) or OSError (network)."""
    pcm = speak(text)
    grant = arbiter.acquire(store, username, codes)
    renewal = arbiter.Renewal(store, grant)
    started_at = utcnow()
    try:
        call = load_driver(driver).open_call(grant.addresses, grant.codec)
    except BaseException:
        arbiter.release(store, grant)
        raise
    try:
        renewal.start()
        play(call, pcm, stop=lambda: renewal.lost is not None)
    finally:
        call.close()
        renewal.stop()
        arbiter.release(store, grant)
        record_id = arbiter.record(
            store,
            username,
            started_at=started_at,
            ended_at=utcnow(),
            targets=grant.targets,
            codec=grant.codec,
            kind="tts",
            text=text,
            audio=bytes(call.audio),
            preempted_by=renewal.lost.person_id if renewal.lost else None,
        )
    return Announced(
        record_id,
        len(call.audio) / 8000,
        renewal.lost.name if renewal.lost else None,
        tuple(call.problems),
    )
