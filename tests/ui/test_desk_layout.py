"""The desk remembers its window size, docks and video layout per workstation, and "Reset layout" brings
back the first launch's (issue 9, item 16)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSysInfo, Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.login import find_login
from tests.ui import test_dispatcher_workflow as workflow
from tests.ui.test_dispatcher_workflow import OpenWindow

open_window = workflow.open_window  # the workflow tests' window fixture, shared


def test_size_docks_and_video_layout_survive_a_restart_until_reset(
    store: Store,
    staff: dict[str, str],
    open_window: OpenWindow,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    login = find_login(store, "dispatcher")
    first = open_window(store, login, settings=settings)
    first.resize(first.width(), 700)  # the offscreen screen is 800 px wide: Qt clamps a restored width
    first.detail_dock.setFloating(True)
    first.video.layout_choice.setFocus()
    qtbot.keyClick(first.video.layout_choice, Qt.Key.Key_Up)  # "1 camera"
    assert first.video.capacity == 1
    first.close()
    group = f"layout/{QSysInfo.machineHostName()}/dispatcher"
    assert sorted(settings.allKeys()) == [f"{group}/geometry", f"{group}/state", f"{group}/video"]

    second = open_window(store, login, settings=settings)
    assert second.height() == 700
    assert second.detail_dock.isFloating()
    assert second.video.capacity == 1 and second.video.layout_choice.currentText() == "1 camera"

    reset = second.findChild(QAction, "resetLayout")
    assert reset in second.menuBar().actions()[1].menu().actions()  # View ▸ Reset layout
    reset.trigger()
    assert second.size().toTuple() == (1600, 960)
    assert not second.detail_dock.isFloating() and second.queue_dock.isVisible()
    assert second.video_dock.isHidden() and second.talk_dock.isHidden()  # no camera, no loudspeaker open
    assert second.video.capacity == 4 and second.video.layout_choice.currentText() == "2×2 cameras"
    assert settings.allKeys() == []
