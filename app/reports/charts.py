"""The evaluation's charts as QtCharts objects, defined once: the PDF paints them (`paint_chart`) and the
review window shows the same QChart in a QChartView. Daily reported/closed, on-time rates per day,
departments compared, sources over time. Needs a QApplication (QChart is a QGraphicsWidget)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene

from gridwatch.db.reads.evaluation import Day, Group, source_totals
from gridwatch.reports.labels import Lang, source_name, text

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
WEEKLY_AFTER_DAYS = 45
"""Sources over a longer period are stacked per week (a bar a day would be a comb)."""
MAX_DEPARTMENTS = 15


def chart_font(point_size: float = 9.0, *, bold: bool = False) -> QFont:
    """A font with Chinese glyphs (the one Debian's fonts-noto-cjk ships), else the application's."""
    families = set(QFontDatabase.families())
    family = next((f for f in CJK_FAMILIES if f in families), None)
    font = QFont(family) if family else QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    # Noto CJK SC's 'locl' swaps Latin digits for glyphs its cmap does not name: a PDF could show them but
    # not say which characters they are (pdftotext and copy lose every digit of an English report)
    font.setFeature(QFont.Tag("locl"), 0)
    return font


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(chart_font(11, bold=True))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setFont(chart_font(8))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setBackgroundRoundness(0)
    return chart


def _axis_font(*axes: QValueAxis | QDateTimeAxis | QBarCategoryAxis) -> None:
    for axis in axes:
        axis.setLabelsFont(chart_font(8))
        axis.setTitleFont(chart_font(8))
        axis.setTruncateLabels(False)  # a department's name whole, not "…"


def _msecs(day: date) -> float:
    return datetime.combine(day, time(12)).timestamp() * 1000


def _date_axis(days: Sequence[Day]) -> QDateTimeAxis:
    axis = QDateTimeAxis()
    axis.setFormat("MM-dd")
    if days:
        first = datetime.combine(days[0].day, time()).timestamp() * 1000
        last = datetime.combine(days[-1].day, time(23, 59)).timestamp() * 1000
        axis.setRange(QDateTime.fromMSecsSinceEpoch(int(first)), QDateTime.fromMSecsSinceEpoch(int(last)))
    axis.setTickCount(min(max(len(days), 2), 8))
    return axis


def _pen(i: int, width: float = 2.0) -> QPen:
    pen = QPen(QColor(PALETTE[i % len(PALETTE)]))
    pen.setWidthF(width)
    return pen


def daily_chart(days: Sequence[Day], lang: Lang) -> QChart:
    """Reported and closed per day."""
    chart = _chart(text("daily_chart", lang))
    x_axis, y_axis = _date_axis(days), QValueAxis()
    y_axis.setLabelFormat("%d")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    top = 0
    for i, (key, label) in enumerate(
        (("reported", text("reported", lang)), ("closed", text("closed", lang)))
    ):
        series = QLineSeries()
        series.setName(label)
        series.setPen(_pen(i))
        for d in days:
            value = getattr(d, key)
            top = max(top, value)
            series.append(QPointF(_msecs(d.day), value))
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    y_axis.setRange(0, max(top, 1) * 1.1)
    y_axis.applyNiceNumbers()
    _axis_font(x_axis, y_axis)
    return chart


def on_time_chart(days: Sequence[Day], lang: Lang) -> QChart:
    """按期处置率 and 按期结案率 of the cases handled or closed each day (a day with none leaves a gap)."""
    chart = _chart(text("on_time_chart", lang))
    x_axis, y_axis = _date_axis(days), QValueAxis()
    y_axis.setRange(0, 100)
    y_axis.setLabelFormat("%d%%")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for i, key in enumerate(("handle_on_time_rate", "close_on_time_rate")):
        first = True
        series = None
        for d in days:
            rate = getattr(d, key)
            if rate is None:  # a gap: the next day with a rate starts a new line
                series = None
                continue
            if series is None:
                series = QLineSeries()
                series.setPen(_pen(i + 2))
                series.setPointsVisible(True)
                series.setName(text(key, lang))
                chart.addSeries(series)
                series.attachAxis(x_axis)
                series.attachAxis(y_axis)
                if not first:  # one legend entry per rate
                    chart.legend().markers(series)[0].setVisible(False)
                first = False
            series.append(QPointF(_msecs(d.day), rate * 100))
    _axis_font(x_axis, y_axis)
    return chart


def _bar_axes(
    chart: QChart,
    series: QAbstractBarSeries,
    labels: list[str],
    values: QValueAxis,
    lang: Lang,
    *,
    horizontal: bool,
) -> None:
    """Add a bar series to its chart with a category axis of `labels` (a "no data" category when there
    are none, so an empty period still draws an axis) and the caller's value axis: categories on the
    left for horizontal bars, at the bottom otherwise."""
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(labels or [text("no_data", lang)])
    left, bottom = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom
    chart.addAxis(categories, left if horizontal else bottom)
    chart.addAxis(values, bottom if horizontal else left)
    series.attachAxis(categories)
    series.attachAxis(values)
    _axis_font(categories, values)


def departments_chart(group: Group, lang: Lang) -> QChart:
    """Departments compared: 处置率, 按期处置率, 按期结案率 side by side, one band per department (the
    busiest on top), names along the left where they have room."""
    chart = _chart(text("departments_chart", lang))
    rows = sorted((r for r in group.rows if r.key != "—"), key=lambda r: (-r.to_handle, r.key))[
        :MAX_DEPARTMENTS
    ]
    rows.reverse()  # a horizontal bar chart draws its first category at the bottom
    series = QHorizontalBarSeries()
    for i, key in enumerate(("handle_rate", "handle_on_time_rate", "close_on_time_rate")):
        bars = QBarSet(text(key, lang))
        bars.setColor(QColor(PALETTE[i]))
        for r in rows:
            rate = getattr(r, key)
            bars.append(0.0 if rate is None else rate * 100)
        series.append(bars)
    rates = QValueAxis()
    rates.setRange(0, 100)
    rates.setLabelFormat("%d%%")
    _bar_axes(chart, series, [r.name for r in rows], rates, lang, horizontal=True)
    return chart


def sources_chart(days: Sequence[Day], lang: Lang) -> QChart:
    """Reports per source over time, stacked per day (per week over a long period)."""
    chart = _chart(text("sources_chart", lang))
    weekly = len(days) > WEEKLY_AFTER_DAYS
    buckets: list[tuple[str, dict[str, int]]] = []
    for d in days:
        label = (
            (d.day - timedelta(days=d.day.weekday())).strftime("%m-%d") if weekly else d.day.strftime("%d")
        )
        if not buckets or buckets[-1][0] != label:
            buckets.append((label, {}))
        for source, n in d.sources:
            buckets[-1][1][source] = buckets[-1][1].get(source, 0) + n
    series = QStackedBarSeries()
    top = 0
    for i, source in enumerate(source_totals(days)):
        bars = QBarSet(source_name(source, lang))
        bars.setColor(QColor(PALETTE[i % len(PALETTE)]))
        for _, counts in buckets:
            bars.append(counts.get(source, 0))
        series.append(bars)
    for _, counts in buckets:
        top = max(top, sum(counts.values()))
    y_axis = QValueAxis()
    y_axis.setRange(0, max(top, 1) * 1.1)
    y_axis.applyNiceNumbers()
    y_axis.setLabelFormat("%d")
    _bar_axes(chart, series, [label for label, _ in buckets], y_axis, lang, horizontal=False)
    return chart


def paint_chart(chart: QChart, painter: QPainter, target: QRectF) -> None:
    """Draw a chart into any painter (a PDF page, an image) at `target`, as vectors where the device
    keeps them. The chart is laid out at the target's size in a scene of its own for the drawing."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, target.width(), target.height()))
    chart.resize(QSizeF(target.width(), target.height()))
    scene.setSceneRect(QRectF(0, 0, target.width(), target.height()))
    scene.render(painter, target, scene.sceneRect())
    scene.removeItem(chart)


def chart_image(chart: QChart, width: int, height: int) -> QImage:
    """A chart as a white-background image (previews, tests)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        paint_chart(chart, painter, QRectF(0, 0, width, height))
    finally:
        painter.end()
    return image
