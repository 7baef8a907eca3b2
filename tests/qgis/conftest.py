"""A small published store on PostgreSQL, and QGIS (Debian's python3-qgis, QGIS 3.22) driven headless.

QGIS runs in its own Python (`/usr/bin/python3`, PyQt5), so each QGIS check is a script in `qgis_scripts/`
run as a subprocess of it; the scripts print one JSON line with what they saw. They sign in with a
person's own login role through a QGIS authentication configuration, never as the owner.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, Device, OrgUnit, Position
from gridwatch.db.published import publish
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.qgis_styles import published_styles
from tests.conftest import PG_URL, pg_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "qgis_scripts"
QGIS_PYTHON = "/usr/bin/python3"
PASSWORD = "qgis 网格 secret"
STREET, COMMUNITY_1, COMMUNITY_2 = "350203001", "350203001001", "350203001002"
GRID_11, GRID_12, GRID_21 = "35020300100101", "35020300100102", "35020300100201"


def square(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon([box(x0, y0, x1, y1)])


@dataclass
class GisStore:
    """One street, two communities, three grids, two departments, people with their own sign-ins, cases
    (CGJ's, SZ's, undispatched; green, yellow and red), devices and a grid worker's walk; styles published."""

    schema: str
    owner: Store
    users: dict[str, str]  # short name → login role
    cases: dict[str, str] = field(default_factory=dict)  # short name → case number

    def sign_in(self, who: str) -> Store:
        return sign_in(pg_url(self.schema), self.users[who], PASSWORD)

    def qgis_env(self, who: str) -> dict[str, str]:
        """What a QGIS script needs to sign in as `who` (it stores the password in QGIS's auth database)."""
        url = urlparse(PG_URL.replace("postgresql+psycopg://", "postgresql://"))
        return {
            "GW_HOST": url.hostname or "127.0.0.1",
            "GW_PORT": str(url.port or 5432),
            "GW_DATABASE": url.path.lstrip("/"),
            "GW_SCHEMA": self.schema,
            "GW_USER": self.users[who],
            "GW_PASSWORD": PASSWORD,
            "GW_PLUGIN": str(ROOT / "plugins" / "qgis"),
        }


@pytest.fixture
def gis(pg_store: Store, pg_schema: str) -> Iterator[GisStore]:
    owner = pg_store
    now = utcnow()
    with owner.session() as s:
        ensure_reference_data(s)
        for code in ("CGJ", "SZ"):
            s.add(Department(code=code, name=code, updated_at=now))
        units: dict[str, OrgUnit] = {}
        territory = (
            (STREET, "中华街道", "street", None, (118.0, 118.08)),
            (COMMUNITY_1, "华新社区", "community", STREET, (118.0, 118.04)),
            (COMMUNITY_2, "百家村社区", "community", STREET, (118.04, 118.08)),
            (GRID_11, "第1网格", "grid", COMMUNITY_1, (118.0, 118.02)),
            (GRID_12, "第2网格", "grid", COMMUNITY_1, (118.02, 118.04)),
            (GRID_21, "第1网格", "grid", COMMUNITY_2, (118.04, 118.06)),
        )
        for code, name, level, parent, (x0, x1) in territory:
            units[code] = OrgUnit(
                code=code,
                name=name,
                level=level,
                parent=units[parent] if parent else None,
                geom=square(x0, 24.44, x1, 24.48),
                updated_at=now,
            )
            s.add(units[code])
        for code, kind, lon, online in (
            ("CAM1", "camera", 118.01, True),
            ("SPK1", "loudspeaker", 118.03, False),
        ):
            s.add(Device(code=code, kind=kind, name=code, lon=lon, lat=24.45, online=online, updated_at=now))
    tag = uuid.uuid4().hex[:8]
    people: dict[str, tuple[list[str], dict[str, Any]]] = {
        "dispatcher": (["dispatcher", "shift_leader"], {}),
        "admin": (["admin"], {}),
        "h_cgj": (["handler"], {"department": "CGJ"}),
        "worker": (["grid_worker"], {"grids": [GRID_11]}),
    }
    users = {}
    for short, (roles, scope) in people.items():
        username = f"gwq_{tag}_{short}"
        add_user(owner, actor="admin", username=username, name=short, roles=roles, password=PASSWORD, **scope)
        users[short] = username
    with (
        owner.engine.begin() as conn
    ):  # QGIS finds layer_styles on the search path, as in a public-schema store
        for username in users.values():
            conn.execute(text(f'ALTER ROLE "{username}" SET search_path = {pg_schema}, public'))
    store = GisStore(pg_schema, owner, users)
    # c1 CGJ's, dispatched a month ago (red); c2 SZ's, dispatched now (green); c3 not dispatched
    for short, lon, department, age in (
        ("c1", 118.005, "CGJ", 30),
        ("c2", 118.025, "SZ", 0),
        ("c3", 118.015, None, 0),
    ):
        then = now - timedelta(days=age)
        case = owner.report(
            actor=users["worker"],
            source="grid_worker",
            category_code="06010",
            lon=lon,
            lat=24.46,
            reported_at=then,
        )
        if department:
            owner.act(case.case_no, "register", actor=users["dispatcher"], inp=ActionInput(at=then))
            owner.act(
                case.case_no,
                "dispatch",
                actor=users["dispatcher"],
                inp=ActionInput(department=department, at=then),
            )
        store.cases[short] = case.case_no
    with owner.session() as s:
        worker = s.scalar(text("SELECT id FROM people WHERE username = :u"), {"u": users["worker"]})
        for i in range(4):
            s.add(
                Position(
                    person_id=worker, at=now - timedelta(minutes=4 - i), lon=118.002 + i * 0.004, lat=24.462
                )
            )
    publish(owner, published_styles())
    yield store
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        for username in users.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


def run_qgis(script: str, env: dict[str, str], *args: str, timeout: float = 120) -> dict[str, Any]:
    """Run `qgis_scripts/<script>` in QGIS's Python, headless; its last stdout line is JSON."""
    done = subprocess.run(
        [QGIS_PYTHON, "-X", "faulthandler", str(SCRIPTS / script), *args],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(SCRIPTS), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, (
        f"{script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    result: dict[str, Any] = json.loads(lines[-1])
    return result
