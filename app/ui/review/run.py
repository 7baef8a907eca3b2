"""`gridwatch review`: sign in (the database's own on PostgreSQL), open the review station, or save a
screenshot of it and exit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer
from PySide6.QtWidgets import QDialog

from gridwatch.db.errors import StoreError
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application, shoot
from gridwatch.ui.login import Login, LoginDialog, find_login, people
from gridwatch.ui.review.window import ReviewWindow
from gridwatch.ui.sign_in import open_desk
from gridwatch.ui.workspaces import WORKSPACES

DECIDING_ROLES = frozenset({"shift_leader", "dispatcher", "admin"})
"""Roles that can take the queue's decisions (结案: shift leader; requests: dispatcher)."""


def reviewer(store: Store, prefer: str | None = None) -> Login | None:
    """Who an unattended run (a screenshot, the demo) opens the station as: `prefer` (the demo's 督查长)
    if the store has them and the workspace admits them, else a supervisor who can also decide, else any
    supervisor, else anyone the review workspace admits."""
    allowed = [p for p in people(store) if p.roles & WORKSPACES["review"].roles]
    preferred = [p for p in allowed if p.username == prefer]
    if preferred:
        return preferred[0]
    ranked = sorted(
        allowed,
        key=lambda p: ("supervisor" not in p.roles, not (p.roles & DECIDING_ROLES), p.username),
    )
    return ranked[0] if ranked else None


def choose_login(store: Store, user: str | None, unattended: bool, prefer: str | None = None) -> Login | None:
    if user is not None:
        login = find_login(store, user)
        if login is None:
            raise StoreError(f"No active person with username '{user}'.")
        if not login.roles & WORKSPACES["review"].roles:
            need = ", ".join(sorted(WORKSPACES["review"].roles))
            raise StoreError(f"'{user}' may not open the review station: it needs one of the roles {need}.")
        return login
    if unattended:
        login = reviewer(store, prefer)
        if login is None:
            raise StoreError("The store has nobody who may open the review station (a supervisor).")
        return login
    dialog = LoginDialog(store)
    index = dialog.workspace.findData("review")
    if index >= 0:
        dialog.workspace.setCurrentIndex(index)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
        return None
    chosen = dialog.chosen()
    assert chosen is not None
    return chosen[0]


def run_review(
    store_url: str | None,
    user: str | None,
    lang: str | None,
    screenshot: Path | None,
    *,
    basemap: str = "",
    tab: str = "closure",
    auto_sign_in: bool = False,
    prefer: str | None = None,
) -> int:
    """Open the review station on a store; with `screenshot`, save the loaded window (showing `tab`).
    `auto_sign_in` (the demo's store) opens it as `reviewer` without asking, as `gridwatch demo` does;
    `prefer` names who that is when the store has them (the demo's 督查长)."""
    app = make_application(lang)

    def build(store: Store, user: str | None) -> ReviewWindow | None:
        login = choose_login(store, user, screenshot is not None or auto_sign_in, prefer)
        if login is None:
            return None
        return ReviewWindow(store, login, default_basemap=basemap, live=screenshot is None)

    opened = open_desk(
        store_url, user, build, unattended=screenshot is not None, show_errors=screenshot is None
    )
    if opened is None:
        return 1
    store, window = opened
    window.tabs.setCurrentIndex(TABS.index(tab))
    window.show()
    if screenshot is not None:
        return save_screenshot(window, screenshot, tab)
    code = app.exec()
    store.dispose()
    return code


TABS = ("closure", "evaluation", "map")


def save_screenshot(window: ReviewWindow, path: Path, tab: str = "closure", timeout_ms: int = 15_000) -> int:
    clock = QElapsedTimer()
    clock.start()
    window.tabs.setCurrentIndex(TABS.index(tab))
    closing = next((i for i in window.closure.items if i.kind == "close"), None)
    if closing is not None:  # a closure shows the most: the check result and the photos
        window.closure.select_case(closing.case.id)
    wait = getattr(window.thematic, "wait_loaded", None)
    if tab == "map" and callable(wait):
        wait(timeout_ms)
    if tab == "evaluation":  # read off the GUI thread: shoot the figures, not the "counting" line
        window.evaluation.wait_loaded(timeout_ms)
    return shoot(window, window.store, path, settle_ms=400)
