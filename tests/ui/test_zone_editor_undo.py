"""Undo, the corner limit and unsaved edits in the zone editor, as a dispatcher meets them: real widgets
offscreen, driven by QTest presses, moves, releases and key presses at exact pixels of an 800 x 450 canvas
(the 640 x 360 picture fills it: a fraction is x / 800, y / 450), so each corner is asserted as the exact
fraction the store keeps.

Every edit Save would store (a corner dragged, inserted or deleted, a zone drawn or deleted, a zone's
settings) is one step of Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, undone after Save too; a 65th corner is refused
where it would be added, nothing changed; Esc or closing the window with edits not saved asks Save /
Discard / Keep editing and does that, read back through the store."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gridwatch.db import analytics
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store
from gridwatch.ui.zone_editor import ZoneEditor
from tests.plugins.analytics.conftest import add_cameras
from tests.ui.test_zone_editor_corners import (
    SQUARE,
    TRIANGLE,
    ZONES,
    double_click,
    move,
    polygons,
    press,
    release,
)

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
MOVED = [[0.25, 0.6], *SQUARE[1:]]  # A's first corner dragged 40 px right and 45 px down


def frame(step: float = 0.05) -> list[list[float]]:
    """64 corners on the border of the square 0.1-0.9, 16 a side: each edge 40 px long on the canvas."""
    ticks = [round(0.1 + i * step, 4) for i in range(16)]
    back = [round(0.9 - i * step, 4) for i in range(16)]
    return (
        [[x, 0.1] for x in ticks]
        + [[0.9, y] for y in ticks]
        + [[x, 0.9] for x in back]
        + [[0.1, y] for y in back]
    )


FRAME = frame()


@pytest.fixture
def camera(store: Store, staff: dict[str, str]) -> str:
    # never opened: the editor is given its picture
    add_cameras(store, {"CAM1": "rtsp://camera.invalid/stream"})
    analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher")
    return "CAM1"


@pytest.fixture
def full_camera(store: Store, staff: dict[str, str]) -> str:
    """A camera whose one zone has the 64 corners a zone may have."""
    add_cameras(store, {"CAM1": "rtsp://camera.invalid/stream"})
    zones = {"zones": [{"name": "R", "detector": "occupancy", "polygon": FRAME, "dwell_s": 30}]}
    analytics.save_zones(store, "CAM1", zones, actor="dispatcher")
    return "CAM1"


def opened(qtbot: QtBot, store: Store, camera: str) -> ZoneEditor:
    """The editor on a 640 x 360 picture, its canvas 800 x 450 widget pixels, the active window (so its
    shortcuts work). A test's own unsaved edits are dropped when it ends: the question is for people."""
    editor = ZoneEditor(store, camera, "dispatcher", picture=np.full((360, 640, 3), 110, np.uint8))
    qtbot.addWidget(editor, before_close_func=discarded)
    editor.canvas.setFixedSize(800, 450)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    # the cursor parked in a corner of the canvas: a move to where the last test left it would be no move
    qtbot.mouseMove(editor.canvas, QPoint(1, 1))
    return editor


def discarded(editor: QWidget) -> None:
    """Closed when the test is over, its unsaved edits discarded as a person would."""
    answer = Answer(QMessageBox.StandardButton.Discard)
    editor.close()
    answer.stop()


def keys(qtbot: QtBot, editor: ZoneEditor, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A key pressed where the keyboard is: the widget that has the focus, else the canvas."""
    focus = QApplication.focusWidget()
    target = focus if isinstance(focus, QWidget) and focus.window() is editor else editor.canvas
    qtbot.keyClick(target, key, modifiers)


def undo(qtbot: QtBot, editor: ZoneEditor) -> None:
    keys(qtbot, editor, Qt.Key.Key_Z, CTRL)


def redo(qtbot: QtBot, editor: ZoneEditor) -> None:
    keys(qtbot, editor, Qt.Key.Key_Z, CTRL | SHIFT)


def drag(qtbot: QtBot, editor: ZoneEditor, start: tuple[int, int], *way: tuple[int, int]) -> None:
    press(qtbot, editor, *start)
    for x, y in way:
        move(qtbot, editor, x, y)
    release(qtbot, editor, *way[-1])


def saved(store: Store, camera: str) -> tuple[int, list[dict[str, Any]]]:
    stored = reads.zones(store, camera)
    return stored.version, stored.zones["zones"]


class Answer:
    """Clicks `button` on the message box the editor asks with, and keeps what it asked. A modal box runs
    its own event loop, so the click is set up before the key or close that opens it: a timer that looks
    for the box each time that loop turns. `stop` it once the key or close has returned."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.asked: list[tuple[str, list[str]]] = []
        self.timer = QTimer()
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._click)
        self.timer.start()

    def _click(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        self.timer.stop()
        standard = QMessageBox.StandardButton
        texts = [box.button(b).text() for b in (standard.Save, standard.Discard, standard.Cancel)]
        self.asked.append((box.text(), texts))
        QTest.mouseClick(box.button(self.button), Qt.MouseButton.LeftButton)

    def stop(self) -> list[tuple[str, list[str]]]:
        self.timer.stop()
        return self.asked


def back_to(qtbot: QtBot, editor: ZoneEditor) -> None:
    """The editor active again once the box has gone, as a window manager makes it (offscreen has none)."""
    with qtbot.waitActive(editor):
        editor.activateWindow()


QUESTION = ("These zones have changes that are not saved.", ["Save", "Discard", "Keep editing"])


def test_one_ctrl_z_undoes_a_whole_drag_and_ctrl_shift_z_or_ctrl_y_redoes_it(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (183, 240), (195, 250), (203, 267))  # A's first corner, three moves
    assert polygons(editor) == [MOVED, TRIANGLE]
    assert editor.isWindowModified()
    undo(qtbot, editor)  # the whole drag, not its last move
    assert polygons(editor) == [SQUARE, TRIANGLE]
    assert not editor.isWindowModified()
    undo(qtbot, editor)  # nothing before it: nothing changes
    assert polygons(editor) == [SQUARE, TRIANGLE]
    redo(qtbot, editor)
    assert polygons(editor) == [MOVED, TRIANGLE]
    undo(qtbot, editor)
    keys(qtbot, editor, Qt.Key.Key_Y, CTRL)
    assert polygons(editor) == [MOVED, TRIANGLE]
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert saved(store, camera)[0] == 2
    assert [zone["polygon"] for zone in saved(store, camera)[1]] == [MOVED, TRIANGLE]


def test_a_press_on_a_corner_that_moves_nothing_is_no_step_to_undo(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (203, 267))
    double_click(qtbot, editor, 480, 225)  # on A's second corner: two presses that move nothing
    drag(qtbot, editor, (640, 135), (660, 150), (640, 135))  # B's corner taken and put back where it was
    undo(qtbot, editor)  # so the one undo is the drag of A's corner
    assert polygons(editor) == [SQUARE, TRIANGLE]
    assert not editor.isWindowModified()


def test_an_inserted_and_a_deleted_corner_are_undone_and_redone(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    inserted = [SQUARE[0], [0.4, 0.5], *SQUARE[1:]]
    double_click(qtbot, editor, 320, 228)  # 3 px below A's top edge, halfway along
    assert polygons(editor) == [inserted, TRIANGLE]
    move(qtbot, editor, 480, 428)  # A's third corner (0.6, 0.95)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Delete)
    deleted = [SQUARE[0], [0.4, 0.5], SQUARE[1], SQUARE[3]]
    assert polygons(editor) == [deleted, TRIANGLE]
    undo(qtbot, editor)
    assert polygons(editor) == [inserted, TRIANGLE]
    undo(qtbot, editor)
    assert polygons(editor) == [SQUARE, TRIANGLE]
    redo(qtbot, editor)
    assert polygons(editor) == [inserted, TRIANGLE]
    redo(qtbot, editor)
    assert polygons(editor) == [deleted, TRIANGLE]
    assert editor.save(), editor.problem.text()
    assert [zone["polygon"] for zone in saved(store, camera)[1]] == [deleted, TRIANGLE]


def test_a_drawn_zone_and_a_deleted_zone_are_undone_and_redone_whole(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    for x, y in ((100, 50), (300, 50), (300, 150)):
        qtbot.mouseClick(editor.canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    double_click(qtbot, editor, 100, 150)  # the last corner, and the polygon closed
    drawn = [[0.125, 0.1111], [0.375, 0.1111], [0.375, 0.3333], [0.125, 0.3333]]
    assert polygons(editor) == [SQUARE, TRIANGLE, drawn]
    assert [zone["name"] for zone in editor.canvas.zones] == ["A", "B", "C"]
    undo(qtbot, editor)
    assert polygons(editor) == [SQUARE, TRIANGLE] and editor.zone_list.count() == 2
    redo(qtbot, editor)
    assert polygons(editor) == [SQUARE, TRIANGLE, drawn] and editor.zone_list.count() == 3
    b = editor.zone_list.visualItemRect(editor.zone_list.item(1)).center()
    qtbot.mouseClick(editor.zone_list.viewport(), Qt.MouseButton.LeftButton, pos=b)
    assert editor.name_field.text() == "B"
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert [zone["name"] for zone in editor.canvas.zones] == ["A", "C"]
    undo(qtbot, editor)
    assert editor.canvas.zones == [
        {"name": "A", "detector": "occupancy", "polygon": SQUARE, "dwell_s": 2, "warmup_s": 1},
        {"name": "B", "detector": "occupancy", "polygon": TRIANGLE, "dwell_s": 30},
        {"name": "C", "detector": "occupancy", "polygon": drawn, "dwell_s": 30.0, "sensitivity": 0.5},
    ]
    assert editor.zone_list.currentRow() == 1 and editor.name_field.text() == "B"
    redo(qtbot, editor)
    assert [zone["name"] for zone in editor.canvas.zones] == ["A", "C"]
    undo(qtbot, editor)
    assert editor.save(), editor.problem.text()
    version, zones = saved(store, camera)
    assert version == 2
    assert [(zone["name"], zone["polygon"]) for zone in zones] == [
        ("A", SQUARE),
        ("B", TRIANGLE),
        ("C", drawn),
    ]
    assert zones[0]["warmup_s"] == 1


def test_a_zones_settings_typed_in_are_undone_a_field_at_a_time(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    qtbot.mouseClick(editor.name_field, Qt.MouseButton.LeftButton)
    keys(qtbot, editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.name_field, "Gate")
    qtbot.keyClick(editor.name_field, Qt.Key.Key_Tab)  # on to the next field: the name is taken
    assert editor.zone_list.item(0).text() == "Gate · street occupation"
    qtbot.mouseClick(editor.dwell_field, Qt.MouseButton.LeftButton)
    keys(qtbot, editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.dwell_field, "45")  # "4", then "45": one edit of the dwell time
    assert editor.canvas.zones[0]["dwell_s"] == 45
    undo(qtbot, editor)  # typed into the dwell field: Ctrl+Z is the editor's, not the field's own
    assert (editor.canvas.zones[0]["name"], editor.canvas.zones[0]["dwell_s"]) == ("Gate", 2)
    assert editor.dwell_field.value() == 2
    undo(qtbot, editor)
    assert (editor.canvas.zones[0]["name"], editor.canvas.zones[0]["dwell_s"]) == ("A", 2)
    assert editor.name_field.text() == "A" and editor.zone_list.item(0).text() == "A · street occupation"
    assert not editor.isWindowModified()
    redo(qtbot, editor)
    redo(qtbot, editor)
    assert (editor.name_field.text(), editor.dwell_field.value()) == ("Gate", 45)
    qtbot.mouseClick(editor.name_field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.name_field, "s")  # "Gates", not yet confirmed with Enter: undone first
    undo(qtbot, editor)
    assert editor.name_field.text() == "Gate" and editor.canvas.zones[0]["name"] == "Gate"
    assert editor.save(), editor.problem.text()
    (a, b) = saved(store, camera)[1]
    assert (a["name"], a["dwell_s"], a["warmup_s"], a["polygon"]) == ("Gate", 45, 1, SQUARE)
    assert b["name"] == "B"


def test_undo_after_save_makes_the_editor_dirty_and_saving_again_stores_the_undone_zones(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (203, 267))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert saved(store, camera)[0] == 2 and not editor.isWindowModified()
    editor.canvas.setFocus()
    undo(qtbot, editor)
    assert polygons(editor) == [SQUARE, TRIANGLE] and editor.isWindowModified()
    assert saved(store, camera)[0] == 2  # undone here only
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    version, zones = saved(store, camera)
    assert version == 3 and [zone["polygon"] for zone in zones] == [SQUARE, TRIANGLE]
    assert not editor.isWindowModified()


def test_a_65th_corner_is_refused_on_an_edge_and_nothing_changes(
    qtbot: QtBot, store: Store, full_camera: str
) -> None:
    editor = opened(qtbot, store, full_camera)
    double_click(qtbot, editor, 100, 47)  # 2 px below the top edge from (0.1, 0.1) to (0.15, 0.1)
    assert polygons(editor) == [FRAME] and len(editor.canvas.zones[0]["polygon"]) == 64
    assert editor.canvas.draft == []
    assert editor.problem.text() == "A zone has at most 64 points: this one has no room for another."
    assert not editor.isWindowModified()
    undo(qtbot, editor)
    assert polygons(editor) == [FRAME]
    move(qtbot, editor, 120, 45)  # its corner (0.15, 0.1)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Delete)  # one away: room for one again
    double_click(qtbot, editor, 100, 47)
    assert polygons(editor) == [[FRAME[0], [0.125, 0.1], *FRAME[2:]]]


def test_a_65th_corner_is_refused_while_drawing_and_the_64_are_saved(
    qtbot: QtBot, store: Store, full_camera: str
) -> None:
    editor = opened(qtbot, store, full_camera)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    ring = [
        (round(400 + 120 * math.cos(2 * math.pi * i / 65)), round(225 + 100 * math.sin(2 * math.pi * i / 65)))
        for i in range(65)
    ]
    for x, y in ring:
        qtbot.mouseClick(editor.canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    drawn = [(round(x / 800, 4), round(y / 450, 4)) for x, y in ring[:64]]
    assert editor.canvas.draft == drawn  # the 65th click added nothing
    assert editor.problem.text() == "A zone has at most 64 points: close the polygon now."
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    assert polygons(editor) == [FRAME, [list(p) for p in drawn]]
    assert editor.problem.text() == ""
    assert editor.save(), editor.problem.text()
    zones = saved(store, full_camera)[1]
    assert [(zone["name"], len(zone["polygon"])) for zone in zones] == [("R", 64), ("A", 64)]
    assert zones[1]["polygon"] == [list(p) for p in drawn]


def test_esc_with_unsaved_edits_asks_keep_editing_keeps_the_dialog_and_discard_stores_nothing(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (203, 267))
    answer = Answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert answer.stop() == [QUESTION]
    assert editor.isVisible() and polygons(editor) == [MOVED, TRIANGLE]
    press(qtbot, editor, 203, 267)  # still editing: the corner is taken again
    move(qtbot, editor, 223, 267)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)  # during a drag: only puts the corner back
    assert editor.isVisible() and polygons(editor) == [MOVED, TRIANGLE]
    release(qtbot, editor, 223, 267)
    answer = Answer(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert answer.stop() == [QUESTION]
    assert not editor.isVisible()
    version, zones = saved(store, camera)
    assert version == 1 and [zone["polygon"] for zone in zones] == [SQUARE, TRIANGLE]


def test_closing_the_window_with_unsaved_edits_and_choosing_save_stores_them(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    double_click(qtbot, editor, 320, 228)
    answer = Answer(QMessageBox.StandardButton.Save)
    assert editor.close()  # as the window's close button does: asked first, closed once saved
    assert answer.stop() == [QUESTION]
    assert not editor.isVisible()
    version, zones = saved(store, camera)
    assert version == 2 and zones[0]["polygon"] == [SQUARE[0], [0.4, 0.5], *SQUARE[1:]]


def test_save_chosen_but_refused_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (203, 267))
    analytics.save_zones(store, camera, {"zones": [ZONES["zones"][1]]}, actor="dispatcher")  # another desk
    answer = Answer(QMessageBox.StandardButton.Save)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert answer.stop() == [QUESTION]
    assert editor.isVisible() and polygons(editor) == [MOVED, TRIANGLE]
    assert editor.problem.text().startswith("The zones of camera CAM1 were changed by Dispatcher at ")
    assert [zone["name"] for zone in saved(store, camera)[1]] == ["B"]


def test_once_the_edits_are_undone_esc_closes_without_asking(qtbot: QtBot, store: Store, camera: str) -> None:
    editor = opened(qtbot, store, camera)
    drag(qtbot, editor, (163, 222), (203, 267))
    answer = Answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert answer.stop() == [QUESTION] and editor.isVisible()
    back_to(qtbot, editor)
    undo(qtbot, editor)  # back to what was loaded: nothing to lose
    answer = Answer(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Escape)
    assert answer.stop() == []
    assert not editor.isVisible()
    assert saved(store, camera)[0] == 1
