"""The evaluation's charts (gridwatch.reports.charts, shared by the PDF and the review window) carry the
evaluation's numbers, and the thematic map (gridwatch.layers.thematic) colours the grids by them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries, QLineSeries, QStackedBarSeries
from PySide6.QtGui import QColor, QFont, QImage

from gridwatch.db.reads.evaluation import Evaluation
from gridwatch.db.reads.map import org_areas
from gridwatch.db.store import Store
from gridwatch.layers.org import OrgLayer, OrgLevel
from gridwatch.layers.thematic import (
    Theme,
    aligned,
    apply_theme,
    density,
    grid_km2,
    legend_entries,
    render_thematic,
)
from gridwatch.reports.charts import chart_image, daily_chart, departments_chart, on_time_chart, sources_chart
from gridwatch.reports.pdf import org_levels, themes
from tests.db.test_evaluation import G1, G2


def test_the_daily_chart_sums_to_the_period(november: tuple[Store, Evaluation]) -> None:
    _, ev = november
    chart = daily_chart(ev.days, "zh_CN")
    series = {s.name(): s for s in chart.series() if isinstance(s, QLineSeries)}
    assert set(series) == {"上报数", "结案数"}
    assert sum(p.y() for p in series["上报数"].points()) == ev.total.reported == 6
    assert sum(p.y() for p in series["结案数"].points()) == 2 and series["上报数"].count() == 30
    assert chart.title() == "每日上报与结案"


def test_on_time_rates_leave_gaps_on_days_without_any(november: tuple[Store, Evaluation]) -> None:
    _, ev = november
    chart = on_time_chart(ev.days, "en")
    points = sorted((p.x(), p.y()) for s in chart.series() if isinstance(s, QLineSeries) for p in s.points())
    handled_days = sum(1 for d in ev.days if d.handled) + sum(1 for d in ev.days if d.closed)
    assert len(points) == handled_days == 5  # handled on the 3rd, 4th, 20th; closed on the 3rd, 20th
    assert sorted(y for _, y in points) == [0.0, 0.0, 100.0, 100.0, 100.0]


def test_departments_and_sources(november: tuple[Store, Evaluation]) -> None:
    _, ev = november
    chart = departments_chart(ev.groups["department"], "zh_CN")
    (bars,) = [s for s in chart.series() if isinstance(s, QHorizontalBarSeries | QBarSeries)]
    by_name = {b.label(): [b.at(i) for i in range(b.count())] for b in bars.barSets()}
    assert by_name["处置率"] == [0.0, 75.0]  # SZ (fewer to handle) at the bottom, CGJ on top
    sources = sources_chart(ev.days, "zh_CN")
    (stack,) = [s for s in sources.series() if isinstance(s, QStackedBarSeries)]
    totals = {b.label(): sum(b.at(i) for i in range(b.count())) for b in stack.barSets()}
    assert totals == {"网格员上报": 4, "12345热线": 1, "公众举报": 1}
    image = chart_image(sources, 600, 300)
    assert image.width() == 600 and _coloured(image) > 0.01


def _coloured(image: QImage) -> float:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    px = bits.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3].reshape(-1, 3).astype(int)
    return float(((px.max(axis=1) - px.min(axis=1)) > 60).mean())


def test_the_thematic_map_colours_grids_by_their_figure(november: tuple[Store, Evaluation]) -> None:
    store, ev = november
    levels = org_levels(org_areas(store))
    grids = levels[OrgLevel.GRID]
    overdue, per_km2 = themes(ev, levels, "zh_CN")
    g2 = ev.unit_ids[G2]
    # grid 1: SZ's extended case of 3 dispatched; grid 2: the open late one of 2 (the other was handled)
    assert overdue.values == {ev.unit_ids[G1]: pytest.approx(1 / 3), g2: 0.5}
    # a 0.01° square at 24.465°N: 1.0131 km × 1.1132 km
    assert grid_km2(grids)[g2] == pytest.approx(1.0131 * 1.1132, rel=0.01)
    assert per_km2.values[g2] == pytest.approx(2 / (1.0131 * 1.1132), rel=0.01)
    assert density(grids, {g2: 3})[g2] == pytest.approx(3 / (1.0131 * 1.1132), rel=0.01)
    values = aligned(grids, {g2: 0.5})
    assert math.isnan(values[list(grids.ids).index(ev.unit_ids[G1])]) and 0.5 in values
    entries = legend_entries(overdue)
    assert len(entries) == overdue.classes + 1 and entries[0][1] == "0% – 10%"
    image = render_thematic(levels, overdue, 400, 300, font=QFont(), device_pixel_ratio=1.0)
    assert _coloured(image) > 0.01  # the filled grid
    top_class = legend_entries(overdue)[-2][0]
    assert _has_colour(image, top_class)  # grid 2 at 50%, the top class of 0..50%
    layer = OrgLayer(levels=levels)
    apply_theme(layer, overdue)
    assert layer.snapshot().metric is not None and layer.snapshot().metric_range == (0.0, 0.5)
    apply_theme(layer, None)
    assert layer.snapshot().metric is None
    empty = Theme("x", {})
    assert empty.bounds() == (0.0, 1.0) and _coloured(render_thematic(levels, empty, 200, 150)) < 0.05


def _has_colour(image: QImage, colour: QColor) -> bool:
    """A pixel within a few levels of the class colour blended at its alpha over white."""
    a = colour.alphaF()
    want = np.array([round(c * a + 255 * (1 - a)) for c in (colour.red(), colour.green(), colour.blue())])
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    px = bits.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3].reshape(-1, 3).astype(int)
    return bool((np.abs(px - want).max(axis=1) <= 4).any())
