"""The wall following the shared state: layouts on tiles, drops, another workstation switching it,
tours, alarms, live pictures and a broken stream that stays on its own tile."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gridwatch.db import wall as walls
from gridwatch.db.store import Store
from gridwatch.video.state import StreamState
from gridwatch.wall.controller import WallController
from gridwatch.wall.layout import TileRef
from gridwatch.wall.window import camera_mime
from tests.wall.conftest import BROKEN, CAMERAS, LAT, LON

pytestmark = [pytest.mark.slow, pytest.mark.video]
MakeWall = Callable[..., WallController]
sqlite_only = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def layout(*screens: tuple[int, list[str | None]]) -> dict:  # type: ignore[type-arg]
    return {"screens": [{"tiles": n, "cameras": cams} for n, cams in screens]}


def shown(controller: WallController) -> list[list[str | None]]:
    return [[tile.camera for tile in window.tiles] for window in controller.windows]


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3).copy()


@sqlite_only
def test_a_stored_layout_puts_each_camera_on_its_tile(store: Store, make_wall: MakeWall) -> None:
    walls.show(store, "main", layout((9, [None, CAMERAS[2], None, None, CAMERAS[5]])), actor="dispatcher")
    controller = make_wall()
    window = controller.windows[0]
    assert len(window.tiles) == 9
    assert shown(controller) == [[None, CAMERAS[2], None, None, CAMERAS[5], None, None, None, None]]
    assert window.tiles[1].pane.name.startswith(CAMERAS[2]) and "测试路3号监控" in window.tiles[1].pane.name
    assert window.tiles[1].pane.url.endswith("-sub.mp4")  # nine tiles: the camera's sub-stream
    assert window.tiles[0].placeholder.isVisibleTo(window) and not window.tiles[0].pane.isVisibleTo(window)
    widths = {tile.width() for tile in window.tiles}
    heights = {tile.height() for tile in window.tiles}
    assert max(widths) - min(widths) <= 1 and max(heights) - min(heights) <= 1  # an even 3x3 grid
    assert len({tile.x() for tile in window.tiles}) == 3 == len({tile.y() for tile in window.tiles})


@sqlite_only
def test_a_camera_dropped_on_a_tile_plays_there_and_is_stored(store: Store, make_wall: MakeWall) -> None:
    walls.show(store, "main", layout((4, [CAMERAS[0]])), actor="dispatcher")
    controller = make_wall()
    tile = controller.windows[0].tiles[3]
    data = camera_mime(CAMERAS[6])
    point = QPointF(tile.rect().center())
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tile, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(tile, drop)
    assert drop.isAccepted()
    assert shown(controller) == [[CAMERAS[0], None, None, CAMERAS[6]]]
    stored = walls.current(store, "main")
    assert stored is not None and stored["layout"]["screens"][0]["cameras"] == [
        CAMERAS[0],
        None,
        None,
        CAMERAS[6],
    ]
    assert stored["version"] == controller.version == 2

    text_only = camera_mime("x")
    text_only.removeFormat("application/x-gridwatch-camera")
    refused = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    refused.ignore()
    QApplication.sendEvent(tile, refused)
    assert not refused.isAccepted()  # plain text is not a camera


def test_another_workstation_switches_the_wall(
    qtbot: QtBot, store: Store, other_store: Store, make_wall: MakeWall
) -> None:
    """A layout shown from another desk reaches the wall through the feed (its latency: bench/feed.py)."""
    controller = make_wall(live=True)
    assert shown(controller) == [CAMERAS[:4]]  # nothing stored yet: the first cameras
    qtbot.waitUntil(lambda: controller.listening, timeout=10_000)
    wanted = [CAMERAS[7], None, CAMERAS[3], CAMERAS[1]]
    version = walls.show(other_store, "main", layout((4, wanted)), actor="dispatcher")
    qtbot.waitUntil(lambda: shown(controller) == [wanted], timeout=30_000)
    assert controller.version == version
    walls.show(other_store, "main", layout((1, [CAMERAS[5]])), actor="dispatcher")
    qtbot.waitUntil(lambda: shown(controller) == [[CAMERAS[5]]], timeout=30_000)


@sqlite_only
def test_a_preset_tour_cycles_its_group_on_its_tile(qtbot: QtBot, store: Store, make_wall: MakeWall) -> None:
    group = [CAMERAS[4], CAMERAS[5], CAMERAS[6]]
    walls.save_preset(
        store, "早高峰", layout((4, [CAMERAS[0], None])), tours={"1/2": {"group": group, "every_s": 1}}
    )
    walls.show(store, "main", layout((4, [CAMERAS[0], None])), actor="dispatcher", preset="早高峰")
    controller = make_wall()
    tile = controller.windows[0].tiles[1]
    seen = [tile.camera]
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline and len(set(seen)) < 3:
        qtbot.wait(200)
        if tile.camera != seen[-1]:
            seen.append(tile.camera)
    assert seen[:3] == group
    assert controller.windows[0].tiles[0].camera == CAMERAS[0]  # other tiles stay


def test_a_video_or_sensor_case_pops_its_camera_onto_the_alarm_tile(
    qtbot: QtBot, store: Store, other_store: Store, cameras: dict[str, int], make_wall: MakeWall
) -> None:
    walls.show(store, "main", layout((4, CAMERAS[:4])), actor="dispatcher")
    controller = make_wall(live=True)
    qtbot.waitUntil(lambda: controller.listening, timeout=10_000)
    alarms: list[tuple[str, str]] = []
    controller.alarm_shown.connect(lambda case_no, code: alarms.append((case_no, code)))

    other_store.report(actor="acceptor", source="citizen", category_code="06010", lon=LON, lat=LAT)
    case = other_store.report(
        actor="acceptor",
        source="video",
        category_code="06010",
        lon=LON,
        lat=LAT,
        device_id=cameras[CAMERAS[6]],
    )
    qtbot.waitUntil(lambda: bool(alarms), timeout=3000)
    assert alarms == [(case.case_no, CAMERAS[6])]  # the citizen's case popped nothing
    tile = controller.tile(TileRef.parse("1/4"))  # no alarm tile stored: monitor 1's last (issue 9)
    assert tile is not None and tile.camera == CAMERAS[6] and tile.alarm == case.case_no
    assert case.case_no in tile.pane.name

    controller.clear_alarm()
    assert tile.camera == CAMERAS[3] and tile.alarm is None

    alarms.clear()  # a sensor near the fourth camera: the nearest camera shows
    sensor = other_store.report(
        actor="acceptor", source="sensor", category_code="06010", lon=LON + 0.00031, lat=LAT
    )
    qtbot.waitUntil(lambda: bool(alarms), timeout=3000)
    assert alarms == [(sensor.case_no, CAMERAS[3])]


@sqlite_only
def test_demo_streams_show_moving_pictures_and_a_broken_one_stays_on_its_tile(
    qtbot: QtBot, store: Store, make_wall: MakeWall
) -> None:
    walls.show(store, "main", layout((4, [CAMERAS[0], BROKEN, CAMERAS[1]])), actor="dispatcher")
    controller = make_wall()
    live, broken, other, _empty = controller.windows[0].tiles
    qtbot.waitUntil(lambda: live.pane.frames > 10 and other.pane.frames > 10, timeout=15_000)
    first = pixels(live.grab().toImage())
    qtbot.wait(700)
    second = pixels(live.grab().toImage())
    assert np.mean(np.any(first != second, axis=2)) > 0.01  # the street moves
    assert first.std() > 20  # a picture, not a flat colour
    qtbot.waitUntil(lambda: broken.pane.state == StreamState.LOST, timeout=15_000)
    assert "broken.mp4" in broken.pane.message
    frames = live.pane.frames, other.pane.frames
    qtbot.wait(500)
    assert live.pane.state == other.pane.state == StreamState.LIVE
    assert live.pane.frames > frames[0] and other.pane.frames > frames[1]  # still playing
