"""The dispatcher desk while its PostgreSQL server is down: every read a click, a key, a timer or the change
feed starts fails without a traceback, the queue keeps the rows it had (no reset begun), the detail keeps
its case or says it could not open another, the status bar says in one line since when the rows are, and
the next refresh that reaches the store (the feed's reconnect, or F5) shows what the store holds and ends
the message.

The server is a cluster of the test's own (tests/db/test_server_restart.py), stopped and started here. A
read that raised out of a slot would fail the test (pytest-qt)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from gridwatch.db.feed import Change
from gridwatch.db.models import Case, Person, PersonRole
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.case_queue import CaseQueue
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.db.test_server_restart import VERSION, desk_store, own_database
from tests.db.test_server_restart import own_server as own_server  # the private cluster fixture
from tests.ui.test_desk_server_restart import Desk

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

AT = datetime(2026, 12, 1, 6, 2, 30, tzinfo=UTC)
"""The desk's clock at its last read before the server stops: 14:02 at the site (Asia/Shanghai)."""
AWAY = "Cannot reach the case store: the queue shows the cases as of 14:02 (F5 to try again)"
NOT_OPENED = "The case could not be opened: the case store cannot be reached"


def _cluster(name: str, what: str) -> None:
    subprocess.run(["pg_ctlcluster", VERSION, name, what, "-m", "fast"], check=True, capture_output=True)


@contextmanager
def server_down(name: str) -> Iterator[None]:
    """The cluster stopped as a failing server or an administrator stops it (every session ended); it is
    started again when the block ends, however it ends."""
    _cluster(name, "stop")
    try:
        yield
    finally:
        _cluster(name, "start")


@pytest.fixture
def registered_on(own_server: tuple[str, str]) -> tuple[str, list[Case]]:
    """A database of its own in the test's cluster with three cases a shift leader registered (the
    dispatcher may dispatch them): its URL, the cases as reported."""
    url = own_database(own_server[1], f"away_{uuid.uuid4().hex[:8]}")
    reported = desk_store(url)
    store = Store(url)
    with store.session() as s:
        s.add(Person(username="leader", name="Leader", updated_at=datetime.now(UTC),
                     roles=[PersonRole(role="shift_leader")]))  # fmt: skip
    for case in reported:
        store.act(case.case_no, "register", actor="leader")
    store.dispose()
    return url, reported


def unreachable(url: str) -> tuple[str, str]:
    """How the store's own message about `url` begins and ends (between them, the driver's first line)."""
    where = make_url(url).render_as_string(hide_password=True)
    return (
        f"Cannot reach the case store at {where}: ",
        "Check that the database server is running and the address is right (--db or GRIDWATCH_DB).",
    )


def field_texts(window: MainWindow) -> list[str]:
    return [w.text() for w in window.detail.findChildren(QLabel) if w.objectName().startswith("field_")]


def refresh_action(window: MainWindow) -> QAction:
    action = window.findChild(QAction, "refresh")
    assert action is not None and action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    return action


def test_the_desk_keeps_its_rows_says_since_when_and_catches_up_when_the_server_is_back(
    own_server: tuple[str, str], registered_on: tuple[str, list[Case]], qtbot: QtBot, tmp_path: Path
) -> None:
    url, reported = registered_on
    desk = Desk(url, qtbot, tmp_path)
    window, model = desk.window, desk.window.queue.model
    try:
        newest_first = [c.case_no for c in reversed(reported)]
        model.clock = lambda: AT  # the last read before the server stops is at 14:02
        refresh_action(window).trigger()
        assert window.queue.select_case(reported[0].id)
        assert window.detail.title.text() == f"Case {reported[0].case_no} · version 2"
        actions = window.controller.enabled_actions()
        assert actions == ["dispatch"]
        resets: list[str] = []
        model.modelAboutToBeReset.connect(lambda: resets.append("begin"))
        model.modelReset.connect(lambda: resets.append("end"))
        header = window.queue.table.horizontalHeader()
        begin, end = unreachable(url)

        with server_down(own_server[0]):
            qtbot.waitUntil(lambda: desk.said[-1].startswith("lost: "), timeout=10_000)
            window.queue.text.setText("bin 1")  # the search runs from its debounce timer
            qtbot.waitUntil(lambda: window.statusBar().currentMessage() == AWAY, timeout=5000)
            assert desk.shown() == newest_first and model.rowCount() == 3
            assert window.queue.count.text() == "3 cases"
            tooltip = window.statusBar().toolTip()
            assert tooltip.startswith(begin) and tooltip.endswith(end), tooltip

            header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # a click on "Case no."
            assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
                9,
                Qt.SortOrder.DescendingOrder,
            )  # the arrow stays on the order the rows are in
            assert desk.shown() == newest_first

            refresh_action(window).trigger()  # F5: the shown case is kept as it was read
            assert desk.shown() == newest_first and model.rowCount() == 3
            assert window.detail.title.text() == f"Case {reported[0].case_no} · version 2"
            assert window.controller.enabled_actions() == actions

            assert window.queue.select_case(reported[1].id)  # another case: said not to be open
            assert window.detail.view is None and window.detail.case_id == reported[1].id
            assert window.detail.title.text() == NOT_OPENED
            assert field_texts(window) == [""] * 12
            assert window.detail.timeline.rowCount() == 0 and window.detail.photos.count() == 0
            assert window.detail.tabs.tabText(2) == "Possible duplicates"  # not the other case's (2)
            assert window.controller.enabled_actions() == []

            window.statusBar().showMessage("Loudspeaker 1 speaking", 100)  # a passing message …
            qtbot.waitUntil(lambda: window.statusBar().currentMessage() == AWAY, timeout=2000)  # … passes
            assert resets == []  # no reset begun, none left open
            assert window.statusBar().currentMessage() == AWAY

        qtbot.waitUntil(lambda: desk.said[-1] == "live", timeout=30_000)
        assert resets == ["begin", "end"]  # the feed's reconnect read the queue once, under the search
        assert desk.shown() == [reported[1].case_no] and model.rowCount() == 1
        assert window.statusBar().currentMessage() == "Live updates are back"
        assert window.statusBar().toolTip() == ""
        assert window.detail.title.text() == f"Case {reported[1].case_no} · version 2"
        assert window.detail.view is not None and window.detail.view.case.id == reported[1].id
        assert window.controller.enabled_actions() == actions
        assert window.queue.selected_case_id() == reported[1].id
    finally:
        desk.close()


def test_without_the_feed_f5_reads_again_what_could_not_be_read(
    own_server: tuple[str, str], registered_on: tuple[str, list[Case]], qtbot: QtBot, tmp_path: Path
) -> None:
    """The feed's batches that arrived as the server went away (a new urgent case, a change of the case
    shown) are read when the store answers again (F5 asks it at once): the urgent case alerts late rather
    than never."""
    url, reported = registered_on
    store = Store(url)
    make_application("en")
    login = find_login(store, "dispatcher")
    assert login is not None
    ini = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, login, "dispatcher", ini, live=False, with_map=False)
    qtbot.addWidget(window)
    window.show()
    model = window.queue.model
    try:
        model.clock = lambda: AT
        refresh_action(window).trigger()
        assert window.queue.select_case(reported[0].id)
        writer = Store(url)
        urgent = writer.report(
            actor="worker", source="grid_worker", category_code="06010", urgency="A", lon=118.005,
            lat=24.41, description="water main burst",
        )  # fmt: skip
        writer.dispose()
        newest_first = [c.case_no for c in reversed(reported)]
        assert [model.case_at(r).case_no for r in range(model.rowCount())] == newest_first
        banner_years = window.calendar_banner.years

        with server_down(own_server[0]):
            window.on_changes([Change("cases", urgent.id, 1), Change("cases", reported[0].id, 3)])
            qtbot.waitUntil(lambda: window.statusBar().currentMessage() == AWAY, timeout=5000)
            qtbot.wait(300)  # the detail's live reload (100 ms) has run too
            assert [model.case_at(r).case_no for r in range(model.rowCount())] == newest_first
            assert window.detail.title.text() == f"Case {reported[0].case_no} · version 2"
            assert window.alerts.count == 0
            window.calendar_banner.check()  # its 15 s timer: the banner stays as it was
            assert window.calendar_banner.years == banner_years
            refresh_action(window).trigger()
            assert window.statusBar().currentMessage() == AWAY and model.rowCount() == 3

        refresh_action(window).trigger()  # the store known away: F5 asks it off the GUI thread …
        newest = [urgent.case_no, *newest_first]
        qtbot.waitUntil(  # … then reads
            lambda: [model.case_at(r).case_no for r in range(model.rowCount())] == newest, timeout=10_000
        )
        alert = f"New A Urgent case {urgent.case_no} from Grid worker: water main burst"
        assert window.alerts.count == 1 and window.alerts.banner.label.text() == alert
        assert window.statusBar().currentMessage() == alert  # in place of the store's message …
        window.statusBar().clearMessage()  # … which does not come back when the alert's time is up
        assert window.statusBar().currentMessage() == "" and window.statusBar().toolTip() == ""
        assert window.detail.title.text() == f"Case {reported[0].case_no} · version 2"
    finally:
        window.close()
        store.dispose()


def test_a_page_asked_for_while_the_server_is_down_is_asked_for_again_after_a_refresh(
    own_server: tuple[str, str], registered_on: tuple[str, list[Case]], qtbot: QtBot
) -> None:
    """The view asks for the next page when it scrolls to the end (and when it is laid out): a failed one is
    not asked for again on every resize while the store is away, and comes after a refresh."""
    url, reported = registered_on
    store = Store(url)
    make_application("en")
    queue = CaseQueue(store, person_id=None)
    qtbot.addWidget(queue)
    model = queue.model
    said: list[str] = []
    model.reads.unreachable.connect(said.append)
    try:
        model.page = 2
        assert queue.apply_filters()
        newest_first = [c.case_no for c in reversed(reported)]
        assert [model.case_at(r).case_no for r in range(model.rowCount())] == newest_first[:2]
        assert model.canFetchMore() and queue.count.text() == "2+ cases"

        with server_down(own_server[0]):
            model.fetchMore(QModelIndex())
            assert model.rowCount() == 2 and not model.canFetchMore()
            assert queue.count.text() == "2+ cases"  # more are in the store, not read yet
            model.fetchMore(QModelIndex())  # asked again while stale: nothing is read
            assert len(said) == 1 and said[0].startswith(unreachable(url)[0])
            assert not queue.apply_filters()
            assert model.rowCount() == 2 and len(said) == 2

        assert queue.apply_filters() and model.canFetchMore()
        model.fetchMore(QModelIndex())
        assert [model.case_at(r).case_no for r in range(model.rowCount())] == newest_first
        assert not model.canFetchMore() and queue.count.text() == "3 cases"
    finally:
        store.dispose()


def test_a_dispatch_sent_while_the_server_is_down_is_refused_with_the_input_given_back(
    own_server: tuple[str, str], registered_on: tuple[str, list[Case]], qtbot: QtBot, tmp_path: Path
) -> None:
    """A write that cannot reach the store changes nothing and loses nothing: the dialog comes back with
    what the dispatcher typed and the store's own line, and OK once the server is back dispatches."""
    url, reported = registered_on
    desk = Desk(url, qtbot, tmp_path)
    window = desk.window
    try:
        assert window.queue.select_case(reported[0].id)
        window.controller.actions["dispatch"].trigger()
        first = window.controller.dialog
        assert first is not None
        first.department.setCurrentIndex(first.department.findData("CGJ"))
        first.note.setPlainText("请今天处理")
        begin, end = unreachable(url)
        with server_down(own_server[0]):
            qtbot.waitUntil(lambda: desk.said[-1].startswith("lost: "), timeout=10_000)
            first.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            again = window.controller.dialog
            assert again is not None and again is not first and again.isVisible()
            assert again.message.text().startswith(begin) and again.message.text().endswith(end)
            assert again.note.toPlainText() == "请今天处理"
            assert again.department.currentData() == "CGJ"
            window.controller.report_action.trigger()  # a new case typed in while the server is away
            report = window.controller.report_dialog
            assert report is not None
            report.category.setCurrentIndex(report.category.findText("06010", Qt.MatchFlag.MatchStartsWith))
            report.description.setPlainText("井盖缺失")
            report.address.setText("中山路1号")
            report.lon.setValue(118.005)
            report.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            back = window.controller.report_dialog
            assert back is not None and back is not report and back.isVisible()
            assert back.message.text().startswith(begin) and back.message.text().endswith(end)
            assert (back.category.currentData()[0], back.description.toPlainText(), back.address.text()) == (
                "06010",
                "井盖缺失",
                "中山路1号",
            )
            assert back.lon.value() == 118.005
            back.reject()
        qtbot.waitUntil(lambda: desk.said[-1] == "live", timeout=30_000)
        again.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: window.detail.title.text() == f"Case {reported[0].case_no} · version 3")
        with desk.store.session() as session:
            events = desk.store.events(session, reported[0].case_no)
        assert [(e.action, e.note) for e in events[-2:]] == [("register", None), ("dispatch", "请今天处理")]
    finally:
        desk.close()
