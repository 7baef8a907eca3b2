"""The review station while its PostgreSQL server is down: the queue's re-read on a change, F5, a decision
and the evaluation fail without a traceback; the queue keeps its rows (nothing removed, inserted or reset),
the case shown stays, the evaluation keeps the figures it showed, the status bar says in one line since
when the queue is as shown, and a send-back that could not reach the store comes back in its dialog with
the reason typed. F5 once the server is back reads the queue again and ends the message.

The server is a cluster of the test's own (tests/db/test_server_restart.py), stopped and started here. A
read that raised out of a slot would fail the test (pytest-qt)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.reads import cases
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.review.window import ReviewWindow
from tests.conftest import STAFF
from tests.db.test_server_restart import own_database
from tests.db.test_server_restart import own_server as own_server  # the private cluster fixture
from tests.ui.test_desk_store_away import server_down, unreachable
from tests.ui.test_review_closure import TO_CHECKED, add_reviewer, drive, queue_numbers

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

AT = datetime(2026, 12, 1, 6, 2, 30, tzinfo=UTC)
"""The station's clock at its last read of the queue before the server stops: 14:02 at the site."""
AWAY = "Cannot reach the case store: the queue shows the decisions as of 14:02 (F5 to try again)"
ASKED = TO_CHECKED[:3] + [("request_extension", "handler", {"reason": "材料未到", "hours": 8})]


@pytest.fixture
def store_on(own_server: tuple[str, str]) -> Iterator[Store]:
    """A store in the test's cluster with reference data, two departments and one person per role."""
    store = Store(own_database(own_server[1], f"review_{uuid.uuid4().hex[:8]}"))
    store.upgrade()
    now = datetime.now(UTC)
    with store.session() as session:
        ensure_reference_data(session)
        cgj = Department(code="CGJ", name="城管执法局", updated_at=now)
        session.add_all([cgj, Department(code="SZ", name="市政园林局", updated_at=now)])
        session.flush()
        for username, roles in STAFF.items():
            person = Person(username=username, name=username.title(), updated_at=now)
            person.department_id = cgj.id if username == "handler" else None
            person.roles = [PersonRole(role=r) for r in roles]
            session.add(person)
    yield store
    store.dispose()


def station(store: Store, qtbot: QtBot) -> ReviewWindow:
    make_application("en")
    login = add_reviewer(store, "chief", ("supervisor", "shift_leader", "dispatcher"))
    window = ReviewWindow(store, login, with_map=False, live=False)
    qtbot.addWidget(window)
    window.show()
    window.closure.clock = lambda: AT  # the last read before the server stops is at 14:02
    refresh_action(window).trigger()
    assert window.evaluation.wait_loaded()
    return window


def refresh_action(window: ReviewWindow) -> QAction:
    action = window.findChild(QAction, "refresh")
    assert action is not None and action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    return action


def title(store: Store, case_no: str) -> str:
    view = cases.by_number(store, case_no)
    assert view is not None
    return f"Case {case_no} · version {view.case.version}"


def cells(window: ReviewWindow) -> list[list[str]]:
    """The evaluation's department table, as shown."""
    table = window.evaluation.tables["department"]
    return [
        [item.text() if (item := table.item(r, c)) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_the_station_keeps_its_queue_and_figures_says_since_when_and_f5_catches_up(
    own_server: tuple[str, str], store_on: Store, qtbot: QtBot
) -> None:
    store = store_on
    numbers = [drive(store, TO_CHECKED) for _ in range(3)]
    window = station(store, qtbot)
    closure, evaluation, bar = window.closure, window.evaluation, window.statusBar()
    try:
        assert queue_numbers(closure) == numbers
        assert closure.select_case(cases.by_number(store, numbers[1]).case.id)
        shown = title(store, numbers[1])
        assert closure.detail.title.text() == shown and closure.approve_button.isEnabled()
        figures, summary, ev = cells(window), evaluation.summary.text(), evaluation.evaluation
        assert ev is not None and ev.total.reported == 3 and summary.startswith(f"{ev.start:%Y-%m-%d} – ")
        changes: list[str] = []
        model = closure.table.model()
        model.modelAboutToBeReset.connect(lambda: changes.append("reset"))
        model.rowsAboutToBeRemoved.connect(lambda *_: changes.append("removed"))
        model.rowsAboutToBeInserted.connect(lambda *_: changes.append("inserted"))
        begin, end = unreachable(store.url)

        with server_down(own_server[0]):
            window._requeue.start()  # the feed said a case changed: the queue re-reads from its timer
            qtbot.waitUntil(lambda: bar.currentMessage() == AWAY, timeout=5000)
            assert queue_numbers(closure) == numbers and closure.table.rowCount() == 3
            assert closure.selected() is not None and closure.selected().case.case_no == numbers[1]
            assert closure.detail.title.text() == shown and closure.approve_button.isEnabled()
            assert bar.toolTip().startswith(begin) and bar.toolTip().endswith(end), bar.toolTip()

            qtbot.keyClick(closure.table, Qt.Key.Key_F5)  # F5 in the queue
            refresh_action(window).trigger()  # and from the View menu
            assert queue_numbers(closure) == numbers and bar.currentMessage() == AWAY

            window.tabs.setCurrentWidget(evaluation)
            evaluation.show_button.click()  # an evaluation run: its answer is that the store is away
            assert evaluation.wait_loaded()
            assert evaluation.evaluation is ev and cells(window) == figures
            assert evaluation.summary.text() == summary
            assert evaluation.xlsx_button.isEnabled() and evaluation.pdf_button.isEnabled()
            refresh_action(window).trigger()  # F5 on the evaluation: the queue first, which fails
            assert not evaluation.busy and evaluation.summary.text() == summary
            assert bar.currentMessage() == AWAY

            bar.showMessage("Wrote evaluation.xlsx", 100)  # a passing message …
            qtbot.waitUntil(lambda: bar.currentMessage() == AWAY, timeout=2000)  # … passes
            assert changes == []  # no row removed, inserted or reset

        writer = Store(store.url)
        writer.act(numbers[0], "close", actor="leader")  # closed at another desk meanwhile
        writer.dispose()
        window.tabs.setCurrentWidget(closure)
        refresh_action(window).trigger()
        assert queue_numbers(closure) == numbers[1:] and closure.table.rowCount() == 2
        assert closure.selected() is not None and closure.selected().case.case_no == numbers[1]
        assert closure.detail.title.text() == shown
        assert bar.currentMessage() == "" and bar.toolTip() == ""
    finally:
        window.close()


def test_a_send_back_that_cannot_reach_the_store_comes_back_with_its_reason(
    own_server: tuple[str, str], store_on: Store, qtbot: QtBot
) -> None:
    store = store_on
    asked = drive(store, ASKED)
    window = station(store, qtbot)
    closure = window.closure
    try:
        assert queue_numbers(closure) == [asked]
        qtbot.keyClick(closure.table, Qt.Key.Key_B)
        first = closure.controller.dialog
        assert first is not None and first.action == "refuse_extension"
        qtbot.keyClicks(first.reason, "not justified")
        begin, end = unreachable(store.url)

        with server_down(own_server[0]):
            qtbot.keyClick(first.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            again = closure.controller.dialog
            assert again is not None and again is not first and again.isVisible()
            assert again.reason.toPlainText() == "not justified"
            assert again.message.text().startswith(begin) and again.message.text().endswith(end)
            qtbot.waitUntil(lambda: again.focusWidget() is again.reason, timeout=2000)  # keyed as before
            assert queue_numbers(closure) == [asked] and window.statusBar().currentMessage() == AWAY

        view = cases.by_number(store, asked)
        assert view is not None and view.case.pending_request is not None  # nothing was done
        qtbot.keyClick(again.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # sent now
        view = cases.by_number(store, asked)
        assert view is not None and view.case.pending_request is None
        assert (view.events[-1].action, view.events[-1].note) == ("refuse_extension", "not justified")
        assert queue_numbers(closure) == [] and window.statusBar().toolTip() == ""
    finally:
        window.close()
