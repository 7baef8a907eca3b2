"""A machine-made case in the case detail: its snapshot first (zone and box drawn), what the detector saw,
and the two answers a person gives before anything is registered (docs/ANALYTICS.md, "At the desk"):
"Confirm" registers the case with the category the person confirms, through the desk's own register
action; "Not a case" rejects it as a false alarm (误报), which is counted per camera and detector.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gridwatch.db.analytics import FALSE_ALARM
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.reads import analytics as analytics_reads
from gridwatch.db.reads import reference
from gridwatch.db.reads.analytics import MachineCase
from gridwatch.db.reads.cases import CaseFile
from gridwatch.db.reads.reference import CategoryRow
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.widgets import named

SNAPSHOT_HEIGHT = 220


class MachineCasePanel(QFrame):
    """Shown above a case's fields when a detector opened the case; hidden otherwise."""

    confirm_requested = Signal(str)  # the confirmed category: the desk runs its register action with it
    acted = Signal(int, str)  # case id, action: the store accepted it
    failed = Signal(int, str)  # case id, message

    def __init__(self, store: Store, username: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("machineCase")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.store, self.username = store, username
        self.view: CaseFile | None = None
        self.machine: MachineCase | None = None
        self.snapshot = named("machineSnapshot", QLabel())
        self.snapshot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.snapshot.setMinimumHeight(120)
        self.found = named("machineFound", QLabel(wordWrap=True))
        self.category = named("machineCategory", QComboBox())
        self.category.setEditable(False)
        self.confirm_button = named("confirmMachineCase", QPushButton(self.tr("Confirm")))
        self.confirm_button.setToolTip(self.tr("Register the case with this category"))
        self.confirm_button.clicked.connect(self.confirm)
        self.false_button = named("notACase", QPushButton(self.tr("Not a case")))
        self.false_button.setToolTip(self.tr("Reject it as a false alarm (counted per camera and detector)"))
        self.false_button.clicked.connect(self.not_a_case)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Category")))
        row.addWidget(self.category, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.false_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.snapshot)
        layout.addWidget(self.found)
        layout.addLayout(row)
        self._categories: list[CategoryRow] = []  # read with the first detector's case
        self.hide()

    def read(self, view: CaseFile) -> MachineCase | None:
        """What a detector saw of this case (None for a case no detector opened), and the categories to
        confirm it with the first time: read with the rest of the case, before the detail shows any of it.
        A store that refuses the read (no analytics for this role) shows the case without the panel; one
        that cannot be reached fails the whole read (the detail keeps what it showed)."""
        if view.case.source != "video":
            return None
        try:
            machine = analytics_reads.machine_case(self.store, view.case.case_no)
        except StoreError:
            return None
        if machine is not None and not self._categories:
            self._categories = reference.categories(self.store)
        return machine

    def show_case(self, view: CaseFile | None, machine: MachineCase | None) -> None:
        """The case the detail shows and its `read`; the panel shows itself only for a case a detector
        opened."""
        self.view = view
        self.machine = machine
        if view is None or machine is None:
            self.hide()
            return
        if not self.category.count():
            for c in self._categories:
                self.category.addItem(f"{c.code} {c.name}", c.code)
        pixmap = QPixmap()
        if machine.snapshot is not None and pixmap.loadFromData(machine.snapshot):
            self.snapshot.setPixmap(
                pixmap.scaledToHeight(SNAPSHOT_HEIGHT, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.snapshot.setText(self.tr("No snapshot"))
        self.found.setText(
            self.tr("%1 · zone %2 · detector %3 · confidence %4 · %5 detection(s)")
            .replace("%1", f"{machine.camera_name} ({machine.camera_code})")
            .replace("%2", machine.zone)
            .replace("%3", texts.label(texts.detectors(), machine.detector))
            .replace("%4", f"{machine.confidence:.0%}")
            .replace("%5", str(machine.detections))
        )
        index = self.category.findData(view.case.category_code)
        self.category.setCurrentIndex(max(index, 0))
        allowed = set(view.allowed_actions)
        self.confirm_button.setEnabled("register" in allowed)
        self.false_button.setEnabled("reject" in allowed)
        self.show()

    def confirm(self) -> None:
        code = self.category.currentData()
        if self.view is not None and code:
            self.confirm_requested.emit(str(code))

    def not_a_case(self) -> None:
        """Reject as 误报 at the version shown: a case changed meanwhile is refused, not overwritten."""
        if self.view is None or self.username is None:
            return
        case = self.view.case
        try:
            self.store.act(
                case.case_no,
                "reject",
                actor=self.username,
                inp=ActionInput(reason=FALSE_ALARM, expected_version=case.version),
            )
        except (StoreError, StoreUnavailable) as exc:
            self.failed.emit(case.id, str(exc))
            return
        self.acted.emit(case.id, "reject")
