"""Every camera is reachable from the video dock's camera list at any map scale (issue 9, item 14): at
district scale the map hides device symbols, and the dock no longer says only "click a camera on the map"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.video_dock import VideoDock
from tests.ui import test_dispatcher_video as video
from tests.ui import test_dispatcher_workflow as workflow
from tests.ui.test_dispatcher_video import add_devices
from tests.ui.test_dispatcher_workflow import OpenWindow

camera_file = video.camera_file  # the video tests' camera, shared
open_window = workflow.open_window  # the workflow tests' window fixture, shared


def test_a_camera_found_by_typing_part_of_its_name(
    store: Store, staff: dict[str, str], camera_file: Path, qtbot: QtBot
) -> None:
    make_application("en")
    add_devices(store, camera_file)
    dock = VideoDock(store, "dispatcher", lambda: None)
    qtbot.addWidget(dock, before_close_func=lambda _: dock.close_all())
    dock.show()
    listed = [dock.camera_list.itemText(i) for i in range(dock.camera_list.count())]
    assert listed == [f"中山路{n}号监控 (C{n})" for n in range(1, 6)]
    assert dock.hint.text() == "Click a camera on the map, or find one in the list, to watch it here."
    assert dock.find_field.placeholderText() == "Find a camera…"

    qtbot.mouseClick(dock.find_field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dock.find_field, "3")  # QtTest types ASCII only: "3" is in 中山路3号监控 (C3)
    qtbot.keyClick(dock.find_field, Qt.Key.Key_Return)
    assert [p.camera.code for p in dock.panes] == ["C3"]
    assert dock.find_field.text() == ""  # ready for the next one

    qtbot.keyClicks(dock.find_field, "c5")  # the code, any case
    qtbot.keyClick(dock.find_field, Qt.Key.Key_Return)
    assert [p.camera.code for p in dock.panes] == ["C3", "C5"]
    messages: list[str] = []
    dock.message.connect(messages.append)
    qtbot.keyClicks(dock.find_field, "x9")
    qtbot.keyClick(dock.find_field, Qt.Key.Key_Return)
    assert messages == ["No camera matches “x9”."] and len(dock.panes) == 2


def test_ctrl_k_opens_the_camera_list_in_a_hidden_video_dock(
    store: Store, staff: dict[str, str], camera_file: Path, qtbot: QtBot, open_window: OpenWindow
) -> None:
    add_devices(store, camera_file)
    login = find_login(store, "dispatcher")
    assert login is not None
    window = open_window(store, login)
    assert window.video_dock.isHidden()  # the first launch's layout: no camera open yet
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.video_dock.isVisible() and window.video.find_field.hasFocus()
    qtbot.keyClicks(window.video.find_field, "c2")
    qtbot.keyClick(window.video.find_field, Qt.Key.Key_Return)
    assert [p.camera.code for p in window.video.panes] == ["C2"]
    window.video.close_all()
