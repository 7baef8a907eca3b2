"""Issue 9, item 6: a desk's "To wall" lands where it says, keeps the other tiles, and an alarm goes to
the designated alarm tile (saying so on it), never over what a dispatcher pushed. The desk's pane button
is clicked; the wall is a real controller in this process following the store through its feed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from gridwatch.db import wall as walls
from gridwatch.db.store import Store
from gridwatch.ui.login import find_login
from gridwatch.wall.controller import WallController
from gridwatch.wall.layout import TileRef
from tests.ui import test_dispatcher_workflow as workflow
from tests.ui.test_dispatcher_workflow import OpenWindow
from tests.wall.conftest import CAMERAS, LAT, LON

pytestmark = [pytest.mark.slow, pytest.mark.video]
open_window = workflow.open_window
MakeWall = Callable[..., WallController]


def shown(controller: WallController) -> list[str | None]:
    return [tile.camera for tile in controller.windows[0].tiles]


def click_to_wall(qtbot: QtBot, window: object, device_id: int) -> None:
    pane = window.open_camera(device_id)  # type: ignore[attr-defined]
    assert pane is not None
    button = pane.toolbar.widgetForAction(pane.wall_action)
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_to_wall_lands_where_it_says_and_alarms_keep_to_their_tile(
    qtbot: QtBot,
    store: Store,
    other_store: Store,
    cameras: dict[str, int],
    make_wall: MakeWall,
    open_window: OpenWindow,
) -> None:
    wall = make_wall(live=True)
    qtbot.waitUntil(lambda: wall.listening, timeout=10_000)
    assert shown(wall) == CAMERAS[:4]  # nothing stored yet: the default layout
    desk = open_window(store, find_login(store, "dispatcher"))

    click_to_wall(qtbot, desk, cameras[CAMERAS[5]])
    assert desk.statusBar().currentMessage() == "测试路6号监控 is on the video wall, screen 1 tile 1."
    qtbot.waitUntil(lambda: shown(wall) == [CAMERAS[5], *CAMERAS[1:4]], timeout=3000)  # the rest kept
    state = walls.current(store, "main")
    assert state is not None and state["alarm_tile"] == "1/4"

    alarms: list[tuple[str, str]] = []
    wall.alarm_shown.connect(lambda case_no, code: alarms.append((case_no, code)))
    case = other_store.report(
        actor="acceptor",
        source="video",
        category_code="06010",
        lon=LON,
        lat=LAT,
        device_id=cameras[CAMERAS[6]],
    )
    qtbot.waitUntil(lambda: bool(alarms), timeout=3000)
    alarm_tile = wall.tile(TileRef.parse("1/4"))
    assert alarm_tile is not None and alarm_tile.alarm == case.case_no
    assert alarm_tile.pane.name.startswith(f"ALARM {case.case_no}")
    assert shown(wall) == [CAMERAS[5], CAMERAS[1], CAMERAS[2], CAMERAS[6]]  # the pushed camera stays

    click_to_wall(qtbot, desk, cameras[CAMERAS[7]])  # a push while the alarm shows: not onto the alarm
    assert desk.statusBar().currentMessage() == "测试路8号监控 is on the video wall, screen 1 tile 1."
    qtbot.waitUntil(lambda: shown(wall)[0] == CAMERAS[7], timeout=3000)
    assert shown(wall) == [CAMERAS[7], CAMERAS[1], CAMERAS[2], CAMERAS[6]]
    wall.clear_alarm()
    assert shown(wall) == [CAMERAS[7], CAMERAS[1], CAMERAS[2], CAMERAS[3]]
