"""Who may talk through which loudspeaker, and the record of everything said.

The arbiter lives in the shared store so two workstations cannot talk over each other: a speaker has at
most one holder; a person of a higher role takes it over (the loser learns who), an equal or lower one is
refused with the holder's name. Locks expire unless renewed, so a crashed client frees its speakers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gridwatch.db.errors import NotFound, StoreError
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
LOCK_TTL = timedelta(seconds=15)


class SpeakerBusy(StoreError):
    """Another person of an equal or higher role is talking through the speaker."""

    def __init__(self, speaker: str, holder: str, since: datetime) -> None:
        self.speaker, self.holder, self.since = speaker, holder, since
        super().__init__(
            f"Loudspeaker {speaker} is in use by {holder} since {since.astimezone():%H:%M:%S}. "
            "Wait until they finish, or ask a shift leader to take over."
        )


@dataclass(frozen=True)
class Grant:
    """Speakers held by one talk session; `preempted` names who lost a speaker to it."""

    key: str
    speaker_ids: tuple[int, ...]
    addresses: tuple[str, ...]
    protocols: tuple[str | None, ...]
    preempted: tuple[str, ...]


def rank_of(person: Person) -> int:
    return max((ROLE_RANK.get(r, 0) for r in person.role_names), default=0)


def acquire(
    store: Store, username: str, speaker_codes: Sequence[str], *, now: datetime | None = None
) -> Grant:
    """Take every speaker of a call at once, or none (a group call is one call)."""
    now = now or utcnow()
    key = uuid.uuid4().hex
    with store.session() as session:
        person = store.person(session, username)
        rank = rank_of(person)
        speakers = _speakers(session, speaker_codes)
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
        session.execute(delete(SpeakerLock).where(SpeakerLock.speaker_id.in_(ids)))
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
        )


def still_held(store: Store, grant: Grant, *, renew: bool = True) -> bool:
    """True while no one has taken the speakers over; renews the locks' expiry."""
    now = utcnow()
    with store.session() as session:
        locks = session.scalars(select(SpeakerLock).where(SpeakerLock.session_key == grant.key)).all()
        if len(locks) != len(grant.speaker_ids):
            return False
        if renew:
            for lock in locks:
                lock.expires_at = now + LOCK_TTL
        return True


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
) -> int:
    """Keep what was sent: every outgoing audio is on the record with who, when and where."""
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
        )
        session.add(row)
        session.flush()
        return row.id


def _speakers(session: Session, codes: Sequence[str]) -> list[Device]:
    found = {
        d.code: d
        for d in session.scalars(select(Device).where(Device.code.in_(codes), Device.kind == "loudspeaker"))
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(f"No loudspeaker with code {', '.join(missing)}.")
    return [found[c] for c in codes]
