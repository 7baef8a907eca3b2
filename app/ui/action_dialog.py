"""The dialog that collects what one lifecycle action needs: department, reason, hours, category, note.

Which fields it shows depends on the action; a reason, when the workflow requires one, cannot be left
empty. The dialog can be reopened with what the person typed before (`ActionValues`), so a conflict or a
refused input never throws their text away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.deadlines import Limit
from gridwatch.db.lifecycle import ActionInput
from gridwatch.ui import texts
from gridwatch.ui.widgets import named

PHOTO_ACTIONS = {"feedback": "after"}
"""Actions that take a photo, and the attachment kind it is stored as."""


@dataclass
class ActionValues:
    """What the person entered; kept across a conflict and handed back to the reopened dialog."""

    department: str | None = None
    reason: str = ""
    hours: float = 4.0
    category_code: str | None = None
    urgency: str | None = None
    note: str = ""
    photo: str = ""  # feedback: the after-photo's file
    center: str | None = None  # dispatch_down: the org code of the center below

    def to_input(self, action: str, expected_version: int) -> ActionInput:
        return ActionInput(
            department=self.department if action == "dispatch" else None,
            center=self.center if action == "dispatch_down" else None,
            reason=self.reason.strip() or None,
            hours=self.hours if action == "request_extension" else None,
            category_code=self.category_code if action == "register" else None,
            urgency=self.urgency if action == "register" else None,
            note=self.note.strip() or None,
            expected_version=expected_version,
        )


@dataclass
class DialogContext:
    """What the dialog shows besides the inputs: the case, its choices and the deadline preview."""

    case_no: str
    needs_reason: bool
    departments: list[tuple[str, str]]  # code, name
    suggested_department: str | None  # code
    categories: list[tuple[str, str]]  # code, name
    deadline: Callable[[], tuple[Limit, datetime]] | None  # for dispatch: limit and deadline if sent now
    tz: tzinfo  # the desk's time zone (the site calendar's), whatever the workstation's own
    pending: Mapping[str, object] | None
    message: str = ""  # shown above the fields: why the dialog came back
    centers: list[tuple[str, str]] = field(default_factory=list)  # dispatch_down: code, name of those below


class ActionDialog(QDialog):
    def __init__(
        self, action: str, context: DialogContext, values: ActionValues, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"dialog_{action}")
        self.action = action
        self.context = context
        self.setWindowTitle(f"{texts.label(texts.actions(), action)} · {context.case_no}")
        form = QFormLayout()
        self.message = named("dialogMessage", QLabel(context.message, wordWrap=True))
        self.message.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.message.setVisible(bool(context.message))
        self.department = named("department", QComboBox())
        self.category = named("category", QComboBox())
        self.urgency = named("urgency", QComboBox())
        self.hours = named("hours", QDoubleSpinBox(minimum=0.5, maximum=200.0, singleStep=0.5, suffix=" h"))
        self.reason = named("reason", QPlainTextEdit())
        self.reason.setFixedHeight(70)
        self.note = named("note", QPlainTextEdit())
        self.note.setFixedHeight(50)
        self.deadline = named("deadline", QLabel())
        self.photo = named("photo", QLineEdit())
        self.center = named("center", QComboBox())

        if action == "dispatch":
            for code, name in context.departments:
                suffix = self.tr(" (suggested)") if code == context.suggested_department else ""
                self.department.addItem(f"{name} ({code}){suffix}", code)
            chosen = values.department or context.suggested_department
            self.department.setCurrentIndex(max(0, self.department.findData(chosen)))
            form.addRow(self.tr("Department"), self.department)
            form.addRow(self.tr("Deadline"), self.deadline)
            self._show_deadline()
            self._clock = QTimer(self, interval=1000)  # the preview follows the moment OK would be pressed
            self._clock.timeout.connect(self._show_deadline)
            self._clock.start()
        if action == "dispatch_down":
            for code, name in context.centers:
                self.center.addItem(f"{name} ({code})", code)
            self.center.setCurrentIndex(max(0, self.center.findData(values.center)))
            form.addRow(self.tr("Center below"), self.center)
        if action == "register":
            for code, name in context.categories:
                self.category.addItem(f"{code} {name}", code)
            self.category.setCurrentIndex(max(0, self.category.findData(values.category_code)))
            for code, name in texts.urgencies().items():
                self.urgency.addItem(name, code)
            self.urgency.setCurrentIndex(max(0, self.urgency.findData(values.urgency)))
            form.addRow(self.tr("Category"), self.category)
            form.addRow(self.tr("Urgency"), self.urgency)
        if action == "request_extension":
            self.hours.setValue(values.hours)
            form.addRow(self.tr("Working hours asked for"), self.hours)
        if context.pending:
            asked = context.pending
            text = f"{texts.label(texts.requests(), str(asked.get('kind')))}: {asked.get('reason') or ''}"
            if asked.get("hours"):
                text += self.tr(" (+%1 working hours)").replace("%1", str(asked["hours"]))
            form.addRow(self.tr("Request"), QLabel(text, wordWrap=True))
        if action in PHOTO_ACTIONS:
            self.photo.setText(values.photo)
            self.photo.setPlaceholderText(self.tr("After-photo file (optional)"))
            browse = QPushButton(self.tr("Browse…"))
            browse.clicked.connect(self._browse)
            row = QHBoxLayout()
            row.addWidget(self.photo, 1)
            row.addWidget(browse)
            form.addRow(self.tr("Photo"), row)
        if context.needs_reason:
            self.reason.setPlaceholderText(self.tr("Required"))
            self.reason.setPlainText(values.reason)
            form.addRow(self.tr("Reason"), self.reason)
        else:
            self.note.setPlainText(values.note)
            form.addRow(self.tr("Note"), self.note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(texts.label(texts.actions(), action))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()
        self.setMinimumWidth(460)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("After-photo"), "", self.tr("Images (*.jpg *.jpeg *.png)")
        )
        if path:
            self.photo.setText(path)

    def _show_deadline(self) -> None:
        self.deadline.setText(self._deadline_text())

    def _deadline_text(self) -> str:
        if self.context.deadline is None:
            return ""
        limit, deadline = self.context.deadline()
        when = deadline.astimezone(self.context.tz).strftime("%Y-%m-%d %H:%M")
        return f"{when}  ({limit.amount:g} {texts.label(texts.units(), limit.unit)})"

    def _reason_missing(self) -> bool:
        return self.context.needs_reason and not self.reason.toPlainText().strip()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self._reason_missing())

    def accept(self) -> None:
        if self._reason_missing():  # the button is disabled too; this guards a programmatic accept
            self.reason.setFocus()
            return
        super().accept()

    def values(self) -> ActionValues:
        return ActionValues(
            department=self.department.currentData() if self.action == "dispatch" else None,
            reason=self.reason.toPlainText(),
            hours=self.hours.value(),
            category_code=self.category.currentData() if self.action == "register" else None,
            urgency=self.urgency.currentData() if self.action == "register" else None,
            note=self.note.toPlainText(),
            photo=self.photo.text().strip(),
            center=self.center.currentData() if self.action == "dispatch_down" else None,
        )
