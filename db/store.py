"""The store API: the one way any client (desktop, CLI, intake services) reads and writes the case store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from gridwatch.db import engine as engines
from gridwatch.db.config import resolve_url


class Store:
    """A handle on one case store (PostgreSQL+PostGIS or an SQLite file)."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = resolve_url(url) if engine is None else engine.url.render_as_string(hide_password=False)
        self.engine = engine or engines.make_engine(self.url)
        self._sessions = engines.session_factory(self.engine)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def upgrade(self) -> None:
        engines.upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction, committed on success; an unreachable server is a StoreUnavailable."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise engines.StoreUnavailable(engines.describe_unreachable(self.engine, exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()
