"""The case detail dock: fields, photos, the event timeline, possible duplicates and nearby devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.reads import cases, levels
from gridwatch.db.reads.analytics import MachineCase
from gridwatch.db.reads.cases import CaseFile
from gridwatch.db.reads.levels import Holding, Hop, Standard
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.machine_case import MachineCasePanel
from gridwatch.ui.store_reads import StoreReads
from gridwatch.ui.widgets import named

PHOTO_KINDS = ("before", "after", "snapshot")


class PhotoViewer(QDialog):
    """One photo, zoomed with the wheel and dragged with the mouse."""

    def __init__(self, pixmap: QPixmap, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = QGraphicsView(QGraphicsScene(self))
        self.view.scene().addItem(QGraphicsPixmapItem(pixmap))
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.wheelEvent = self._zoom  # type: ignore[method-assign]
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self.resize(900, 700)

    def _zoom(self, event: QWheelEvent) -> None:
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.view.scale(factor, factor)


def _local(moment: datetime | None, tz: tzinfo) -> str:
    """Times show on the command center's wall clock, whatever the workstation's own zone."""
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _named(name: str | None, code: str | None) -> str | None:
    return f"{name} ({code})" if code else None


def _table(headers: list[str], name: str) -> QTableWidget:
    table = named(name, QTableWidget(0, len(headers)))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], ids: list[int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


@dataclass(frozen=True)
class CaseRead:
    """Everything the detail shows of one case, read before any of it is shown: a read that fails part-way
    leaves the detail as it was, never a form half of one case and half of another."""

    view: CaseFile | None  # None: no case, or one this person may not see
    holding: Holding | None = None
    hops: tuple[Hop, ...] = ()
    standard: Standard | None = None
    machine: MachineCase | None = None


class CaseDetail(QWidget):
    """Shows one case; `show_case` loads it, `reload` re-reads it after a change."""

    case_activated = Signal(int)  # a duplicate was double-clicked: show that case
    device_activated = Signal(int, str)  # a nearby device was double-clicked: its id and kind

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        username: str | None = None,
        reads: StoreReads | None = None,
    ) -> None:
        """`username`: the person at the desk, whose allowed actions each case is read with; `reads`: the
        window's, which says when the store cannot be reached."""
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self.store = store
        self.username = username
        self.reads = reads or StoreReads(self)
        self.tz: tzinfo = site_rules(store).calendar.tz
        self.view: CaseFile | None = None
        self._case_id: int | None = None  # the case asked for, shown or not (the store was away)
        self.title = named("detailTitle", QLabel(self.tr("No case selected")))
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setWordWrap(True)  # a message in place of the case fits a narrow dock
        self.fields = QFormLayout()
        self.fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._values: dict[str, QLabel] = {}
        for key, caption in self._captions():
            value = named(f"field_{key}", QLabel(wordWrap=True))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._values[key] = value
            self.fields.addRow(caption, value)
        self.timeline = _table(
            [
                self.tr("When"),
                self.tr("Who"),
                self.tr("Role"),
                self.tr("Action"),
                self.tr("State"),
                self.tr("Note"),
            ],
            "timeline",
        )
        self.photos = named("photos", QListWidget())
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(160, 120))
        self.photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.photos.itemActivated.connect(self._open_photo)
        self.duplicates = _table(
            [
                self.tr("Distance"),
                self.tr("Case no."),
                self.tr("Category"),
                self.tr("State"),
                self.tr("Reported"),
            ],
            "duplicates",
        )
        self.duplicates.cellDoubleClicked.connect(self._activate_duplicate)
        self.devices = _table(
            [self.tr("Distance"), self.tr("Kind"), self.tr("Name"), self.tr("Status")], "devices"
        )
        self.devices.cellDoubleClicked.connect(self._activate_device)
        self.devices.setToolTip(
            self.tr("Double-click a camera to watch it, a loudspeaker to talk through it")
        )
        self.tabs = named("detailTabs", QTabWidget())
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(self.photos, self.tr("Photos"))
        self.tabs.addTab(self.duplicates, self.tr("Possible duplicates"))
        self.tabs.addTab(self.devices, self.tr("Nearby devices"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        self.machine = MachineCasePanel(store, username, self)  # a detector's case: its snapshot first
        layout.addWidget(self.machine)
        layout.addLayout(self.fields)
        layout.addWidget(self.tabs, 1)

    def _captions(self) -> list[tuple[str, str]]:
        return [
            ("state", self.tr("State")),
            ("category", self.tr("Category")),
            ("urgency", self.tr("Urgency")),
            ("source", self.tr("Source")),
            ("where", self.tr("Where")),
            ("grid", self.tr("Grid")),
            ("description", self.tr("Description")),
            ("department", self.tr("Department")),
            ("deadline", self.tr("Deadline")),
            ("request", self.tr("Pending request")),
            ("center", self.tr("Center")),
            ("handbook", self.tr("Handbook")),
        ]

    @property
    def case_id(self) -> int | None:
        """The case the detail is for: the one shown, or the one that could not be opened (`reload` tries
        it again)."""
        return self._case_id

    def show_case(self, case_id: int | None) -> bool:
        """Show this case (None: none). False when the store could not be reached: a reload keeps the case
        as it was shown, another case is not shown but said not to be open."""
        read = self.reads.read(lambda: self._read(case_id))
        if read is None:
            if case_id != (self.view.case.id if self.view else None):
                self._render(CaseRead(None))
                self.title.setText(self.tr("The case could not be opened: the case store cannot be reached"))
            self._case_id = case_id
            return False
        self._render(read)
        self._case_id = read.view.case.id if read.view else None
        return True

    def reload(self) -> bool:
        return self.show_case(self.case_id)

    def _read(self, case_id: int | None) -> CaseRead:
        if case_id is None:
            return CaseRead(None)
        view = cases.by_id(self.store, case_id, username=self.username, data_of=PHOTO_KINDS, nearby=True)
        if view is None:
            return CaseRead(None)
        case = view.case
        return CaseRead(
            view,
            levels.holding(self.store, case.case_no),
            tuple(levels.hops(self.store, case.case_no)),
            levels.standard(self.store, case.category_code, case.urgency),
            self.machine.read(view),
        )

    def _render(self, read: CaseRead) -> None:
        self.view = view = read.view
        self.machine.show_case(view, read.machine)
        if view is None:
            self.title.setText(self.tr("No case selected"))
            for value in self._values.values():
                value.clear()
            for table in (self.timeline, self.duplicates, self.devices):
                table.setRowCount(0)
            self.photos.clear()
            self.tabs.setTabText(2, self.tr("Possible duplicates"))  # no count of another case's
            return
        case = view.case
        self.title.setText(
            self.tr("Case %1 · version %2").replace("%1", case.case_no).replace("%2", str(case.version))
        )
        request = case.pending_request or {}
        department = _named(case.department_name, case.department_code)
        suggested_department = _named(case.suggested_department_name, case.suggested_department_code)
        suggested = (
            self.tr("suggested: %1").replace("%1", suggested_department)
            if suggested_department and not department
            else ""
        )
        values = {
            "state": texts.label(texts.states(), case.state),
            "category": f"{case.category_code} {case.category_name}",
            "urgency": texts.label(texts.urgencies(), case.urgency),
            "source": texts.label(texts.sources(), case.source),
            "where": " · ".join(
                s
                for s in (case.address, f"{case.lon:.5f}, {case.lat:.5f}" if case.lon and case.lat else "")
                if s
            ),
            "grid": _named(case.grid_name, case.grid_code) or self.tr("outside every grid"),
            "description": case.description,
            "department": department or suggested,
            "deadline": _local(case.deadline_at, self.tz)
            or (
                self.tr("%1 (this step)").replace("%1", _local(case.stage_due_at, self.tz))
                if case.stage_due_at
                else ""
            ),
            "request": (
                f"{texts.label(texts.requests(), request.get('kind'))}: {request.get('reason') or ''}"
                + (f" (+{request['hours']} h)" if request.get("hours") else "")
                if request
                else ""
            ),
        }
        values.update(self._levels(read))
        for key, text in values.items():
            self._values[key].setText(text)
        self.fields.setRowVisible(self._values["request"], bool(request))
        self.fields.setRowVisible(self._values["handbook"], bool(values["handbook"]))
        _fill(
            self.timeline,
            [
                [
                    _local(e.at, self.tz),
                    e.actor_name or "—",
                    texts.label(texts.roles(), e.role),
                    texts.label(texts.actions(), e.action),
                    texts.label(texts.states(), e.to_state),
                    e.note or "",
                ]
                for e in view.events
            ],
        )
        self.photos.clear()
        for photo in view.attachments:
            if photo.data is None:  # not a photo: documents and recordings are not shown here
                continue
            pixmap = QPixmap()
            pixmap.loadFromData(photo.data)
            item = QListWidgetItem(QIcon(pixmap), f"{photo.kind}: {photo.filename}")
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, pixmap)
            self.photos.addItem(item)
        _fill(
            self.duplicates,
            [
                [
                    f"{d.distance_m:.0f} m",
                    d.case_no,
                    f"{d.category_code} {d.category_name}",
                    texts.label(texts.states(), d.state),
                    _local(d.reported_at, self.tz),
                ]
                for d in view.duplicates
            ],
            [d.id for d in view.duplicates],
        )
        self.tabs.setTabText(2, self.tr("Possible duplicates (%1)").replace("%1", str(len(view.duplicates))))
        kinds = {"camera": self.tr("Camera"), "loudspeaker": self.tr("Loudspeaker")}
        _fill(
            self.devices,
            [
                [
                    f"{d.distance_m:.0f} m",
                    kinds.get(d.kind, d.kind),
                    f"{d.name} ({d.code})",
                    self.tr("online") if d.online else self.tr("offline"),
                ]
                for d in view.devices
            ],
            [d.id for d in view.devices],
        )

    def _levels(self, read: CaseRead) -> dict[str, str]:
        """The center holding the case and its way there, and the handbook's standard beside the case
        (docs/LEVELS.md)."""
        holding, hops, standard = read.holding, read.hops, read.standard
        assert holding is not None
        top = self.tr("top center")
        way = " → ".join([hops[0].from_center or top, *(h.to_center or top for h in hops)]) if hops else ""
        where = holding.holder.name if holding.holder.code else top
        if holding.escalated:
            where = self.tr("%1 · escalated").replace("%1", where)
        shown = ""
        if standard is not None:
            shown = self.tr("%1 · limit %2 · %3 · after-photos %4").replace("%1", standard.standard)
            limit = f"{standard.limit_amount:g} {texts.label(texts.units(), standard.limit_unit)}"
            shown = shown.replace("%2", limit).replace("%3", standard.department_kind or "—")
            shown = shown.replace("%4", str(standard.photos_after))
        return {"center": f"{where} ({way})" if way else where, "handbook": shown}

    def _open_photo(self, item: QListWidgetItem) -> None:
        PhotoViewer(item.data(Qt.ItemDataRole.UserRole + 1), item.text(), self).open()

    def _activate_duplicate(self, row: int, _column: int) -> None:
        item = self.duplicates.item(row, 0)
        if item is not None:
            self.case_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _activate_device(self, row: int, _column: int) -> None:
        if self.view is not None and row < len(self.view.devices):
            device = self.view.devices[row]
            self.device_activated.emit(device.id, device.kind)
