"""Bulk writes and the change feed: one "reload" notice instead of one NOTIFY per row.

The PostgreSQL triggers send a NOTIFY per changed row unless `gridwatch.quiet` is on for the transaction;
an import of 100,000 cases would otherwise flood every listening desktop. Listeners read a notice with
`id: null` as "reload this table".
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.orm import Session


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def quiet_feed(session: Session) -> None:
    """Silence the per-row change feed until the end of this transaction (PostgreSQL only).

    The triggers honour it only for a role that may bulk-load: the owner, an admin or system (migration
    0015); anyone else's changes are announced row by row whatever they set (docs/SECURITY.md)."""
    if is_postgres(session):
        session.execute(text("SET LOCAL gridwatch.quiet = 'on'"))


RELOAD = text(
    "SELECT pg_notify('gridwatch', json_build_object("
    "'schema', current_schema(), 'table', CAST(:table AS text), 'id', NULL, 'version', 0)::text)"
)


def announce_reload(session: Session, *tables: str) -> None:
    """Tell listeners, once per table, that many rows changed: delivered at commit, dropped on rollback.

    The notice names the store's schema, as the triggers' do: the channel is the whole database's, and a
    desk of another store sharing it (its feed keeps only its own schema's notices) has nothing to reload."""
    if is_postgres(session):
        for table in tables:
            session.execute(RELOAD, {"table": table})


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence (PostgreSQL), for rows written by COPY."""
    return list(
        session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count},
        )
    )


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one shape: COPY on PostgreSQL (about 10× a multi-row INSERT), executemany else.

    PostgreSQL refuses COPY FROM into a table whose row-level security applies to the caller (cases, their
    events and attachments: docs/SECURITY.md); those take executemany, which psycopg pipelines."""
    if not rows:
        return
    if not is_postgres(session) or session.scalar(text("SELECT row_security_active(:t)"), {"t": table.name}):
        session.connection().execute(insert(table), rows)
        return
    defaults = _scalar_defaults(table, rows[0])
    columns = [*rows[0], *defaults]
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    driver = session.connection().connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{name}"' for name in columns)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for given in rows:
            row = {**given, **defaults}
            copy.write_row(
                [json.dumps(row[c], ensure_ascii=False) if c in as_json else row[c] for c in columns]
            )


def _scalar_defaults(table: Table, given: dict[str, Any]) -> dict[str, Any]:
    """Python-side column defaults (`default=0.0`, …) that COPY, unlike an INSERT, would not apply."""
    out = {}
    for column in table.columns:
        default = column.default
        if column.name not in given and default is not None and getattr(default, "is_scalar", False):
            out[column.name] = default.arg  # type: ignore[attr-defined]
    return out
