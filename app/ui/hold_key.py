"""F8 held anywhere in the dispatcher window talks through whichever talk button the operator is on.

`HoldKey` in gridwatch.talk serves one button; the workstation has one per camera pane plus the talk
panel's, so the target is asked for at each press and the release goes to the button that was pressed.
The filter sits on the application because key events go to the focused child, not to the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from gridwatch.talk.button import HOLD_KEY, TalkButton


class WindowHoldKey(QObject):
    def __init__(self, window: QWidget, target: Callable[[], TalkButton | None]) -> None:
        super().__init__(window)
        self.window, self.target = window, target
        self.held: TalkButton | None = None
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(event, QKeyEvent) or event.key() != HOLD_KEY:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.isAutoRepeat():
            return True
        if event.type() == QEvent.Type.KeyPress:
            button = self.target()
            if button is not None and button.isEnabled() and self.held is None:
                self.held = button
                button.setDown(True)
                button.start_talking()
        elif self.held is not None:
            button, self.held = self.held, None
            button.setDown(False)
            button.stop_talking()
        return True
