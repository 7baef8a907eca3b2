"""Bulk writes and the change feed: one "reload" notice instead of one NOTIFY per row.

The PostgreSQL triggers send a NOTIFY per changed row unless `gridwatch.quiet` is on for the transaction;
an import of 100,000 cases would otherwise flood every listening desktop. Listeners read a notice with
`id: null` as "reload this table".
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def quiet_feed(session: Session) -> None:
    """Silence the per-row change feed until the end of this transaction (PostgreSQL only)."""
    if is_postgres(session):
        session.execute(text("SET LOCAL gridwatch.quiet = 'on'"))


def announce_reload(session: Session, *tables: str) -> None:
    """Tell listeners, once per table, that many rows changed: delivered at commit, dropped on rollback."""
    if is_postgres(session):
        for table in tables:
            payload = json.dumps({"table": table, "id": None, "version": 0})
            session.execute(text("SELECT pg_notify('gridwatch', :payload)"), {"payload": payload})
