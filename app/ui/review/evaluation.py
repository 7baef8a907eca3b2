"""The evaluation pane (考评): a period and a scope, one tab per grouping with its total row, the grid
workers' figures, charts, and the exports.

The figures are `gridwatch.db.reads.evaluation.evaluate`'s, the same counts `gridwatch report metrics`
prints. Every count drills down: a double-click on a number lists exactly the cases behind it
(`evaluation.drill`, by the same condition that counted them), each opening in the case detail; a rate
drills down to its numerator's cases. An empty period says "no cases", never a division error. The
evaluation is read off the GUI thread (a quarter of a million-case store takes most of a second); only the
answer to the newest period and scope is shown.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QDate, QElapsedTimer, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.metrics import GROUP_KEYS, NONE_KEY, RATE_PARTS, MetricRow
from gridwatch.db.reads import reference
from gridwatch.db.reads.evaluation import CaseRef, Evaluation, WorkerRow, drill, evaluate
from gridwatch.db.store import Store, utcnow
from gridwatch.ui import texts
from gridwatch.ui.case_detail import CaseDetail
from gridwatch.ui.map.loader import Loader
from gridwatch.ui.store_reads import StoreReads
from gridwatch.ui.widgets import named

KEY_ROLE = Qt.ItemDataRole.UserRole  # (group, row key, metric) of a drillable cell
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's key ("total" for the total row)
TOTAL_KEY = "total"
COUNT_COLUMNS = (
    "reported",
    "registered",
    "self_handled",
    "to_handle",
    "handled",
    "handled_on_time",
    "handle_rate",
    "handle_on_time_rate",
    "due_to_close",
    "closed",
    "closed_on_time",
    "close_rate",
    "close_on_time_rate",
    "reworks",
    "rework_rate",
    "extended",
    "extension_rate",
    "overdue_open",
    "overdue_rate",
    "late",
    "rated",
    "satisfaction_rate",
)
WORKER_COLUMNS = (
    "reports",
    "valid_reports",
    "valid_rate",
    "verified",
    "verified_on_time",
    "verify_on_time_rate",
    "checked",
    "checked_on_time",
    "check_on_time_rate",
    "days_on",
    "working_days",
    "attendance_rate",
    "late",
    "early_leave",
    "outside",
)
WORKER_DRILLABLE = {
    "reports": "reports",
    "valid_reports": "valid_reports",
    "valid_rate": "valid_reports",
    "verified": "verified",
    "verified_on_time": "verified_on_time",
    "verify_on_time_rate": "verified_on_time",
    "checked": "checked",
    "checked_on_time": "checked_on_time",
    "check_on_time_rate": "checked_on_time",
}


def percent(value: float | None) -> str:
    """As centers publish rates: two decimals (99.86%); "—" where the denominator is 0."""
    return "—" if value is None else f"{value * 100:.2f}%"


CHART_STRETCH = (2, 2, 3, 3)
"""Daily reported/closed, on-time rates, departments compared (names need room), sources (a legend)."""


def report_language() -> Literal["zh_CN", "en"]:
    """The reports' language (gridwatch.reports knows zh_CN and en): the UI's."""
    return "zh_CN" if QLocale().name().startswith("zh") else "en"


def period_presets(today: date) -> dict[str, tuple[date, date]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return {
        "30": (today - timedelta(days=29), today),
        "month": (first, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "90": (today - timedelta(days=89), today),
    }


class NumberItem(QTableWidgetItem):
    """A number cell: right-aligned, sorted as a number, and carrying what its drill-down reads."""

    def __init__(self, text: str, sort_value: float, drill_key: tuple[str, str, str] | None) -> None:
        super().__init__(text)
        self.sort_value = sort_value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if drill_key is not None:
            self.setData(KEY_ROLE, drill_key)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.sort_value < other.sort_value
        return super().__lt__(other)


class DrillDown(QDialog):
    """The cases behind one number, listed; the selected one in the case detail."""

    def __init__(
        self,
        store: Store,
        title: str,
        refs: tuple[CaseRef, ...],
        username: str | None,
        parent: QWidget,
        *,
        tz: tzinfo | None = None,
        reads: StoreReads | None = None,
    ) -> None:
        """`tz`: the site's zone, as the pane read it (None: read it now); `reads`: the window's, so that a
        case of the list that cannot be opened while the store is away is said in the window's status bar
        (the detail says it could not be opened, the list stays)."""
        super().__init__(parent)
        self.setObjectName("drillDown")
        self.setWindowTitle(title)
        self.refs = refs
        self.table = named("drillCases", QTableWidget(len(refs), 6))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Case no."),
                self.tr("State"),
                self.tr("Category"),
                self.tr("Department"),
                self.tr("Reported"),
                self.tr("Deadline"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tz = tz or reference.site_rules(store).calendar.tz
        for row, ref in enumerate(refs):
            values = [
                ref.case_no,
                texts.label(texts.states(), ref.state),
                ref.category_code,
                ref.department or "",
                ref.reported_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                ref.deadline_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if ref.deadline_at else "",
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.detail = CaseDetail(store, self, username=username, reads=reads)
        self.table.itemSelectionChanged.connect(self._show)
        self.count = named("drillCount", QLabel(self.tr("%1 cases").replace("%1", str(len(refs)))))
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([560, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(splitter, 1)
        self.resize(1200, 720)
        if refs:
            self.table.selectRow(0)

    def case_numbers(self) -> list[str]:
        return [ref.case_no for ref in self.refs]

    def _show(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.show_case(self.refs[rows[0].row()].id if rows else None)


def _answer(answer: Evaluation | StoreUnavailable) -> Evaluation:
    """The worker thread's answer, raised again on the GUI thread when it was that the store is away."""
    if isinstance(answer, StoreUnavailable):
        raise answer
    return answer


class EvaluationPane(QWidget):
    """Its reads run off the GUI thread; their answers go through `reads` on it, so that a store out of
    reach is said as the rest of the window says it and the figures shown stay (with their period)."""

    message = Signal(str)
    evaluated = Signal(object)  # the Evaluation now shown (the thematic map colours its grids by it)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        username: str | None = None,
        reads: StoreReads | None = None,
    ) -> None:
        """`reads`: the window's, which says when the store cannot be reached."""
        super().__init__(parent)
        self.setObjectName("evaluationPane")
        self.store = store
        self.username = username
        self.reads = reads or StoreReads(self)
        self.evaluation: Evaluation | None = None
        self._summary_shown = ""  # the summary of the figures shown, said again when a re-read fails
        self._started = False  # the first evaluation ran: a changed period or scope re-reads at once
        self.drill_dialog: DrillDown | None = None
        self._asked = 0  # the number of the newest read asked for; older answers are dropped
        self._loader = Loader(self)  # one worker thread: reads run in the order asked
        self._loader.loaded.connect(self._loaded)
        self._loader.failed.connect(self._load_failed)
        self.tz = reference.site_rules(store).calendar.tz  # read while the pane is built, not in a slot
        today = utcnow().astimezone(self.tz).date()
        self.today = today
        self.preset = named("periodPreset", QComboBox())
        for key, text in (
            ("30", self.tr("Last 30 days")),
            ("month", self.tr("This month")),
            ("last_month", self.tr("Last month")),
            ("90", self.tr("Last 90 days")),
            ("custom", self.tr("Custom")),
        ):
            self.preset.addItem(text, key)
        self.start = named("periodStart", QDateEdit())
        self.end = named("periodEnd", QDateEdit())
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.scope = named("scope", QComboBox())
        self.scope.addItem(self.tr("Whole territory"), None)
        for area in reference.areas(store):
            indent = "    " if area.level == "community" else ""
            self.scope.addItem(f"{indent}{area.name} ({area.code})", area.code)
        self.show_button = named("evaluateButton", QPushButton(self.tr("Evaluate")))
        self.show_button.clicked.connect(self.refresh)
        self.xlsx_button = named("exportXlsx", QPushButton(self.tr("Excel…")))
        self.pdf_button = named("exportPdf", QPushButton(self.tr("PDF…")))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh() if self._started else None)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period")))
        bar.addWidget(self.preset)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.end)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("Scope")))
        bar.addWidget(self.scope)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(QLabel(self.tr("Export")))
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        self.summary = named("evaluationSummary", QLabel())
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13px;")
        self.tabs = named("groupTabs", QTabWidget())
        self.tables: dict[str, QTableWidget] = {}
        for key in (*GROUP_KEYS, "worker"):
            table = self._table(key)
            self.tables[key] = table
            self.tabs.addTab(table, self._group_title(key))
        self.charts = named("evaluationCharts", QWidget())  # under the tables: looked at, not read
        self.charts_layout = QGridLayout(self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_views: list[QWidget] = []
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.charts)
        self.body.setStretchFactor(0, 1)
        self.body.setStretchFactor(1, 1)
        self._splitter_moved = False  # the person's own split is kept; until then the tables fit their rows
        self.body.splitterMoved.connect(lambda _pos, _index: setattr(self, "_splitter_moved", True))
        self.no_cases = named("noCases", QLabel(self.tr("No cases in this period and scope.")))
        self.no_cases.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_cases.setStyleSheet("font-size: 16px; color: #667;")
        self.no_cases.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.body)
        self.stack.addWidget(self.no_cases)
        hint = QLabel(self.tr("Double-click a number to list the cases behind it."))
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        layout.addWidget(hint)
        self.preset.setCurrentIndex(0)
        self._preset_chosen()
        self.refresh()

    # --- titles -----------------------------------------------------------------------------------------

    def _group_title(self, key: str) -> str:
        return {
            "department": self.tr("By department"),
            "street": self.tr("By street"),
            "grid": self.tr("By grid"),
            "source": self.tr("By source"),
            "category": self.tr("By category"),
            "level": self.tr("By level"),
            "center": self.tr("By center"),
            "worker": self.tr("Grid workers"),
        }.get(key, key)

    def column_titles(self) -> dict[str, str]:
        return {
            "key": self.tr("Code"),
            "name": self.tr("Name"),
            "reported": self.tr("Reported"),
            "registered": self.tr("Registered"),
            "self_handled": self.tr("Self-handled"),
            "to_handle": self.tr("To handle"),
            "handled": self.tr("Handled"),
            "handled_on_time": self.tr("Handled on time"),
            "handle_rate": self.tr("Handle rate"),
            "handle_on_time_rate": self.tr("On-time handle rate"),
            "due_to_close": self.tr("Due to close"),
            "closed": self.tr("Closed"),
            "closed_on_time": self.tr("Closed on time"),
            "close_rate": self.tr("Close rate"),
            "close_on_time_rate": self.tr("On-time close rate"),
            "reworks": self.tr("Reworks"),
            "rework_rate": self.tr("Rework rate"),
            "extended": self.tr("Extended"),
            "extension_rate": self.tr("Extension rate"),
            "overdue_open": self.tr("Overdue open"),
            "overdue_rate": self.tr("Overdue rate"),
            "late": self.tr("Late"),
            "rated": self.tr("Rated"),
            "satisfaction_rate": self.tr("Satisfaction"),
            "score": self.tr("Score"),
            "grade": self.tr("Grade"),
            "username": self.tr("User name"),
            "reports": self.tr("Reports"),
            "valid_reports": self.tr("Valid reports"),
            "valid_rate": self.tr("Valid rate"),
            "verified": self.tr("Verified"),
            "verified_on_time": self.tr("Verified on time"),
            "verify_on_time_rate": self.tr("On-time verify rate"),
            "checked": self.tr("Checked"),
            "checked_on_time": self.tr("Checked on time"),
            "check_on_time_rate": self.tr("On-time check rate"),
            "days_on": self.tr("Days on"),
            "working_days": self.tr("Working days"),
            "attendance_rate": self.tr("Attendance"),
            "early_leave": self.tr("Early leave"),
            "outside": self.tr("Outside fence"),
        }

    def columns(self, group: str) -> list[str]:
        if group == "worker":
            return ["username", "name", *WORKER_COLUMNS]
        extra = ["score", "grade"] if group == "department" else []
        return ["key", "name", *COUNT_COLUMNS, *extra]

    def _table(self, group: str) -> QTableWidget:
        columns = self.columns(group)
        table = named(f"table_{group}", QTableWidget(0, len(columns)))
        titles = self.column_titles()
        table.setHorizontalHeaderLabels([titles[c] for c in columns])
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # compact rows
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setWordWrap(False)
        table.cellDoubleClicked.connect(lambda row, column, t=table: self.drill_cell(t, row, column))
        return table

    # --- the period -------------------------------------------------------------------------------------

    def _preset_chosen(self) -> None:
        key = str(self.preset.currentData())
        custom = key == "custom"
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if not custom:
            first, last = period_presets(self.today)[key]
            self.start.setDate(QDate(first.year, first.month, first.day))
            self.end.setDate(QDate(last.year, last.month, last.day))
            if self._started:
                self.refresh()

    def set_period(self, start: date, end: date, scope: str | None = None) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.preset.blockSignals(False)
        self.start.setEnabled(True)
        self.end.setEnabled(True)
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.scope.blockSignals(True)
        self.scope.setCurrentIndex(max(0, self.scope.findData(scope)))
        self.scope.blockSignals(False)
        self.refresh()

    def period(self) -> tuple[date, date, str | None]:
        start, end = self.start.date(), self.end.date()
        scope = self.scope.currentData()
        return (
            date(start.year(), start.month(), start.day()),
            date(end.year(), end.month(), end.day()),
            str(scope) if scope else None,
        )

    # --- reading and showing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the evaluation of the chosen period and scope off the GUI thread (a quarter of a large store
        takes about a second: the window keeps answering). The tables keep the last answer under a
        "counting" line until the new one arrives; an answer to a period or scope changed meanwhile is
        dropped, so only the newest choice is ever shown."""
        start, end, scope = self.period()
        self._started = True
        self._asked += 1
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.summary.setText(self.tr("Counting…"))
        self.xlsx_button.setEnabled(False)  # an export waits for the answer (`export`)
        self.pdf_button.setEnabled(False)
        store = self.store

        def work() -> Evaluation | Exception:
            try:
                return evaluate(store, start, end, scope)
            except (StoreError, StoreUnavailable) as exc:  # a period backwards, too long, the store away
                return exc

        self._loader.request(str(self._asked), work)

    @property
    def busy(self) -> bool:
        """An evaluation is being read."""
        return self._loader.busy

    def wait_loaded(self, timeout_ms: int = 30_000) -> bool:
        """Run the event loop until the newest evaluation is shown (tests, exports, screenshots); False if
        that took longer than `timeout_ms`."""
        clock = QElapsedTimer()
        clock.start()
        while self._loader.busy:
            if clock.hasExpired(timeout_ms):
                return False
            self._loader.wait(20)
            QCoreApplication.sendPostedEvents()  # the finished read's queued signal
            QCoreApplication.processEvents()
        return True

    def shutdown(self) -> None:
        """Let a read in flight finish before the store goes away (the window closing)."""
        self._loader.wait()

    def _loaded(self, asked: str, answer: object) -> None:
        if int(asked) != self._asked:
            return  # the period or scope changed while this was read: its answer is stale
        self.unsetCursor()
        if isinstance(answer, StoreError):  # a period backwards, too long: nothing to show for it
            self._failed_with(str(answer))
        elif isinstance(answer, Evaluation | StoreUnavailable):
            got: Evaluation | StoreUnavailable = answer
            ev = self.reads.read(lambda: _answer(got))
            if ev is None:
                self._kept()
                return
            self.evaluation = ev
            self._show(ev)

    def _kept(self) -> None:
        """The store could not be reached: the last figures stay, as do their exports and drill-downs (the
        summary names their period and scope; the window's status bar says the store is away)."""
        self.summary.setText(self._summary_shown)
        shown = self.evaluation is not None and not self.evaluation.empty
        self.xlsx_button.setEnabled(shown)
        self.pdf_button.setEnabled(shown)

    def _load_failed(self, asked: str, trace: str) -> None:
        if int(asked) != self._asked:
            return
        self.unsetCursor()
        self._failed_with(trace.strip().splitlines()[-1])

    def _failed_with(self, message: str) -> None:
        self.evaluation = None  # no stale numbers to drill into or export under the new period
        self.message.emit(message)
        self.summary.setText("")
        self.no_cases.setText(message)
        self.stack.setCurrentWidget(self.no_cases)
        self.xlsx_button.setEnabled(False)
        self.pdf_button.setEnabled(False)

    def _show(self, ev: Evaluation) -> None:
        total = ev.total
        where = ev.scope_name or self.tr("whole territory")
        period = f"{ev.start:%Y-%m-%d} – {ev.end:%Y-%m-%d}"
        if ev.empty:
            self.summary.setText(f"{period} · {where}")
            self._summary_shown = self.summary.text()
            self.no_cases.setText(self.tr("No cases in this period and scope."))
            self.evaluated.emit(ev)
            self.stack.setCurrentWidget(self.no_cases)
            self.xlsx_button.setEnabled(False)
            self.pdf_button.setEnabled(False)
            return
        self.stack.setCurrentWidget(self.body)
        self.xlsx_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.summary.setText(
            self.tr(
                "%1 · %2 — reported %3, to handle %4, handle rate %5, on-time close rate %6, satisfaction %7"
            )
            .replace("%1", period)
            .replace("%2", where)
            .replace("%3", str(total.reported))
            .replace("%4", str(total.to_handle))
            .replace("%5", percent(total.handle_rate))
            .replace("%6", percent(total.close_on_time_rate))
            .replace("%7", percent(total.satisfaction_rate))
        )
        self._summary_shown = self.summary.text()
        for group in GROUP_KEYS:
            built = ev.groups.get(group)
            if built is not None:
                self._fill(self.tables[group], group, list(built.rows), built.total, ev)
        self._fill_workers(self.tables["worker"], list(ev.workers))
        self._show_charts(ev)
        self._fit_tables()
        self.evaluated.emit(ev)

    def _cell(self, row: MetricRow, column: str, group: str, key: str, ev: Evaluation) -> QTableWidgetItem:
        if column in ("key", "name"):
            text = getattr(row, column)
            if key == TOTAL_KEY:
                text = self.tr("Total") if column == "name" else ""
            elif row.key == NONE_KEY and column == "name":
                text = self.tr("(none)")  # never dispatched, outside every grid …
            elif group == "source" and column == "name":
                text = texts.label(texts.sources(), text)
            item = QTableWidgetItem(text)
            item.setData(ROW_KEY_ROLE, key)
            return item
        drilled = "total" if key == TOTAL_KEY else group  # the total row's cases: the whole period's
        if column == "score":
            score = row.score(ev.weights)
            return NumberItem("—" if score is None else f"{score:.2f}", -1 if score is None else score, None)
        if column == "grade":
            return QTableWidgetItem(row.grade(ev.weights) or "—")
        if column in RATE_PARTS:
            rate = getattr(row, column)
            numerator = RATE_PARTS[column][0]
            return NumberItem(percent(rate), -1 if rate is None else rate, (drilled, key, numerator))
        value = int(getattr(row, column))
        return NumberItem(str(value), value, (drilled, key, column))

    def _fit_tables(self) -> None:
        """The tables get the height of the departments' rows and the total (the charts the rest), so the
        total row shows without scrolling on a desk's screen."""
        table = self.tables["department"]
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        scroll = table.horizontalScrollBar().sizeHint().height()  # the English headers are wider than a desk
        wanted = (
            rows + table.horizontalHeader().height() + self.tabs.tabBar().sizeHint().height() + scroll + 12
        )
        total = self.body.height()
        if self._splitter_moved or total <= 0:
            return
        charts = 260
        self.body.setSizes([min(wanted, max(total - charts, 200)), max(charts, total - wanted)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_tables)  # once the splitter has its new height

    def _fill(
        self, table: QTableWidget, group: str, rows: list[MetricRow], total: MetricRow, ev: Evaluation
    ) -> None:
        columns = self.columns(group)
        table.setSortingEnabled(False)
        table.setRowCount(len(rows) + 1)
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate([*rows, total]):
            key = TOTAL_KEY if r == len(rows) else row.key
            for c, column in enumerate(columns):
                item = self._cell(row, column, group, key, ev)
                if key == TOTAL_KEY:
                    item.setFont(bold)
                    item.setBackground(QColor("#eef2f7"))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def _fill_workers(self, table: QTableWidget, workers: list[WorkerRow]) -> None:
        columns = self.columns("worker")
        table.setRowCount(len(workers))
        for r, worker in enumerate(workers):
            for c, column in enumerate(columns):
                value = getattr(worker, column)
                if column in ("username", "name"):
                    item = QTableWidgetItem(str(value))
                elif column.endswith("_rate"):
                    metric = WORKER_DRILLABLE.get(column)
                    item = NumberItem(
                        percent(value), -1 if value is None else value,
                        ("worker", worker.username, metric) if metric else None,
                    )  # fmt: skip
                else:
                    metric = WORKER_DRILLABLE.get(column)
                    item = NumberItem(
                        str(value), value, ("worker", worker.username, metric) if metric else None
                    )
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def _show_charts(self, ev: Evaluation) -> None:
        """The report's own charts (gridwatch.reports.charts): what the PDF prints, shown as QChartViews."""
        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        from PySide6.QtCharts import QChartView

        from gridwatch.reports import charts

        lang = report_language()
        made = [
            charts.daily_chart(ev.days, lang),
            charts.on_time_chart(ev.days, lang),
            charts.departments_chart(ev.groups["department"], lang),
            charts.sources_chart(ev.days, lang),
        ]
        made[3].legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # seven sources: a column, not a cut row
        self.chart_views = []
        for i, chart in enumerate(made):
            view = named(f"chart{i}", QChartView(chart))
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(240)
            self.chart_views.append(view)
            self.charts_layout.addWidget(view, 0, i)
            self.charts_layout.setColumnStretch(i, CHART_STRETCH[i])

    # --- drill-down -------------------------------------------------------------------------------------

    def drill_cell(self, table: QTableWidget, row: int, column: int) -> DrillDown | None:
        item = table.item(row, column)
        target = item.data(KEY_ROLE) if item is not None else None
        if not target or self.evaluation is None:
            return None
        group, key, metric = target
        ev = self.evaluation
        try:
            refs = self.reads.read(
                lambda: drill(self.store, ev.start, ev.end, group, key, metric, ev.scope, as_of=ev.as_of)
            )
        except StoreError as exc:
            self.message.emit(str(exc))
            return None
        if refs is None:  # the store is away: the window says so
            return None
        name_item = table.item(row, 1)
        name = name_item.text() if name_item is not None else key
        header = table.horizontalHeaderItem(column)
        what = header.text() if header is not None else metric
        title = f"{name} · {what} · {ev.start:%Y-%m-%d} – {ev.end:%Y-%m-%d}"
        dialog = DrillDown(self.store, title, refs, self.username, self, tz=self.tz, reads=self.reads)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.drill_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "drill_dialog", None))
        dialog.show()
        return dialog

    # --- exports ----------------------------------------------------------------------------------------

    def export(self, kind: str, path: Path | None = None) -> Path | None:
        """Write the shown evaluation as an Excel workbook or a PDF (gridwatch.reports), asking where."""
        if self.busy:
            self.wait_loaded()  # export the period and scope chosen, not the answer before it
        if self.evaluation is None:
            return None
        ev = self.evaluation
        if path is None:
            suggested = (
                f"evaluation-{ev.start:%Y%m%d}-{ev.end:%Y%m%d}{'-' + ev.scope if ev.scope else ''}.{kind}"
            )
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export the evaluation"),
                suggested,
                self.tr("Excel workbook (*.xlsx)") if kind == "xlsx" else self.tr("PDF (*.pdf)"),
            )
            if not name:
                return None
            path = Path(name)
        try:
            if kind == "xlsx":
                from gridwatch.reports.xlsx import write_workbook

                write_workbook(ev, path, report_language())
            else:
                from gridwatch.db.reads.map import org_areas
                from gridwatch.reports.pdf import write_pdf

                # the map page's org units, read before the file is begun: with the store away the
                # window says so and no half-written PDF is left (the workbook needs no read)
                areas = self.reads.read(lambda: org_areas(self.store))
                if areas is None:
                    return None
                write_pdf(ev, path, report_language(), areas=areas)
        except ImportError:
            self.message.emit(self.tr("This export is not available in this build."))
            return None
        except (OSError, StoreError) as exc:
            self.message.emit(
                self.tr("Could not write %1: %2").replace("%1", str(path)).replace("%2", str(exc))
            )
            return None
        self.message.emit(self.tr("Wrote %1").replace("%1", str(path)))
        return path
