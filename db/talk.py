"""Who may talk through which loudspeaker, and the record of everything said.

The arbiter lives in the shared store so two workstations cannot talk over each other: a speaker has at
most one holder; a person of a higher role takes it over (the loser learns who), an equal or lower one is
refused with the holder's name. Locks expire unless renewed, so a crashed client frees its speakers.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridwatch.db.errors import InvalidInput, NotFound, StoreError
from gridwatch.db.models import Device, Person, SpeakerLock, TalkRecord
from gridwatch.db.store import Store, utcnow

ROLE_RANK = {
    "admin": 100,
    "shift_leader": 80,
    "dispatcher": 60,
    "supervisor": 50,
    "acceptor": 40,
    "handler": 20,
    "grid_worker": 20,
    "system": 10,
}
log = logging.getLogger(__name__)
LOCK_TTL = timedelta(seconds=15)
RENEW_SECONDS = 2.0  # a talker renews this often: a take-over stops it within ~2 s, well inside LOCK_TTL
CODECS = ("pcmu", "pcma")
DEFAULT_CODEC = "pcmu"


class SpeakerBusy(StoreError):
    """Another person of an equal or higher role is talking through the speaker."""

    def __init__(self, speaker: str, holder: str, since: datetime) -> None:
        self.speaker, self.holder, self.since = speaker, holder, since
        super().__init__(
            f"Loudspeaker {speaker} is in use by {holder} since {since.astimezone():%H:%M:%S}. "
            "Wait until they finish, or ask a shift leader to take over."
        )


@dataclass(frozen=True)
class Speaker:
    """What a caller needs to reach a loudspeaker: where it listens and which G.711 law it decodes."""

    code: str
    name: str
    address: str | None  # host:port
    codec: str | None  # pcmu|pcma, from the device's protocol rtp-pcmu|rtp-pcma
    online: bool
    group: str | None


@dataclass(frozen=True)
class Grant:
    """Speakers held by one talk session; `preempted` names who lost a speaker to it."""

    key: str
    speaker_ids: tuple[int, ...]
    addresses: tuple[str, ...]
    protocols: tuple[str | None, ...]
    preempted: tuple[str, ...]
    codes: tuple[str, ...] = ()

    @property
    def codec(self) -> str:
        return call_codec(codec_of(p) for p in self.protocols)

    @property
    def targets(self) -> dict[str, Any]:
        """The record's `targets`: which speakers heard the call, and where they were reached."""
        return {"speakers": list(self.codes), "addresses": list(self.addresses)}


@dataclass(frozen=True)
class Takeover:
    """Who holds a speaker a talk session lost."""

    person_id: int | None
    name: str


def codec_of(protocol: str | None) -> str | None:
    codec = (protocol or "").removeprefix("rtp-")
    return codec if codec in CODECS else None


def call_codec(codecs: Iterable[str | None]) -> str:
    """One call carries one stream: the speakers' common law when they agree, else µ-law (the default
    every G.711 device decodes)."""
    declared = {c for c in codecs if c}
    return declared.pop() if len(declared) == 1 else DEFAULT_CODEC


def speakers(store: Store, codes: Sequence[str] = (), group: str | None = None) -> list[Speaker]:
    """Loudspeakers by code (in the order given), plus every one of a priority group (by code); neither
    means every loudspeaker. An unknown code or an empty group is a NotFound naming it."""
    with store.session() as session:
        return [_speaker(d) for d in _speakers(session, codes, group, every=True)]


def rank_of(person: Person) -> int:
    return max((ROLE_RANK.get(r, 0) for r in person.role_names), default=0)


def acquire(
    store: Store,
    username: str,
    speaker_codes: Sequence[str],
    *,
    group: str | None = None,
    now: datetime | None = None,
) -> Grant:
    """Take every speaker of a call at once, or none (a group call is one call); `group` adds every
    speaker of that priority group.

    Two desks taking a free speaker at the same moment both see no lock; the database lets one insert
    it (the speaker is the key) and the other, on its second look, is told who holds it (SpeakerBusy).
    """
    for attempt in range(RACE_ATTEMPTS):
        try:
            return _acquire(store, username, speaker_codes, group, now or utcnow())
        except (IntegrityError, StoreError) as exc:
            if isinstance(exc, SpeakerBusy | NotFound) or attempt + 1 == RACE_ATTEMPTS or not _lost_race(exc):
                raise
    raise AssertionError("unreachable")


RACE_ATTEMPTS = 3


def _lost_race(exc: Exception) -> bool:
    """Another desk wrote the same speaker's lock between our look and our write: PostgreSQL's unique
    key, or SQLite's stale snapshot ("database is locked") when both had read before either wrote."""
    if isinstance(exc, IntegrityError):
        return True
    return "database is locked" in str(exc)


def _acquire(
    store: Store, username: str, speaker_codes: Sequence[str], group: str | None, now: datetime
) -> Grant:
    key = uuid.uuid4().hex
    with store.session() as session:
        person = store.person(session, username)
        rank = rank_of(person)
        speakers = _speakers(session, speaker_codes, group, every=False)
        ids = [s.id for s in speakers]
        held = {
            lock.speaker_id: lock
            for lock in session.scalars(
                select(SpeakerLock).where(SpeakerLock.speaker_id.in_(ids)).with_for_update()
            )
        }
        preempted: list[str] = []
        for speaker in speakers:
            lock = held.get(speaker.id)
            if lock is None or lock.expires_at <= now or lock.person_id == person.id:
                continue
            holder = session.get(Person, lock.person_id)
            holder_name = holder.name if holder else "another user"
            if lock.rank >= rank:
                raise SpeakerBusy(speaker.name, holder_name, lock.acquired_at)
            preempted.append(holder_name)
        # only the locks looked at go: one another desk wrote since then makes our INSERT fail, not vanish
        seen = [lock.session_key for lock in held.values()]
        session.execute(delete(SpeakerLock).where(SpeakerLock.session_key.in_(seen)))
        for speaker in speakers:
            session.add(
                SpeakerLock(
                    speaker_id=speaker.id,
                    person_id=person.id,
                    rank=rank,
                    session_key=key,
                    acquired_at=now,
                    expires_at=now + LOCK_TTL,
                )
            )
        return Grant(
            key,
            tuple(ids),
            tuple(s.address or "" for s in speakers),
            tuple(s.protocol for s in speakers),
            tuple(sorted(set(preempted))),
            tuple(s.code for s in speakers),
        )


def still_held(store: Store, grant: Grant, *, renew: bool = True) -> bool:
    """True while no one has taken the speakers over; renews the locks' expiry."""
    return lost_to(store, grant, renew=renew) is None


def lost_to(store: Store, grant: Grant, *, renew: bool = True) -> Takeover | None:
    """None while the session holds all its speakers (and renews their expiry); else who took one over,
    so the loser's screen can name them."""
    now = utcnow()
    with store.session() as session:
        locks = session.scalars(
            select(SpeakerLock).where(SpeakerLock.speaker_id.in_(grant.speaker_ids))
        ).all()
        if len(locks) == len(grant.speaker_ids) and all(lock.session_key == grant.key for lock in locks):
            if renew:
                for lock in locks:
                    lock.expires_at = now + LOCK_TTL
            return None
        other = next((lock for lock in locks if lock.session_key != grant.key), None)
        holder = session.get(Person, other.person_id) if other else None
        # No other lock: the taker has finished already; who it was is no longer known here.
        return Takeover(holder.id, holder.name) if holder else Takeover(None, "another user")


class Renewal(threading.Thread):
    """Keeps a grant's locks alive while the talk goes on, in a thread of its own so neither a GUI nor
    real-time audio waits on the database; stops at the first take-over, naming the taker in `lost` and
    calling `on_lost(taker)` from this thread."""

    def __init__(
        self,
        store: Store,
        grant: Grant,
        *,
        every: float = RENEW_SECONDS,
        on_lost: Callable[[Takeover], None] = lambda taker: None,
    ) -> None:
        super().__init__(name=f"talk-renewal-{grant.key[:8]}", daemon=True)
        self.store, self.grant, self.every, self.on_lost = store, grant, every, on_lost
        self.lost: Takeover | None = None
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            try:
                taker = lost_to(self.store, self.grant)
            except Exception:  # a blip in the connection: the lock outlives a few missed renewals
                log.warning("could not renew the talk lock %s; retrying", self.grant.key, exc_info=True)
                continue
            if (
                taker is not None and not self._done.is_set()
            ):  # after a stop, missing locks are our own release
                self.lost = taker
                self.on_lost(taker)
                return

    def stop(self, *, wait: bool = True) -> None:
        """Ends the renewals; `wait=False` for a GUI thread, which must not wait out a round trip."""
        self._done.set()
        if wait and self.is_alive() and threading.current_thread() is not self:
            self.join()


def release(store: Store, grant: Grant) -> None:
    with store.session() as session:
        session.execute(delete(SpeakerLock).where(SpeakerLock.session_key == grant.key))


def record(
    store: Store,
    username: str | None,
    *,
    started_at: datetime,
    ended_at: datetime,
    targets: dict[str, Any],
    codec: str,
    kind: str,
    audio: bytes | None,
    text: str | None = None,
    case_id: int | None = None,
    preempted_by: int | None = None,
) -> int:
    """Keep what was sent: every outgoing audio is on the record with who, when and where;
    `preempted_by` is the person id of whoever cut the talk short."""
    with store.session() as session:
        person_id = store.person(session, username).id if username else None
        row = TalkRecord(
            person_id=person_id,
            started_at=started_at,
            ended_at=ended_at,
            targets=targets,
            codec=codec,
            kind=kind,
            text=text,
            case_id=case_id,
            audio=audio,
            preempted_by_id=preempted_by,
        )
        session.add(row)
        session.flush()
        return row.id


def _speakers(session: Session, codes: Sequence[str], group: str | None, *, every: bool) -> list[Device]:
    """The loudspeakers named by code and group, each once, codes first; with neither, every loudspeaker
    (`every`) or an error."""
    loudspeakers = select(Device).where(Device.kind == "loudspeaker")
    if not codes and group is None:
        if not every:
            raise InvalidInput("Choose a loudspeaker or a speaker group to talk to.")
        return list(session.scalars(loudspeakers.order_by(Device.code)))
    found = {d.code: d for d in session.scalars(loudspeakers.where(Device.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(f"No loudspeaker with code {', '.join(missing)}.")
    chosen = {c: found[c] for c in codes}
    if group is not None:
        members = session.scalars(loudspeakers.where(Device.priority_group == group).order_by(Device.code))
        chosen.update((d.code, d) for d in members if d.code not in chosen)
        if not any(d.priority_group == group for d in chosen.values()):
            raise NotFound(f"No loudspeaker in the speaker group {group!r}.")
    return list(chosen.values())


def _speaker(device: Device) -> Speaker:
    return Speaker(
        device.code,
        device.name,
        device.address,
        codec_of(device.protocol),
        device.online,
        device.priority_group,
    )
