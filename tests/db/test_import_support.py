"""Territory and files shared by the import/export tests (imported by them; holds no tests of its own)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import box

from gridwatch.db.imports.org_units import OrgFeature, upsert_org_units
from gridwatch.db.imports.report import ImportReport
from gridwatch.db.models import Department
from gridwatch.db.store import Store
from tests.conftest import pg_url

HEADER = (
    "case_no,source,category_code,urgency,description,lon,lat,address,reported_at,registered_at,"
    "dispatched_at,department_code,handled_at,checked_at,closed_at,status"
)


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


def cli_db(store: Store, request: pytest.FixtureRequest) -> str:
    """The --db value reaching `store`: on PostgreSQL its URL must carry the test schema's search_path."""
    return pg_url(request.getfixturevalue("pg_schema")) if store.is_postgres else store.url
