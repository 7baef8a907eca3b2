"""Role workspaces as data: which docks a role's desk shows and where, so a new desk is a new entry.

The dispatcher desk is a main window of docks; the review station (supervisors) is a window of tabs,
opened by `gridwatch.ui.review` instead of the dispatcher window (no docks to list).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt

Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class DockSpec:
    name: str  # objectName: the key saveState/restoreState remember it by
    area: Area


@dataclass(frozen=True)
class Workspace:
    key: str
    roles: frozenset[str]  # who may open it
    docks: tuple[DockSpec, ...]

    def title(self) -> str:
        return {
            "dispatcher": QCoreApplication.translate("Workspace", "Dispatcher desk"),
            "review": QCoreApplication.translate("Workspace", "Review station"),
        }.get(self.key, self.key)


WORKSPACES: dict[str, Workspace] = {
    "dispatcher": Workspace(
        "dispatcher",
        frozenset({"dispatcher", "shift_leader", "acceptor", "admin", "supervisor"}),
        (
            DockSpec("queueDock", Area.BottomDockWidgetArea),
            DockSpec("detailDock", Area.RightDockWidgetArea),
            DockSpec("videoDock", Area.LeftDockWidgetArea),
            DockSpec("talkDock", Area.LeftDockWidgetArea),
        ),
    ),
    "review": Workspace("review", frozenset({"supervisor", "shift_leader", "admin"}), ()),
}


def workspaces_for(roles: set[str]) -> list[Workspace]:
    return [w for w in WORKSPACES.values() if roles & w.roles]
