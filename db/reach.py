"""Whether a store answers, asked beside its pool; and a store known to be away, shut to one thread.

A network that drops packets (no refusal) makes every new connection wait out its connect timeout
(engine.CONNECT_TIMEOUT_S). A window must not wait on its GUI thread again and again for a store it already
knows is away: `ThreadGate` shuts the store to that one thread (its connects and pool checkouts fail at once,
with the line the failure that found the store away had), while `answers` asks the store from another
thread whether it is back. The desk's `ui.store_reads` uses both; nothing here knows about Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from gridwatch.db.engine import connect_timeout
from gridwatch.db.store import Store

PROBE_NAME = "gridwatch probe"
"""The probe's application_name: an administrator sees in pg_stat_activity which connections only ask."""


def answers(store: Store) -> Callable[[], None]:
    """A check that returns when the store answers and raises when it does not: a connection of its own to
    the store's URL (the URL's connect timeout, named PROBE_NAME) and SELECT 1. Not from the pool, which may
    hold connections a cut network left hanging, and which a `ThreadGate` may shut to the calling thread."""
    engine = store.engine
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams = {**cparams, "connect_timeout": connect_timeout(engine.url), "application_name": PROBE_NAME}

    def check() -> None:
        connection = engine.dialect.connect(*cargs, **cparams)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
        finally:
            connection.close()

    return check


class ThreadGate:
    """While `reason` is set (the store is known away), the thread that made the gate opens no connection to
    the store and takes none from its pool: each fails at once as the driver's error `reason` (the first line
    of the failure that found the store away), so `Store` reports the same message as then (a write's dialog
    comes back with it). Other threads (a change feed, map loaders) reach for the store as before."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine
        self.owner = threading.get_ident()
        self.reason: str | None = None
        self._listening = True
        event.listen(self.engine, "do_connect", self._connect)
        event.listen(self.engine, "checkout", self._checkout)

    def _shut(self) -> bool:
        return self.reason is not None and threading.get_ident() == self.owner

    def _connect(self, dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        if self._shut():
            raise dialect.loaded_dbapi.OperationalError(self.reason)

    def _checkout(self, _dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if self._shut():  # a pooled connection may hang on a cut network: replaced, and `_connect` fails
            raise DisconnectionError("the store is away: no connection for this thread")

    def close(self) -> None:
        """Open for good, and forget the engine's events (the window is gone)."""
        if self._listening:
            self._listening = False
            self.reason = None
            event.remove(self.engine, "do_connect", self._connect)
            event.remove(self.engine, "checkout", self._checkout)
