"""The video dock's tiles (issue 9, item 15): 2×2 shows four tiles at the stream's aspect filling the dock,
and a layout change or another camera does not restart the players of the cameras that stay."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.video_dock import CameraPane, VideoDock
from gridwatch.ui.video_tiles import EmptyTile, tile_rects
from tests.ui import test_dispatcher_video as video
from tests.ui.test_dispatcher_video import add_devices, wait_live

camera_file = video.camera_file  # the video tests' camera, shared


def test_tiles_fill_the_area_at_the_pictures_aspect() -> None:
    # a wide dock: the height limits; four 16:9 pictures under a 30 px toolbar, centred across
    assert tile_rects(792, 500, 2, (0, 30), 16 / 9) == [
        QRect(7, 0, 387, 248), QRect(398, 0, 387, 248), QRect(7, 252, 387, 248), QRect(398, 252, 387, 248)
    ]  # fmt: skip
    # a tall dock: the width limits; no tall letterboxed tiles, the block is centred vertically
    assert tile_rects(560, 900, 2, (0, 30), 16 / 9) == [
        QRect(0, 262, 278, 186), QRect(282, 262, 278, 186), QRect(0, 452, 278, 186), QRect(282, 452, 278, 186)
    ]  # fmt: skip
    assert tile_rects(560, 900, 1, (0, 30), 16 / 9) == [QRect(0, 277, 560, 345)]


def picture_fills(pane: CameraPane) -> bool:
    """The picture reaches the pane's bottom corners (black there would be a letterbox bar)."""
    image = pane.video.grab().toImage()
    black = QColor(0, 0, 0).rgb()
    corners = [(3, image.height() - 3), (image.width() - 4, image.height() - 3)]
    return all(image.pixel(x, y) != black for x, y in corners)


def test_two_by_two_keeps_aspect_and_players_survive_layout_changes(
    store: Store,
    staff: dict[str, str],
    camera_file: Path,
    qtbot: QtBot,
) -> None:
    make_application("en")
    add_devices(store, camera_file)
    dock = VideoDock(store, "dispatcher", lambda: None)
    qtbot.addWidget(dock, before_close_func=lambda _: dock.close_all())  # stop the players
    dock.resize(800, 620)
    dock.show()
    first = dock.open_camera(code="C2")
    assert first is not None
    wait_live(qtbot, first)
    qtbot.waitUntil(lambda: first.video.picture_aspect() is not None)

    tiles = dock.tiles.tiles  # 2×2: the camera and three free tiles, all the same size, filling the dock
    assert len(tiles) == 4 and tiles[0] is first
    assert [type(t) for t in tiles[1:]] == [EmptyTile] * 3 and all(t.isVisible() for t in tiles)
    assert len({t.size().toTuple() for t in tiles}) == 1
    video = first.video.size()
    assert abs(video.width() * 180 - video.height() * 320) <= 320  # 16:9 within a pixel
    left, right = tiles[0].geometry().left(), tiles[1].geometry().right()
    top, bottom = tiles[0].geometry().top(), tiles[2].geometry().bottom()
    width, height = dock.tiles.width(), dock.tiles.height()
    assert right - left + 1 >= width - 1 or bottom - top + 1 >= height - 1  # it fills one way
    assert picture_fills(first)

    second = dock.open_camera(code="C3")  # another camera
    assert second is not None and dock.tiles.tiles[:2] == [first, second]
    wait_live(qtbot, second)
    reader = second.video._reader
    seen: list[str] = []
    second.video.state_changed.connect(lambda state, _message: seen.append(state))
    dock.layout_choice.setFocus()
    qtbot.keyClick(dock.layout_choice, Qt.Key.Key_Up)  # "1 camera": the newest stays
    assert dock.layout_choice.currentText() == "1 camera"
    assert dock.panes == [second] and dock.tiles.tiles == [second]
    assert second.geometry() == QRect(
        0, (dock.tiles.height() - second.height()) // 2, dock.tiles.width(), second.height()
    )
    qtbot.keyClick(dock.layout_choice, Qt.Key.Key_Down)  # back to 2×2
    assert dock.tiles.tiles[0] is second and len(dock.tiles.tiles) == 4
    talking = dock.open_camera(code="C1")  # and another camera, with a talk button in its toolbar
    assert talking is not None and talking.talk is not None
    frames = second.video.frames
    qtbot.waitUntil(lambda: second.video.frames > frames + 5, timeout=5000)
    assert seen == [] and second.video.state == "live"  # never reconnected, never blacked out
    wait_live(qtbot, talking)
    picture = talking.video.size()  # the taller toolbar is measured: its picture is still 16:9
    assert abs(picture.width() * 9 / 16 - picture.height()) <= 1.5, picture  # within a pixel and rounding
    assert second.video._reader is reader and reader is not None and reader.isRunning()
