"""A sensor on the desk: its recent readings as a chart (QtCharts over the downsampled series), its state,
a map click opening it, and the map's device layer following it offline and back through the live feed."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gridwatch.db.reads import sensors as sensor_reads
from gridwatch.db.sensors import Reading, SensorIngest, ensure_devices
from gridwatch.db.store import Store, utcnow
from gridwatch.ui.application import make_application
from gridwatch.ui.sensor_panel import POINTS, SensorDialog, SensorPanel, open_sensor
from tests.ui.test_map_identify import SENSOR, spot
from tests.ui.test_map_widget import click, make_city


def readings_for_the_last_hour(store: Store, code: str = "YY9") -> SensorIngest:
    ingest = SensorIngest(store)
    now = utcnow()
    ingest.ingest(
        [Reading(code, now - timedelta(seconds=5 * k), 1.25, True, True) for k in range(720)]
        + [Reading(code, now - timedelta(hours=3), 3.0, True, True)]  # outside the hour shown
    )
    return ingest


def test_the_chart_shows_the_last_hour_downsampled(qtbot: QtBot, sqlite_store: Store) -> None:
    make_application("en")
    ensure_devices(sqlite_store, [("YY9", "lampblack", 118.1, 24.5)])
    readings_for_the_last_hour(sqlite_store)
    sensor = sensor_reads.sensor(sqlite_store, "YY9")
    assert sensor is not None
    panel = SensorPanel(sqlite_store)
    qtbot.addWidget(panel)
    panel.range.setCurrentIndex(0)  # 1 h
    panel.show_sensor(sensor.id)
    mean = [(p.x(), p.y()) for p in panel.chart.mean.points()]
    assert len(mean) == POINTS  # 240 buckets of 15 s, 3 readings each
    assert {y for _, y in mean} == {1.25}
    assert [p.y() for p in panel.chart.limit.points()] == [2.0, 2.0]  # GB 18483's limit, dashed
    assert panel.note.text() == "720 readings in this range"
    assert panel.title.text() == "YY9 (YY9)"
    state = panel.state.text()
    assert state.startswith("online · 1.25 mg/m³ · purifier on · fan on · last heard ")
    panel.range.setCurrentIndex(1)  # 6 h: the older reading is in, its bucket's maximum is 3.0
    assert panel.note.text() == "721 readings in this range"
    assert max(p.y() for p in panel.chart.high.points()) == 3.0


def test_offline_and_back_in_the_panel(qtbot: QtBot, sqlite_store: Store) -> None:
    make_application("en")
    ensure_devices(sqlite_store, [("YG9", "smoke", 118.1, 24.5)])
    ingest = SensorIngest(sqlite_store)
    ingest.ingest(
        [Reading("YG9", utcnow() - timedelta(minutes=10), 1.0)], now=utcnow() - timedelta(minutes=10)
    )
    assert ingest.sweep_offline() == ["YG9"]
    panel = SensorPanel(sqlite_store)
    qtbot.addWidget(panel)
    panel.show_sensor(sensor_reads.sensor(sqlite_store, "YG9").id)  # type: ignore[union-attr]
    assert panel.state.text().startswith("offline · smoke! · 1 open alarm · last heard ")
    assert panel.chart.limit.points() == []  # a smoke detector has no line to cross
    ingest.ingest([Reading("YG9", utcnow(), 0.0)])
    panel.refresh()
    assert panel.state.text().startswith("online · no smoke · last heard ")


def test_a_click_on_a_sensor_opens_its_chart(qtbot: QtBot, sqlite_store: Store) -> None:
    from tests.ui.test_map_identify import street_map

    store, _ = make_city(sqlite_store)
    widget = street_map(qtbot, store)  # adds the lampblack monitor YY1
    with qtbot.waitSignal(widget.sensor_clicked, timeout=1000) as clicked:
        click(widget.canvas, spot(widget, SENSOR))
    host = QWidget()
    qtbot.addWidget(host)
    dialog = open_sensor(store, clicked.args[0], host)
    assert isinstance(dialog, SensorDialog) and dialog.isVisible()
    assert dialog.panel.title.text() == "油烟监测01 (YY1)"
    assert open_sensor(store, clicked.args[0], host) is dialog  # one per window, reused
    dialog.close()
    assert not dialog.panel.timer.isActive()  # no reads while nobody looks


def test_the_map_greys_a_sensor_that_goes_silent_and_not_after(qtbot: QtBot, sqlite_store: Store) -> None:
    from tests.ui.test_map_identify import street_map

    store, _ = make_city(sqlite_store)
    widget = street_map(qtbot, store)
    with qtbot.waitSignal(widget.start_live().listening, timeout=5000):
        pass
    ingest = SensorIngest(store)
    before = utcnow() - timedelta(minutes=10)
    ingest.ingest([Reading("YY1", before, 0.5, True, True)], now=before)

    sensor_id = sensor_reads.sensor(store, "YY1").id  # type: ignore[union-attr]

    def online() -> bool | None:
        data = widget.devices.snapshot().data
        if data is None:
            return None
        return bool(data.online[data.points.ids == sensor_id][0])

    assert ingest.sweep_offline() == ["YY1"]
    qtbot.waitUntil(lambda: online() is False, timeout=5000)
    ingest.ingest([Reading("YY1", utcnow(), 0.5, True, True)])
    qtbot.waitUntil(lambda: online() is True, timeout=5000)
    widget.stop_live()
