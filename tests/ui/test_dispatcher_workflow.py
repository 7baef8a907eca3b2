"""The dispatcher window driven like a person would: QActions triggered, dialogs filled, on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTranslator
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.store import Store
from gridwatch.ui.action_dialog import ActionDialog
from gridwatch.ui.application import choose_language, install_translator, make_application
from gridwatch.ui.login import Login, LoginDialog, find_login
from gridwatch.ui.main_window import MainWindow

DESK_ROLES = ("acceptor", "shift_leader", "dispatcher", "handler", "grid_worker")
XIAMEN = (118.09, 24.47)
OpenWindow = Callable[..., MainWindow]


def add_person(store: Store, username: str, roles: tuple[str, ...]) -> Login:
    """A person with these roles; as a handler, CGJ's (a handler acts on their department's cases)."""
    with store.session() as session:
        person = Person(username=username, name=username.title(), updated_at=datetime.now(UTC))
        if "handler" in roles:
            person.department_id = session.query(Department.id).filter(Department.code == "CGJ").scalar()
        person.roles = [PersonRole(role=r) for r in roles]
        session.add(person)
    login = find_login(store, username)
    assert login is not None
    return login


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Iterator[OpenWindow]:
    """Opens main windows on a store for a person; closes them (and their live feeds) afterwards."""
    make_application("en")
    windows: list[MainWindow] = []

    def make(
        store: Store,
        login: Login,
        *,
        live: bool = False,
        settings: QSettings | None = None,
        with_map: bool = False,
    ) -> MainWindow:
        ini = settings or QSettings(str(tmp_path / f"layout{len(windows)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, login, "dispatcher", ini, live=live, with_map=with_map)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.stop_live()


def run(window: MainWindow, action: str, **fill: str) -> ActionDialog:
    """Trigger an action the way its toolbar button does, fill the dialog, press OK."""
    qaction = window.controller.actions[action]
    assert qaction.isEnabled(), f"{action} not enabled; enabled: {window.controller.enabled_actions()}"
    qaction.trigger()
    dialog = window.controller.dialog
    assert dialog is not None and dialog.isVisible()
    for name, value in fill.items():
        widget = getattr(dialog, name)
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(value)
        elif hasattr(widget, "setText"):
            widget.setText(value)
        else:
            widget.setCurrentIndex(widget.findData(value))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


def test_whole_loop_through_the_ui(
    store: Store, staff: dict[str, str], open_window: OpenWindow, tmp_path: Path
) -> None:
    desk = add_person(store, "desk", DESK_ROLES)
    window = open_window(store, desk)
    window.controller.report_action.trigger()
    report = window.controller.report_dialog
    assert report is not None
    report.description.setPlainText("路边暴露垃圾")
    report.address.setText("中山路1号")
    report.category.setCurrentIndex(report.category.findText("06010", Qt.MatchFlag.MatchStartsWith))
    report.lon.setValue(XIAMEN[0])
    report.lat.setValue(XIAMEN[1])
    report.accept()
    case_id = window.detail.case_id
    assert case_id is not None
    case_no = window.detail.view.case.case_no
    assert window.queue.model.row_of(case_id) is not None, "the new case shows in the queue at once"

    run(window, "register", urgency="B")
    run(window, "dispatch", department="CGJ")
    run(window, "accept")
    after = tmp_path / "after.png"
    after.write_bytes(b"\x89PNG\r\n\x1a\n after")
    run(window, "feedback", note="已清运", photo=str(after))
    run(window, "send_check")
    run(window, "check_pass")
    run(window, "close")

    with store.session() as session:
        events = store.events(session, case_no)
        trail = [(e.action, e.from_state, e.to_state, e.role) for e in events]
        case = store.case(session, case_no)
    assert trail == [
        ("report", None, "reported", "acceptor"),
        ("register", "reported", "registered", "shift_leader"),
        ("dispatch", "registered", "dispatched", "dispatcher"),
        ("accept", "dispatched", "handling", "handler"),
        ("feedback", "handling", "handled", "handler"),
        ("send_check", "handled", "checking", "acceptor"),
        ("check_pass", "checking", "checked", "grid_worker"),
        ("close", "checked", "closed", "shift_leader"),
    ]
    assert case.urgency == "B" and case.close_type == "normal"
    assert events[4].note == "已清运"
    assert window.detail.timeline.rowCount() == 8
    assert [window.detail.photos.item(i).text() for i in range(window.detail.photos.count())] == [
        "after: after.png"
    ]
    assert window.controller.enabled_actions() == []  # closed: nothing left to do


def test_actions_follow_the_roles(store: Store, staff: dict[str, str], open_window: OpenWindow) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="06010", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    store.act(case.case_no, "register", actor="leader")
    dispatcher = open_window(store, find_login(store, "dispatcher"))
    dispatcher.show_case(case.id)
    assert set(dispatcher.controller.actions) == {
        "dispatch",
        "approve_return",
        "refuse_return",
        "approve_extension",
        "refuse_extension",
        "approve_suspend",
        "refuse_suspend",
        "resume",
        "dispatch_down",  # centers on the org tree (docs/LEVELS.md): none below, nothing above here
        "hand_back",
        "escalate",
    }
    assert dispatcher.controller.enabled_actions() == ["dispatch"]
    assert dispatcher.controller.actions["dispatch"].shortcut().toString() == "Ctrl+D"
    leader = open_window(store, find_login(store, "leader"))
    leader.show_case(case.id)
    assert "dispatch" not in leader.controller.actions
    assert leader.controller.enabled_actions() == ["void"]


def test_dispatch_dialog_suggests_department_and_shows_deadline(
    store: Store, staff: dict[str, str], open_window: OpenWindow
) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="09006", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    store.act(case.case_no, "register", actor="leader")
    with store.session() as session:  # a routing rule would have set it; set it the way the store stores it
        from gridwatch.db.models import Case, Department

        row = session.get(Case, case.id)
        assert row is not None
        row.suggested_department_id = session.query(Department.id).filter(Department.code == "CGJ").scalar()
    window = open_window(store, find_login(store, "dispatcher"))
    window.show_case(case.id)
    window.controller.actions["dispatch"].trigger()
    dialog = window.controller.dialog
    assert dialog is not None
    assert dialog.department.currentData() == "CGJ"
    assert "(4 working days)" in dialog.deadline.text() or "4 working days" in dialog.deadline.text()
    dialog.accept()
    with store.session() as session:
        assert store.case(session, case.case_no).department_id is not None


def test_reason_is_required(store: Store, staff: dict[str, str], open_window: OpenWindow) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="06010", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    window = open_window(store, find_login(store, "acceptor"))
    window.show_case(case.id)
    window.controller.actions["reject"].trigger()
    dialog = window.controller.dialog
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setPlainText("   ")
    assert not ok.isEnabled()
    dialog.accept()
    assert dialog.isVisible(), "an empty reason does not close the dialog"
    dialog.reason.setPlainText("重复举报")
    ok.click()
    with store.session() as session:
        assert store.case(session, case.case_no).state == "rejected"


def test_extension_request_and_approval(store: Store, staff: dict[str, str], open_window: OpenWindow) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="06036", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    store.act(case.case_no, "register", actor="leader")
    store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    store.act(case.case_no, "accept", actor="handler")
    handler = open_window(store, find_login(store, "handler"))
    handler.show_case(case.id)
    handler.controller.actions["request_extension"].trigger()
    dialog = handler.controller.dialog
    assert dialog is not None
    dialog.hours.setValue(6)
    dialog.reason.setPlainText("需要协调吊车")
    dialog.accept()
    assert "request_extension" not in handler.controller.enabled_actions()  # one request at a time

    dispatcher = open_window(store, find_login(store, "dispatcher"))
    dispatcher.show_case(case.id)
    assert set(dispatcher.controller.enabled_actions()) == {"approve_extension", "refuse_extension"}
    assert dispatcher.controller.actions["approve_extension"].shortcut().toString() == "Ctrl+Y"
    before = dispatcher.detail.view.case.deadline_at
    run(dispatcher, "approve_extension")
    after = dispatcher.detail.view.case.deadline_at
    assert before is not None and after is not None and after > before
    assert dispatcher.detail.view.case.extension_count == 1


def test_conflict_names_the_winner_and_keeps_the_losers_input(
    store: Store, staff: dict[str, str], open_window: OpenWindow
) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="06010", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    store.act(case.case_no, "register", actor="leader")
    store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    store.act(case.case_no, "accept", actor="handler")
    store.act(case.case_no, "request_return", actor="handler", inp=ActionInput(reason="不属于本部门"))
    loser = open_window(store, find_login(store, "dispatcher"))
    loser.show_case(case.id)
    loser.controller.actions["refuse_return"].trigger()
    dialog = loser.controller.dialog
    assert dialog is not None
    dialog.reason.setPlainText("属于你部门职责，请继续处置")
    # meanwhile the handler adds a note by asking again: the case moves on to a new version
    store.act(case.case_no, "refuse_return", actor="dispatcher", inp=ActionInput(reason="先处理"))
    store.act(case.case_no, "request_return", actor="handler", inp=ActionInput(reason="确实不属于"))
    dialog.accept()

    assert "Handler" in loser.controller.last_message and "version" in loser.controller.last_message
    reopened = loser.controller.dialog
    assert reopened is not None and reopened is not dialog and reopened.isVisible()
    assert reopened.reason.toPlainText() == "属于你部门职责，请继续处置"
    assert "Handler" in reopened.message.text()
    assert loser.detail.view.case.version == 7  # the reloaded row
    assert loser.queue.model.case_by_id(case.id).version == 7
    reopened.accept()  # second try on the fresh version succeeds
    with store.session() as session:
        last = store.events(session, case.case_no)[-1]
    assert (last.action, last.note) == ("refuse_return", "属于你部门职责，请继续处置")


def test_unreadable_photo_is_refused_and_input_kept(
    store: Store, staff: dict[str, str], open_window: OpenWindow, tmp_path: Path
) -> None:
    case = store.report(
        actor="acceptor", source="citizen", category_code="06010", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    store.act(case.case_no, "register", actor="leader")
    store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    store.act(case.case_no, "accept", actor="handler")
    window = open_window(store, find_login(store, "handler"))
    window.show_case(case.id)
    first = run(window, "feedback", note="已处理", photo=str(tmp_path / "missing.jpg"))
    again = window.controller.dialog
    assert again is not None and again is not first
    assert "Cannot read the photo" in again.message.text()
    assert again.note.toPlainText() == "已处理"
    with store.session() as session:
        assert store.case(session, case.case_no).state == "handling"  # nothing happened


def test_login_lists_desk_people_and_their_workspaces(
    store: Store, staff: dict[str, str], open_window: OpenWindow
) -> None:
    make_application("en")
    dialog = LoginDialog(store)
    names = [dialog.people.item(i).text() for i in range(dialog.people.count())]
    assert names[0].startswith("Dispatcher  (dispatcher)")  # dispatchers first
    assert not any("(handler)" in n or "(worker)" in n for n in names)  # no desk for them yet
    assert dialog.workspace.currentData() == "dispatcher"
    chosen = dialog.chosen()
    assert chosen is not None and chosen[0].username == "dispatcher" and chosen[1] == "dispatcher"


def test_language_choice(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "lang.ini"), QSettings.Format.IniFormat)
    assert choose_language("en", settings) == "en"
    settings.setValue("ui/language", "zh_CN")
    assert choose_language(None, settings) == "zh_CN"
    with pytest.raises(ValueError, match="zh_CN"):
        choose_language("fr", settings)


def test_layout_is_saved_and_restored(
    store: Store, staff: dict[str, str], open_window: OpenWindow, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    first = open_window(store, find_login(store, "dispatcher"), settings=settings)
    first.detail_dock.setFloating(True)
    first.queue_dock.hide()
    first.close()
    second = open_window(store, find_login(store, "dispatcher"), settings=settings)
    assert second.detail_dock.isFloating()
    assert second.queue_dock.isHidden()
    second.reset_layout()
    assert not second.detail_dock.isFloating() and second.queue_dock.isVisible()


def test_chinese_ui_loads(store: Store, staff: dict[str, str], open_window: OpenWindow) -> None:
    app = make_application("zh_CN")
    try:
        window = open_window(store, find_login(store, "dispatcher"))
        assert window.queue_dock.windowTitle() == "案件队列"
        assert window.controller.actions["dispatch"].text() == "派遣"
        assert window.queue.state.itemText(0) == "在办案件"
        assert window.queue.model.headerData(0, Qt.Orientation.Horizontal) == "剩余时间"
    finally:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
        install_translator(app, "en")
