"""The analytics zone editor and the desk's answer to a machine case, as real widgets offscreen: a zone
drawn by clicks on the camera's picture is stored as fractions; what the detectors refuse, a newer save
by someone else and a role without the right are said and store nothing; the live pane shows the zones
on request; a detector's case shows its snapshot first and "Not a case" rejects it as 误报, counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gridwatch.db import analytics
from gridwatch.db.analytics import Finding, Leases
from gridwatch.db.reads import analytics as reads
from gridwatch.db.reads.devices import device
from gridwatch.db.store import Store
from gridwatch.ui.case_detail import CaseDetail
from gridwatch.ui.video_dock import CameraPane
from gridwatch.ui.zone_editor import ZoneEditor, install_zone_tools
from tests.plugins.analytics.conftest import STALL_ZONES, add_cameras, stall_video


@pytest.fixture
def camera(store: Store, staff: dict[str, str], tmp_path: Path) -> str:
    add_cameras(store, {"CAM1": str(stall_video(tmp_path / "street.mp4", seconds=2))})
    return "CAM1"


def click(qtbot: QtBot, editor: ZoneEditor, fx: float, fy: float) -> None:
    picture = editor.canvas.picture_rect()
    at = QPoint(round(picture.x() + fx * picture.width()), round(picture.y() + fy * picture.height()))
    qtbot.mouseClick(editor.canvas, Qt.MouseButton.LeftButton, pos=at)


def test_a_zone_drawn_on_the_cameras_picture_is_saved_as_fractions(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    editor = ZoneEditor(store, camera, "dispatcher")
    qtbot.addWidget(editor)
    editor.resize(1100, 560)
    editor.show()
    qtbot.waitUntil(lambda: editor.canvas.image is not None, timeout=20_000)  # grabbed from the stream
    assert (editor.canvas.image.width(), editor.canvas.image.height()) == (640, 360)
    editor.new_zone()
    for fx, fy in ((0.2, 0.5), (0.6, 0.5), (0.6, 0.9), (0.2, 0.9)):
        click(qtbot, editor, fx, fy)
    editor.close_polygon()
    editor.detector_field.setCurrentIndex(editor.detector_field.findData("occupancy"))
    assert editor.detector_field.currentText() == "street occupation"  # the dispatcher's word, not the id
    assert editor.zone_list.item(0).text() == "A · street occupation"
    editor.dwell_field.setValue(45)
    editor.sensitivity_field.setValue(0.7)
    assert editor.save(), editor.problem.text()
    saved = reads.zones(store, camera)
    assert saved.version == 1
    (zone,) = saved.zones["zones"]
    assert (zone["name"], zone["detector"], zone["dwell_s"], zone["sensitivity"]) == (
        "A",
        "occupancy",
        45.0,
        0.7,
    )
    expected = [(0.2, 0.5), (0.6, 0.5), (0.6, 0.9), (0.2, 0.9)]
    for (x, y), (ex, ey) in zip(zone["polygon"], expected, strict=True):
        assert x == pytest.approx(ex, abs=0.004) and y == pytest.approx(ey, abs=0.004)  # a pixel's rounding


def test_what_the_detectors_refuse_is_said_and_nothing_is_stored(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    bad = {"zones": [{**STALL_ZONES["zones"][0], "warmup_s": -5}]}  # written by some other client
    analytics.save_zones(store, camera, bad, actor="dispatcher")
    editor = ZoneEditor(store, camera, "dispatcher", picture=np.zeros((360, 640, 3), np.uint8))
    qtbot.addWidget(editor)
    assert not editor.save()
    assert "zones[0] (A).warmup_s" in editor.problem.text()
    assert reads.zones(store, camera).version == 1
    editor.new_zone()
    click(qtbot, editor, 0.1, 0.1)
    click(qtbot, editor, 0.3, 0.1)
    editor.close_polygon()
    assert editor.problem.text() == "A zone needs at least 3 points; 2 drawn."
    assert len(editor.canvas.zones) == 1


def test_a_newer_save_by_someone_else_and_a_role_without_the_right_are_refused(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    blank = np.zeros((360, 640, 3), np.uint8)
    editor = ZoneEditor(store, camera, "dispatcher", picture=blank)
    qtbot.addWidget(editor)
    analytics.save_zones(store, camera, STALL_ZONES, actor="dispatcher")  # meanwhile, at another desk
    editor.canvas.zones = [dict(STALL_ZONES["zones"][0], name="Mine")]
    assert not editor.save()
    assert editor.problem.text().startswith("The zones of camera CAM1 were changed by Dispatcher at ")
    assert "(version 1, you had version 0). Your zones were not saved" in editor.problem.text()
    assert reads.zones(store, camera).zones == STALL_ZONES
    handler = ZoneEditor(store, camera, "handler", picture=blank)
    qtbot.addWidget(handler)
    assert not handler.save()
    assert "needs the role admin, shift_leader or dispatcher" in handler.problem.text()


def test_the_live_pane_shows_the_zones_on_request(qtbot: QtBot, store: Store, camera: str) -> None:
    analytics.save_zones(store, camera, STALL_ZONES, actor="dispatcher")
    info = device(store, code=camera)
    assert info is not None
    pane = CameraPane(info, store, "dispatcher")
    qtbot.addWidget(pane)
    messages: list[str] = []
    install_zone_tools(pane, store, "dispatcher", messages.append)
    pane.resize(660, 420)
    pane.show()
    assert pane.zone_overlay is None
    pane.show_zones_action.setChecked(True)
    overlay = pane.zone_overlay
    assert overlay is not None and overlay.geometry() == pane.video.rect()
    image = QImage(overlay.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    overlay.render(image)
    # zone A's left edge at x = 0.2 of the 16:9 picture fitted in the pane
    from gridwatch.ui.zone_editor import fitted

    picture = fitted(1600, 900, overlay.rect())
    x = round(picture.x() + 0.2 * picture.width())
    y = round(picture.y() + 0.7 * picture.height())
    amber = [image.pixelColor(x + dx, y) for dx in (-1, 0, 1)]
    assert any(c.red() > 200 and c.green() > 150 and c.blue() < 80 and c.alpha() > 200 for c in amber)
    pane.show_zones_action.setChecked(False)
    assert pane.zone_overlay is None and messages == []
    pane.zones_action.trigger()  # the editor, on the pane's camera
    editor = pane.zone_editor
    qtbot.addWidget(editor)
    assert editor.camera_code == camera and [z["name"] for z in editor.canvas.zones] == ["A"]
    qtbot.waitUntil(lambda: editor.canvas.image is not None, timeout=20_000)
    editor.close()


def machine_case(store: Store, code: str) -> str:
    analytics.save_zones(store, code, STALL_ZONES, actor="dispatcher")
    (held,) = Leases(store, "w").claim(1)
    snapshot = np.full((360, 640, 3), 90, np.uint8)
    cv2.rectangle(snapshot, (200, 220), (300, 300), (0, 0, 255), 2)
    _ok, jpeg = cv2.imencode(".jpg", snapshot)
    now = datetime.now(UTC)
    finding = Finding("occupancy", "09006", "A", 0.83, (0.31, 0.61, 0.16, 0.22), now - timedelta(seconds=40),
                      now, jpeg.tobytes())  # fmt: skip
    return analytics.record_detection(store, held, finding, actor="system").case_no


def test_a_machine_case_shows_its_snapshot_first_and_not_a_case_rejects_it_as_a_false_alarm(
    qtbot: QtBot, store: Store, camera: str
) -> None:
    case_no = machine_case(store, camera)
    from gridwatch.db.reads import cases

    case_id = cases.by_number(store, case_no).case.id
    detail = CaseDetail(store, username="leader")
    qtbot.addWidget(detail)
    detail.show_case(case_id)
    panel = detail.machine
    assert not panel.isHidden()
    assert panel.snapshot.pixmap().height() == 220
    assert (
        panel.found.text()
        == "摄像机CAM1 (CAM1) · zone A · detector street occupation · confidence 83% · 1 detection(s)"
    )
    assert panel.category.currentData() == "09006"
    confirmed: list[str] = []
    panel.confirm_requested.connect(confirmed.append)
    panel.category.setCurrentIndex(panel.category.findData("09009"))
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert confirmed == ["09009"]
    qtbot.mouseClick(panel.false_button, Qt.MouseButton.LeftButton)
    assert cases.by_number(store, case_no).case.state == "rejected"
    assert [(a.camera_code, a.detector, a.false_alarms, a.cases) for a in reads.false_alarms(store)] == [
        ("CAM1", "occupancy", 1, 1)
    ]
    detail.show_case(case_id)
    assert not panel.false_button.isEnabled() and not panel.confirm_button.isEnabled()
    editor = ZoneEditor(store, camera, "dispatcher", picture=np.zeros((360, 640, 3), np.uint8))
    qtbot.addWidget(editor)
    assert editor.status.text().endswith("occupancy: 1 false alarm(s) of 1 case(s)")  # where to retune


def test_a_case_no_detector_opened_shows_no_machine_panel(qtbot: QtBot, store: Store, camera: str) -> None:
    case = store.report(actor="worker", source="grid_worker", category_code="09006", lon=118.09, lat=24.47)
    detail = CaseDetail(store, username="leader")
    qtbot.addWidget(detail)
    detail.show_case(case.id)
    assert detail.machine.isHidden()


def test_a_camera_symbols_menu_on_the_map_opens_its_zone_editor(
    qtbot: QtBot, store: Store, camera: str, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from gridwatch.layers.view import Extent, lonlat_to_mercator
    from gridwatch.ui.application import make_application
    from gridwatch.ui.login import find_login
    from gridwatch.ui.main_window import MainWindow

    make_application("en")
    login = find_login(store, "dispatcher")
    assert login is not None
    ini = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, login, "dispatcher", ini, live=False)
    qtbot.addWidget(window)
    window.show()
    window.map.wait_loaded(10_000)
    info = device(store, code=camera)
    assert info is not None
    from gridwatch.db.reads.devices import cameras

    row = next(c for c in cameras(store) if c.code == camera)  # the camera's place
    x, y = lonlat_to_mercator(row.lon, row.lat)
    canvas = window.map.canvas
    canvas.zoom_to(Extent(float(x) - 200, float(y) - 200, float(x) + 200, float(y) + 200))
    canvas.wait_idle(10_000)
    at = canvas.lonlat_to_screen(row.lon, row.lat)
    assert window.map.camera_menu(at.x() + 300, at.y() + 300) is None  # nothing there
    menu = window.map.camera_menu(at.x(), at.y())
    assert menu is not None
    zones = next(a for a in menu.actions() if a.objectName() == "cameraZonesAction")
    zones.trigger()
    editor = window.findChild(ZoneEditor)
    assert editor is not None and editor.camera_code == camera and editor.isVisible()
    editor.close()
    window.close()
