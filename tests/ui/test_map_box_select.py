"""A box drawn on the map opens the boxed cases as the queue (issue 9, item 12); the bar that says so
gives the whole queue back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.ui.test_map_widget import drag


def queue_numbers(window: MainWindow) -> list[str]:
    model = window.queue.model
    return sorted(model.case_at(r).case_no for r in range(model.rowCount()))


def test_box_select_opens_the_boxed_cases_as_the_queue(
    store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    make_application("en")
    spots = [(118.090, 24.470), (118.092, 24.471), (118.110, 24.490)]  # two close together, one apart
    cases = [
        store.report(actor="acceptor", source="citizen", category_code="06010", lon=lon, lat=lat)
        for lon, lat in spots
    ]
    login = find_login(store, "dispatcher")
    assert login is not None
    ini = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, login, "dispatcher", ini, live=False)
    qtbot.addWidget(window)
    window.show()
    window.map.wait_loaded(10_000)
    everything = sorted(c.case_no for c in cases)
    assert queue_numbers(window) == everything

    qtbot.mouseClick(window.map.tool_buttons["select"], Qt.MouseButton.LeftButton)
    canvas = window.map.canvas
    a, b = (canvas.lonlat_to_screen(lon, lat) for lon, lat in spots[:2])
    drag(
        canvas,
        QPointF(min(a.x(), b.x()) - 15, min(a.y(), b.y()) - 15),
        QPointF(max(a.x(), b.x()) + 15, max(a.y(), b.y()) + 15),
    )
    assert queue_numbers(window) == sorted(c.case_no for c in cases[:2])
    bar = window.queue.only_bar
    assert bar.isVisible() and bar.text() == "Map selection: 2 cases ✕"

    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton)  # the whole queue again
    assert queue_numbers(window) == everything and not bar.isVisible()
    window.close()
