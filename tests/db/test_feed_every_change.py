"""Every change of a row reaches the feed, also of tables without a version column (positions, people):
the second and third GPS fix of one worker arrive, and a change already reported is not reported again
when the feed reconciles after a lost connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from gridwatch.db.feed import Change, ChangeFeed
from gridwatch.db.models import Person, Position
from gridwatch.db.store import Store
from tests.conftest import pg_engine


@pytest.fixture
def writer(store: Store, request: pytest.FixtureRequest) -> Iterator[Store]:
    """Another client of the same store: the GPS intake, the people import."""
    if store.is_postgres:
        other = Store(engine=pg_engine(request.getfixturevalue("pg_schema")))
    else:
        other = Store(store.url)
    yield other
    other.dispose()


def collect(feed: ChangeFeed, table: str, want: int, seconds: float = 3.0) -> list[Change]:
    got: list[Change] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and len(got) < want:
        got += [c for c in feed.poll(0.2) if c.table == table]
    return got


def person_id(store: Store, username: str) -> int:
    with store.session() as session:
        found = session.scalar(select(Person.id).where(Person.username == username))
    assert found is not None
    return found


def fix(store: Store, person: int, at: datetime, lon: float) -> int:
    """One GPS fix, committed on its own as the intake does; its row id."""
    with store.session() as session:
        row = Position(person_id=person, at=at, lon=lon, lat=24.47)
        session.add(row)
        session.flush()
        return row.id


def test_each_gps_fix_of_one_worker_arrives(store: Store, writer: Store, staff: dict[str, str]) -> None:
    worker = person_id(store, "worker")
    feed = ChangeFeed(store)
    feed.poll(0.05)  # connected and listening
    start = datetime.now(UTC)
    ids = []
    for n in range(3):
        ids.append(fix(writer, worker, start + timedelta(seconds=n), 118.09 + n / 1000))
        assert collect(feed, "positions", 1) == [Change("positions", worker, ids[-1])], f"fix {n + 1}"
    assert len(set(ids)) == 3
    feed.close()  # listen again: the reconciliation finds the same three fixes, already reported
    assert collect(feed, "positions", 1, seconds=1.0) == []
    feed.close()


def test_each_change_of_a_person_arrives_once(store: Store, writer: Store, staff: dict[str, str]) -> None:
    worker = person_id(store, "worker")
    feed = ChangeFeed(store)
    feed.poll(0.05)
    stamps = []
    for on_duty in (True, False, True):
        stamp = datetime.now(UTC)
        with writer.session() as session:
            change = update(Person).where(Person.id == worker).values(on_duty=on_duty, updated_at=stamp)
            session.execute(change)
        micros = (stamp - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        assert collect(feed, "people", 1) == [Change("people", worker, micros)]
        stamps.append(micros)
        time.sleep(0.002)
    assert len(set(stamps)) == 3
    feed.close()
    assert collect(feed, "people", 1, seconds=1.0) == []  # the trigger's stamp is the reconciliation's
    feed.close()
