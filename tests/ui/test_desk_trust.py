"""Issue 9, items 1–5 and 7: the desk acts on the case the person sees, and tells the same time as the
store. Driven as a person drives it (clicks on rows and toolbar buttons, keys in the search box), on both
backends; each assertion names the exact case, time or text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QToolButton
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from gridwatch.video.pane import VideoPane
from tests.ui import test_dispatcher_workflow as workflow
from tests.ui.test_dispatcher_workflow import XIAMEN, OpenWindow

open_window = workflow.open_window  # the fixture: windows opened on a store, closed afterwards

SHANGHAI_FORMAT = "%Y-%m-%d %H:%M"


@pytest.fixture
def away_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workstation's own zone is not the command center's: what the desk shows must not follow it."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def registered(store: Store, description: str) -> tuple[int, str]:
    case = store.report(
        actor="acceptor",
        source="citizen",
        category_code="06010",
        lon=XIAMEN[0],
        lat=XIAMEN[1],
        description=description,
        address=description,
    )
    store.act(case.case_no, "register", actor="leader")
    return case.id, case.case_no


def row_point(window: MainWindow, case_id: int) -> QPoint:
    model = window.queue.model
    row = model.row_of(case_id)
    assert row is not None, f"case {case_id} is not in the queue"
    return window.queue.table.visualRect(model.index(row, 1)).center()


def click_row(qtbot: QtBot, window: MainWindow, case_id: int) -> QPoint:
    point = row_point(window, case_id)
    qtbot.mouseClick(window.queue.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return point


def case_under(window: MainWindow, point: QPoint) -> int:
    index = window.queue.table.indexAt(point)
    return window.queue.model.case_at(index.row()).id


def click_toolbar(qtbot: QtBot, window: MainWindow, action: str) -> None:
    button = window.toolbar.widgetForAction(window.controller.actions[action])
    assert isinstance(button, QToolButton), f"{action} is not on the toolbar"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press_ok(qtbot: QtBot, buttons: QDialogButtonBox) -> None:
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_rows_stay_under_the_pointer_and_the_selection_after_an_action(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot
) -> None:
    ids = [registered(store, f"中山路{n}号") for n in range(3)]
    window = open_window(store, find_login(store, "dispatcher"))
    window.queue.state.setCurrentIndex(window.queue.state.findData("registered"))
    aimed_id, aimed_no = ids[1]
    point = click_row(qtbot, window, aimed_id)
    assert window.detail.case_id == aimed_id
    table_at = window.queue.table.mapTo(window, QPoint(0, 0))

    arrived = registered(store, "新到案件")  # another desk registers a case: the feed announces it
    window.on_change("cases", arrived[0], 2)
    qtbot.waitUntil(lambda: window.queue.held.isVisible(), timeout=2000)
    assert case_under(window, point) == aimed_id, "the row under the pointer did not move"
    assert window.queue.table.mapTo(window, QPoint(0, 0)) == table_at, "the bar did not push the rows down"
    assert window.queue.held.text() == "1 new case — click to show"

    click_toolbar(qtbot, window, "dispatch")
    dialog = window.controller.dialog
    assert dialog is not None
    dialog.department.setCurrentIndex(dialog.department.findData("CGJ"))
    press_ok(qtbot, dialog.buttons)
    # the dispatched case left the "registered" list, but it stays where it was, selected, greyed
    assert window.queue.selected_case_id() == aimed_id
    assert window.detail.case_id == aimed_id and window.detail.view.case.state == "dispatched"
    assert case_under(window, point) == aimed_id and window.queue.model.is_gone(aimed_id)
    assert window.queue.held.text() == "1 new case · 1 left the list — click to show"

    qtbot.mouseClick(window.queue.held, Qt.MouseButton.LeftButton)
    shown = [window.queue.model.case_at(r).case_no for r in range(window.queue.model.rowCount())]
    assert shown == [arrived[1], ids[2][1], ids[0][1]]
    assert window.queue.selected_case_id() is None, "the selection went away with its case, not to another"
    assert window.detail.case_id == aimed_id and aimed_no in window.detail.title.text()


def test_a_filter_that_hides_the_shown_case_leaves_nothing_to_act_on(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot
) -> None:
    first, second = registered(store, "Zhongshan Rd 1"), registered(store, "Hubin Rd 2")
    window = open_window(store, find_login(store, "dispatcher"))
    click_row(qtbot, window, first[0])
    assert window.controller.enabled_actions() == ["dispatch"]
    qtbot.keyClicks(window.queue.text, "Hubin")  # QTest types Latin letters only
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=2000)
    assert window.queue.model.case_at(0).case_no == second[1]
    assert window.detail.case_id is None
    assert window.controller.enabled_actions() == []
    assert window.toolbar.widgetForAction(window.controller.actions["dispatch"]) is None
    click_row(qtbot, window, second[0])
    assert window.detail.case_id == second[0] and window.controller.enabled_actions() == ["dispatch"]


def test_the_dispatch_preview_is_the_deadline_stored(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot, away_zone: None
) -> None:
    case_id, case_no = registered(store, "中山路1号")
    window = open_window(store, find_login(store, "dispatcher"))
    click_row(qtbot, window, case_id)
    qtbot.waitUntil(lambda: datetime.now(UTC).second < 50, timeout=12_000)  # not across a minute
    click_toolbar(qtbot, window, "dispatch")
    dialog = window.controller.dialog
    assert dialog is not None
    dialog.department.setCurrentIndex(dialog.department.findData("CGJ"))
    preview = dialog.deadline.text()
    press_ok(qtbot, dialog.buttons)
    with store.session() as s:
        stored = store.case(s, case_no).deadline_at
        tz = store.rules(s).calendar.tz
    assert stored is not None
    assert preview == f"{stored.astimezone(tz):{SHANGHAI_FORMAT}}  (4 working hours)"


def test_the_overdue_filter_shows_every_red_row_and_only_those(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot
) -> None:
    late = store.report(
        actor="acceptor",
        source="citizen",
        category_code="06010",
        lon=XIAMEN[0],
        lat=XIAMEN[1],
        reported_at=datetime(2025, 11, 3, 1, 0, tzinfo=UTC),
    )
    store.act(late.case_no, "register", actor="leader")  # registered, its hour long gone
    on_time_id, _ = registered(store, "中山路1号")
    window = open_window(store, find_login(store, "dispatcher"))
    model = window.queue.model
    reds = {model.case_at(r).id for r in range(model.rowCount()) if model.light(model.case_at(r)) == "red"}
    assert reds == {late.id}
    qtbot.mouseClick(window.queue.overdue, Qt.MouseButton.LeftButton)
    assert [model.case_at(r).id for r in range(model.rowCount())] == [late.id]
    assert on_time_id not in {model.case_at(r).id for r in range(model.rowCount())}


def test_a_paused_clock_says_so_and_when_it_resumes(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot
) -> None:
    case = store.report(
        actor="acceptor",
        source="citizen",
        category_code="06010",
        lon=XIAMEN[0],
        lat=XIAMEN[1],
        reported_at=datetime(2025, 11, 3, 9, 0, tzinfo=UTC),  # Monday 17:00 in Xiamen
    )
    window = open_window(store, find_login(store, "dispatcher"))
    model = window.queue.model
    model.clock = lambda: datetime(2025, 11, 3, 14, 0, tzinfo=UTC)  # 22:00 in Xiamen
    model.tick()
    row = model.row_of(case.id)
    assert row is not None
    assert model.data(model.index(row, 0)) == "00:30 paused until 11-04 08:30"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == (
        "Clock paused outside working hours; it resumes 2025-11-04 08:30"
    )
    model.clock = lambda: datetime(2025, 11, 4, 3, 0, tzinfo=UTC)  # 11:00, due 09:00: two hours late
    model.tick()
    assert model.data(model.index(row, 0)) == "-02:00"


def test_a_new_case_needs_category_description_and_address(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot
) -> None:
    window = open_window(store, find_login(store, "acceptor"))
    before = store_count(store)
    qtbot.mouseClick(
        window.toolbar.widgetForAction(window.controller.report_action), Qt.MouseButton.LeftButton
    )
    form = window.controller.report_dialog
    assert form is not None and form.category.currentData() is None
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClick(form, Qt.Key.Key_Return)
    assert form.isVisible() and store_count(store) == before
    form.category.setCurrentIndex(form.category.findText("06010", Qt.MatchFlag.MatchStartsWith))
    qtbot.keyClicks(form.description, "rubbish by the road")
    assert not ok.isEnabled() and ok.toolTip() == "Required: Address"
    qtbot.keyClicks(form.address, "Zhongshan Rd 1")
    press_ok(qtbot, form.buttons)
    assert store_count(store) == before + 1
    qtbot.mouseClick(
        window.toolbar.widgetForAction(window.controller.report_action), Qt.MouseButton.LeftButton
    )
    again = window.controller.report_dialog
    assert again is not None and again is not form
    assert again.category.currentData() == ("06010", "C")  # the last used, not the first in the list
    assert again.description.toPlainText() == "" and again.address.text() == ""


def store_count(store: Store) -> int:
    with store.session() as session:
        return store.count_cases(session)


def test_the_video_overlay_tells_the_desks_time(
    store: Store, staff: dict[str, str], open_window: OpenWindow, qtbot: QtBot, away_zone: None
) -> None:
    open_window(store, find_login(store, "dispatcher"))
    pane = VideoPane("中山路1号监控")
    qtbot.addWidget(pane)
    qtbot.waitUntil(lambda: datetime.now(UTC).second < 58, timeout=5000)  # not across a minute
    shanghai = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert pane.clock_text()[:16] == f"{shanghai:{SHANGHAI_FORMAT}}"
