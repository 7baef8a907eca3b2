"""The map in the window's centre: a click on a case there selects it in the queue and the detail."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow


def test_map_click_selects_the_case(
    store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    make_application("en")
    cases = [
        store.report(
            actor="acceptor", source="citizen", category_code="06010", lon=118.09 + i / 1000, lat=24.47
        )
        for i in range(3)
    ]
    login = find_login(store, "dispatcher")
    assert login is not None
    ini = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, login, "dispatcher", ini, live=False)
    qtbot.addWidget(window)
    window.show()
    assert window.map.objectName() != "mapPlaceholder", "the map package is part of the build"
    window.map.wait_loaded(10_000)
    window.map.case_clicked.emit(cases[1].id)
    assert window.detail.case_id == cases[1].id
    assert window.queue.selected_case_id() == cases[1].id
    window.close()
