"""The thematic map (专题图): the shared map canvas with its grids coloured by one evaluation figure.

Grids are filled by the org layer's metric fill (one path per colour class, layers/org.py) with the
figures of the evaluation's grid grouping for the chosen period: case density (cases reported per km²),
overdue rate (超期待处置率) or score (综合得分); or, instead, the map's own case-density heatmap. Grids
without a figure stay unfilled (no data is not zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gridwatch.db.reads import review
from gridwatch.db.store import Store
from gridwatch.layers.org import OrgLevel, OrgStyle
from gridwatch.layers.polygons import PolygonSet
from gridwatch.ui.widgets import named

THEMES = ("density", "overdue_rate", "score", "heatmap")
RAMPS = {"density": "ylorrd", "overdue_rate": "ylorrd", "score": "greens"}
EARTH_RADIUS_M = 6378137.0


def true_areas_km2(polys: PolygonSet) -> np.ndarray:
    """Web Mercator stretches areas by 1/cos²(latitude): each grid's area on the ground, in km²."""
    lat = np.degrees(2 * np.arctan(np.exp(polys.label_y / EARTH_RADIUS_M)) - math.pi / 2)
    result: np.ndarray = polys.area * np.cos(np.radians(lat)) ** 2 / 1e6
    return result


class ThematicMap(QWidget):
    """`set_figures` takes the grid grouping's figures by grid code; the combo picks which one colours."""

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
        self.figures: dict[str, dict[str, float | None]] = {}
        self.values: np.ndarray | None = None  # what the fill shows now, aligned with the grid polygons
        self._grid_codes = review.grid_codes(store)  # org unit id → grid code
        self.theme = named("thematicTheme", QComboBox())
        for key, text in self._titles().items():
            self.theme.addItem(text, key)
        self.theme.currentIndexChanged.connect(lambda _i: self._apply())
        self.ramp = named("thematicRamp", QLabel())
        self.range_label = named("thematicRange", QLabel())
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(QLabel(self.tr("Colour grids by")))
        bar.addWidget(self.theme)
        bar.addSpacing(12)
        bar.addWidget(self.ramp)
        bar.addWidget(self.range_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.map: QWidget
        if with_map:
            from gridwatch.ui.map import MapWidget

            self.map = MapWidget(store, self, default_basemap=default_basemap)
            self.map.org.changed.connect(self._levels_maybe_changed)
            for layer in (self.map.cases, self.map.devices, self.map.personnel):
                layer.visible = False  # the theme is the subject; symbols on top would hide it
            self._levels_seen: object = None
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

    def set_figures(self, figures: Mapping[str, Mapping[str, float | None]]) -> None:
        """Per grid code: "reported" (cases reported in the period), "overdue_rate" and "score"
        (fractions and points as the evaluation computes them; None where undefined)."""
        self.figures = {code: dict(values) for code, values in figures.items()}
        self._apply()

    def _levels_maybe_changed(self) -> None:
        levels = self.map.org.levels  # type: ignore[attr-defined]
        if levels is not self._levels_seen:  # the polygons arrived (not our own fill's change)
            self._levels_seen = levels
            self._apply()

    def grid_values(self, theme: str) -> np.ndarray | None:
        """The chosen figure per grid polygon, NaN where the grid has none; None before the grids load."""
        org = getattr(self.map, "org", None)
        polys = org.levels.get(OrgLevel.GRID) if org is not None else None
        if polys is None or not len(polys):
            return None
        areas = true_areas_km2(polys) if theme == "density" else None
        out = np.full(len(polys), np.nan)
        for i, unit_id in enumerate(polys.ids.tolist()):
            figures = self.figures.get(self._grid_codes.get(int(unit_id), ""))
            if not figures:
                continue
            if theme == "density":
                assert areas is not None
                reported = figures.get("reported")
                if reported is not None and areas[i] > 0:
                    out[i] = float(reported) / float(areas[i])
            else:
                value = figures.get(theme)
                if value is not None:
                    out[i] = float(value)
        return out

    def _apply(self) -> None:
        theme = str(self.theme.currentData())
        org = getattr(self.map, "org", None)
        heatmap = getattr(self.map, "heatmap", None)
        if heatmap is not None:
            heatmap.visible = theme == "heatmap"
        if theme == "heatmap" or org is None:
            self.values = None
            if org is not None:
                org.set_metric(None)
            self.ramp.clear()
            self.range_label.setText(self.tr("cases of the last 30 days: few → many") if org else "")
            return
        self.values = self.grid_values(theme)
        org.set_style(OrgStyle(labels=False, ramp=RAMPS[theme], fill_alpha=170))
        finite = self.values[np.isfinite(self.values)] if self.values is not None else np.array([])
        if theme == "score":
            value_range = (min(40.0, float(finite.min())) if finite.size else 40.0, 100.0)
        elif theme == "overdue_rate":
            value_range = (0.0, max(float(finite.max()), 0.01) if finite.size else 1.0)
        else:
            value_range = (0.0, max(float(finite.max()), 1.0) if finite.size else 1.0)
        org.set_metric(self.values, value_range)
        self._show_range(theme, value_range, int(finite.size))

    def _show_range(self, theme: str, value_range: tuple[float, float], count: int) -> None:
        from gridwatch.ui.map.legend import ramp_image

        self.ramp.setPixmap(QPixmap.fromImage(ramp_image(RAMPS[theme])).scaledToWidth(80))
        low, high = value_range
        if theme == "overdue_rate":
            text = f"{low * 100:.0f}% → {high * 100:.0f}%"
        elif theme == "score":
            text = f"{low:.0f} → {high:.0f}"
        else:
            text = f"{low:.0f} → {high:.0f} / km²"
        self.range_label.setText(text + self.tr(" · %1 grids with figures").replace("%1", str(count)))
        self.range_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)

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
