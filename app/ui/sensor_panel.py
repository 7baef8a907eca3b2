"""A sensor's detail: its state, newest reading and open alarms, and its recent readings as a chart.

Opened from the map (a click on a sensor), from a case's nearby devices, or for a sensor alarm's case.
The chart is QtCharts over the store's downsampled series (`gridwatch.db.reads.sensors.series`: a bucket's
mean as the line, its maximum as a lighter line, the rule's limit dashed), so a day of one-second readings
costs a few hundred points. It refreshes itself while shown; a store error shows as a line, never a trace.
"""

from __future__ import annotations

import math
from datetime import timedelta, tzinfo

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads import sensors as reads
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.store import Store, utcnow
from gridwatch.ui.widgets import named

RANGES = (
    (timedelta(hours=1), "1 h"),
    (timedelta(hours=6), "6 h"),
    (timedelta(hours=24), "24 h"),
    (timedelta(days=7), "7 d"),
)
POINTS = 240
REFRESH_MS = 15_000


class SensorChart(QChartView):
    """Mean and maximum per bucket against time, and the limit; gaps where a bucket has no reading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.mean = QLineSeries()
        self.high = QLineSeries()
        self.limit = QLineSeries()
        self.mean.setPen(QPen(QColor(30, 111, 217), 2))
        self.high.setPen(QPen(QColor(30, 111, 217, 90), 1))
        pen = QPen(QColor(214, 40, 40), 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.limit.setPen(pen)
        for s in (self.mean, self.high, self.limit):
            self.chart_.addSeries(s)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("HH:mm")
        self.y_axis = QValueAxis()
        self.chart_.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in (self.mean, self.high, self.limit):
            s.attachAxis(self.x_axis)
            s.attachAxis(self.y_axis)
        self.setMinimumSize(420, 240)

    def show_series(self, series: reads.Series, names: tuple[str, str, str]) -> None:
        self.mean.setName(names[0])
        self.high.setName(names[1])
        self.limit.setName(names[2])
        mean = [
            (float(t) * 1000, float(v))
            for t, v in zip(series.at, series.mean, strict=True)
            if not math.isnan(v)
        ]
        high = [
            (float(t) * 1000, float(v))
            for t, v in zip(series.at, series.high, strict=True)
            if not math.isnan(v)
        ]
        self.mean.clear()
        self.high.clear()
        self.limit.clear()
        for x, y in mean:
            self.mean.append(x, y)
        for x, y in high:
            self.high.append(x, y)
        start = float(series.at[0]) * 1000 if len(series.at) else 0.0
        step = float(series.at[1] - series.at[0]) * 1000 if len(series.at) > 1 else 0.0
        end = start + step * len(series.at)
        if series.limit is not None:
            self.limit.append(start, series.limit)
            self.limit.append(end, series.limit)
        self.limit.setVisible(series.limit is not None)
        self.x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(start)), QDateTime.fromMSecsSinceEpoch(int(end))
        )
        self.x_axis.setFormat("MM-dd HH:mm" if end - start > 36 * 3600_000 else "HH:mm")
        top = max([y for _, y in high] + [series.limit or 0.0, 1.0])
        self.y_axis.setRange(0.0, top * 1.15)
        self.y_axis.setTitleText(series.unit)


class SensorPanel(QWidget):
    """One sensor at a time: `show_sensor(device_id)`."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.tz: tzinfo = site_rules(store).calendar.tz
        self.device_id: int | None = None
        self.title = named("sensorTitle", QLabel())
        self.title.setStyleSheet("font-weight: bold;")
        self.state = named("sensorState", QLabel())
        self.state.setWordWrap(True)
        self.range = named("sensorRange", QComboBox())
        for span, label in RANGES:
            self.range.addItem(label, span)
        self.range.setCurrentIndex(1)
        self.range.currentIndexChanged.connect(self.refresh)
        self.chart = named("sensorChart", SensorChart(self))
        self.note = named("sensorNote", QLabel())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(self.tr("Last")))
        top.addWidget(self.range)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note)
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def show_sensor(self, device_id: int) -> None:
        self.device_id = device_id
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        if self.device_id is None:
            return
        try:
            info = reads.sensor(self.store, device_id=self.device_id)
            if info is None:
                self.note.setText(self.tr("No sensor with this id."))
                return
            span = self.range.currentData()
            now = utcnow()
            series = reads.series(self.store, info.id, since=now - span, until=now, points=POINTS)
        except (StoreError, StoreUnavailable) as exc:
            self.note.setText(str(exc).splitlines()[0])
            return
        self.title.setText(f"{info.name} ({info.code})")
        self.state.setText(self._state_text(info))
        names = (self.tr("mean"), self.tr("maximum"), self.tr("limit"))
        self.chart.show_series(series, names)
        self.note.setText(self.tr("%n reading(s) in this range", "", series.raw))

    def _state_text(self, info: reads.SensorInfo) -> str:
        parts = [self.tr("online") if info.online else self.tr("offline")]
        if info.value is not None:
            if info.subtype == "smoke":
                parts.append(self.tr("smoke!") if info.value >= 0.5 else self.tr("no smoke"))
            else:
                parts.append(f"{info.value:g} {info.unit}".strip())
        if info.purifier is not None:
            parts.append(self.tr("purifier on") if info.purifier else self.tr("purifier off"))
        if info.fan is not None:
            parts.append(self.tr("fan on") if info.fan else self.tr("fan off"))
        if info.open_alarms:
            parts.append(self.tr("%n open alarm(s)", "", info.open_alarms))
        if info.heard_at is not None:
            local = info.heard_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")  # the center's wall clock
            parts.append(self.tr("last heard %1").replace("%1", local))
        return " · ".join(parts)


class SensorDialog(QDialog):
    """The sensor detail as a window of its own beside the map (one per desk window, reused)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sensorDialog")
        self.setWindowTitle(self.tr("Sensor"))
        self.panel = SensorPanel(store, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(640, 420)

    def show_sensor(self, device_id: int) -> None:
        self.panel.show_sensor(device_id)
        self.show()
        self.raise_()

    def hideEvent(self, event: object) -> None:
        self.panel.timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]


def open_sensor(store: Store, device_id: int, parent: QWidget) -> SensorDialog:
    """Show the sensor in the parent window's sensor dialog, made on first use."""
    dialog = parent.findChild(SensorDialog, "sensorDialog")
    if dialog is None:
        dialog = SensorDialog(store, parent)
    dialog.show_sensor(device_id)
    return dialog
