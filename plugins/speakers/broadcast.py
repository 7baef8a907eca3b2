"""One broadcast to store-known loudspeakers: the arbiter, the real-time call and the record, in order.

`gridwatch talk` and the dispatcher's loudspeaker panel both play recorded or spoken warnings this way:
acquire the speakers (one talker per speaker; a higher role takes over), keep them while playing (stop at
once if someone takes them over), release what is still ours, and keep the record of what was sent.
Blocking and Qt-free: a window runs it off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridwatch.db import talk as arbiter
from gridwatch.db.store import Store, utcnow
from gridwatch.plugins.speakers.driver import load_driver, play
from gridwatch.plugins.speakers.g711 import Pcm


@dataclass(frozen=True)
class Broadcast:
    record_id: int
    seconds: float  # of audio actually sent
    addresses: tuple[str, ...]
    codec: str
    preempted: tuple[str, ...]  # whom this broadcast took the speakers from
    taken_over_by: str | None  # who cut it short, if anyone
    problems: tuple[str, ...]  # speakers that did not take the call


def broadcast(
    store: Store,
    username: str,
    pcm: Pcm,
    *,
    kind: str,
    codes: Sequence[str] = (),
    group: str | None = None,
    text: str | None = None,
    codec: str | None = None,
    also_to: Sequence[str] = (),
    driver: str = "rtp",
) -> Broadcast:
    """Play `pcm` (8 kHz) on the speakers at real time. Raises SpeakerBusy (an equal or higher role is
    talking; nothing is sent), NotFound (an unknown speaker or group), or the driver's ValueError/OSError."""
    grant = arbiter.acquire(store, username, codes, group=group)
    chosen = (codec or grant.codec).lower()
    addresses = (*grant.addresses, *also_to)
    try:
        call = load_driver(driver).open_call(addresses, chosen)
    except BaseException:
        arbiter.release(store, grant)
        raise
    renewal = arbiter.Renewal(store, grant)
    started_at = utcnow()
    try:
        renewal.start()
        play(call, pcm, stop=lambda: renewal.lost is not None)
    finally:
        call.close()
        renewal.stop()
        arbiter.release(store, grant)  # what is still ours: a take-over may have left us some speakers
        record_id = arbiter.record(
            store,
            username,
            started_at=started_at,
            ended_at=utcnow(),
            targets={"speakers": list(grant.codes), "addresses": list(addresses)},
            codec=chosen,
            kind=kind,
            text=text,
            audio=bytes(call.audio),
            preempted_by=renewal.lost.person_id if renewal.lost else None,
        )
    return Broadcast(
        record_id,
        len(call.audio) / 8000,
        addresses,
        chosen,
        grant.preempted,
        renewal.lost.name if renewal.lost else None,
        tuple(call.problems),
    )
