"""Two workstations on two store connections see each other's changes live; urgent new cases alert."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.conftest import pg_engine

LON, LAT = 118.09, 24.47


@pytest.fixture
def other_store(store: Store, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A second, independent connection to the same store (another workstation)."""
    if store.is_postgres:
        other = Store(engine=pg_engine(request.getfixturevalue("pg_schema")))
    else:
        other = Store(store.url)
    yield other
    other.dispose()


def desk(store: Store, username: str, qtbot: QtBot, tmp_path: Path) -> MainWindow:
    make_application("en")
    ini = QSettings(str(tmp_path / f"{username}-{id(store)}.ini"), QSettings.Format.IniFormat)
    login = find_login(store, username)
    assert login is not None
    window = MainWindow(store, login, "dispatcher", ini, live=True, with_map=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.wait(300)  # the feed thread connects and starts listening
    return window


def test_two_workstations_see_each_others_changes(
    store: Store, other_store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    case = store.report(actor="acceptor", source="citizen", category_code="06010", lon=LON, lat=LAT)
    store.act(case.case_no, "register", actor="leader")
    dispatcher = desk(store, "dispatcher", qtbot, tmp_path)
    leader = desk(other_store, "leader", qtbot, tmp_path)
    try:
        leader.show_case(case.id)
        assert leader.controller.enabled_actions() == ["void"]
        dispatcher.show_case(case.id)
        dispatcher.controller.actions["dispatch"].trigger()
        dialog = dispatcher.controller.dialog
        assert dialog is not None
        dialog.department.setCurrentIndex(dialog.department.findData("CGJ"))
        started = time.monotonic()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

        def seen() -> bool:
            row = leader.queue.model.case_by_id(case.id)
            shown = leader.detail.view
            return (
                row is not None
                and row.state == "dispatched"
                and shown is not None
                and shown.case.state == "dispatched"
            )

        qtbot.waitUntil(seen, timeout=1000)
        latency = time.monotonic() - started
        assert leader.queue.model.is_highlighted(case.id)
        assert leader.controller.enabled_actions() == []  # void is no longer possible there
        assert leader.detail.timeline.rowCount() == 3

        new = other_store.report(actor="leader", source="center", category_code="06036", lon=LON, lat=LAT)
        # the dispatcher has a case selected: the arrival waits in the bar until they take it (issue 9)
        qtbot.waitUntil(lambda: dispatcher.queue.model.held() == (1, 0), timeout=1000)
        qtbot.mouseClick(dispatcher.queue.held, Qt.MouseButton.LeftButton)
        assert dispatcher.queue.model.row_of(new.id) == 0
        print(f"change seen by the other workstation after {latency * 1000:.0f} ms")
    finally:
        dispatcher.stop_live()
        leader.stop_live()


def test_urgent_or_machine_case_raises_an_alert(
    store: Store, other_store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    window = desk(store, "dispatcher", qtbot, tmp_path)
    try:
        plain = other_store.report(
            actor="acceptor", source="citizen", category_code="06010", lon=LON, lat=LAT
        )
        qtbot.waitUntil(lambda: window.queue.model.row_of(plain.id) is not None, timeout=1000)
        qtbot.wait(200)
        assert window.alerts.count == 0  # an ordinary citizen report does not ring
        with qtbot.waitSignal(window.alerts.alerted, timeout=1000) as signal:
            fire = other_store.report(
                actor="acceptor", source="citizen", category_code="10001", lon=LON, lat=LAT
            )
        assert signal.args[0] == fire.id
        assert window.alerts.banner.isVisible()
        assert fire.case_no in window.alerts.banner.label.text()
        assert fire.case_no in window.statusBar().currentMessage()
        with qtbot.waitSignal(window.alerts.alerted, timeout=1000):
            other_store.report(actor="system", source="video", category_code="09006", lon=LON, lat=LAT)
        assert window.alerts.count == 2
    finally:
        window.stop_live()
