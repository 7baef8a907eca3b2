"""A PostgreSQL connection that gives up on a server gone without a word (docs/ARCHITECTURE.md).

Packets cannot be dropped on this machine's loopback (no netem, no firewall), so the test reads what the
kernel was told for the store's own socket: a statement unacknowledged for 20 s fails, an idle connection
is probed after 30 s, every 10 s, 3 times. Without them Linux retransmits for about 15 minutes.
"""

from __future__ import annotations

import os
import socket

import pytest

from gridwatch.db.store import Store
from tests.conftest import PG_URL


@pytest.mark.postgres
def test_the_stores_socket_gives_up_on_a_dead_link() -> None:
    store = Store(PG_URL)
    try:
        with store.engine.connect() as conn:
            fd = conn.connection.dbapi_connection.fileno()  # type: ignore[union-attr]
            with socket.socket(fileno=os.dup(fd)) as sock:  # a second descriptor: closing it ends nothing
                told = {
                    "keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                    "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                    "interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                    "count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
                    "unacknowledged_ms": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
                }
            conn.exec_driver_sql("SELECT 1")  # the store's connection still works
    finally:
        store.dispose()
    assert told == {"keepalive": 1, "idle": 30, "interval": 10, "count": 3, "unacknowledged_ms": 20_000}
