"""The review station while its PostgreSQL server is down: the queue's re-read on a change, F5, a decision
and the evaluation fail without a traceback; the queue keeps its rows (nothing removed, inserted or reset),
the case shown stays, the evaluation keeps the figures it showed, the status bar says in one line since
when the queue is as shown, and a send-back that could not reach the store comes back in its dialog with
the reason typed. F5 once the server is back reads the queue again and ends the message.

Also while it is down: Enter or B on a case that could not be read says the store is away (not that the
person may not), and decides once it is back; an approval comes back with its note and the case stays
listed; the evaluation's period, scope, drill-downs (a new one, and a case in one open), charts and
exports keep what was shown and say why; the thematic map keeps its layers and colours and F5 on it says
the store is away.

The server is a cluster of the test's own (tests/db/test_server_restart.py), stopped and started here. A
read that raised out of a slot would fail the test (pytest-qt)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QTableWidget
from pytestqt.qtbot import QtBot

from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.reads import cases
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.review.evaluation import ROW_KEY_ROLE, TOTAL_KEY, DrillDown
from gridwatch.ui.review.window import ReviewWindow
from tests.conftest import STAFF
from tests.db.test_evaluation import NOV, seed
from tests.db.test_server_restart import own_database
from tests.db.test_server_restart import own_server as own_server  # the private cluster fixture
from tests.ui.test_desk_store_away import server_down, unreachable
from tests.ui.test_review_closure import TO_CHECKED, add_reviewer, drive, ok_button, queue_numbers

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

AT = datetime(2026, 12, 1, 6, 2, 30, tzinfo=UTC)
"""The station's clock at its last read of the queue before the server stops: 14:02 at the site."""
AWAY = "Cannot reach the case store: the queue shows the decisions as of 14:02 (F5 to try again)"
NOT_OPENED = "The case could not be opened: the case store cannot be reached"
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


def station(store: Store, qtbot: QtBot, *, with_map: bool = False) -> ReviewWindow:
    make_application("en")
    login = add_reviewer(store, "chief", ("supervisor", "shift_leader", "dispatcher"))
    window = ReviewWindow(store, login, with_map=with_map, live=False)
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


def watch(table: QTableWidget) -> list[str]:
    """What happens to the rows of `table` from now on: each removal, insertion or reset."""
    changes: list[str] = []
    model = table.model()
    model.modelAboutToBeReset.connect(lambda: changes.append("reset"))
    model.rowsAboutToBeRemoved.connect(lambda *_: changes.append("removed"))
    model.rowsAboutToBeInserted.connect(lambda *_: changes.append("inserted"))
    return changes


def last_event(store: Store, case_no: str) -> tuple[str, str | None]:
    """The case's newest event as the store holds it: its action and its note (the reason)."""
    view = cases.by_number(store, case_no)
    assert view is not None
    return view.events[-1].action, view.events[-1].note


def state(store: Store, case_no: str) -> str:
    view = cases.by_number(store, case_no)
    assert view is not None
    return view.case.state


def test_keys_on_a_case_that_could_not_be_read_say_the_store_is_away_and_work_once_it_is_back(
    own_server: tuple[str, str], store_on: Store, qtbot: QtBot
) -> None:
    store = store_on
    numbers = [drive(store, TO_CHECKED) for _ in range(3)]
    window = station(store, qtbot)
    closure, bar = window.closure, window.statusBar()
    told: list[str] = []  # what the closure review said in the status bar
    closure.message.connect(told.append)
    try:
        assert queue_numbers(closure) == numbers
        assert closure.selected() is not None and closure.selected().case.case_no == numbers[0]
        changes = watch(closure.table)

        with server_down(own_server[0]):
            qtbot.keyClick(closure.table, Qt.Key.Key_Down)  # the next case: it cannot be read
            assert closure.selected() is not None and closure.selected().case.case_no == numbers[1]
            assert closure.detail.title.text() == NOT_OPENED and bar.currentMessage() == AWAY
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Return, Qt.Key.Key_B):  # approve, again; send back
                qtbot.keyClick(closure.table, key)
                assert closure.controller.dialog is None
                assert bar.currentMessage() == AWAY
            assert told == []  # no "Not possible for you": the store is away, not a refusal
            assert queue_numbers(closure) == numbers and changes == []
            assert closure.selected() is not None and closure.selected().case.case_no == numbers[1]

        qtbot.keyClick(closure.table, Qt.Key.Key_Return)  # the same keys, the store back
        dialog = closure.controller.dialog
        assert dialog is not None and (dialog.action, dialog.context.case_no) == ("close", numbers[1])
        assert dialog.focusWidget() is ok_button(dialog)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
        assert state(store, numbers[1]) == "closed" and last_event(store, numbers[1])[0] == "close"
        assert queue_numbers(closure) == [numbers[0], numbers[2]]
        assert bar.currentMessage() == "Close done" and bar.toolTip() == ""
        assert closure.selected() is not None and closure.selected().case.case_no == numbers[2]

        with server_down(own_server[0]):
            qtbot.keyClick(closure.table, Qt.Key.Key_Up)  # the first case, not read since: cannot be
            assert closure.detail.title.text() == NOT_OPENED
            for key in (Qt.Key.Key_B, Qt.Key.Key_Return):
                qtbot.keyClick(closure.table, key)
                assert closure.controller.dialog is None and bar.currentMessage() == AWAY
            assert told == ["Close done"] and queue_numbers(closure) == [numbers[0], numbers[2]]

        qtbot.keyClick(closure.table, Qt.Key.Key_B)
        back = closure.controller.dialog
        assert back is not None and (back.action, back.context.case_no) == ("recheck", numbers[0])
        qtbot.waitUntil(lambda: back.focusWidget() is back.reason, timeout=2000)
        qtbot.keyClicks(back.reason, "photo unclear")
        qtbot.keyClick(back.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert last_event(store, numbers[0]) == ("recheck", "photo unclear")
        assert state(store, numbers[0]) != "checked"
        assert queue_numbers(closure) == [numbers[2]] and bar.toolTip() == ""
    finally:
        window.close()


def test_an_approval_that_cannot_reach_the_store_comes_back_with_its_note_and_the_case_stays(
    own_server: tuple[str, str], store_on: Store, qtbot: QtBot
) -> None:
    store = store_on
    numbers = [drive(store, TO_CHECKED) for _ in range(2)]
    window = station(store, qtbot)
    closure, bar = window.closure, window.statusBar()
    try:
        assert queue_numbers(closure) == numbers
        changes = watch(closure.table)
        begin, end = unreachable(store.url)

        with server_down(own_server[0]):
            qtbot.keyClick(closure.table, Qt.Key.Key_Return)  # the case as read before: its dialog opens
            first = closure.controller.dialog
            assert first is not None and (first.action, first.context.case_no) == ("close", numbers[0])
            qtbot.keyClicks(first.note, "checked on site")
            qtbot.keyClick(first.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            again = closure.controller.dialog
            assert again is not None and again is not first and again.isVisible()
            assert again.note.toPlainText() == "checked on site"
            assert again.message.text().startswith(begin) and again.message.text().endswith(end)
            qtbot.waitUntil(lambda: again.focusWidget() is ok_button(again), timeout=2000)
            assert queue_numbers(closure) == numbers and changes == []
            assert closure.selected() is not None and closure.selected().case.case_no == numbers[0]
            assert bar.currentMessage() == AWAY

        assert state(store, numbers[0]) == "checked"  # nothing was done
        qtbot.keyClick(again.focusWidget(), Qt.Key.Key_Return)  # the second try, the store back
        assert state(store, numbers[0]) == "closed"
        assert last_event(store, numbers[0]) == ("close", "checked on site")
        assert queue_numbers(closure) == [numbers[1]] and bar.toolTip() == ""
    finally:
        window.close()


def double_click(qtbot: QtBot, table: QTableWidget, row: int, column: int) -> None:
    """A supervisor's double-click on a cell (a view acts on the cell it pressed)."""
    item = table.item(row, column)
    assert item is not None
    table.scrollToItem(item)
    cell = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)


def row_of(table: QTableWidget, key: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).data(ROW_KEY_ROLE) == key)


def test_the_evaluation_keeps_its_figures_drill_downs_and_charts_and_says_why(
    own_server: tuple[str, str],
    store_on: Store,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = store_on
    november = seed(store)
    window = station(store, qtbot)
    evaluation, bar = window.evaluation, window.statusBar()
    window.tabs.setCurrentWidget(evaluation)
    evaluation.set_period(*NOV)
    assert evaluation.wait_loaded()
    saving: list[Path] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(saving[-1]), ""))
    )  # the file dialog answers with the path the test chose
    try:
        ev, figures, summary = evaluation.evaluation, cells(window), evaluation.summary.text()
        assert ev is not None and ev.total.reported == 6 and summary.startswith("2025-11-01 – 2025-11-30")
        charts = list(evaluation.chart_views)
        assert len(charts) == 4
        table, columns = evaluation.tables["department"], evaluation.columns("department")
        changes = watch(table)
        double_click(qtbot, table, row_of(table, TOTAL_KEY), columns.index("reported"))
        drilled = evaluation.drill_dialog
        assert drilled is not None and sorted(drilled.case_numbers()) == sorted(november.values())
        first = drilled.case_numbers()[0]
        assert drilled.detail.title.text().startswith(f"Case {first} · version ")

        with server_down(own_server[0]):
            qtbot.keyClick(drilled.table, Qt.Key.Key_Down)  # the drill-down's next case: not readable
            assert drilled.detail.view is None and drilled.detail.title.text() == NOT_OPENED
            assert bar.currentMessage() == AWAY  # the window says why

            evaluation.preset.setCurrentIndex(evaluation.preset.findData("90"))  # another period
            assert evaluation.wait_loaded()
            evaluation.scope.setCurrentIndex(1)  # another scope
            assert evaluation.wait_loaded()
            for kept in (evaluation.evaluation, window.thematic.evaluation):
                assert kept is ev
            assert cells(window) == figures and evaluation.summary.text() == summary
            assert evaluation.stack.currentWidget() is evaluation.body and changes == []
            assert evaluation.chart_views == charts and all(c.isVisible() for c in charts)
            assert bar.currentMessage() == AWAY

            cgj = row_of(table, "CGJ")
            double_click(qtbot, table, cgj, columns.index("reported"))  # its cases cannot be listed
            assert evaluation.drill_dialog is drilled and len(window.findChildren(DrillDown)) == 1
            assert bar.currentMessage() == AWAY

            saving.append(tmp_path / "november.pdf")  # the PDF's map page reads the org units: away
            evaluation.pdf_button.click()
            assert not saving[-1].exists() and bar.currentMessage() == AWAY
            saving.append(tmp_path / "november.xlsx")  # the workbook is the figures shown: written
            evaluation.xlsx_button.click()
            assert saving[-1].stat().st_size > 0
            assert bar.currentMessage() == f"Wrote {saving[-1]}"

        evaluation.set_period(*NOV)  # the store back: the period shown before, read again
        assert evaluation.wait_loaded()
        assert evaluation.evaluation is not ev and cells(window) == figures
        double_click(qtbot, table, row_of(table, "CGJ"), columns.index("reported"))
        listed = evaluation.drill_dialog
        assert listed is not None and listed is not drilled and len(listed.case_numbers()) == 4
        saving.append(tmp_path / "november.pdf")
        evaluation.pdf_button.click()
        assert saving[-1].stat().st_size > 0
    finally:
        for dialog in window.findChildren(DrillDown):
            dialog.close()
        window.close()


def test_the_thematic_map_keeps_its_colours_and_says_the_store_is_away(
    own_server: tuple[str, str], store_on: Store, qtbot: QtBot
) -> None:
    store = store_on
    seed(store)
    window = station(store, qtbot, with_map=True)
    evaluation, thematic, bar = window.evaluation, window.thematic, window.statusBar()
    evaluation.set_period(*NOV)
    assert evaluation.wait_loaded() and thematic.wait_loaded(30_000)
    window.tabs.setCurrentWidget(thematic)
    themed: dict[str, np.ndarray] = {}
    for key in ("overdue_rate", "density"):
        thematic.set_theme(key)
        assert thematic.values is not None
        themed[key] = thematic.values.copy()
    ev, org = thematic.evaluation, thematic.map.org  # type: ignore[attr-defined]
    levels = org.levels
    try:
        with server_down(own_server[0]):
            refresh_action(window).trigger()  # F5 on the map
            assert bar.currentMessage() == AWAY
            assert thematic.wait_loaded(30_000)
            assert org.levels is levels and thematic.evaluation is ev
            np.testing.assert_array_equal(thematic.values, themed["density"])
            thematic.theme.setCurrentIndex(thematic.theme.findData("overdue_rate"))  # the combo
            np.testing.assert_array_equal(thematic.values, themed["overdue_rate"])
            evaluation.preset.setCurrentIndex(evaluation.preset.findData("month"))  # the figures' period
            assert evaluation.wait_loaded()
            assert thematic.evaluation is ev
            np.testing.assert_array_equal(thematic.values, themed["overdue_rate"])
            refresh_action(window).trigger()  # F5 again: still away
            assert bar.currentMessage() == AWAY and org.levels is levels

        refresh_action(window).trigger()  # the store back: the map is read again
        assert bar.currentMessage() == "" and bar.toolTip() == ""
        assert thematic.wait_loaded(30_000) and org.levels is not levels
        np.testing.assert_array_equal(thematic.values, themed["overdue_rate"])
    finally:
        window.close()
