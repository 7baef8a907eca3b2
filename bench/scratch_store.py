"""Throwaway case stores for the benchmarks: a PostgreSQL schema of their own, or an SQLite file.

Several engineers share the `gridwatch_test` database, so a benchmark works in its own schema (searched
before `public`, where PostGIS lives) and drops it afterwards, as tests/conftest.py does.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text

from gridwatch.db.engine import make_engine
from gridwatch.db.models import Department
from gridwatch.db.store import Store

PG_URL = os.environ.get(
    "GRIDWATCH_TEST_PG", "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"
)
DEPARTMENT = "BENCH"


def pg_engine(schema: str, **kwargs: Any) -> Engine:
    engine: Engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"}, **kwargs)
    return engine


def pg_url(schema: str) -> str:
    """The same schema as a URL, for another process (the CLI, a worker)."""
    return f"{PG_URL}?options=-csearch_path%3D{schema},public"


def pg_dsn(schema: str) -> str:
    """A libpq address for raw psycopg connections (baselines, COPY) to the same schema."""
    base = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    return f"{base}?options=-csearch_path%3D{schema},public"


def schema_exists(schema: str) -> bool:
    admin = create_engine(PG_URL)
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).first()
    finally:
        admin.dispose()
    return found is not None


@contextmanager
def pg_schema(schema: str, *, reuse: bool = False, keep: bool = False) -> Iterator[str]:
    """A migrated schema `schema` (re-created unless `reuse` and it exists), dropped after unless `keep`."""
    admin = create_engine(PG_URL)
    try:
        if not (reuse and schema_exists(schema)):
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            store = Store(engine=pg_engine(schema))
            store.upgrade()
            add_department(store)
            store.dispose()
        yield schema
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@contextmanager
def sqlite_store() -> Iterator[Store]:
    """A migrated SQLite store in a temporary file."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        store.upgrade()
        add_department(store)
        try:
            yield store
        finally:
            store.dispose()


def add_department(store: Store) -> None:
    """The department every benchmark dispatches to (an empty store has none)."""
    with store.session() as session:
        if session.scalar(select(Department.id).where(Department.code == DEPARTMENT)) is None:
            session.add(Department(code=DEPARTMENT, name="基准测试部门", updated_at=datetime.now(UTC)))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"
