"""PostgreSQL restarted under a working desk, its change feed and an import: nothing accepted is lost, and
the desk's reads are answered at the first try once the server is back.

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
from sqlalchemy import func, make_url, select, text

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.feed import ChangeFeed
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.models import Case, Person, PersonRole
from gridwatch.db.queries import CaseFilter
from gridwatch.db.reads import case_lists, cases, levels, reference
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


def restart(name: str) -> None:
    """Restart the cluster as an administrator would (fast: every session is ended); back on return."""
    subprocess.run(["pg_ctlcluster", VERSION, name, "restart", "-m", "fast"], check=True, capture_output=True)


def own_database(owner_url: str, database: str) -> str:
    """A new database with PostGIS in the test's own cluster, owned by the store's owner: its URL."""
    port = str(make_url(owner_url).port)
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", port, "-h", "127.0.0.1"]
    _as_postgres(*psql, "-c", f"CREATE DATABASE {database} OWNER gridwatch")
    _as_postgres(*psql, "-d", database, "-c", "CREATE EXTENSION postgis")
    return make_url(owner_url).set(database=database).render_as_string(hide_password=False)


def desk_store(url: str) -> list[Case]:
    """A migrated store with the territory, a dispatcher and a grid worker, and three reported cases."""
    store = Store(url)
    store.upgrade()
    add_territory(store)
    with store.session() as s:
        for username, role in (("dispatcher", "dispatcher"), ("worker", "grid_worker")):
            s.add(Person(username=username, name=username.title(), updated_at=datetime.now(UTC),
                         roles=[PersonRole(role=role)]))  # fmt: skip
    reported = [
        store.report(
            actor="worker",
            source="grid_worker",
            category_code="06010",
            lon=118.005,
            lat=24.41,
            description=f"overflowing bin {n}",
        )
        for n in range(3)
    ]
    store.dispose()
    return reported


def busy_moment(store: Store, connections: int) -> set[int]:
    """Read on `connections` connections at once (a desk's queue, detail, map loaders and feed do), so that
    as many stay idle in the store's pool afterwards; the server processes that served them."""
    together = threading.Barrier(connections)
    pids: set[int] = set()

    def read() -> None:
        with store.session() as s:
            pids.add(s.scalar(text("SELECT pg_backend_pid()")))
            together.wait(10)

    readers = [threading.Thread(target=read) for _ in range(connections)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    assert len(pids) == connections
    return pids


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
    restart(name)
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


def test_after_a_restart_the_desks_reads_answer_at_the_first_try(own_server: tuple[str, str]) -> None:
    """The server restarted while the desk's pool held four idle connections, each now closed by the server.
    Every read the desk makes (the queue's page, the feed's re-read of changed rows, a case's detail and
    hops, the filter's categories) takes the pool's next one (first in, first out) and answers what the
    store holds, as before the restart: none says the store cannot be reached while it is back."""
    name, owner_url = own_server
    url = own_database(owner_url, "desk_reads")
    reported = desk_store(url)
    desk = Store(url)
    open_cases = CaseFilter(open_only=True)
    ids = [c.id for c in reported]

    queue = case_lists.page(desk, open_cases)
    assert [r.case_no for r in queue] == [c.case_no for c in reversed(reported)]  # newest first
    assert [r.description for r in queue] == ["overflowing bin 2", "overflowing bin 1", "overflowing bin 0"]
    changed = case_lists.rows_of(desk, open_cases, ids)
    assert sorted(r.id for r in changed) == ids

    def case_file() -> cases.CaseFile | None:
        """The first case as the desk's detail reads it (photos, duplicates, devices, the actions)."""
        return cases.by_id(desk, ids[0], username="dispatcher", data_of=("before", "after"), nearby=True)

    detail = case_file()
    assert detail is not None and detail.case.case_no == reported[0].case_no
    assert sorted(d.case_no for d in detail.duplicates) == [reported[1].case_no, reported[2].case_no]
    hops = levels.hops(desk, reported[0].case_no)
    categories = reference.categories(desk, top=True)
    old = busy_moment(desk, 4)
    assert desk.engine.pool.checkedin() == 4  # type: ignore[attr-defined]

    restart(name)

    assert case_lists.page(desk, open_cases) == queue
    assert case_lists.rows_of(desk, open_cases, ids) == changed
    assert case_file() == detail
    assert levels.hops(desk, reported[0].case_no) == hops
    assert reference.categories(desk, top=True) == categories
    assert busy_moment(desk, 4).isdisjoint(old)  # the pool holds new connections only
    desk.dispose()
