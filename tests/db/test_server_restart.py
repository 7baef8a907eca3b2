"""PostgreSQL restarted under a working desk, its change feed and an import: nothing accepted is lost.

The server restarted here is a cluster of the test's own (pg_createcluster on a free port, 127.0.0.1
only), so the restart cannot disturb the shared test server. The owner role is no superuser, as in a
center; PostGIS comes from the Debian package the test command installs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.feed import ChangeFeed
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.models import Case, Person, PersonRole
from gridwatch.db.store import Store
from tests.db.test_import_support import HEADER, add_territory, write_csv

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
VERSION = "15"
ROWS = 400


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*args: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def own_server() -> Iterator[tuple[str, str]]:
    """A cluster of this test's own: (its name, the owner's store URL)."""
    if os.geteuid() != 0:
        pytest.fail(
            "the restart test needs root to create and restart a PostgreSQL cluster (CI runs as root)"
        )
    name, port = f"gwrestart{os.getpid()}", _free_port()
    try:
        subprocess.run(
            ["pg_createcluster", VERSION, name, "--port", str(port), "--", "--auth=trust"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        Path(f"/etc/postgresql/{VERSION}/{name}/conf.d/loopback.conf").write_text(
            "listen_addresses = '127.0.0.1'\n"
        )
        subprocess.run(["pg_ctlcluster", VERSION, name, "start"], check=True, capture_output=True, text=True)
        psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", str(port), "-h", "127.0.0.1"]
        _as_postgres(*psql, "-c", "CREATE ROLE gridwatch LOGIN CREATEROLE PASSWORD 'gridwatch'")
        _as_postgres(*psql, "-c", "CREATE DATABASE gridwatch OWNER gridwatch")
        _as_postgres(*psql, "-d", "gridwatch", "-c", "CREATE EXTENSION postgis")
        yield name, f"postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:{port}/gridwatch"
    finally:
        subprocess.run(["pg_dropcluster", VERSION, name, "--stop"], check=False, capture_output=True)


def _rows(first: int, count: int) -> list[str]:
    return [
        f"R{n:05d},hotline,06010,,垃圾,118.005,24.41,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,"
        "2024-05-06 10:00,2024-05-06 10:30,2024-05-06 11:00,closed"
        for n in range(first, first + count)
    ]


def test_a_restart_loses_nothing_accepted_and_everyone_recovers(
    own_server: tuple[str, str], tmp_path: Path
) -> None:
    name, url = own_server
    store = Store(url)
    store.upgrade()
    add_territory(store)
    with store.session() as s:
        s.add(Person(username="worker", name="Worker", updated_at=datetime.now(UTC),
                     roles=[PersonRole(role="grid_worker")]))  # fmt: skip
    file = write_csv(tmp_path / "hotline.csv", [HEADER, *_rows(1, ROWS)])

    accepted: list[str] = []  # case numbers the desk was told were saved
    refused: list[str] = []
    stop = threading.Event()

    def desk() -> None:
        desk_store = Store(url)
        while not stop.is_set():
            try:
                case = desk_store.report(
                    actor="worker", source="grid_worker", category_code="06010", lon=118.005, lat=24.41
                )
                accepted.append(case.case_no)
            except StoreUnavailable as exc:  # the desk shows this line and tries again
                refused.append(str(exc).splitlines()[0])
                time.sleep(0.2)
            time.sleep(0.01)
        desk_store.dispose()

    imported: list[object] = []

    def importer() -> None:
        try:
            imported.append(import_cases(Store(url), file))
        except StoreUnavailable as exc:
            imported.append(exc)

    feed = ChangeFeed(Store(url), max_backoff=0.5)
    feed.poll(0.1)
    worker = threading.Thread(target=desk)
    worker.start()
    time.sleep(1.0)
    loader = threading.Thread(target=importer)
    loader.start()
    subprocess.run(["pg_ctlcluster", VERSION, name, "restart", "-m", "fast"], check=True, capture_output=True)
    loader.join(120)
    before = len(accepted)
    deadline = time.monotonic() + 30
    while len(accepted) < before + 5 and time.monotonic() < deadline:  # the desk works again
        time.sleep(0.1)
    stop.set()
    worker.join(30)
    assert len(accepted) >= before + 5, refused[-3:]

    # a change after the restart reaches the feed (it reconnected and reconciled)
    after = Store(url).report(actor="worker", source="center", category_code="06010", lon=118.005, lat=24.41)
    seen: set[int | None] = set()
    deadline = time.monotonic() + 30
    while after.id not in seen and time.monotonic() < deadline:
        seen |= {c.id for c in feed.poll(0.5) if c.table == "cases"}
    feed.close()
    assert after.id in seen

    # the import either landed whole or not at all; run again (a new command), it ends in the same place
    store.dispose()
    store = Store(url)
    report = import_cases(store, file)
    assert report.ok, report.errors
    with store.session() as s:
        numbers = set(s.scalars(select(Case.case_no)))
        assert s.scalar(select(func.count(Case.id)).where(Case.case_no.like("R%"))) == ROWS
    assert set(accepted) <= numbers  # every case the desk was told was saved is there
    again = import_cases(store, file)
    assert (again.inserted, again.updated) == (0, 0)
    store.dispose()
