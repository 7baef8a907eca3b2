"""The dispatcher desk after PostgreSQL dropped its connections: once the server is back, the queue and a
case open at the first try with what the store holds, and the window says no more than that live updates
are back (or nothing, when the feed's own connection survived).

The server is a cluster of the test's own (tests/db/test_server_restart.py), so restarting it disturbs
no other suite. A failed read would raise out of the desk's slot (pytest-qt fails the test on it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import bindparam, create_engine, text

from gridwatch.db.models import Case
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.db.test_server_restart import busy_moment, desk_store, own_database, restart
from tests.db.test_server_restart import own_server as own_server  # the private cluster fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class Desk:
    """A dispatcher window on its own store handle, and what its feed said in order ("lost: …", "live")."""

    def __init__(self, url: str, qtbot: QtBot, tmp_path: Path, *, live: bool = True) -> None:
        """`live`: with the change feed (shown only once it listens); without, nothing is said."""
        self.store = Store(url)
        make_application("en")
        login = find_login(self.store, "dispatcher")
        assert login is not None
        ini = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(self.store, login, "dispatcher", ini, live=live, with_map=False)
        qtbot.addWidget(self.window)
        self.said: list[str] = []
        if live:
            feed = self.window.feed
            assert feed is not None
            feed.lost.connect(lambda reason: self.said.append(f"lost: {reason}"))
            feed.listening.connect(lambda: self.said.append("live"))
        self.window.show()
        if live:
            qtbot.waitUntil(lambda: self.said == ["live"], timeout=5000)

    def shown(self) -> list[str]:
        """The queue's case numbers, top to bottom."""
        model = self.window.queue.model
        return [model.case_at(row).case_no for row in range(model.rowCount())]

    def open_case(self, case: Case) -> None:
        """Select the case's row, as a click does: the window reads the case into its detail."""
        assert self.window.queue.select_case(case.id)
        view = self.window.detail.view
        assert view is not None and view.case.case_no == case.case_no
        assert self.window.detail.title.text() == f"Case {case.case_no} · version 1"

    def close(self) -> None:
        self.window.stop_live()
        self.store.dispose()


@pytest.fixture
def desk_on(
    own_server: tuple[str, str],
    qtbot: QtBot,
    tmp_path: Path,
) -> Iterator[tuple[Desk, list[Case], str]]:
    """A desk on a database of its own in the test's cluster with three reported cases; the store's URL."""
    url = own_database(own_server[1], f"desk_{uuid.uuid4().hex[:8]}")
    reported = desk_store(url)
    desk = Desk(url, qtbot, tmp_path)
    yield desk, reported, url
    desk.close()


def test_after_a_restart_the_desk_shows_the_queue_and_a_case_at_the_first_try(
    own_server: tuple[str, str],
    desk_on: tuple[Desk, list[Case], str],
    qtbot: QtBot,
) -> None:
    desk, reported, url = desk_on
    newest_first = [c.case_no for c in reversed(reported)]
    assert desk.shown() == newest_first
    busy_moment(desk.store, 4)  # the map's loaders and the panels read at once: four connections stay pooled
    restart(own_server[0])
    qtbot.waitUntil(lambda: len(desk.said) >= 3 and desk.said[-1] == "live", timeout=30_000)
    assert desk.said[1].startswith("lost: "), desk.said

    desk.window.queue.apply_filters()  # the dispatcher refreshes the queue …
    assert desk.shown() == newest_first
    writer = Store(url)
    after = writer.report(actor="worker", source="grid_worker", category_code="06010", lon=118.005, lat=24.41)
    writer.dispose()
    qtbot.waitUntil(lambda: desk.shown() == [after.case_no, *newest_first], timeout=5000)  # … one comes in …
    desk.open_case(reported[0])  # … and they open the oldest
    assert desk.window.statusBar().currentMessage() == "Live updates are back"
    assert desk.window.live_label.text() == "● live"


def test_idle_connections_the_server_ended_the_desk_reads_at_the_first_try(
    desk_on: tuple[Desk, list[Case], str],
) -> None:
    """The server ends the desk's idle pooled connections but not the feed's (an administrator's sweep
    of idle sessions): the feed stays live, and the next reads, each on one of those, still answer."""
    desk, reported, url = desk_on
    pooled = busy_moment(desk.store, 4)
    admin = create_engine(url)
    with admin.begin() as conn:  # each gone when this returns (the timeout waits for it)
        ended = text("SELECT count(*) FROM unnest(:pids) AS p WHERE pg_terminate_backend(p, 5000)")
        assert conn.execute(ended.bindparams(bindparam("pids")), {"pids": sorted(pooled)}).scalar_one() == 4
    admin.dispose()

    desk.window.queue.apply_filters()
    assert desk.shown() == [c.case_no for c in reversed(reported)]
    desk.open_case(reported[0])  # its detail, hops and holding: the other three ended connections
    desk.open_case(reported[1])
    assert desk.said == ["live"]
    assert desk.window.statusBar().currentMessage() == ""
