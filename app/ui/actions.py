"""The lifecycle actions as QActions: offered by the person's roles, enabled by the selected case's state.

Every action is sent with the version of the case the person was looking at. When someone else changed the
case first, the store refuses with a Conflict naming who and when; the controller shows that, reloads the
case, and reopens the dialog with what the person typed, so nothing they entered is lost.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import InvalidInput, StoreError
from gridwatch.db.lifecycle import dispatch_deadline
from gridwatch.db.reads import levels, reference
from gridwatch.db.reads.cases import CaseFile
from gridwatch.db.reads.levels import CenterRow
from gridwatch.db.reads.people import offered_actions
from gridwatch.db.reads.reference import Named
from gridwatch.db.store import NewAttachment, Store, utcnow
from gridwatch.db.workflow import request_kind
from gridwatch.ui import texts
from gridwatch.ui.action_dialog import PHOTO_ACTIONS, ActionDialog, ActionValues, DialogContext
from gridwatch.ui.report_dialog import NewCase, ReportDialog
from gridwatch.ui.store_reads import StoreReads

SHORTCUTS: dict[str, str] = {
    "send_verify": "Ctrl+Shift+V",
    "register": "Ctrl+R",
    "reject": "Ctrl+J",
    "dispatch": "Ctrl+D",
    "void": "Ctrl+Shift+D",
    "accept": "Ctrl+Shift+A",
    "feedback": "Ctrl+Shift+F",
    "send_check": "Ctrl+Shift+K",
    "check_pass": "Ctrl+Shift+P",
    "check_fail": "Ctrl+Shift+W",
    "close": "Ctrl+Shift+E",
    "resume": "Ctrl+Shift+R",
    "request_return": "Ctrl+Alt+R",
    "request_extension": "Ctrl+Alt+E",
    "request_suspend": "Ctrl+Alt+S",
    "request_self_handle": "Ctrl+Alt+H",
    # only the approve/refuse matching the pending request is ever enabled, so they can share keys
    "approve_return": "Ctrl+Y",
    "approve_extension": "Ctrl+Y",
    "approve_suspend": "Ctrl+Y",
    "approve_self_handle": "Ctrl+Y",
    "refuse_return": "Ctrl+Shift+Y",
    "refuse_extension": "Ctrl+Shift+Y",
    "refuse_suspend": "Ctrl+Shift+Y",
    "refuse_self_handle": "Ctrl+Shift+Y",
}
XIAMEN = (118.089, 24.479)
"""Where a new case's position starts when the store has no devices to centre on."""


class ActionController(QObject):
    """Owns one QAction per workflow action the person may ever take, and runs them on the current case."""

    reported = Signal(int)  # case id of a case opened from this desk
    acted = Signal(int, str)  # case id, action: the store accepted it
    failed = Signal(int, str)  # case id, message: refused (conflict, invalid input …)
    reload_requested = Signal(int)  # case id: re-read it before the dialog comes back

    def __init__(self, store: Store, username: str, parent: QWidget, reads: StoreReads | None = None) -> None:
        """`reads`: the window's, which says when the store cannot be reached."""
        super().__init__(parent)
        self.store = store
        self.reads = reads or StoreReads(self)
        self.username = username
        self.window = parent
        self.view: CaseFile | None = None
        self.dialog: ActionDialog | None = None
        self.last_message = ""
        categories = reference.categories(store)
        self.categories = [(c.code, c.name) for c in categories]
        self.report_categories = [(c.code, c.name, c.default_urgency) for c in categories]
        self.home = reference.devices_centre(store) or XIAMEN
        self.rules = reference.site_rules(store)
        self.clock: Callable[[], datetime] = utcnow
        self.needs_reason: dict[str, bool] = {}
        self.actions: dict[str, QAction] = {}
        for offer in offered_actions(store, username):
            self.needs_reason[offer.action] = offer.needs_reason
            action = offer.action
            qaction = QAction(texts.label(texts.actions(), action), parent)
            qaction.setObjectName(f"action_{action}")
            if action in SHORTCUTS:
                qaction.setShortcut(QKeySequence(SHORTCUTS[action]))
                qaction.setToolTip(f"{qaction.text()} ({SHORTCUTS[action]})")
            qaction.setEnabled(False)
            qaction.triggered.connect(lambda _checked=False, a=action: self.start(a))
            self.actions[action] = qaction
        self.report_action = QAction(self.tr("New case…"), parent)
        self.report_action.setObjectName("action_report")
        self.report_action.setShortcut(QKeySequence.StandardKey.New)
        self.report_action.triggered.connect(self.start_report)
        self.report_dialog: ReportDialog | None = None
        self._offered: tuple[str, str, tuple[list[CenterRow], list[Named]]] | None = None
        """The places the last dispatch dialog offered (action, case), for its return after a failed write."""
        self.last_report: NewCase | None = None  # the next form starts at its source and category

    # --- which actions are possible now ------------------------------------------------------------------

    def set_case(self, view: CaseFile | None) -> None:
        """The case the person now looks at, as read from the store with its version and the actions
        `Store.allowed_actions` allows the person on it."""
        self.view = view
        allowed = set(view.allowed_actions) if view is not None else set()
        for action, qaction in self.actions.items():
            qaction.setEnabled(action in allowed)

    def enabled_actions(self) -> list[str]:
        return [a for a, q in self.actions.items() if q.isEnabled()]

    # --- running one ---------------------------------------------------------------------------------------

    def start(
        self, action: str, values: ActionValues | None = None, message: str = ""
    ) -> ActionDialog | None:
        """Open the action's dialog for the current case (prefilled with `values` when reopened)."""
        if self.view is None or action not in self.actions or not self.actions[action].isEnabled():
            return None
        case = self.view.case
        reopened = values is not None
        if values is None:
            values = ActionValues(category_code=case.category_code, urgency=case.urgency)
        places = self._places(action, case.case_no, reopened)
        if places is None:
            return None
        centers, departments = places
        # the store's own computation, at the moment the dialog shows it
        deadline = partial(dispatch_deadline, self.rules, case) if action == "dispatch" else None
        context = DialogContext(
            case_no=case.case_no,
            needs_reason=self.needs_reason[action],
            departments=[(d.code, d.name) for d in departments],
            suggested_department=case.suggested_department_code,
            categories=self.categories,
            deadline=None if deadline is None else lambda: deadline(self.clock()),
            tz=self.rules.calendar.tz,
            pending=case.pending_request if request_kind(action) else None,
            message=message,
            centers=[(c.code or "", c.name) for c in centers],
        )
        dialog = ActionDialog(action, context, values, self.window)
        seen = case.version
        dialog.accepted.connect(lambda: self._submit(action, dialog.values(), case.id, case.case_no, seen))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _places(
        self, action: str, case_no: str, reopened: bool
    ) -> tuple[list[CenterRow], list[Named]] | None:
        """Where the case may go (the centers below for dispatch_down, the departments on its holder's line
        for dispatch), read now: None (no dialog) when the store cannot be reached, unless the dialog is
        coming back after its write failed; then it comes back with the places it offered before."""
        if action not in ("dispatch_down", "dispatch"):
            return [], []
        places: tuple[list[CenterRow], list[Named]] | None
        if action == "dispatch_down":
            centers = self.reads.read(lambda: levels.below(self.store, case_no))
            places = None if centers is None else (centers, [])
        else:
            departments = self.reads.read(lambda: levels.departments(self.store, case_no))
            places = None if departments is None else ([], departments)
        if places is not None:
            self._offered = (action, case_no, places)
            return places
        if reopened and self._offered is not None and self._offered[:2] == (action, case_no):
            return self._offered[2]
        return None

    def start_report(self) -> ReportDialog:
        dialog = ReportDialog(self.report_categories, self.home, self.window, self.last_report)
        dialog.accepted.connect(lambda: self._report(dialog))
        self.report_dialog = dialog
        dialog.open()
        return dialog

    def _report(self, dialog: ReportDialog) -> None:
        new = dialog.new_case()
        self.last_report = new
        try:
            case = self.store.report(
                actor=self.username,
                source=new.source,
                category_code=new.category_code,
                urgency=new.urgency,
                description=new.description,
                address=new.address or None,
                lon=new.lon,
                lat=new.lat,
            )
        except (StoreError, StoreUnavailable) as exc:
            self.last_message = str(exc)
            self.failed.emit(0, str(exc))
            self.start_report().give_back(new, str(exc))  # the same report again, with the reason
            return
        self.reported.emit(case.id)

    def _forget(self, dialog: ActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _submit(self, action: str, values: ActionValues, case_id: int, case_no: str, seen: int) -> None:
        try:
            photo = self._read_photo(action, values)
            # the photo in the action's own transaction: the handbook's after-photo counts (docs/LEVELS.md)
            self.store.act(
                case_no,
                action,
                actor=self.username,
                inp=values.to_input(action, seen),
                attachments=[photo] if photo is not None else [],
            )
        except (StoreError, StoreUnavailable) as exc:  # a Conflict names who changed the case and when;
            self._refused(action, values, case_id, str(exc))  # the server down: nothing done, input back
            return
        self.last_message = ""
        self.acted.emit(case_id, action)

    @staticmethod
    def _read_photo(action: str, values: ActionValues) -> NewAttachment | None:
        if action not in PHOTO_ACTIONS or not values.photo:
            return None
        path = Path(values.photo)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"Cannot read the photo '{path}': {exc.strerror}.") from exc
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return NewAttachment(path.name, data, PHOTO_ACTIONS[action], mime)

    def _refused(self, action: str, values: ActionValues, case_id: int, message: str) -> None:
        """Say why, re-read the case, and give the person their input back on the fresh version."""
        self.last_message = message
        self.failed.emit(case_id, message)
        self.reload_requested.emit(case_id)  # the window reloads the row and the detail, then set_case
        if self.view is not None and self.view.case.id == case_id and self.actions[action].isEnabled():
            self.start(action, values, message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, texts.label(texts.actions(), action), message, parent=self.window
        )
        box.setObjectName("actionRefused")
        box.setInformativeText(
            self.tr("The action is no longer possible on this case. Your input:\n%1").replace(
                "%1", values.reason or values.note
            )
        )
        box.open()
