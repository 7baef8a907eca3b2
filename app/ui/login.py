"""The login dialog: who is at this desk (from the store's people) and which workspace they open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.reads.people import PersonRow, active_people
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.widgets import named
from gridwatch.ui.workspaces import workspaces_for

Login = PersonRow
"""Who signed in at this desk: an active person and their roles, as the store reads them."""


def people(store: Store) -> list[Login]:
    """Active people who may open some workspace, desk staff first."""
    usable = [p for p in active_people(store) if workspaces_for(set(p.roles))]
    return sorted(usable, key=lambda p: ("dispatcher" not in p.roles, p.username))


def find_login(store: Store, username: str) -> Login | None:
    found = active_people(store, username)
    return found[0] if found else None


class LoginDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Sign in to gridwatch"))
        self.people = named("people", QListWidget())
        for login in people(store):
            roles = "、".join(texts.label(texts.roles(), r) for r in sorted(login.roles))
            item = QListWidgetItem(f"{login.name}  ({login.username}) — {roles}")
            item.setData(Qt.ItemDataRole.UserRole, login)
            self.people.addItem(item)
        self.workspace = named("workspace", QComboBox())
        self.people.currentItemChanged.connect(self._person_changed)
        self.people.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Workspace"), self.workspace)
        layout = QVBoxLayout(self)
        layout.addWidget(self.people)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if self.people.count():
            self.people.setCurrentRow(0)
        self.resize(520, 420)

    def _person_changed(self, item: QListWidgetItem | None) -> None:
        self.workspace.clear()
        if item is None:
            return
        login: Login = item.data(Qt.ItemDataRole.UserRole)
        for workspace in workspaces_for(set(login.roles)):
            self.workspace.addItem(workspace.title(), workspace.key)

    def chosen(self) -> tuple[Login, str] | None:
        item = self.people.currentItem()
        if item is None or self.workspace.currentData() is None:
            return None
        return item.data(Qt.ItemDataRole.UserRole), str(self.workspace.currentData())
