"""The review station's window: closure review, the evaluation and the thematic map, one tab each.

It is its own window (`gridwatch review`) and the "review" workspace a supervisor picks at sign-in or
opens from the dispatcher desk's View menu; both read and write through the store of the person signed in,
so on PostgreSQL a street's supervisor sees the street's cases only (docs/SECURITY.md).

Its reads from slots and timers (the queue's re-read on a change, F5, a decision's follow-up, the evaluation)
go through one `StoreReads`, as the desk's do: a read that cannot reach the store changes nothing shown,
and the status bar says in one line since when the queue is as shown, until a re-read reaches the store.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from gridwatch.db.feed import Change
from gridwatch.db.reads.evaluation import Evaluation
from gridwatch.db.store import Store
from gridwatch.ui import texts
from gridwatch.ui.feed import FeedThread
from gridwatch.ui.login import Login
from gridwatch.ui.review.closure import ClosureReview
from gridwatch.ui.review.evaluation import EvaluationPane
from gridwatch.ui.review.thematic import ThematicMap
from gridwatch.ui.store_reads import AwayNotice, StoreReads
from gridwatch.ui.widgets import named

DEFAULT_SIZE = (1600, 960)
REQUEUE_MS = 300


class ReviewWindow(QMainWindow):
    """Tabs: 结案审核 (closure review), 考评 (evaluation), 专题图 (thematic map)."""

    def __init__(
        self,
        store: Store,
        login: Login,
        parent: QWidget | None = None,
        *,
        with_map: bool = True,
        default_basemap: str = "",
        live: bool = True,
    ) -> None:
        """`live`: follow the store's change feed (the queue re-reads when a case changes)."""
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.store = store
        self.login = login
        single_user = "" if store.is_postgres else self.tr(" — single-user store (SQLite)")
        self.setWindowTitle(
            self.tr("gridwatch — %1 — %2").replace("%1", self.tr("Review station")).replace("%2", login.name)
            + single_user
        )
        self.tabs = named("reviewTabs", QTabWidget(self))
        self.reads = StoreReads(self)  # every read a slot or timer makes: one way to say the store is away
        self.away = AwayNotice(self.reads, self.statusBar(), self._standing_message)
        self.closure = ClosureReview(store, login.username, self, self.reads)
        self.tabs.addTab(self.closure, self.tr("Closure review"))
        self.evaluation = self._evaluation(store)
        self.tabs.addTab(self.evaluation, self.tr("Evaluation"))
        self.thematic = self._thematic(store, with_map, default_basemap)
        self.tabs.addTab(self.thematic, self.tr("Thematic map"))
        self.evaluation.evaluated.connect(self._colour_grids)
        if self.evaluation.evaluation is not None:
            self._colour_grids(self.evaluation.evaluation)
        self.setCentralWidget(self.tabs)
        self.closure.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.closure.refreshed.connect(self.away.reached)
        self.user_label = named("userLabel", QLabel())
        roles = "、".join(texts.label(texts.roles(), r) for r in sorted(login.roles))
        self.user_label.setText(f"{login.name} ({login.username}) · {roles}{single_user}")
        self.statusBar().addPermanentWidget(self.user_label)
        self._build_menus()
        self.resize(*DEFAULT_SIZE)
        self.closure.table.setFocus()
        self.feed: FeedThread | None = None
        self._requeue = QTimer(self, singleShot=True, interval=REQUEUE_MS)
        self._requeue.timeout.connect(self.closure.refresh)
        if live:
            self.start_live()

    def start_live(self) -> None:
        """A check passed or a request made at another desk shows in the queue within a moment."""
        if self.feed is None:
            self.feed = FeedThread(self.store, self)
            self.feed.changes.connect(self._changed)
            self.feed.start()

    def stop_live(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed = None

    def _changed(self, changes: list[Change]) -> None:
        if any(change.table == "cases" for change in changes):
            self._requeue.start()  # a burst of changes re-reads the queue once

    def _evaluation(self, store: Store) -> EvaluationPane:
        pane = EvaluationPane(store, self, username=self.login.username, reads=self.reads)
        pane.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        return pane

    def _thematic(self, store: Store, with_map: bool, default_basemap: str) -> ThematicMap:
        return ThematicMap(store, self, with_map=with_map, default_basemap=default_basemap)

    def _colour_grids(self, ev: Evaluation) -> None:
        """The thematic map follows the evaluation's period and scope: its grid grouping's figures."""
        self.thematic.set_evaluation(ev)

    def _build_menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for index, key in enumerate(("Ctrl+1", "Ctrl+2", "Ctrl+3")):
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _c=False, i=index: self.tabs.setCurrentIndex(i))
            view.addAction(action)
        refresh = QAction(self.tr("Re-read"), self)
        refresh.setObjectName("refresh")
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(self.refresh)
        view.addAction(refresh)

    def refresh(self) -> None:
        """F5: re-read the tab shown; while the store is out of reach, the queue first (its re-read is what
        ends the status bar's message). The thematic map's layers are read by the map's own loader off the
        GUI thread, which can only say "could not read the map data" in the map's line: the queue is read
        first for it always, so a store out of reach is said as the rest of the window says it, and the
        map keeps its layers and colours without asking the store five times."""
        current = self.tabs.currentWidget()
        first = self.away.reason is not None or current is self.thematic
        if first and current is not self.closure and not self.closure.refresh():
            return  # out of reach: one wait for the store is enough (a cut network waits for its timeout)
        reload = getattr(current, "refresh", None)
        if callable(reload):
            reload()

    # --- the store out of reach ---------------------------------------------------------------------------

    def _standing_message(self) -> str:
        """What the status bar says while the store is out of reach, in one line; "" while within reach."""
        if self.away.reason is None:
            return ""
        read_at = self.closure.read_at
        if read_at is None:
            return self.tr("Cannot reach the case store: the queue could not be read (F5 to try again)")
        return self.tr(
            "Cannot reach the case store: the queue shows the decisions as of %1 (F5 to try again)"
        ).replace("%1", self.closure.clock_text(read_at))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_live()
        self.evaluation.shutdown()  # an evaluation read in flight finishes before the store goes
        self.thematic.shutdown()
        super().closeEvent(event)
