"""The change feed: every committed change to a watched table, as (table, id, version).

PostgreSQL announces changes itself (the migration's triggers `NOTIFY gridwatch` with ids only, whoever
wrote). SQLite has no notifications, so the feed polls `PRAGMA data_version`, which moves when another
connection commits, then reads what changed. Both keep an `updated_at` cursor: after a lost connection the
feed listens again and reconciles everything changed since the cursor, so no change is missed; a change
seen twice is reported once per version. A store error (a lost server, a refused statement, an unreadable
file) never ends the feed: it backs off, connects again and reconciles, and says meanwhile why it is not
live (`problem`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import psycopg
from sqlalchemy import Column, Engine, Table, select
from sqlalchemy.exc import DBAPIError

from gridwatch.db.engine import StoreUnavailable, first_line
from gridwatch.db.errors import StoreError
from gridwatch.db.models import Base
from gridwatch.db.store import Store, utcnow

log = logging.getLogger(__name__)

CHANNEL = "gridwatch"
WATCHED = {
    # table: (the id a change is announced under, the column that moves with every change of the row);
    # the NOTIFY triggers name the same columns (migration 0007)
    "cases": ("id", "version"),
    "devices": ("id", "version"),
    "wall_states": ("id", "version"),
    "people": ("id", "updated_at"),
    "org_units": ("id", "updated_at"),
    "departments": ("id", "updated_at"),
    "positions": ("person_id", "id"),  # one row per GPS fix: a new fix is a new row of the same person
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STORE_ERRORS = (StoreUnavailable, StoreError, DBAPIError, psycopg.Error, sqlite3.Error, OSError)
"""What a store can raise at the feed: a lost server, a refused statement, an unreadable file."""
OVERLAP = timedelta(seconds=5)
"""Reconciliation re-reads this much before the cursor: writers' clocks and commit order differ a little."""


@dataclass(frozen=True)
class Change:
    """One changed row. `id` None means "many rows changed: reload the table" (a bulk import).

    `version` is the row's version column, or for a table without one what moves with every change (the
    fix's row id for positions, `updated_at` in microseconds for the others): a change is reported once
    per (table, id, version), so it must differ between two changes of one row.
    """

    table: str
    id: int | None
    version: int


class _Source(Protocol):
    def wait(self, timeout: float) -> list[Change] | None: ...
    def close(self) -> None: ...


class ChangeFeed:
    """Iterate changes committed by anyone; `poll(timeout)` returns what arrived, possibly nothing."""

    def __init__(self, store: Store, *, poll_interval: float = 0.05, max_backoff: float = 5.0) -> None:
        self.store = store
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.cursor: datetime = utcnow()
        self._seen: OrderedDict[Change, None] = OrderedDict()
        self._source: _Source | None = None
        self._backoff = 0.1
        self._retry_at = 0.0  # time.monotonic() of the next attempt to connect after a failure
        self.reconnects = 0
        self.problem: str | None = None
        """Why the feed is not live (the store error's first line), None while it is."""

    def poll(self, timeout: float = 1.0) -> list[Change]:
        """What arrived within `timeout`. After a store error it returns at once, with `problem` set; the
        next calls connect again (after a pause growing to `max_backoff`) and reconcile what was missed."""
        deadline = time.monotonic() + timeout
        if self._source is None and self._retry_at > time.monotonic():  # backing off after a failure
            time.sleep(max(0.0, min(self._retry_at, deadline) - time.monotonic()))
            if time.monotonic() < self._retry_at:
                return []
        try:
            if self._source is None:
                self._source = self._connect()
                fresh = self._reconcile()
                self._backoff = 0.1
                if self.problem is not None:
                    log.info("change feed is live again")
                self.problem = None
                if fresh:
                    return fresh
            started = utcnow()
            changes = self._source.wait(max(0.0, deadline - time.monotonic()))
            self.cursor = max(self.cursor, started)
            # None on SQLite: something committed; read what
            return self._reconcile() if changes is None else self._fresh(changes)
        except STORE_ERRORS as exc:
            self._failed(exc)
            return []

    def _failed(self, exc: BaseException) -> None:
        """Drop the connection and try again after a growing pause; the cursor stays where it was."""
        if self.problem is None:
            log.warning("change feed lost the store (%s); trying again", first_line(exc))
        self.problem = first_line(exc)
        self._drop()  # pooled connections the server closed with it are replaced at checkout (engine.py)
        self._retry_at = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, self.max_backoff)

    def __iter__(self) -> Iterator[Change]:
        while True:
            yield from self.poll(1.0)

    def close(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._source is not None:
            with contextlib.suppress(Exception):  # a dead connection may fail to close; it is gone anyway
                self._source.close()
            self._source = None
            self.reconnects += 1

    def _connect(self) -> _Source:
        if self.store.is_postgres:
            return _PgSource(self.store.engine)
        return _SqliteSource(self.store.engine, self.poll_interval)

    def _fresh(self, changes: list[Change]) -> list[Change]:
        out = []
        for change in changes:
            if change.id is not None and change in self._seen:
                continue
            self._seen[change] = None
            out.append(change)
        while len(self._seen) > 50_000:
            self._seen.popitem(last=False)
        return out

    def _reconcile(self) -> list[Change]:
        """Everything changed since the cursor (minus the overlap), then move the cursor to now."""
        since = self.cursor - OVERLAP
        now = utcnow()
        found: list[Change] = []
        with self.store.session() as session:
            for name, (key, version) in WATCHED.items():
                table: Table = Base.metadata.tables[name]
                stamp: Column[Any] = table.c.at if name == "positions" else table.c.updated_at
                for row in session.execute(select(table.c[key], table.c[version]).where(stamp >= since)):
                    found.append(Change(name, int(row[0]), version_number(row[1])))
        self.cursor = now
        return self._fresh(found)


def version_number(value: int | datetime) -> int:
    """A version column as is; a timestamp as microseconds since the epoch, as the NOTIFY trigger sends it."""
    if isinstance(value, datetime):
        return (value - EPOCH) // timedelta(microseconds=1)
    return int(value)


class _PgSource:
    """A LISTEN connection of its own, for NOTIFY payloads of this store's schema only.

    Notification channels are per database, and several stores (schemas) may share one database.
    """

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()  # same address, credentials and search_path as the store
        conn = self.raw.driver_connection
        assert isinstance(conn, psycopg.Connection)
        self.conn: psycopg.Connection[Any] = conn
        self.conn.rollback()
        self.conn.autocommit = True
        row = self.conn.execute("SELECT current_schema()").fetchone()
        self.schema = row[0] if row else "public"
        self.backend_pid = self.conn.info.backend_pid
        self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> list[Change]:
        changes: list[Change] = []
        for notify in self.conn.notifies(timeout=timeout, stop_after=1):
            self._take(notify.payload, changes)
        for notify in self.conn.notifies(timeout=0.0):  # drain what already arrived, without waiting
            self._take(notify.payload, changes)
        return changes

    def _take(self, payload: str, into: list[Change]) -> None:
        data = json.loads(payload)
        if data.get("schema", self.schema) != self.schema:
            return
        into.append(
            Change(
                str(data["table"]),
                None if data.get("id") is None else int(data["id"]),
                int(data.get("version") or 0),
            )
        )

    def close(self) -> None:
        self.raw.invalidate()  # closing the connection ends the LISTEN


class _SqliteSource:
    """Polls `PRAGMA data_version` on a connection of its own; returns None when another commit happened."""

    def __init__(self, engine: Engine, interval: float) -> None:
        self.conn = engine.raw_connection()
        self.interval = interval
        self.version = self._version()

    def _version(self) -> int:
        cursor = self.conn.cursor()
        cursor.execute("PRAGMA data_version")
        row = cursor.fetchone()
        value = int(row[0]) if row else 0
        cursor.close()
        return value

    def wait(self, timeout: float) -> list[Change] | None:
        end = time.monotonic() + timeout
        while True:
            current = self._version()
            if current != self.version:
                self.version = current
                return None
            if time.monotonic() >= end:
                return []
            time.sleep(min(self.interval, max(0.0, end - time.monotonic())))

    def close(self) -> None:
        self.conn.close()
