"""Engines and schema upgrades for both backends."""

from __future__ import annotations

import select
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT_S = 5
"""How long a new PostgreSQL connection may wait for the server: a network that drops packets (no refusal)
costs this long per attempt. The URL's own `connect_timeout` (…?connect_timeout=10) sets another."""


class StoreUnavailable(RuntimeError):
    """The store could not be reached; the message says where and what to check."""


class StoreBusy(StoreUnavailable):
    """Every connection of a fixed pool stayed in use for the pool's wait (a service under more load than
    its pool serves): nothing was done; try again shortly."""


DEAD_LINK = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 20_000,
}
"""libpq's TCP settings for a server that vanished without closing (a cut cable, a dropped route): a
statement sent on such a connection fails after 20 s without an acknowledgement instead of Linux's ~15 min
of retransmissions (tcp_retries2), and an idle pooled or LISTEN connection is found dead within about a
minute by keepalives, so the checkout look (`_closed_by_server`) sees it closed. A long query is not cut:
the timeout counts only data sent and not acknowledged, and the server's kernel acknowledges a query at
once."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs for several writers at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping round trip per transaction (pool_pre_ping): a pooled connection the server closed is
    # found at checkout by a look at its socket, which asks the server nothing; and a write the server
    # cut off in flight runs once more (Store.act/report/attach).
    timeout = connect_timeout(url)
    kwargs.setdefault(
        "connect_args", {"connect_timeout": timeout, "application_name": "gridwatch", **DEAD_LINK}
    )
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkout", _closed_by_server)
    return engine


def connect_timeout(url: str | URL) -> int:
    """Seconds a new connection to `url` may wait for the server: the URL's `connect_timeout`, else
    CONNECT_TIMEOUT_S. Whole seconds, as libpq counts them."""
    given = make_url(url).query.get("connect_timeout")
    value = given[0] if isinstance(given, tuple) else given
    return int(value) if value else CONNECT_TIMEOUT_S


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Replace a pooled connection the server has closed (a restart, an ended backend) before anyone uses it.

    An idle connection in the pool is owed nothing by the server: if its socket has input, that is the
    server's last word (FATAL "terminating connection …") or the end of the stream, and the first statement
    on it would fail although the server may be back. A zero-timeout poll of the socket sees this without a
    round trip (pool_pre_ping would cost one per transaction); raising DisconnectionError makes the pool
    open a fresh connection in its place. The pool never holds a LISTEN connection (the feed's is its own
    and invalidated when closed), so no notification is mistaken for a farewell; anything else unasked for
    costs one reconnect, never an error. A server that vanished without closing (a cut cable) is not seen
    here: that statement fails, and a write runs once more (Store.act/report/attach)."""
    if dbapi_connection.closed or _has_input(dbapi_connection.fileno()):  # closed: the driver saw it end
        raise DisconnectionError("the server closed this pooled connection while it was idle")


def _has_input(fd: int) -> bool:
    """Whether the socket has something to read (or hung up), without waiting."""
    if hasattr(select, "poll"):  # select.select is limited to descriptors below 1024 (a desk opens many)
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])  # Windows: no poll, and no limit on a socket's number


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # alembic costs 0.3 s to import: only commands that migrate pay it

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` and add any missing reference data."""
    from alembic import command

    from gridwatch.db.seeds import ensure_reference_data

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise StoreUnavailable(describe_unreachable(engine, exc)) from exc
    with Session(engine) as session, session.begin():
        ensure_reference_data(session)


def is_connection_problem(exc: OperationalError) -> bool:
    """A lost or refused connection, as opposed to a statement the server refused (too many parameters,
    a lock timeout …): only the first is "the store is unreachable"."""
    if exc.connection_invalidated:
        return True
    sqlite_error = getattr(exc.orig, "sqlite_errorname", None)
    if sqlite_error is not None:  # the file is missing, unreadable or not a database
        return str(sqlite_error) in ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT")
    sqlstate = getattr(exc.orig, "sqlstate", None)  # None: the connection itself failed
    return sqlstate is None or str(sqlstate).startswith("08") or str(sqlstate) in ("57P01", "57P02", "57P03")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error (PostgreSQL), None where the driver gives none (SQLite)."""
    code = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    return str(code) if code else None


SIGN_IN_REFUSALS = {
    "password authentication failed": ("wrong_password", "Wrong user name or password."),
    # an unknown role where pg_hba trusts the address: the same answer, nothing to learn from it
    "does not exist": ("wrong_password", "Wrong user name or password."),
    "is not permitted to log in": ("disabled", "The sign-in '{user}' is disabled. Ask an administrator."),
}


def sign_in_refusal(engine: Engine, exc: BaseException) -> tuple[str, str] | None:
    """The server refused who signed in (not where): one line for the person at the desk, else None.

    libpq reports these without an SQLSTATE, like an unreachable server, so the message tells them apart.
    """
    text = str(getattr(exc, "orig", exc))
    if "FATAL" not in text:
        return None
    for marker, (reason, message) in SIGN_IN_REFUSALS.items():
        if marker in text:
            return reason, message.format(user=engine.url.username)
    return None


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe_unreachable(engine: Engine, exc: BaseException) -> str:
    where = engine.url.render_as_string(hide_password=True)
    first = first_line(exc)
    return (
        f"Cannot reach the case store at {where}: {first}. "
        "Check that the database server is running and the address is right (--db or GRIDWATCH_DB)."
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
