"""The map a dispatcher reads (issue 9, item 11): a click or a hover names the thing itself (the camera,
the sensor with its last reading, the grid worker with name, phone and grid), and the legend, built from
the layers, says what each symbol means for the layers switched on."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridwatch.db.models import CheckIn, Device, GridAssignment, Person
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.devices import SYMBOLS as DEVICE_SYMBOLS
from gridwatch.ui.application import make_application
from gridwatch.ui.map import MapWidget
from tests.ui.test_map_widget import CAMERA, LAT0, LON0, click, make_city, open_map

SHANGHAI = ZoneInfo("Asia/Shanghai")
SENSOR = (0.005, 0.012)
WORKER = (0.011, 0.009)  # the worker's last fix (build_city's track)


def street_map(qtbot: QtBot, store: Store) -> MapWidget:
    with store.session() as s:
        s.add(
            Device(
                code="YY1", kind="sensor", subtype="lampblack", name="油烟监测01", lon=LON0 + SENSOR[0],
                lat=LAT0 + SENSOR[1], updated_at=utcnow(),
                attrs={"limit_mg_m3": 2.0, "concentration_mg_m3": 1.2, "purifier_on": False},
            )
        )  # fmt: skip
        worker = s.scalars(select(Person).where(Person.username == "worker")).one()
        worker.phone = "13900000000"
    make_application("en")
    widget = open_map(qtbot, store)
    widget.go_to(LON0 + 0.01, LAT0 + 0.01, 5_000)  # street scale: device symbols show
    assert widget.wait_loaded(10_000)
    return widget


def spot(widget: MapWidget, offset: tuple[float, float]) -> QPointF:
    return widget.canvas.lonlat_to_screen(LON0 + offset[0], LAT0 + offset[1])


def hover(widget: MapWidget, at: QPointF) -> str:
    """What Qt does when the pointer rests: a ToolTip event at that point; the tooltip shown, if any."""
    QToolTip.hideText()
    point = QPoint(round(at.x()), round(at.y()))
    event = QHelpEvent(QHelpEvent.Type.ToolTip, point, widget.canvas.mapToGlobal(point))
    QApplication.sendEvent(widget.canvas, event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_click_and_hover_name_the_thing(qtbot: QtBot, sqlite_store: Store) -> None:
    store, ids = make_city(sqlite_store)
    with store.session() as s:
        worker = s.scalars(select(Person).where(Person.username == "worker")).one()
        s.add(GridAssignment(person_id=worker.id, grid_id=ids["grids"][3], since=utcnow().date()))  # type: ignore[index]
        # clocked on this morning, so the day reads the same at any hour (after the working day a workday
        # without a clock-on is "absent")
        morning = datetime.combine(utcnow().astimezone(SHANGHAI).date(), time(8, 25), SHANGHAI)
        s.add(CheckIn(person_id=worker.id, grid_id=ids["grids"][3], kind="on", at=morning, status="normal"))  # type: ignore[index]
    widget = street_map(qtbot, store)

    click(widget.canvas, spot(widget, SENSOR))
    assert widget.message_label.text() == (
        "Sensor 油烟监测01 (YY1) · lampblack 1.2 mg/m³ (limit 2.0) · purifier off"
    )
    click(widget.canvas, spot(widget, WORKER))
    assert (
        widget.message_label.text()
        == "Grid worker Worker · 13900000000 · 华新社区 第4网格 · on duty · on time 08:25"
    )
    with qtbot.waitSignal(widget.camera_clicked, timeout=1000):
        click(widget.canvas, spot(widget, CAMERA))
    assert widget.message_label.text() == "Camera 摄像头1 (SXT1) · click to watch"

    assert (
        hover(widget, spot(widget, WORKER))
        == "Grid worker Worker · 13900000000 · 华新社区 第4网格 · on duty · on time 08:25"
    )
    assert hover(widget, spot(widget, SENSOR)).startswith("Sensor 油烟监测01 (YY1) · lampblack 1.2 mg/m³")
    assert hover(widget, spot(widget, (0.0015, 0.0015))) == "第1网格"  # empty ground: the grid


def test_the_legend_follows_the_layers(qtbot: QtBot, sqlite_store: Store) -> None:
    store, _ = make_city(sqlite_store)
    widget = street_map(qtbot, store)
    texts = [text.text() for _, text in widget.legend.lines]
    assert texts == [
        "Grid worker on duty", "Grid worker off duty",
        "Camera", "Loudspeaker", "Sensor", "Device offline",
        "Case on time", "Case due soon", "Case overdue", "Urgent (A)", "Important (B)", "Ordinary (C)",
        "Component (square)", "Event (circle)",
    ]  # fmt: skip
    camera_icon = widget.legend.lines[2][0].pixmap().toImage()
    middle = camera_icon.pixelColor(camera_icon.width() // 2, camera_icon.height() // 2 + 3)
    assert middle.rgba() == DEVICE_SYMBOLS[1].fill  # the camera symbol as the map draws it

    devices_box = widget.panel.rows[widget.devices.layer_id].visible_box
    qtbot.mouseClick(devices_box, Qt.MouseButton.LeftButton, pos=QPoint(6, devices_box.height() // 2))
    assert not widget.devices.visible
    assert "Camera" not in [text.text() for _, text in widget.legend.lines]
    density_box = widget.panel.rows[widget.heatmap.layer_id].visible_box
    qtbot.mouseClick(density_box, Qt.MouseButton.LeftButton, pos=QPoint(6, density_box.height() // 2))
    assert "Cases, last 30 days: few → many" in [text.text() for _, text in widget.legend.lines]
