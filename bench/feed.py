"""Change feed latency: from a writer's commit to a subscriber holding the change.

Run by hand:  python bench/feed.py [--changes 500] [--sqlite-changes 100]

Target (issue): median commit-to-subscriber latency on PostgreSQL ≤ 5 ms (raw NOTIFY here: ~0.2 ms).

A subscriber thread polls; a writer makes one change at a time, stamps `time.perf_counter()` (a
system-wide monotonic clock) just before the DBAPI commit, and waits until the subscriber has that change
before the next. Measured so:
1. raw psycopg LISTEN/NOTIFY (a `pg_notify` committed by a writer thread), the floor;
2. `ChangeFeed` on PostgreSQL, the writer another process taking `store.act` (request/refuse extension on
   one case): another dispatcher's change reaching this desktop — the figure the target is about;
3. the same with the writer a thread of the subscriber's process: it then waits for the writer's
   post-commit Python work to release the GIL;
4. `ChangeFeed` on PostgreSQL, the writer a thread doing a raw versioned UPDATE: the feed's own cost;
5. `ChangeFeed` on SQLite, writer process (it polls `PRAGMA data_version` every 50 ms by default).
Prints median and p95 of each and the ratios to the raw floor.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import threading
import time
from collections.abc import Callable, Hashable
from multiprocessing.connection import Connection
from typing import Any

import psycopg
from scratch_store import DEPARTMENT, median, percentile, pg_dsn, pg_schema, pg_url, sqlite_store, verdict
from sqlalchemy import event

from gridwatch.db.feed import ChangeFeed
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case
from gridwatch.db.store import Store

SCHEMA = "bench_feed"
TARGET_MS = 5.0
ACTOR = "admin"
CHANNEL = "bench_feed_raw"
WAIT_S = 5.0


class Arrivals:
    """When each key reached the subscriber, and a way for the writer to wait for one."""

    def __init__(self) -> None:
        self._times: dict[Hashable, float] = {}
        self._cond = threading.Condition()

    def arrived(self, keys: list[Hashable]) -> None:
        now = time.perf_counter()
        with self._cond:
            for key in keys:
                self._times.setdefault(key, now)
            self._cond.notify_all()

    def wait_for(self, key: Hashable) -> float:
        with self._cond:
            if not self._cond.wait_for(lambda: key in self._times, timeout=WAIT_S):
                raise TimeoutError(f"change {key} never reached the subscriber")
            return self._times[key]


def measure(
    receive: Callable[[], list[Hashable]], write: Callable[[int], tuple[Hashable, float]], count: int
) -> list[float]:
    """Milliseconds from commit to arrival for `count` changes, one at a time."""
    arrivals = Arrivals()
    stop = threading.Event()

    def subscriber() -> None:
        while not stop.is_set():
            arrivals.arrived(receive())

    thread = threading.Thread(target=subscriber, daemon=True)
    thread.start()
    try:
        latencies = []
        for i in range(count):
            key, committed = write(i)
            latencies.append((arrivals.wait_for(key) - committed) * 1000)
            time.sleep(0.002)  # a change now and then, not a queue
        return latencies
    finally:
        stop.set()
        thread.join()


def raw_notify(schema: str, count: int) -> list[float]:
    with (
        psycopg.connect(pg_dsn(schema), autocommit=True) as listener,
        psycopg.connect(pg_dsn(schema)) as writer,
    ):
        listener.execute(f"LISTEN {CHANNEL}")

        def receive() -> list[Hashable]:
            return [n.payload for n in listener.notifies(timeout=0.2, stop_after=1)]

        def write(i: int) -> tuple[Hashable, float]:
            writer.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(i)))
            committed = time.perf_counter()
            writer.commit()
            return str(i), committed

        return measure(receive, write, count)


def case_in_handling(store: Store) -> tuple[str, int]:
    """A case a writer can act on forever (request/refuse extension): its number and id."""
    case = store.report(actor=ACTOR, source="citizen", category_code="06010", lon=118.1, lat=24.47)
    for action, fields in (("register", {}), ("dispatch", {"department": DEPARTMENT}), ("accept", {})):
        case = store.act(case.case_no, action, actor=ACTOR, inp=ActionInput(**fields))
    return case.case_no, case.id


def act_writer(url: str, number: str, pipe: Connection) -> None:
    """Another client's process: take the next action when asked, answer (version, stamp before commit)."""
    store = Store(url)
    stamp: list[float] = [0.0]

    def before_commit(conn: Any) -> None:
        stamp[0] = time.perf_counter()

    event.listen(store.engine, "commit", before_commit)
    while (i := pipe.recv()) is not None:
        pipe.send((act_once(store, number, i).version, stamp[0]))
    store.dispose()


def act_once(store: Store, number: str, i: int) -> Case:
    action, fields = ("refuse_extension", {}) if i % 2 else ("request_extension", {"hours": 2.0})
    return store.act(number, action, actor=ACTOR, inp=ActionInput(reason="bench", **fields))


def change_feed(store: Store, count: int, *, same_process: bool = False) -> list[float]:
    """ChangeFeed latency with the writer taking store.act in its own process (or this one's thread)."""
    number, case_id = case_in_handling(store)
    feed = ChangeFeed(store)
    feed.poll(0.0)  # connected and reconciled before the clock starts

    def receive() -> list[Hashable]:
        return [(c.table, c.id, c.version) for c in feed.poll(0.2)]

    if same_process:
        stamp: list[float] = [0.0]

        def before_commit(conn: Any) -> None:
            stamp[0] = time.perf_counter()

        def write(i: int) -> tuple[Hashable, float]:
            return ("cases", case_id, act_once(store, number, i).version), stamp[0]

        event.listen(store.engine, "commit", before_commit)
        try:
            return measure(receive, write, count)
        finally:
            event.remove(store.engine, "commit", before_commit)
            feed.close()

    context = mp.get_context("spawn")
    ours, theirs = context.Pipe()
    writer = context.Process(target=act_writer, args=(store.url, number, theirs))
    writer.start()

    def write_remote(i: int) -> tuple[Hashable, float]:
        ours.send(i)
        version, committed = ours.recv()
        return ("cases", case_id, version), committed

    try:
        return measure(receive, write_remote, count)
    finally:
        ours.send(None)
        writer.join()
        feed.close()


def change_feed_direct(store: Store, schema: str, count: int) -> list[float]:
    """The same feed, the writer a raw psycopg versioned UPDATE: the feed's cost without the store's."""
    _, case_id = case_in_handling(store)
    feed = ChangeFeed(store)
    feed.poll(0.0)
    with psycopg.connect(pg_dsn(schema)) as writer:

        def receive() -> list[Hashable]:
            return [(c.table, c.id, c.version) for c in feed.poll(0.2)]

        def write(i: int) -> tuple[Hashable, float]:
            row = writer.execute(
                "UPDATE cases SET version = version + 1, updated_at = now() WHERE id = %s RETURNING version",
                (case_id,),
            ).fetchone()
            committed = time.perf_counter()
            writer.commit()
            return ("cases", case_id, row[0] if row else 0), committed

        try:
            return measure(receive, write, count)
        finally:
            feed.close()


def summary(label: str, latencies: list[float], floor: float | None = None) -> float:
    mid = median(latencies)
    ratio = f"  ({mid / floor:5.1f}× raw NOTIFY)" if floor else ""
    print(
        f"  {label:42s} median {mid:7.2f} ms  p95 {percentile(latencies, 0.95):7.2f} ms  "
        f"n={len(latencies)}{ratio}"
    )
    return mid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--sqlite-changes", type=int, default=100)
    args = parser.parse_args()
    print("Commit-to-subscriber latency, one change at a time:")
    with pg_schema(SCHEMA) as schema:
        floor = summary("PostgreSQL raw LISTEN/NOTIFY", raw_notify(schema, args.changes))
        store = Store(pg_url(schema))  # a URL another process can open too
        feed_ms = summary("PostgreSQL ChangeFeed, store.act", change_feed(store, args.changes), floor)
        same = change_feed(store, args.changes, same_process=True)
        summary("PostgreSQL ChangeFeed, store.act in-proc", same, floor)
        summary("PostgreSQL ChangeFeed (raw UPDATE)", change_feed_direct(store, schema, args.changes), floor)
        store.dispose()
    with sqlite_store() as lite:
        summary("SQLite ChangeFeed (poll 50 ms), act", change_feed(lite, args.sqlite_changes), floor)
    print(
        f"  PostgreSQL ChangeFeed (store.act) median {feed_ms:.2f} ms vs target ≤ {TARGET_MS:.0f} ms: "
        f"{verdict(feed_ms <= TARGET_MS)}"
    )


if __name__ == "__main__":
    main()
