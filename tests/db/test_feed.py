"""The change feed sees every committed change, from any writer, and misses none across a lost connection."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from gridwatch.db.feed import Change, ChangeFeed
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.store import Store


def report(store: Store) -> str:
    return store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47
    ).case_no


def collect(feed: ChangeFeed, want: int, seconds: float = 2.0) -> list[Change]:
    got: list[Change] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and len(got) < want:
        got += [c for c in feed.poll(0.2) if c.table == "cases"]
    return got


def test_another_writer_is_seen(store: Store, staff: dict[str, str]) -> None:
    """Another writer's change reaches a listening feed once, with its version (how fast: bench/feed.py)."""
    feed = ChangeFeed(store)
    feed.poll(0.05)  # connected and listening
    other = Store(engine=store.engine) if store.is_postgres else Store(store.url)
    no = report(other)
    got = collect(feed, 1, seconds=30)
    with store.session() as s:
        case_id = store.case(s, no).id
    assert got == [Change("cases", case_id, 1)]
    other.act(no, "register", actor="leader", inp=ActionInput())
    assert collect(feed, 1) == [Change("cases", case_id, 2)]
    feed.close()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_changes_during_a_lost_connection_are_reconciled(store: Store, staff: dict[str, str]) -> None:
    feed = ChangeFeed(store)
    feed.poll(0.05)
    assert feed._source is not None
    pid = feed._source.backend_pid  # type: ignore[attr-defined]
    with store.engine.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    missed = report(store)  # committed while the feed is disconnected
    got = collect(feed, 1, seconds=5)
    with store.session() as s:
        assert Change("cases", store.case(s, missed).id, 1) in got
    assert feed.reconnects >= 1
    feed.close()
