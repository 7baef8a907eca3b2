"""The map's legend: what each symbol and colour means, built from the layers themselves (each layer's
`legend()` gives its own symbols and ramps, so the legend cannot drift from the drawing), for the layers
switched on, in the layer list's order (issue 9, item 11)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from gridwatch.layers.base import LayerModel, LegendEntry
from gridwatch.layers.ramp import lut
from gridwatch.layers.symbols import symbol_image
from gridwatch.ui.widgets import named

RAMP_SIZE = (40, 10)


def ramp_image(name: str) -> QImage:
    """The ramp left (few) to right (many), over white as the map's light basemap shows it."""
    width, height = RAMP_SIZE
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    gradient = QLinearGradient(0, 0, width, 0)
    colours = lut(name, 16)
    for i, colour in enumerate(colours):
        gradient.setColorAt(i / (len(colours) - 1), QColor.fromRgba(int(colour)))
    painter = QPainter(image)
    painter.fillRect(0, 0, width, height, gradient)
    painter.end()
    return image


class Legend(QWidget):
    def __init__(self, layers: Sequence[LayerModel], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapLegend")
        self.layers = sorted(layers, key=lambda layer: -layer.z)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 4, 6, 4)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(1)
        self.lines: list[tuple[QLabel, QLabel]] = []  # (icon, text) as shown, top to bottom
        for layer in self.layers:
            layer.appearance_changed.connect(self.rebuild)
        self.rebuild()

    def words(self, key: str) -> str:
        return {
            "light.green": self.tr("Case on time"),
            "light.yellow": self.tr("Case due soon"),
            "light.red": self.tr("Case overdue"),
            "urgency.A": self.tr("Urgent (A)"),
            "urgency.B": self.tr("Important (B)"),
            "urgency.C": self.tr("Ordinary (C)"),
            "class.component": self.tr("Component (square)"),
            "class.event": self.tr("Event (circle)"),
            "device.camera": self.tr("Camera"),
            "device.loudspeaker": self.tr("Loudspeaker"),
            "device.sensor": self.tr("Sensor"),
            "device.offline": self.tr("Device offline"),
            "person.on_duty": self.tr("Grid worker on duty"),
            "person.off_duty": self.tr("Grid worker off duty"),
            "person.late": self.tr("Clocked on late today"),
            "person.early_leave": self.tr("Left early today"),
            "person.absent": self.tr("Absent today"),
            "density": self.tr("Cases, last 30 days: few → many"),
        }.get(key, key)

    def rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.lines = []
        row = 0
        for layer in self.layers:
            entries = layer.legend() if layer.visible else ()
            if not entries:
                continue
            title = named("legendTitle", QLabel(f"<b>{layer.name}</b>"))
            self.grid.addWidget(title, row, 0, 1, 2)
            row += 1
            for entry in entries:
                icon, text = self._icon(entry), QLabel(self.words(entry.key))
                text.setWordWrap(True)  # the side column is narrow; a long line wraps, never cut
                self.grid.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignCenter)
                self.grid.addWidget(text, row, 1)
                self.lines.append((icon, text))
                row += 1

    def _icon(self, entry: LegendEntry) -> QLabel:
        label = QLabel()
        if entry.symbol is not None:
            image = symbol_image(entry.symbol, self.devicePixelRatioF())
        else:
            assert entry.ramp is not None
            image = ramp_image(entry.ramp)
        label.setPixmap(QPixmap.fromImage(image))
        return label
