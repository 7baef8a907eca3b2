"""Stores and files shared by the import/export tests (imported by them; holds no tests of its own).

PostgreSQL runs in a schema of this module's own, with its own `alembic_version` table created first:
otherwise alembic finds a version table in `public` through the search path and migrates nothing, and
the tests would write into `public`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import box
from sqlalchemy import create_engine, text

from gridwatch.db.engine import make_engine
from gridwatch.db.imports.org_units import OrgFeature, upsert_org_units
from gridwatch.db.imports.report import ImportReport
from gridwatch.db.models import Base, Department
from gridwatch.db.store import Store

PG_URL = os.environ.get(
    "GRIDWATCH_TEST_PG", "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"
)
KEEP = {"categories", "transitions", "deadline_rules", "settings", "alembic_version", "calendar_days"}
HEADER = (
    "case_no,source,category_code,urgency,description,lon,lat,address,reported_at,registered_at,"
    "dispatched_at,department_code,handled_at,checked_at,closed_at,status"
)


@pytest.fixture(scope="session")
def io_pg_schema() -> Iterator[str]:
    schema = f"io_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.execute(text(f"CREATE TABLE {schema}.alembic_version (version_num varchar(32) PRIMARY KEY)"))
    store = Store(engine=io_pg_engine(schema))
    store.upgrade()
    store.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def io_pg_engine(schema: str):  # type: ignore[no-untyped-def]
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"})


def io_pg_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema},public"


@pytest.fixture(scope="session")
def io_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("io") / "template.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    store.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def io_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty migrated store (reference data only), on SQLite and on PostgreSQL+PostGIS."""
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite"
        shutil.copy(request.getfixturevalue("io_sqlite_template"), path)
        store = Store(f"sqlite:///{path}")
    else:
        schema = request.getfixturevalue("io_pg_schema")
        store = Store(engine=io_pg_engine(schema))
        tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP]
        with store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        store.url = io_pg_url(schema)
    yield store
    store.dispose()


def add_territory(store: Store) -> None:
    """Street 350203001 > community 350203001001 > grids …01 (west) and …02 (east); department CGJ."""
    features = [
        OrgFeature(1, "350203001", "鹭江街道", "street", None, box(118.0, 24.4, 118.1, 24.5)),
        OrgFeature(2, "350203001001", "社区一", "community", "350203001", box(118.0, 24.4, 118.02, 24.42)),
        OrgFeature(3, "35020300100101", "网格一", "grid", None, box(118.0, 24.4, 118.01, 24.42)),
        OrgFeature(4, "35020300100102", "网格二", "grid", None, box(118.01, 24.4, 118.02, 24.42)),
    ]
    with store.session() as session:
        upsert_org_units(session, features, ImportReport("org", total=len(features)))
        session.add(Department(code="CGJ", name="城管执法局", updated_at=datetime.now(UTC)))


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path
