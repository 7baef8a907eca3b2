"""The desk across levels (docs/LEVELS.md): the dispatch-down dialog lists the centers below, the detail
shows the holding center, the way there and the handbook's standard, and the queue flags escalations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.case_queue import CaseQueue
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.db.test_levels import build


def test_a_district_desk_dispatches_down_and_sees_the_way_and_the_handbook(
    sqlite_store: Store, qtbot: QtBot, tmp_path: Path
) -> None:
    make_application("en")
    chain = build(sqlite_store)
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch_down", "top", center="350203")
    login = find_login(sqlite_store, chain.users["d"])
    assert login is not None
    ini = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_store, login, "dispatcher", ini, live=False, with_map=False)
    qtbot.addWidget(window)
    window.show()
    window.show_case(chain.case(no).id)
    detail = window.detail
    assert detail._values["center"].text() == "D中心 (top center → 350203)"
    assert detail._values["handbook"].text() == (
        "路面、绿地见本色，无暴露垃圾、无积存杂物 · limit 4 working hours · 环卫中心 · after-photos 0"
    )
    window.controller.actions["dispatch_down"].trigger()
    dialog = window.controller.dialog
    assert dialog is not None
    assert [dialog.center.itemData(i) for i in range(dialog.center.count())] == ["350203001", "350203002"]
    dialog.center.setCurrentIndex(1)
    dialog.accept()
    assert chain.case(no).holder_id == chain.units["S2"]
    window.close()


def test_the_queue_flags_an_escalated_case(sqlite_store: Store, qtbot: QtBot) -> None:
    make_application("en")
    chain = build(sqlite_store)
    no = chain.report("C1")
    chain.act(no, "escalate", "worker1", reason="劝离无效")
    queue = CaseQueue(sqlite_store, person_id=None)
    qtbot.addWidget(queue)
    queue.apply_filters()
    model = queue.model
    row = next(r for r in range(model.rowCount()) if model.case_at(r).case_no == no)
    state = model.index(row, 3).data()
    assert state == "Reported · escalated"
