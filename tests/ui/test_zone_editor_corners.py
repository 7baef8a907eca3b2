"""Tuning a drawn zone's corners in the zone editor, as a dispatcher does with the mouse: real widgets
offscreen, driven by QTest presses, moves and releases at exact pixels of a canvas of known size, so every
corner is asserted as the exact fraction the store keeps. A corner dragged is saved like any edit (read
back through the store); Esc during the drag puts it back and leaves the dialog open; a corner stays on
the picture; the grab distance is in screen pixels at any scale; a double-click on an edge adds a corner,
Delete takes the one under the cursor away while the zone keeps three."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gridwatch.db import analytics
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store
from gridwatch.ui.zone_editor import GRAB_PX, ZoneEditor
from tests.plugins.analytics.conftest import add_cameras

SQUARE = [[0.2, 0.5], [0.6, 0.5], [0.6, 0.95], [0.2, 0.95]]
TRIANGLE = [[0.7, 0.1], [0.9, 0.1], [0.8, 0.3]]
ZONES = {
    "zones": [
        {"name": "A", "detector": "occupancy", "polygon": SQUARE, "dwell_s": 2, "warmup_s": 1},
        {"name": "B", "detector": "occupancy", "polygon": TRIANGLE, "dwell_s": 30},
    ]
}


@pytest.fixture
def camera(store: Store, staff: dict[str, str]) -> str:
    # never opened: the editor is given its picture
    add_cameras(store, {"CAM1": "rtsp://camera.invalid/stream"})
    analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher")
    return "CAM1"


def forget_edits(editor: ZoneEditor) -> None:
    """A test's edits left unsaved are let go when it ends: qtbot's close would ask Save / Discard first."""
    editor.undo_stack.setClean()


def opened(qtbot: QtBot, store: Store, camera: str, width: int, height: int) -> ZoneEditor:
    """The editor on a 640 x 360 picture, its canvas `width` x `height` widget pixels."""
    editor = ZoneEditor(store, camera, "dispatcher", picture=np.full((360, 640, 3), 110, np.uint8))
    qtbot.addWidget(editor, before_close_func=forget_edits)
    editor.canvas.setFixedSize(width, height)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def polygons(editor: ZoneEditor) -> list[list[list[float]]]:
    return [[[float(x), float(y)] for x, y in zone["polygon"]] for zone in editor.canvas.zones]


def press(qtbot: QtBot, editor: ZoneEditor, x: int, y: int) -> None:
    qtbot.mousePress(editor.canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))


def move(qtbot: QtBot, editor: ZoneEditor, x: int, y: int) -> None:
    qtbot.mouseMove(editor.canvas, QPoint(x, y))


def release(qtbot: QtBot, editor: ZoneEditor, x: int, y: int) -> None:
    qtbot.mouseRelease(editor.canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))


def double_click(qtbot: QtBot, editor: ZoneEditor, x: int, y: int) -> None:
    """As the window system delivers one: press, release, press, double-click, release."""
    at, left = QPoint(x, y), Qt.MouseButton.LeftButton
    qtbot.mousePress(editor.canvas, left, pos=at)
    qtbot.mouseRelease(editor.canvas, left, pos=at)
    qtbot.mousePress(editor.canvas, left, pos=at)
    qtbot.mouseDClick(editor.canvas, left, pos=at)
    qtbot.mouseRelease(editor.canvas, left, pos=at)


def test_a_dragged_corner_moves_by_the_cursors_way_and_is_saved(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)  # the picture fills it: 1.25 widget pixels a pixel
    assert editor.canvas.picture_rect() == QRectF(0, 0, 800, 450)
    assert editor.canvas.selected == 0
    move(qtbot, editor, 400, 100)  # nowhere near a corner
    assert editor.canvas.cursor().shape() == Qt.CursorShape.ArrowCursor
    move(qtbot, editor, 163, 222)  # 3 px right of and above A's first corner, (160, 225)
    assert editor.canvas.cursor().shape() == Qt.CursorShape.OpenHandCursor
    press(qtbot, editor, 163, 222)
    assert editor.canvas.cursor().shape() == Qt.CursorShape.ClosedHandCursor
    move(qtbot, editor, 183, 240)
    assert polygons(editor)[0][0] == [0.225, 0.54]  # follows the cursor (20, 18) px on
    move(qtbot, editor, 203, 267)
    release(qtbot, editor, 203, 267)  # 40 px right, 45 px down: 0.05 and 0.1 of the picture
    assert polygons(editor) == [[[0.25, 0.6], *SQUARE[1:]], TRIANGLE]
    assert editor.canvas.cursor().shape() == Qt.CursorShape.OpenHandCursor  # still over the corner
    move(qtbot, editor, 203, 267 + 20)
    move(qtbot, editor, 203, 267 + 40)  # not carried along once released
    assert polygons(editor)[0][0] == [0.25, 0.6]
    assert editor.canvas.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert editor.save(), editor.problem.text()
    saved = reads.zones(store, camera)
    assert saved.version == 2
    assert [zone["polygon"] for zone in saved.zones["zones"]] == [[[0.25, 0.6], *SQUARE[1:]], TRIANGLE]
    assert saved.zones["zones"][0]["warmup_s"] == 1  # the zone's other settings kept


def test_a_corner_of_another_zone_is_taken_and_its_zone_selected(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)
    assert editor.name_field.text() == "A"
    press(qtbot, editor, 640, 135)  # B's last corner (0.8, 0.3)
    assert editor.zone_list.currentRow() == 1 and editor.name_field.text() == "B"
    move(qtbot, editor, 640, 180)
    release(qtbot, editor, 640, 180)
    assert polygons(editor) == [SQUARE, [*TRIANGLE[:2], [0.8, 0.4]]]


def test_esc_during_a_drag_puts_the_corner_back_and_keeps_the_editor_open(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)
    press(qtbot, editor, 480, 225)  # A's second corner (0.6, 0.5)
    move(qtbot, editor, 530, 300)
    assert polygons(editor)[0][1] == [0.6625, 0.6667]
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert polygons(editor) == [SQUARE, TRIANGLE]
    assert editor.isVisible()  # the Esc went to the drag, not to the dialog
    move(qtbot, editor, 560, 320)
    release(qtbot, editor, 560, 320)
    assert polygons(editor) == [SQUARE, TRIANGLE]
    assert editor.save()
    assert [zone["polygon"] for zone in reads.zones(store, camera).zones["zones"]] == [SQUARE, TRIANGLE]


def test_a_drag_whose_release_went_elsewhere_ends_where_it_was(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)
    press(qtbot, editor, 160, 225)  # A's first corner (0.2, 0.5)
    move(qtbot, editor, 200, 270)
    free = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(300, 300),
        editor.canvas.mapToGlobal(QPointF(300, 300)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,  # no button held: a popup took the release
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(editor.canvas, free)
    assert polygons(editor)[0][0] == [0.25, 0.6]
    move(qtbot, editor, 320, 320)
    assert polygons(editor) == [[[0.25, 0.6], *SQUARE[1:]], TRIANGLE]


def test_a_corner_stays_on_the_picture(qtbot: QtBot, store: Store, camera: str) -> None:
    editor = opened(qtbot, store, camera, 800, 600)  # the picture is 800 x 450, 75 px below the top
    assert editor.canvas.picture_rect() == QRectF(0, 75, 800, 450)
    press(qtbot, editor, 160, 300)  # A's first corner (0.2, 0.5)
    move(qtbot, editor, -30, 30)  # left of the widget, above the picture
    assert polygons(editor)[0][0] == [0.0, 0.0]
    move(qtbot, editor, 900, 700)  # right of and below everything
    assert polygons(editor)[0][0] == [1.0, 1.0]
    move(qtbot, editor, -30, 255)
    release(qtbot, editor, -30, 255)
    assert polygons(editor)[0] == [[0.0, 0.4], *SQUARE[1:]]
    assert editor.save(), editor.problem.text()
    assert reads.zones(store, camera).zones["zones"][0]["polygon"] == [[0.0, 0.4], *SQUARE[1:]]


@pytest.mark.parametrize(("width", "height"), [(640, 360), (1280, 720)])
def test_a_corner_is_taken_within_the_same_screen_pixels_at_any_scale(
    qtbot: QtBot, store: Store, camera: str, width: int, height: int
) -> None:
    editor = opened(qtbot, store, camera, width, height)
    x, y = round(0.2 * width), round(0.5 * height)  # A's first corner
    assert GRAB_PX == 8
    press(qtbot, editor, x + 9, y)  # 9 px off: a new zone's first point, the corner untouched
    move(qtbot, editor, x + 40, y + 40)
    release(qtbot, editor, x + 40, y + 40)
    assert polygons(editor) == [SQUARE, TRIANGLE]
    assert editor.canvas.draft == [(round((x + 9) / width, 4), 0.5)]
    qtbot.mousePress(editor.canvas, Qt.MouseButton.RightButton, pos=QPoint(x, y))  # taken back
    assert editor.canvas.draft == []
    press(qtbot, editor, x + 6, y - 5)  # 7.8 px off: the corner
    move(qtbot, editor, x + 6 + 64, y - 5)
    release(qtbot, editor, x + 6 + 64, y - 5)
    assert polygons(editor)[0][0] == [round(0.2 + 64 / width, 4), 0.5]
    assert editor.canvas.draft == []


def test_after_new_zone_a_press_on_a_corner_is_the_new_zones_point(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)
    editor.new_zone()
    move(qtbot, editor, 160, 225)
    assert editor.canvas.cursor().shape() == Qt.CursorShape.ArrowCursor
    press(qtbot, editor, 160, 225)  # A's first corner, shared by the new zone
    release(qtbot, editor, 160, 225)
    assert editor.canvas.draft == [(0.2, 0.5)] and polygons(editor) == [SQUARE, TRIANGLE]


def test_a_double_click_on_an_edge_adds_a_corner_and_delete_takes_corners_away_down_to_three(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera, 800, 450)
    double_click(qtbot, editor, 320, 228)  # 3 px below A's top edge, halfway along
    assert polygons(editor) == [[SQUARE[0], [0.4, 0.5], *SQUARE[1:]], TRIANGLE]
    assert editor.canvas.draft == [] and editor.problem.text() == ""
    assert editor.canvas.cursor().shape() == Qt.CursorShape.OpenHandCursor  # over the new corner
    press(qtbot, editor, 320, 228)
    move(qtbot, editor, 320, 208)
    release(qtbot, editor, 320, 208)  # pulled 20 px up
    assert polygons(editor)[0] == [SQUARE[0], [0.4, 0.4556], *SQUARE[1:]]
    assert editor.save(), editor.problem.text()
    assert reads.zones(store, camera).zones["zones"][0]["polygon"] == [SQUARE[0], [0.4, 0.4556], *SQUARE[1:]]
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Delete)  # the corner under the cursor
    assert polygons(editor) == [SQUARE, TRIANGLE]
    move(qtbot, editor, 480, 428)  # A's third corner (0.6, 0.95)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Delete)
    assert polygons(editor) == [[SQUARE[0], SQUARE[1], SQUARE[3]], TRIANGLE]
    move(qtbot, editor, 480, 225)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Delete)  # a zone of three keeps its corners
    assert polygons(editor) == [[SQUARE[0], SQUARE[1], SQUARE[3]], TRIANGLE]
    assert editor.problem.text() == "A zone keeps at least 3 points: move this one instead."
    assert editor.isVisible()
