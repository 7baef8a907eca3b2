"""The case queue dock: the filter bar over the live case table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.queries import CaseFilter
from gridwatch.db.reads import reference
from gridwatch.db.seeds import SOURCES, STATES
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.case_model import COLUMNS, CaseTableModel
from gridwatch.ui.store_reads import StoreReads
from gridwatch.ui.widgets import named

OPEN = "__open__"


class CaseQueue(QWidget):
    """Filters (state, urgency, source, category, street, overdue, mine, text) and the sorted case table."""

    case_selected = Signal(int)
    case_hidden = Signal(int)  # the selected case no longer passes the filter: nothing may act on it

    def __init__(
        self,
        store: Store,
        person_id: int | None,
        parent: QWidget | None = None,
        department: str | None = None,
        reads: StoreReads | None = None,
    ) -> None:
        """`department`: a handler's desk, whose queue is their department's cases
        (PersonRow.queue_department); `reads`: the window's, which says when the store cannot be reached."""
        super().__init__(parent)
        self.setObjectName("caseQueue")
        self.person_id = person_id
        self.department = department
        self.model = CaseTableModel(store, self, reads=reads)
        self.model.filter.department = department
        self.state = named("stateFilter", QComboBox())
        self.state.addItem(self.tr("Open cases"), OPEN)
        self.state.addItem(self.tr("All states"), None)
        for state in STATES:
            self.state.addItem(texts.label(texts.states(), state), state)
        self.urgency = named("urgencyFilter", QComboBox())
        self.urgency.addItem(self.tr("Any urgency"), None)
        for code, name in texts.urgencies().items():
            self.urgency.addItem(name, code)
        self.source = named("sourceFilter", QComboBox())
        self.source.addItem(self.tr("Any source"), None)
        for source in SOURCES:
            self.source.addItem(texts.label(texts.sources(), source), source)
        self.category = named("categoryFilter", QComboBox())
        self.category.addItem(self.tr("Any category"), None)
        self.area = named("areaFilter", QComboBox())
        self.area.addItem(self.tr("Whole district"), None)
        for category in reference.categories(store, top=True):
            self.category.addItem(f"{category.code} {category.name}", category.code)
        for area in reference.areas(store):
            self.area.addItem(("    " if area.level == "community" else "") + area.name, area.code)
        self.overdue = named("overdueFilter", QCheckBox(self.tr("Overdue")))
        self.mine = named("mineFilter", QCheckBox(self.tr("Mine")))
        self.mine.setToolTip(self.tr("Cases I reported or changed last"))
        self.mine.setEnabled(person_id is not None)
        self.text = named("textFilter", QLineEdit(placeholderText=self.tr("Search no., address, text")))
        self.text.setClearButtonEnabled(True)
        self.count = named("queueCount", QLabel())
        self.held = named("heldBar", QPushButton())
        self.held.setToolTip(self.tr("Rows stay still while you aim at the list; click to take the changes"))
        self.held.setStyleSheet("background: #fff3b0; text-align: left; padding: 3px 8px;")
        self.held.setFixedHeight(self.text.sizeHint().height())  # the filter row keeps its height
        self.held.hide()
        self.held.clicked.connect(self.take_held)
        self.only_bar = named("onlyBar", QPushButton())  # the map's box selection, shown as a filter
        self.only_bar.setStyleSheet("background: #d8ecff; padding: 3px 8px;")
        self.only_bar.hide()
        self.only_bar.clicked.connect(lambda: self.show_only([]))
        self._only: list[int] = []
        self.model.holding = self._aimed_at
        self.model.held_changed.connect(self._show_held)

        self.table = named("caseTable", QTableView())
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(9, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((200, 130, 80, 90, 100, 80, 220, 110, 80, 90)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header.sortIndicatorChanged.connect(self._keep_sortable_indicator)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state, self.urgency, self.source, self.category, self.area):
            bar.addWidget(widget)
        bar.addWidget(self.overdue)
        bar.addWidget(self.mine)
        bar.addWidget(self.text, 1)
        bar.addWidget(self.held)  # in the filter row: showing it never moves the table's rows down
        bar.addWidget(self.only_bar)  # likewise
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.table.viewport().installEventFilter(self)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        for combo in (self.state, self.urgency, self.source, self.category, self.area):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.overdue.toggled.connect(self.apply_filters)
        self.mine.toggled.connect(self.apply_filters)
        self.text.textChanged.connect(self._debounce.start)
        self.model.loaded.connect(self._show_count)
        self.model.rowsInserted.connect(self._show_count)
        self.model.rowsRemoved.connect(self._show_count)

    def _keep_sortable_indicator(self, column: int, order: Qt.SortOrder) -> None:
        """The arrow stays on the order the rows are in: the store cannot sort by every column, and a sort
        whose read did not reach the store left the rows in their old order (the view sorts before this)."""
        key = self.model.filter.order[0]
        shown = next(i for i, c in enumerate(COLUMNS) if c.sort_key == key.lstrip("-"))
        ordered = Qt.SortOrder.DescendingOrder if key.startswith("-") else Qt.SortOrder.AscendingOrder
        if (column, order) == (shown, ordered):
            return
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(shown, ordered)
        header.blockSignals(False)

    def current_filter(self) -> CaseFilter:
        state = self.state.currentData()
        return CaseFilter(
            states=[state] if state not in (None, OPEN) else [],
            open_only=state == OPEN,
            urgencies=[self.urgency.currentData()] if self.urgency.currentData() else [],
            sources=[self.source.currentData()] if self.source.currentData() else [],
            category_prefix=self.category.currentData(),
            area_code=self.area.currentData(),
            department=self.department,
            overdue_at=self.model.clock() if self.overdue.isChecked() else None,
            assigned_to=self.person_id if self.mine.isChecked() else None,
            text=self.text.text().strip() or None,
            ids=self._only,
            order=self.model.filter.order,
        )

    def show_only(self, ids: list[int]) -> None:
        """Added by the map's helper (issue 9, item 12): the cases boxed on the map become the queue, under
        the other filters, until the bar in the filter row is clicked; [] shows the whole queue again."""
        self._only = list(ids)
        self.only_bar.setText(self.tr("Map selection: %n case(s) ✕", "", len(ids)) if ids else "")
        self.only_bar.setToolTip(self.tr("Click to show the whole queue again"))
        self.only_bar.setVisible(bool(ids))
        self.apply_filters()

    def apply_filters(self) -> bool:
        """Read the queue again under the filter bar; False when the store could not be reached (the rows
        and the selection stay as they were)."""
        selected = self.selected_case_id()
        if not self.model.apply_filter(self.current_filter()):
            return False
        if selected is not None and not self.select_case(selected, emit=False):
            self.case_hidden.emit(selected)
        return True

    def _aimed_at(self) -> bool:
        """A row is selected or the pointer is over the rows: nothing may move under it (issue 9)."""
        return self.table.selectionModel().hasSelection() or self.table.viewport().underMouse()

    def _show_held(self, arrived: int, gone: int) -> None:
        parts = []
        if arrived:
            parts.append(self.tr("%n new case(s)", "", arrived))
        if gone:
            parts.append(self.tr("%n left the list", "", gone))
        self.held.setText(self.tr("%1 — click to show").replace("%1", " · ".join(parts)) if parts else "")
        self.held.setVisible(bool(parts))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The pointer left the rows with nothing selected: nobody aims, the held changes can come in."""
        if event.type() == QEvent.Type.Leave and not self.table.selectionModel().hasSelection():
            QTimer.singleShot(0, self._take_if_free)
        return super().eventFilter(watched, event)

    def _take_if_free(self) -> None:
        if not self._aimed_at() and any(self.model.held()):
            self.take_held()

    def take_held(self) -> None:
        """Show the held changes; the selection stays on its case, or goes away with it, never to another."""
        selected = self.selected_case_id()
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.take_held()
        selection.blockSignals(False)
        if selected is not None and self.model.row_of(selected) is None:
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        more = "" if self.model.exhausted else "+"
        self.count.setText(self.tr("%n case(s)", "", shown).replace(str(shown), f"{shown:,}{more}"))

    def selected_case_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.case_at(rows[0].row()).id if rows else None

    def select_case(self, case_id: int, *, emit: bool = True) -> bool:
        """Select the case's row if the queue holds it; returns whether it did."""
        row = self.model.row_of(case_id)
        if row is None:
            self.table.clearSelection()
            return False
        if not emit:
            self.table.selectionModel().blockSignals(True)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        self.table.selectionModel().blockSignals(False)
        return True

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes: list[QModelIndex] = selected.indexes()
        if indexes:
            self.case_selected.emit(self.model.case_at(indexes[0].row()).id)
        elif not self.table.selectionModel().hasSelection():
            QTimer.singleShot(0, self._take_if_free)
