"""The new-case dialog: a case the center found itself or took by phone (坐席发现, 12345)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gridwatch.ui import texts
from gridwatch.ui.widgets import named

DESK_SOURCES = ("center", "hotline", "citizen", "superior")


@dataclass
class NewCase:
    source: str
    category_code: str
    urgency: str
    description: str
    address: str
    lon: float
    lat: float


class ReportDialog(QDialog):
    def __init__(
        self,
        categories: list[tuple[str, str, str]],  # code, name, default urgency
        where: tuple[float, float],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("New case"))
        self.source = named("source", QComboBox())
        for source in DESK_SOURCES:
            self.source.addItem(texts.label(texts.sources(), source), source)
        self.category = named("category", QComboBox())
        for code, name, urgency in categories:
            self.category.addItem(f"{code} {name}", (code, urgency))
        self.urgency = named("urgency", QComboBox())
        for code, name in texts.urgencies().items():
            self.urgency.addItem(name, code)
        self.category.currentIndexChanged.connect(self._default_urgency)
        self._default_urgency()
        self.description = named("description", QPlainTextEdit())
        self.description.setFixedHeight(70)
        self.address = named("address", QLineEdit())
        self.lon = named("lon", QDoubleSpinBox(decimals=6, minimum=73.0, maximum=136.0, value=where[0]))
        self.lat = named("lat", QDoubleSpinBox(decimals=6, minimum=3.0, maximum=54.0, value=where[1]))
        form = QFormLayout()
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Urgency"), self.urgency)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Longitude"), self.lon)
        form.addRow(self.tr("Latitude"), self.lat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _default_urgency(self) -> None:
        data = self.category.currentData()
        if data:
            self.urgency.setCurrentIndex(max(0, self.urgency.findData(data[1])))

    def new_case(self) -> NewCase:
        code, _urgency = self.category.currentData()
        return NewCase(
            source=str(self.source.currentData()),
            category_code=code,
            urgency=str(self.urgency.currentData()),
            description=self.description.toPlainText().strip(),
            address=self.address.text().strip(),
            lon=self.lon.value(),
            lat=self.lat.value(),
        )
