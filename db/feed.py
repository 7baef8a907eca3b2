"""The change feed: every committed change to a watched table, as (table, id, version).

PostgreSQL announces changes itself (the migration's triggers `NOTIFY gridwatch` with ids only, whoever
wrote). SQLite has no notifications, so the feed polls `PRAGMA data_version`, which moves when another
connection commits, then reads what changed. Both keep an `updated_at` cursor: after a lost connection the
feed listens again and reconciles everything changed since the cursor, so no change is missed; a change
seen twice is reported once per version.
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
from datetime import datetime, timedelta
from typing import Any, Protocol

import psycopg
from sqlalchemy import Column, Engine, Table, select

from gridwatch.db.models import Base
from gridwatch.db.store import Store, utcnow

log = logging.getLogger(__name__)

CHANNEL = "gridwatch"
WATCHED = {
    "cases": "id",
    "devices": "id",
    "people": "id",
    "org_units": "id",
    "departments": "id",
    "positions": "person_id",
    "wall_states": "id",
}
OVERLAP = timedelta(seconds=5)
"""Reconciliation re-reads this much before the cursor: writers' clocks and commit order differ a little."""


@dataclass(frozen=True)
class Change:
    """One changed row. `id` None means "many rows changed: reload the table" (a bulk import)."""

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
        self.reconnects = 0

    def poll(self, timeout: float = 1.0) -> list[Change]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._source is None:
                    self._source = self._connect()
                    fresh = self._reconcile()
                    self._backoff = 0.1
                    if fresh:
                        return fresh
                started = utcnow()
                changes = self._source.wait(max(0.0, deadline - time.monotonic()))
                self.cursor = max(self.cursor, started)
            except (psycopg.OperationalError, sqlite3.OperationalError, OSError) as exc:
                log.warning("change feed lost its connection (%s); listening again", exc)
                self._drop()
                time.sleep(min(self._backoff, max(0.0, deadline - time.monotonic())))
                self._backoff = min(self._backoff * 2, self.max_backoff)
                if time.monotonic() >= deadline:
                    return []
                continue
            if changes is None:  # SQLite: something committed; read what
                return self._reconcile()
            return self._fresh(changes)

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
            for name, key in WATCHED.items():
                table: Table = Base.metadata.tables[name]
                stamp: Column[Any] = table.c.at if name == "positions" else table.c.updated_at
                version = table.c.version if "version" in table.c else None
                columns = [table.c[key]] + ([version] if version is not None else [])
                for row in session.execute(select(*columns).where(stamp >= since)):
                    found.append(Change(name, int(row[0]), int(row[1]) if version is not None else 0))
        self.cursor = now
        return self._fresh(found)


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
