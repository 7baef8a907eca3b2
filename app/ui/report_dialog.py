"""The new-case dialog: a case the center found itself or took by phone (坐席发现, 12345).

Category, description and address are required and nothing is filled in for the person: the category
starts empty, or at the one this desk used last; OK stays disabled until the three are there (issue 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
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
        last: NewCase | None = None,
    ) -> None:
        """`last`: the case this desk reported before, whose source and category start selected."""
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("New case"))
        self.source = named("source", QComboBox())
        for source in DESK_SOURCES:
            self.source.addItem(texts.label(texts.sources(), source), source)
        self.category = named("category", QComboBox())
        self.category.addItem(self.tr("— choose a category —"), None)
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
        self.description.setPlaceholderText(self.tr("Required: what is wrong"))
        self.address.setPlaceholderText(self.tr("Required: where it is"))
        if last is not None:
            self.source.setCurrentIndex(max(0, self.source.findData(last.source)))
            codes = [(self.category.itemData(i) or ("",))[0] for i in range(self.category.count())]
            if last.category_code in codes:
                self.category.setCurrentIndex(codes.index(last.category_code))
        self.message = named("dialogMessage", QLabel(wordWrap=True))  # why the last try was refused
        self.message.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.message.setVisible(False)
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.category.currentIndexChanged.connect(self._update_ok)
        self.description.textChanged.connect(self._update_ok)
        self.address.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()
        self.setMinimumWidth(460)

    def give_back(self, new: NewCase, message: str) -> None:
        """Everything of a report the store refused or could not be reached for, with its reason: the
        dispatcher corrects or just sends it again, retyping nothing."""
        self.urgency.setCurrentIndex(max(0, self.urgency.findData(new.urgency)))
        self.description.setPlainText(new.description)
        self.address.setText(new.address)
        self.lon.setValue(new.lon)
        self.lat.setValue(new.lat)
        self.message.setText(message)
        self.message.setVisible(True)

    def missing(self) -> list[str]:
        """The required fields still empty, by their labels."""
        empty = []
        if self.category.currentData() is None:
            empty.append(self.tr("Category"))
        if not self.description.toPlainText().strip():
            empty.append(self.tr("Description"))
        if not self.address.text().strip():
            empty.append(self.tr("Address"))
        return empty

    def _update_ok(self) -> None:
        missing = self.missing()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not missing)
        ok.setToolTip(self.tr("Required: %1").replace("%1", ", ".join(missing)) if missing else "")

    def accept(self) -> None:
        if self.missing():  # the button is disabled too; this guards Enter and a programmatic accept
            return
        super().accept()

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
