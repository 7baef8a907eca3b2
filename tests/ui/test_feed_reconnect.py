"""The window's change feed survives a store error: it says it is reconnecting, comes back by itself, and
the changes made meanwhile and after arrive in the window."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from gridwatch.db.engine import make_engine
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.conftest import PG_URL

LON, LAT = 118.09, 24.47


class Desk:
    """A dispatcher window, and what its feed said in order ("lost: …", "live")."""

    def __init__(self, store: Store, qtbot: QtBot, tmp_path: Path) -> None:
        make_application("en")
        login = find_login(store, "dispatcher")
        assert login is not None
        ini = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(store, login, "dispatcher", ini, live=True, with_map=False)
        qtbot.addWidget(self.window)
        self.said: list[str] = []
        feed = self.window.feed
        assert feed is not None
        feed.lost.connect(lambda reason: self.said.append(f"lost: {reason}"))
        feed.listening.connect(lambda: self.said.append("live"))
        self.window.show()
        qtbot.waitUntil(lambda: self.said == ["live"], timeout=5000)

    def shows(self, case_id: int) -> bool:
        return self.window.queue.model.row_of(case_id) is not None

    @property
    def label(self) -> str:
        return self.window.live_label.text()


def report(store: Store) -> int:
    return store.report(actor="acceptor", source="citizen", category_code="06010", lon=LON, lat=LAT).id


@pytest.fixture
def tagged(store: Store, request: pytest.FixtureRequest) -> Iterator[tuple[Store, str]]:
    """The desk's own store handle on the PostgreSQL test schema, its connections named so that the test
    can end exactly them (other suites share the server)."""
    tag = f"gw-feed-{uuid.uuid4().hex[:8]}"
    schema = request.getfixturevalue("pg_schema")
    args = {"options": f"-csearch_path={schema},public", "application_name": tag, "connect_timeout": 5}
    desk_store = Store(engine=make_engine(PG_URL, connect_args=args))
    yield desk_store, tag
    desk_store.dispose()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_killed_backends_the_window_reconnects_and_the_next_change_arrives(
    store: Store, staff: dict[str, str], tagged: tuple[Store, str], qtbot: QtBot, tmp_path: Path
) -> None:
    desk_store, tag = tagged
    desk = Desk(desk_store, qtbot, tmp_path)
    try:
        before = report(store)
        qtbot.waitUntil(lambda: desk.shows(before), timeout=2000)
        admin = create_engine(PG_URL)
        with admin.begin() as conn:  # the feed's LISTEN connection and the desk's pooled ones
            kill = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :t"
            killed = conn.execute(text(kill), {"t": tag}).scalar_one()
        admin.dispose()
        assert killed >= 2
        qtbot.waitUntil(lambda: len(desk.said) >= 3, timeout=10_000)
        assert desk.said[1].startswith("lost: ") and desk.said[2] == "live", desk.said
        assert desk.label == "● live"
        assert desk.window.statusBar().currentMessage() == "Live updates are back"
        after = report(store)
        qtbot.waitUntil(lambda: desk.shows(after), timeout=2000)
    finally:
        desk.window.stop_live()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_failing_sqlite_store_the_window_says_so_and_catches_up(
    store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    """The store refuses the feed's reads for a while (a table it reads is missing, as during a botched
    migration); the window says it is reconnecting, and once the table is back shows what it missed."""
    writer = Store(store.url)
    desk = Desk(store, qtbot, tmp_path)
    try:
        with writer.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE wall_states RENAME TO wall_states_away")
        qtbot.waitUntil(lambda: len(desk.said) == 2, timeout=5000)
        reason = "The store refused the operation: no such table: wall_states"
        assert desk.said[1] == f"lost: {reason}"
        assert desk.label == "● reconnecting…"
        assert desk.window.live_label.toolTip() == reason
        assert desk.window.statusBar().currentMessage() == f"Live updates interrupted, reconnecting: {reason}"
        missed = report(writer)  # committed while the feed cannot read
        qtbot.wait(500)
        assert not desk.shows(missed)
        assert desk.said[-1].startswith("lost: ")  # still trying, still saying so
        with writer.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE wall_states_away RENAME TO wall_states")
        qtbot.waitUntil(lambda: desk.said[-1] == "live", timeout=10_000)
        qtbot.waitUntil(lambda: desk.shows(missed), timeout=2000)
        assert desk.label == "● live"
        after = report(writer)
        qtbot.waitUntil(lambda: desk.shows(after), timeout=2000)
    finally:
        desk.window.stop_live()
        writer.dispose()
