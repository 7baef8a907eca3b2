"""`gridwatch.quiet` silences the change feed for bulk loaders only (migration 0015, docs/SECURITY.md).

A person who sets it on their own connection (`options=-c gridwatch.quiet=on`, or `SET` in psql) still has
every change announced to the dispatchers' desks; the importers, run by the owner, an admin or system, stay
quiet and announce one reload. Each person here signs in as their own login role with their password, never
as the owner, and the test reads the raw NOTIFY payloads, as a desk's feed receives them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case
from gridwatch.db.store import Store
from tests.conftest import PG_URL, pg_url

pytestmark = pytest.mark.postgres
PASSWORD = "correct horse 马"
CASE_ROW = (
    "Q1,hotline,06010,,垃圾,118.005,24.41,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,"
    "2024-05-06 10:00,2024-05-06 10:30,2024-05-06 11:00,closed"
)


@dataclass
class Site:
    """The test schema's store as its owner, and people with sign-ins of their own (short name → role)."""

    schema: str
    owner: Store
    users: dict[str, str]

    def sign_in(self, who: str, *, quiet: bool = False) -> Store:
        """`who`'s own sign-in; with `quiet`, every connection of it starts with gridwatch.quiet = on."""
        url = pg_url(self.schema) + ("%20-cgridwatch.quiet%3Don" if quiet else "")
        return sign_in(url, self.users[who], PASSWORD)


class Listener:
    """A desk's LISTEN connection: the payloads of this schema, in commit order."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        dsn = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("LISTEN gridwatch")

    def heard(self) -> list[dict[str, Any]]:
        """Everything announced for this schema since the last call. A marker notified now arrives after
        every transaction committed before it (PostgreSQL delivers in commit order), so collecting up to
        the marker is exact; the channel is the whole database's, other schemas' payloads are left out."""
        marker = {"schema": self.schema, "table": "marker", "id": uuid.uuid4().hex}
        self.conn.execute("SELECT pg_notify('gridwatch', %s)", [json.dumps(marker)])
        got: list[dict[str, Any]] = []
        for notify in self.conn.notifies(timeout=60):
            payload = json.loads(notify.payload)
            if payload == marker:
                return got
            if payload.get("schema") == self.schema:
                got.append(payload)
        raise AssertionError(f"the marker never arrived; heard {got}")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def site(pg_store: Store, pg_schema: str) -> Iterator[Site]:
    add_territory(pg_store)
    tag = uuid.uuid4().hex[:8]
    people: dict[str, tuple[list[str], dict[str, Any]]] = {
        "handler": (["handler"], {"department": "CGJ"}),
        "worker": (["grid_worker"], {"grids": ["35020300100101"]}),
        "admin": (["admin"], {}),
        "system": (["system"], {}),
    }
    users = {}
    for short, (roles, scope) in people.items():
        username = f"gwt_{tag}_{short}"
        add_user(
            pg_store, actor="admin", username=username, name=short, roles=roles, password=PASSWORD, **scope
        )
        users[short] = username
    yield Site(pg_schema, pg_store, users)
    with pg_store.engine.begin() as conn:
        for username in users.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))


@pytest.fixture
def listener(pg_schema: str) -> Iterator[Listener]:
    heard = Listener(pg_schema)
    yield heard
    heard.close()


def case_change(site: Site, case: int | None, version: int) -> dict[str, Any]:
    """The payload a desk receives for a change of case `case`, or for a reload of all cases (None)."""
    return {"schema": site.schema, "table": "cases", "id": case, "version": version}


def case_id(store: Store, case_no: str) -> int:
    with store.session() as s:
        found = s.scalar(select(Case.id).where(Case.case_no == case_no))
    assert found is not None
    return found


def test_a_person_who_sets_quiet_is_still_announced(site: Site, listener: Listener) -> None:
    """A handler's accept and a grid worker's report, each on a connection with gridwatch.quiet = on."""
    owner = site.owner
    no = owner.report(
        actor=site.users["worker"], source="grid_worker", category_code="06010", lon=118.005, lat=24.41
    ).case_no
    owner.act(no, "register", actor="admin")
    owner.act(no, "dispatch", actor="admin", inp=ActionInput(department="CGJ"))
    assert listener.heard() == [case_change(site, case_id(owner, no), v) for v in (1, 2, 3)]

    handler = site.sign_in("handler", quiet=True)
    worker = site.sign_in("worker", quiet=True)
    try:
        for person in (handler, worker):  # the setting really is on in the person's transactions
            with person.session() as s:
                assert s.scalar(text("SELECT current_setting('gridwatch.quiet', true)")) == "on"
        accepted = handler.act(no, "accept", actor=site.users["handler"])
        assert accepted.version == 4
        assert listener.heard() == [case_change(site, accepted.id, 4)]

        reported = worker.report(
            actor=site.users["worker"], source="grid_worker", category_code="06010", lon=118.006, lat=24.41
        )
        assert listener.heard() == [case_change(site, reported.id, 1)]
    finally:
        handler.dispose()
        worker.dispose()


@pytest.mark.parametrize("who", ["owner", "admin", "system"])
def test_a_bulk_import_stays_quiet_and_announces_one_reload(
    site: Site, listener: Listener, who: str, tmp_path: Path
) -> None:
    """The cases import, on the owner's maintenance connection and on an admin's or a service's sign-in."""
    importer = site.owner if who == "owner" else site.sign_in(who)
    try:
        rows = [CASE_ROW.replace("Q1", f"Q{i}") for i in range(1, 4)]
        report = import_cases(importer, write_csv(tmp_path / "cases.csv", [HEADER, *rows]))
        assert report.ok, report.errors
        assert report.inserted == 3
    finally:
        if importer is not site.owner:
            importer.dispose()
    assert listener.heard() == [case_change(site, None, 0)]
