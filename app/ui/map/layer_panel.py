"""The layer list: one row per layer, topmost first, with a visibility box and an opacity slider.

Rows edit the layer models directly; the canvas listens to the models, so the panel needs no link
to the canvas and stays in step with code that changes a layer (e.g. a menu toggling the heatmap).
As in QGIS, a layer outside its scale range at the current view keeps its box but is greyed, with a
tooltip saying from which scale it shows: the user sees why it is not drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSlider, QVBoxLayout, QWidget

from gridwatch.layers.base import LayerModel
from gridwatch.layers.view import MapView


class LayerRow(QWidget):
    def __init__(self, layer: LayerModel, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.visible_box = QCheckBox(title)
        self.visible_box.setChecked(layer.visible)
        self.visible_box.toggled.connect(self._set_visible)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(round(layer.opacity * 100))
        self.opacity.setFixedWidth(80)
        self.opacity.setToolTip(self.tr("Opacity"))
        self.opacity.valueChanged.connect(self._set_opacity)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 1, 4, 1)
        layout.addWidget(self.visible_box, 1)
        layout.addWidget(self.opacity)
        layer.appearance_changed.connect(self._sync)
        self.out_of_scale = False

    def set_in_scale(self, in_scale: bool) -> None:
        self.out_of_scale = not in_scale
        palette = self.palette()
        if self.out_of_scale:
            grey = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
            palette.setColor(QPalette.ColorRole.WindowText, grey)
            limit = self.layer.max_scale_denominator or 0
            self.visible_box.setToolTip(self.tr("Shown from 1:%1 in").replace("%1", f"{limit:,.0f}"))
        else:
            self.visible_box.setToolTip("")
        self.visible_box.setPalette(palette)

    def _set_visible(self, on: bool) -> None:
        self.layer.visible = on

    def _set_opacity(self, value: int) -> None:
        self.layer.opacity = value / 100

    def _sync(self) -> None:
        self.visible_box.setChecked(self.layer.visible)
        self.opacity.setValue(round(self.layer.opacity * 100))


class LayerPanel(QWidget):
    def __init__(self, layers: Sequence[tuple[LayerModel, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(0)
        self.rows: dict[str, LayerRow] = {}
        for layer, title in sorted(layers, key=lambda item: -item[0].z):
            row = LayerRow(layer, title, self)
            self.rows[layer.layer_id] = row
            layout.addWidget(row)
        layout.addStretch(1)

    def set_view(self, view: MapView) -> None:
        for row in self.rows.values():
            in_scale = row.layer.in_scale(view)
            if in_scale == row.out_of_scale:
                row.set_in_scale(in_scale)
