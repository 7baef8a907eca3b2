"""Signing in to a shared PostgreSQL store: user name and password, checked by the database itself.

The desk then runs on a connection of the person's own login role, so the row-level security and the case
guard of docs/SECURITY.md apply to every query it makes. An SQLite store has no passwords: there the
person is chosen from a list (gridwatch.ui.login).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.accounts import sign_in
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import SignInFailed, StoreError
from gridwatch.db.store import Store
from gridwatch.ui.widgets import named

T = TypeVar("T")


class SignInDialog(QDialog):
    """Asks until the database accepts a user name and password, or the user cancels."""

    def __init__(self, url: str, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in to gridwatch"))
        self.url = url
        self.store: Store | None = None
        self.username = named("username", QLineEdit(username))
        self.password = named("password", QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = named("signInError", QLabel())
        self.error.setStyleSheet("color: #d93025;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()
        self.resize(380, 160)

    def _refusals(self) -> dict[str, str]:
        return {
            "wrong_password": self.tr("Wrong user name or password."),
            "disabled": self.tr("This sign-in is disabled. Ask an administrator."),
            "not_a_person": self.tr(
                "This account is not a person of this store: sign in with your own user name."
            ),
        }

    def accept(self) -> None:
        """Close only once the database took the sign-in; otherwise say why and keep the user name."""
        try:
            self.store = sign_in(self.url, self.username.text().strip(), self.password.text())
        except SignInFailed as exc:
            self.error.setText(self._refusals().get(exc.reason, str(exc)))
            self.password.clear()
            self.password.setFocus()
            return
        except (StoreError, StoreUnavailable) as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()


def signed_in_desk(store: Store, user: str | None, *, unattended: bool) -> tuple[Store, str | None] | None:
    """On PostgreSQL a desk runs as the person's own database role (docs/SECURITY.md). A URL that signs
    in as a person opens their desk; otherwise (no user in the URL, or the owner's maintenance account)
    the person signs in with user name and password. Unattended runs on the owner's account (screenshots,
    tests) take `user` as the desk's person."""
    signed_in = store.whoami()
    if signed_in is None and not unattended:
        dialog = SignInDialog(store.url, user or "")
        store.dispose()
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.store is None:
            return None
        store = dialog.store
        signed_in = store.whoami()
    if signed_in is not None and user is not None and user != signed_in:
        store.dispose()
        raise StoreError(f"You are signed in to the store as '{signed_in}', not '{user}'.")
    return store, signed_in or user


def open_desk(
    store_url: str | None,
    user: str | None,
    build: Callable[[Store, str | None], T | None],
    *,
    unattended: bool,
    show_errors: bool,
) -> tuple[Store, T] | None:
    """The opening every window launcher (dispatcher, review station, wall) shares: open the store, sign in
    on PostgreSQL (`signed_in_desk`), then `build` the window's start on the store as the desk's person.
    None when the person cancels (a sign-in dialog, or `build` returning None) or the store refuses: the
    refusal is printed, and shown in a message box with `show_errors` (an attended window), so the
    launcher only returns 1. Run it with the QApplication made: the sign-in dialog needs it."""
    try:
        store = Store(store_url)
        if store.is_postgres:
            desk = signed_in_desk(store, user, unattended=unattended)
            if desk is None:
                return None
            store, user = desk
        built = build(store, user)
    except (StoreError, StoreUnavailable) as exc:
        if show_errors:
            QMessageBox.critical(None, "gridwatch", str(exc))
        print(exc, file=sys.stderr)
        return None
    return None if built is None else (store, built)
