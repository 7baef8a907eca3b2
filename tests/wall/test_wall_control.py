"""The control window: cameras found by code or name and dragged out as camera data; grids per monitor;
presets shown on the wall. And a tile keeps playing a file past its end (the demo's files loop)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from gridwatch.db import wall as walls
from gridwatch.db.store import Store
from gridwatch.video.pane import VideoPane
from gridwatch.video.state import StreamState
from gridwatch.wall.control import WallControl
from gridwatch.wall.window import dropped_camera
from tests.wall.conftest import CAMERAS
from tests.wall.test_wall_controller import MakeWall, layout, shown

pytestmark = [pytest.mark.slow, pytest.mark.video]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_search_drag_grids_and_presets(qtbot: QtBot, store: Store, make_wall: MakeWall) -> None:
    walls.save_preset(store, "夜间", layout((1, [CAMERAS[7]])))
    controller = make_wall()
    control = WallControl(controller)
    qtbot.addWidget(control)
    assert control.filtered.rowCount() == len(CAMERAS) + 1

    control.search.setText("测试路3号")
    assert control.filtered.rowCount() == 1
    found = control.filtered.index(0, 0)
    data = control.filtered.mimeData([found])
    assert dropped_camera(data) == CAMERAS[2]
    control.search.setText("cam0004")
    assert control.filtered.rowCount() == 1  # codes too, any case

    control.tile_boxes[0].setCurrentText("16")
    control.tile_boxes[0].activated.emit(control.tile_boxes[0].currentIndex())
    assert len(controller.windows[0].tiles) == 16
    assert shown(controller)[0][:4] == CAMERAS[:4]  # the cameras that fit stay
    stored = walls.current(store, "main")
    assert stored is not None and stored["layout"]["screens"][0]["tiles"] == 16

    control.presets.setCurrentText("夜间")
    control.findChild(QPushButton).click()
    assert shown(controller) == [[CAMERAS[7]]]
    assert control.tile_boxes[0].currentText() == "1"


def test_a_file_loops_without_reconnecting(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "short.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (160, 90))
    for n in range(8):  # about half a second
        writer.write(np.full((90, 160, 3), n * 30, np.uint8))
    writer.release()
    pane = VideoPane("loop", backend="opencv")
    qtbot.addWidget(pane)
    states: list[str] = []
    pane.state_changed.connect(lambda state, _m: states.append(state))
    pane.play(str(path))
    qtbot.waitUntil(lambda: pane.frames >= 24, timeout=5000)  # three times round
    assert set(states) == {StreamState.CONNECTING, StreamState.LIVE}  # no reconnect between rounds
    assert states.count(StreamState.LIVE) == 1
    started = pane.frames
    qtbot.wait(1000)
    assert 8 <= pane.frames - started <= 20  # at the file's 15 fps, not as fast as it decodes
    pane.release()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_refused_change_is_said_and_the_wall_keeps_its_picture(
    qtbot: QtBot, store: Store, make_wall: MakeWall
) -> None:
    controller = make_wall()
    control = WallControl(controller)
    qtbot.addWidget(control)
    before = shown(controller)
    controller.actor = "nobody"  # no such person may switch the wall
    controller.drop(0, 1, CAMERAS[6])
    assert shown(controller) == before
    assert "nobody" in control.message.text()
    assert walls.current(store, "main") is None
