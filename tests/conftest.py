"""Fixtures shared by the whole suite: a migrated case store on each backend, and its people.

PostgreSQL tests run in a schema of their own (one per test session), migrated once and emptied between
tests, so several suites can share the server's `gridwatch_test` database. SQLite tests copy a migrated
template file. No backend is mocked, and PostgreSQL is never skipped: without it the run fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from gridwatch.db.engine import make_engine
from gridwatch.db.models import Base, Department, Person, PersonRole
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store

PG_URL = os.environ.get(
    "GRIDWATCH_TEST_PG", "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"
)
BACKENDS = ["sqlite", "postgres"]
STAFF = {
    "acceptor": ["acceptor"],
    "leader": ["shift_leader"],
    "dispatcher": ["dispatcher"],
    "handler": ["handler"],
    "worker": ["grid_worker"],
    "supervisor": ["supervisor"],
}

Step = tuple[str, str, dict[str, Any]]
"""One workflow action in a test: (action, the `staff` username who takes it, its ActionInput fields)."""
FULL_LOOP: tuple[Step, ...] = (
    ("register", "leader", {}),
    ("dispatch", "dispatcher", {"department": "CGJ"}),
    ("accept", "handler", {}),
    ("feedback", "handler", {}),
    ("send_check", "acceptor", {}),
    ("check_pass", "worker", {}),
    ("close", "leader", {}),
)
"""A reported case's whole normal loop, register to close, each step by the `staff` account allowed to
take it (a tuple, so no test changes it for the next; copy a step's fields before changing them)."""


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    store = Store(engine=pg_engine(schema))
    store.upgrade()
    store.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def pg_engine(schema: str):  # type: ignore[no-untyped-def]
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"})


def pg_url(schema: str) -> str:
    """A URL another process (the CLI) can use for the same schema."""
    return f"{PG_URL}?options=-csearch_path%3D{schema},public"


@pytest.fixture
def pg_store(pg_schema: str) -> Iterator[Store]:
    engine = pg_engine(pg_schema)
    # reference tables too: a test that adds a category or changes a setting must not leak into the next
    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "alembic_version"]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    with Session(engine) as session, session.begin():
        ensure_reference_data(session)
    store = Store(engine=engine)
    yield store
    store.dispose()


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.sqlite"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Store:
    """A migrated, empty store with reference data, on SQLite and on PostgreSQL+PostGIS."""
    chosen: Store = request.getfixturevalue(f"{'pg' if request.param == 'postgres' else 'sqlite'}_store")
    with chosen.session() as session:
        ensure_reference_data(session)
    return chosen


@pytest.fixture
def staff(store: Store) -> dict[str, str]:
    """One person per role (username → roles) and two departments, CGJ and SZ; the handler is CGJ's."""
    now = datetime.now(UTC)
    with store.session() as session:
        departments = {}
        for code, name in (("CGJ", "城管执法局"), ("SZ", "市政园林局")):
            departments[code] = Department(code=code, name=name, updated_at=now)
            session.add(departments[code])
        session.flush()
        for username, roles in STAFF.items():
            person = Person(username=username, name=username.title(), updated_at=now)
            if username == "handler":
                person.department_id = departments["CGJ"].id
            person.roles = [PersonRole(role=r) for r in roles]
            session.add(person)
    return {u: r[0] for u, r in STAFF.items()}


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """A moment on the wall clock of the command center (Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Asia/Shanghai"))
