"""Engines and schema upgrades for both backends."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


class StoreUnavailable(RuntimeError):
    """The store could not be reached; the message says where and what to check."""


class StoreBusy(StoreUnavailable):
    """Every connection of a fixed pool stayed in use for the pool's wait (a service under more load than
    its pool serves): nothing was done; try again shortly."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs for several writers at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping round trip per transaction: the store retries a write once when the server dropped the
    # pooled connection (Store.act/report/attach), which costs nothing while the connection is healthy.
    kwargs.setdefault("connect_args", {"connect_timeout": 5, "application_name": "gridwatch"})
    return create_engine(url, **kwargs)


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
