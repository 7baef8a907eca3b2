"""Closure review: the decisions waiting at the center, one after the other, from the keyboard.

The queue lists checked cases awaiting 结案 and pending return, extension, suspension and self-handling
requests (`gridwatch.db.reads.review`). The selected one shows its before and after photos side by side,
the check result or the request, and the whole case in the case detail widget the dispatcher desk uses.
Approve and send back run through the desk's `ActionController`: the same dialogs, the same
`Store.act` with the version the reviewer looked at, the same conflict handling. Send back is the
refusal of the request and always asks for a reason.

Keys (also shown in the window): Enter approves (Enter again confirms), B sends back with a reason
(Ctrl+Enter sends it), ↑/↓ move, F5 re-reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.errors import StoreError
from gridwatch.db.reads import review
from gridwatch.db.reads.cases import CaseFile
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.reads.review import ReviewItem
from gridwatch.db.store import Store, utcnow
from gridwatch.ui import texts
from gridwatch.ui.action_dialog import ActionDialog
from gridwatch.ui.actions import ActionController
from gridwatch.ui.case_detail import CaseDetail
from gridwatch.ui.store_reads import StoreReads
from gridwatch.ui.widgets import named

APPROVE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
SEND_BACK_KEY = Qt.Key.Key_B
REFRESH_KEY = Qt.Key.Key_F5
PHOTO_SIZE = (220, 165)
CHECK_ACTIONS = ("check_pass", "check_fail")


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


class _Keys(QObject):
    """The queue's keys: Enter and B act on the selected row; the arrows stay the table's own."""

    def __init__(self, review: ClosureReview) -> None:
        super().__init__(review)
        self.review = review

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if key in APPROVE_KEYS:
            self.review.approve()
            return True
        if key == SEND_BACK_KEY:
            self.review.send_back()
            return True
        if key == REFRESH_KEY:
            self.review.refresh()
            return True
        return False


class _CtrlEnter(QObject):
    """Ctrl+Enter anywhere in an action dialog presses OK (the dialog still refuses a missing reason)."""

    def __init__(self, dialog: ActionDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in APPROVE_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.dialog.accept()
            return True
        return False


class ClosureReview(QWidget):
    """The queue on the left; the selected decision, its photos and the case on the right.

    Every read goes through `reads` and comes before any change to the rows: when the store cannot be
    reached the queue keeps the rows read at `read_at` (the window says since when), the shown case stays,
    and a decision sent meanwhile comes back in its dialog with what was typed (ActionController)."""

    case_activated = Signal(int)  # a case to show elsewhere (the map)
    message = Signal(str)  # for the window's status bar
    decided = Signal(int, str)  # case id, action: the store took the decision
    refreshed = Signal()  # the queue was read again: it is current as of `read_at`

    def __init__(
        self, store: Store, username: str, parent: QWidget | None = None, reads: StoreReads | None = None
    ) -> None:
        """`reads`: the window's, which says when the store cannot be reached."""
        super().__init__(parent)
        self.setObjectName("closureReview")
        self.store = store
        self.username = username
        self.reads = reads or StoreReads(self)
        self.tz: tzinfo = site_rules(store).calendar.tz
        self.clock: Callable[[], datetime] = utcnow
        self.read_at: datetime | None = None  # the last read of the queue the store answered
        self.items: list[ReviewItem] = []
        self.controller = ActionController(store, username, self, self.reads)
        self.controller.acted.connect(self._acted)
        self.controller.failed.connect(lambda _id, text: self._say(text))
        # after the controller has given the refused decision's dialog back (queued: it reopens it after
        # this signal), that dialog is decided from the keyboard as the first was
        self.controller.failed.connect(self._keyboard_again, Qt.ConnectionType.QueuedConnection)
        self.controller.reload_requested.connect(lambda _id: self._show_selected())

        self.table = named("reviewQueue", QTableWidget(0, 6))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Waiting for"),
                self.tr("Case no."),
                self.tr("Category"),
                self.tr("Department"),
                self.tr("Grid"),
                self.tr("Since"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.keys = _Keys(self)
        self.table.installEventFilter(self.keys)
        self.count_label = named("reviewCount", QLabel())
        self.count_label.setStyleSheet("font-weight: bold;")
        self.help = named(
            "reviewKeys",
            QLabel(
                self.tr(
                    "Enter: approve, Enter again: confirm · B: send back, Ctrl+Enter: send · ↑/↓: move · F5: re-read"  # noqa: E501  (one literal for lupdate)
                )
            ),
        )
        self.help.setStyleSheet("color: #555;")
        self.help.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.help)

        self.what = named("reviewWhat", QLabel())
        self.what.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.what.setWordWrap(True)
        self.check = named("reviewCheck", QLabel())
        self.check.setWordWrap(True)
        self.check.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refusal = named("reviewNotAllowed", QLabel())
        self.refusal.setStyleSheet("color: #b3261e;")
        self.refusal.setWordWrap(True)
        self.approve_button = named("approveButton", QPushButton())
        self.approve_button.setStyleSheet("font-weight: bold;")
        self.approve_button.clicked.connect(self.approve)
        self.send_back_button = named("sendBackButton", QPushButton())
        self.send_back_button.clicked.connect(self.send_back)
        self.before = self._photo_label("beforePhoto")
        self.after = self._photo_label("afterPhoto")
        self.detail = CaseDetail(store, self, username=username, reads=self.reads)
        self.detail.case_activated.connect(self.case_activated)

        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.send_back_button)
        buttons.addStretch(1)
        photos = QHBoxLayout()
        for caption, label in ((self.tr("Before"), self.before), (self.tr("After"), self.after)):
            column = QVBoxLayout()
            column.addWidget(QLabel(caption))
            column.addWidget(label)
            photos.addLayout(column)
        photos.addStretch(1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.what)
        right_layout.addWidget(self.check)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.refusal)
        right_layout.addLayout(photos)
        right_layout.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 840])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        # read here, not through `reads`: a station that cannot read its queue does not open (the desk's
        # View menu and `gridwatch review` say why) rather than showing an empty queue as if none waited
        self._show_queue(review.queue(store))

    def _photo_label(self, name: str) -> QLabel:
        label = named(name, QLabel())
        label.setFixedSize(*PHOTO_SIZE)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("background: #eef1f4; color: #778; border: 1px solid #ccd;")
        return label

    def _say(self, text: str) -> None:
        self.message.emit(text)

    # --- the queue -------------------------------------------------------------------------------------

    def refresh(self, keep_row: int | None = None) -> bool:
        """Re-read the queue; keep the selection on the same case, or on the row at `keep_row` (the next
        decision after one was taken). False when the store could not be reached: the rows, the selection
        and the shown case stay as they were read."""
        items = self.reads.read(lambda: review.queue(self.store))
        if items is None:
            return False
        self._show_queue(items, keep_row)
        return True

    def _show_queue(self, items: list[ReviewItem], keep_row: int | None = None) -> None:
        self.read_at = self.clock()
        shown = self.selected()
        self.items = items
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            case = item.case
            waiting = (
                self.tr("Closure (check passed)") if item.kind == "close" else self._request_label(item.kind)
            )
            values = [
                waiting,
                case.case_no,
                f"{case.category_code} {case.category_name}",
                case.department_code or "",
                case.grid_code or "",
                _local(item.since, self.tz),
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, case.id)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        closes = sum(1 for i in self.items if i.kind == "close")
        self.count_label.setText(
            self.tr("%1 waiting: %2 to close, %3 requests")
            .replace("%1", str(len(self.items)))
            .replace("%2", str(closes))
            .replace("%3", str(len(self.items) - closes))
            + (self.tr(" (the longest waiting; more wait)") if len(self.items) >= review.QUEUE_LIMIT else "")
        )
        chosen = next((r for r, i in enumerate(self.items) if shown and i.case.id == shown.case.id), None)
        if chosen is None and self.items:
            chosen = min(keep_row if keep_row is not None else 0, len(self.items) - 1)
        self.table.blockSignals(True)
        if chosen is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(chosen)
        self.table.blockSignals(False)
        self._show_selected()
        self.refreshed.emit()

    def clock_text(self, moment: datetime) -> str:
        """The time of day of a moment today, else the day too: `08:30`, `12-07 08:30` (the site's zone)."""
        local = moment.astimezone(self.tz)
        today = self.clock().astimezone(self.tz).date()
        return local.strftime("%H:%M" if local.date() == today else "%m-%d %H:%M")

    def _request_label(self, kind: str) -> str:
        return self.tr("Request: %1").replace("%1", texts.label(texts.requests(), kind))

    def selected(self) -> ReviewItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def select_case(self, case_id: int) -> bool:
        row = next((r for r, i in enumerate(self.items) if i.case.id == case_id), None)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    # --- the selected decision --------------------------------------------------------------------------

    def _show_selected(self) -> None:
        item = self.selected()
        self.detail.show_case(item.case.id if item else None)
        view = self.detail.view if item else None
        self.controller.set_case(view)
        self._show_decision(item, view)

    def _show_decision(self, item: ReviewItem | None, view: CaseFile | None) -> None:
        for label in (self.before, self.after):
            label.clear()
            label.setText(self.tr("no photo"))
        if item is None or view is None:
            self.what.setText(self.tr("Nothing waits for a decision.") if not self.items else "")
            self.check.clear()
            self.refusal.clear()
            self.approve_button.setText(self.tr("Approve (Enter)"))
            self.send_back_button.setText(self.tr("Send back… (B)"))
            self.approve_button.setEnabled(False)
            self.send_back_button.setEnabled(False)
            return
        case = view.case
        approve, back = item.approve_action, item.send_back_action
        self.what.setText(
            f"{case.case_no} · {case.category_name} · "
            + (
                self.tr("checked, awaiting closure")
                if item.kind == "close"
                else self._request_label(item.kind)
            )
        )
        self.check.setText(self._check_text(item, view))
        self.approve_button.setText(
            self.tr("%1 (Enter)").replace("%1", texts.label(texts.actions(), approve))
        )
        self.send_back_button.setText(self.tr("%1… (B)").replace("%1", texts.label(texts.actions(), back)))
        allowed = set(view.allowed_actions)
        self.approve_button.setEnabled(approve in allowed)
        self.send_back_button.setEnabled(back in allowed)
        missing = [a for a in (approve, back) if a not in allowed]
        self.refusal.setText(
            self.tr("Your roles do not allow: %1").replace(
                "%1", "、".join(texts.label(texts.actions(), a) for a in missing)
            )
            if missing
            else ""
        )
        for kind, label in (("before", self.before), ("after", self.after)):
            photo = next((a for a in reversed(view.attachments) if a.kind == kind and a.data), None)
            if photo is None or photo.data is None:
                continue
            pixmap = QPixmap()
            if pixmap.loadFromData(photo.data):
                label.setPixmap(
                    pixmap.scaled(
                        *PHOTO_SIZE,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                label.setToolTip(photo.filename)

    def _check_text(self, item: ReviewItem, view: CaseFile) -> str:
        """For a closure, what the grid worker's check found; for a request, what was asked and why."""
        if item.kind != "close":
            asked = view.case.pending_request or {}
            text = self.tr("Asked: %1").replace("%1", str(asked.get("reason") or "—"))
            if asked.get("hours"):
                text += self.tr(" (+%1 working hours)").replace("%1", str(asked["hours"]))
            return text
        checks = [e for e in view.events if e.action in CHECK_ACTIONS]
        if not checks:
            return self.tr("No check on record.")
        last = checks[-1]
        text = (
            self.tr("%1 by %2 at %3")
            .replace("%1", texts.label(texts.actions(), last.action))
            .replace("%2", last.actor_name or "—")
            .replace("%3", _local(last.at, self.tz))
        )
        if last.note:
            text += f": {last.note}"
        reworks = sum(1 for e in checks if e.action == "check_fail")
        if reworks:
            text += self.tr(" · %1 rework(s) before").replace("%1", str(reworks))
        return text

    # --- deciding -------------------------------------------------------------------------------------------

    def approve(self) -> ActionDialog | None:
        """Open the approving action's dialog (结案 or approve the request) for the selected case."""
        item = self.selected()
        return self._start(item.approve_action if item else None)

    def send_back(self) -> ActionDialog | None:
        """Open the refusal's dialog; its OK stays disabled until a reason is written."""
        item = self.selected()
        return self._start(item.send_back_action if item else None)

    def _start(self, action: str | None) -> ActionDialog | None:
        if action is None:
            return None
        if not self._read_selected():
            return None  # the store is away: the window's status bar says so; nothing was refused
        dialog = self.controller.start(action)
        if dialog is None:
            self._say(
                self.tr("Not possible for you on this case: %1").replace(
                    "%1", texts.label(texts.actions(), action)
                )
            )
            return None
        self._keyboard(dialog)
        return dialog

    def _read_selected(self) -> bool:
        """The selected case as read from the store, read now if it could not be when it was selected (the
        store away then). False when it still cannot be: the rows and the selection stay, the window says
        the store is away, and the same key decides once it is back. Without this a case never read
        offered no action, and the key said "not possible for you" as if the person's roles refused it."""
        item = self.selected()
        view = self.controller.view
        if item is None or (view is not None and view.case.id == item.case.id):
            return True
        if not self.detail.show_case(item.case.id):
            return False
        self.controller.set_case(self.detail.view)
        self._show_decision(item, self.detail.view)
        return True

    def _keyboard(self, dialog: ActionDialog) -> None:
        """Decided from the keyboard: an approval's second Enter presses OK (the note is optional), a
        refusal starts in its reason and Ctrl+Enter sends it (Enter there is a new line; Tab leaves it)."""
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        for field in (dialog.reason, dialog.note):
            field.setTabChangesFocus(True)
        send = _CtrlEnter(dialog)
        for widget in (dialog, dialog.reason, dialog.note, ok):
            widget.installEventFilter(send)
        if dialog.context.needs_reason:
            dialog.reason.setFocus()
        else:
            ok.setDefault(True)
            ok.setFocus()

    def _keyboard_again(self, _case_id: int, _message: str) -> None:
        dialog = self.controller.dialog
        if dialog is not None and dialog.isVisible():
            self._keyboard(dialog)

    def _acted(self, case_id: int, action: str) -> None:
        row = self.table.currentRow()
        self.table.clearSelection()
        try:
            self.refresh(keep_row=max(row, 0))  # the store gone since: the rows stay, the window says so
        except StoreError as exc:
            self._say(str(exc))
        self._say(self.tr("%1 done").replace("%1", texts.label(texts.actions(), action)))
        self.decided.emit(case_id, action)
        self.table.setFocus()
