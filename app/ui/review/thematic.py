"""The thematic map (专题图): the shared map canvas with its grids coloured by one evaluation figure.

The figures are the evaluation's grid grouping for the period and scope the evaluation pane shows; the
colouring is `gridwatch.layers.thematic` (the same `Theme` the PDF's map page draws): cases reported per
km², the overdue rate (超期待处置率) or the score (综合得分). Or, instead, the map's own case-density
heatmap. Grids without a figure stay unfilled (no data is not zero).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gridwatch.db.reads.evaluation import Evaluation
from gridwatch.db.store import Store
from gridwatch.layers.org import OrgLevel
from gridwatch.layers.thematic import Theme, aligned, apply_theme, density, legend_entries, percent_label
from gridwatch.ui.widgets import named

THEMES = ("density", "overdue_rate", "score", "heatmap")
SWATCH = 14


def score_label(value: float) -> str:
    return f"{value:.0f}"


class ThematicMap(QWidget):
    """`set_evaluation` takes the evaluation shown; the combo picks the figure the grids are coloured by."""

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        with_map: bool = True,
        default_basemap: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("thematicMap")
        self.store = store
        self.evaluation: Evaluation | None = None
        self.theme_now: Theme | None = None
        self.values: np.ndarray | None = None  # what the fill shows, aligned with the grid polygons
        self.theme = named("thematicTheme", QComboBox())
        for key, text in self._titles().items():
            self.theme.addItem(text, key)
        self.theme.currentIndexChanged.connect(lambda _i: self._apply())
        self.legend = QHBoxLayout()
        self.legend.setSpacing(4)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(QLabel(self.tr("Colour grids by")))
        bar.addWidget(self.theme)
        bar.addSpacing(12)
        bar.addLayout(self.legend)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.map: QWidget
        if with_map:
            from gridwatch.ui.map import MapWidget

            self.map = MapWidget(store, self, default_basemap=default_basemap)
            self._levels_seen: object = None
            self.map.org.changed.connect(self._levels_maybe_changed)
            for layer in (self.map.cases, self.map.devices, self.map.personnel):
                layer.visible = False  # the theme is the subject; symbols on top would hide it
        else:
            self.map = QLabel(self.tr("Map switched off"))
        layout.addWidget(self.map, 1)
        self._apply()

    def _titles(self) -> dict[str, str]:
        return {
            "density": self.tr("Case density (reported per km²)"),
            "overdue_rate": self.tr("Overdue rate"),
            "score": self.tr("Score"),
            "heatmap": self.tr("Heatmap of cases (last 30 days)"),
        }

    def set_theme(self, key: str) -> None:
        self.theme.setCurrentIndex(max(0, self.theme.findData(key)))

    def set_evaluation(self, ev: Evaluation) -> None:
        self.evaluation = ev
        self._apply()

    def _levels_maybe_changed(self) -> None:
        levels = self.map.org.levels  # type: ignore[attr-defined]
        if levels is not self._levels_seen:  # the polygons arrived (not our own fill's change)
            self._levels_seen = levels
            self._apply()

    def make_theme(self, key: str) -> Theme | None:
        """The evaluation's grid figures as a layers.thematic Theme; None before the grids or the figures."""
        org = getattr(self.map, "org", None)
        grids = org.levels.get(OrgLevel.GRID) if org is not None else None
        ev = self.evaluation
        group = ev.groups.get("grid") if ev is not None else None
        if grids is None or ev is None or group is None:
            return None
        rows = {ev.unit_ids[r.key]: r for r in group.rows if r.key in ev.unit_ids}
        title = self._titles()[key]
        if key == "density":
            return Theme(title, density(grids, {i: r.reported for i, r in rows.items()}))
        if key == "overdue_rate":
            rates = {i: r.overdue_rate for i, r in rows.items() if r.overdue_rate is not None}
            return Theme(
                title, rates, percent_label, value_range=(0.0, max(rates.values(), default=1.0) or 1.0)
            )
        scores = {i: s for i, r in rows.items() if (s := r.score(ev.weights)) is not None}
        low = min(40.0, min(scores.values(), default=40.0))
        return Theme(title, scores, score_label, ramp="greens", value_range=(math.floor(low), 100.0))

    def _apply(self) -> None:
        key = str(self.theme.currentData())
        org = getattr(self.map, "org", None)
        heatmap = getattr(self.map, "heatmap", None)
        if heatmap is not None:
            heatmap.visible = key == "heatmap"
        self.theme_now = None if key == "heatmap" else self.make_theme(key)
        if org is not None:
            apply_theme(org, self.theme_now)
        grids = org.levels.get(OrgLevel.GRID) if org is not None else None
        self.values = (
            aligned(grids, self.theme_now.values)
            if self.theme_now is not None and grids is not None
            else None
        )
        self._show_legend(key)

    def _show_legend(self, key: str) -> None:
        while self.legend.count():
            item = self.legend.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        if key == "heatmap":
            self.legend.addWidget(QLabel(self.tr("cases of the last 30 days: few → many")))
            return
        if self.theme_now is None:
            return
        for colour, text in legend_entries(self.theme_now):
            swatch = QPixmap(SWATCH, SWATCH)
            swatch.fill(colour if colour.alpha() else QColor("white"))
            icon = QLabel()
            icon.setPixmap(swatch)
            icon.setStyleSheet("border: 1px solid #99a;")
            self.legend.addWidget(icon)
            self.legend.addWidget(QLabel(text if colour.alpha() else self.tr("no data")))
            self.legend.addSpacing(6)

    def refresh(self) -> None:
        reload = getattr(self.map, "reload", None)
        if callable(reload):
            reload()

    def wait_loaded(self, timeout_ms: int = 10_000) -> bool:
        wait = getattr(self.map, "wait_loaded", None)
        return bool(wait(timeout_ms)) if callable(wait) else True

    def shutdown(self) -> None:
        stop = getattr(self.map, "shutdown", None)
        if callable(stop):
            stop()
