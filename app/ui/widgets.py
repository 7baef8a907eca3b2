"""Small helpers every panel uses when building widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(name: str, widget: W) -> W:
    """Give a widget its objectName (tests, style sheets and saved layouts find it by that) and return it."""
    widget.setObjectName(name)
    return widget
