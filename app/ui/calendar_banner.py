"""The banner that tells the dispatcher a running deadline rests on an estimated holiday calendar.

It shows from the day an open case's deadline reaches into a year whose State Council notice nobody has
entered (its holidays are then estimated from the law, docs/CALENDAR.md) until an administrator enters
it. It also keeps the desk's calendar current: when the site's calendar table changes (another process
entered the notice), the store's shared calendar is refreshed, so countdowns count on the new days.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QToolBar, QWidget

from gridwatch.db.calendar_admin import estimated_years_ahead
from gridwatch.db.store import Store, utcnow
from gridwatch.ui.store_reads import StoreReads
from gridwatch.ui.widgets import named

CHECK_MS = 15_000
"""How often the desk looks at the site's calendar table (a few dozen rows a year)."""


class CalendarBanner(QToolBar):
    """A full-width yellow bar under the tool bar; hidden while every running deadline's year is known."""

    calendar_changed = Signal()

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        interval_ms: int = CHECK_MS,
        reads: StoreReads | None = None,
    ) -> None:
        """`reads`: the window's, which says when the store cannot be reached (the banner then stays as it
        was and looks again at the next check)."""
        super().__init__(parent)
        self.setObjectName("calendarBanner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not a tool bar a person switches off
        self.setStyleSheet("QToolBar { background: #fff4c2; border: 1px solid #e0b400; }")
        self.store = store
        self.reads = reads or StoreReads(self)
        self._changed = False  # the shared calendar was refreshed, not yet announced (a check failed after)
        self.label = named("calendarBannerText", QLabel())
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #5c4400; font-size: 14px; padding: 4px;")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.label)
        self.years: list[int] = []
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.hide()
        QTimer.singleShot(0, self.check)  # after the window has restored its saved layout

    def check(self) -> None:
        """Refresh the shared calendar if the site's table changed, then show or hide the banner."""
        found = self.reads.read(self._read)
        if found is None:
            return
        self.years = found
        if self.years:
            years = "、".join(str(y) for y in self.years)
            self.label.setText(
                self.tr(
                    "The holidays of %1 are only estimated from the national regulation on holidays, without "
                    "the adjusted working days: deadlines that reach into %1 may move. An administrator "
                    "enters the State Council's notice with: gridwatch calendar import FILE"
                ).replace("%1", years)
            )
        self.setVisible(bool(self.years))
        if self._changed:
            self._changed = False
            self.calendar_changed.emit()

    def _read(self) -> list[int]:
        """The years ahead with estimated holidays; the shared calendar refreshed in place on the way (a
        change is announced once a check has answered whole)."""
        with self.store.session() as session:
            self._changed |= self.store.refresh_calendar(session)
            calendar = self.store.rules(session).calendar
            return estimated_years_ahead(session, calendar, utcnow())
