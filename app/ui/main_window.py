"""The dispatcher workstation window: the map in the centre, the queue and the detail in docks.

Docks can be moved, tabbed or floated onto another monitor; the layout is saved per workspace in this
workstation's settings and restored at the next start. Everything the window shows follows the store
live through one change feed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QSysInfo, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QToolBar, QWidget

from gridwatch.db.feed import Change
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.talk.button import TalkButton
from gridwatch.ui import texts
from gridwatch.ui.action_dialog import ActionValues
from gridwatch.ui.actions import ActionController
from gridwatch.ui.calendar_banner import CalendarBanner
from gridwatch.ui.case_detail import CaseDetail
from gridwatch.ui.case_queue import CaseQueue
from gridwatch.ui.feed import FeedThread
from gridwatch.ui.hold_key import WindowHoldKey
from gridwatch.ui.live import AlertCenter
from gridwatch.ui.login import Login
from gridwatch.ui.sensor_panel import open_sensor
from gridwatch.ui.speaking import SpeakingMonitor
from gridwatch.ui.store_reads import AwayNotice, StoreReads
from gridwatch.ui.talk_panel import TalkPanel
from gridwatch.ui.video_dock import CameraPane, VideoDock
from gridwatch.ui.widgets import named
from gridwatch.ui.workspaces import WORKSPACES
from gridwatch.ui.zone_editor import open_zone_editor
from gridwatch.video.pane import VideoPane

if TYPE_CHECKING:
    from gridwatch.ui.review.window import ReviewWindow

LAYOUT_VERSION = 1
DEFAULT_SIZE = (1600, 960)  # the window's size at first launch and after "Reset layout"
VIDEO_WIDTH = 560  # the video and loudspeaker docks' width when first shown


def make_map(store: Store, parent: QWidget, wanted: bool = True, default_basemap: str = "") -> QWidget:
    """The map canvas if wanted and its package is installed, else a placeholder saying so."""
    try:
        if not wanted:
            raise ImportError("map switched off")
        from gridwatch.ui.map import MapWidget
    except ImportError:
        label = QLabel(QCoreApplication.translate("MainWindow", "Map not available in this build"), parent)
        label.setObjectName("mapPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("background: #e8eef3; color: #556; font-size: 16px;")
        return label
    widget: QWidget = MapWidget(store, parent, default_basemap=default_basemap)
    return widget


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        login: Login,
        workspace: str = "dispatcher",
        settings: QSettings | None = None,
        *,
        live: bool = True,
        with_map: bool = True,
        default_basemap: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.login = login
        self.workspace = WORKSPACES[workspace]
        self.settings = settings or QSettings()
        single_user = "" if store.is_postgres else self.tr(" — single-user store (SQLite)")
        # nobody signed in with a password on SQLite: the title and the status bar say so (docs/SECURITY.md)
        self.setWindowTitle(
            self.tr("gridwatch — %1 — %2").replace("%1", self.workspace.title()).replace("%2", login.name)
            + single_user
        )
        self.setDockOptions(
            QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        VideoPane.zone = site_rules(store).calendar.tz  # overlays show the desk's time (issue 9)
        self.map = make_map(store, self, with_map, default_basemap)
        self.setCentralWidget(self.map)
        self.reads = StoreReads(self)  # every read a slot or timer makes: one way to say the store is away
        self.queue = CaseQueue(
            store, login.person_id, self, department=login.queue_department, reads=self.reads
        )
        self.reads.clock = lambda: self.queue.model.clock()  # one clock for the rows and their "as of"
        if store.is_postgres:  # a store across a network: found away once, not waited for again (store_reads)
            self.reads.watch(store)
        self.reads.back.connect(self._store_back)
        self.detail = CaseDetail(store, self, username=login.username, reads=self.reads)
        self.queue_dock = self._dock("queueDock", self.tr("Case queue"), self.queue)
        self.detail_dock = self._dock("detailDock", self.tr("Case detail"), self.detail)
        self.monitor = SpeakingMonitor(self)
        self.video = VideoDock(store, login.username, self._selected_case, self)
        self.video_dock = self._dock("videoDock", self.tr("Video"), self.video)
        self.talk = TalkPanel(store, login.username, self.monitor, self)
        self.talk_dock = self._dock("talkDock", self.tr("Loudspeaker"), self.talk)
        self.hold_key = WindowHoldKey(self, self._talk_target)
        self.controller = ActionController(store, login.username, self, self.reads)
        self.review_window: ReviewWindow | None = None
        self._build_menus()
        self.calendar_banner = CalendarBanner(store, self, reads=self.reads)  # deadlines, estimated calendar
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.calendar_banner)
        self.calendar_banner.calendar_changed.connect(self.queue.apply_filters)
        self.user_label = named("userLabel", QLabel())
        roles = "、".join(texts.label(texts.roles(), r) for r in sorted(login.roles))
        self.user_label.setText(f"{login.name} ({login.username}) · {roles}{single_user}")
        self.live_label = named("liveLabel", QLabel())
        self.speaking_label = named("speakingLabel", QLabel())
        self.speaking_label.setStyleSheet("color: #2e9d4f; font-weight: bold;")
        self.statusBar().addPermanentWidget(self.speaking_label)
        self.statusBar().addPermanentWidget(self.live_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.alerts = AlertCenter(store, self, self.statusBar(), self.reads)
        self.away = AwayNotice(self.reads, self.statusBar(), self._standing_message)
        self.queue.model.refreshed.connect(self.away.reached)
        self.alerts.banner.clicked.connect(self.show_case)

        self.queue.case_selected.connect(self.show_case)
        self.queue.case_hidden.connect(self._case_hidden)
        self.detail.case_activated.connect(self.show_case)
        self.controller.acted.connect(self._acted)
        self.controller.reported.connect(self._reported)
        self.controller.reload_requested.connect(self.reload_case)
        self.controller.failed.connect(lambda _id, message: self.statusBar().showMessage(message, 15_000))
        if hasattr(self.map, "case_clicked"):
            self.map.case_clicked.connect(self.show_case)
        if hasattr(self.map, "cases_selected"):  # a box on the map: those cases become the queue
            self.map.cases_selected.connect(self._map_selection)
        if hasattr(self.map, "camera_clicked"):
            self.map.camera_clicked.connect(self.open_camera)
        if hasattr(self.map, "speaker_clicked"):
            self.map.speaker_clicked.connect(self.open_speaker)
        if hasattr(self.map, "sensor_clicked"):  # a sensor's readings as a chart (sensor_panel.py)
            self.map.sensor_clicked.connect(lambda sensor_id: open_sensor(self.store, sensor_id, self))
        self.detail.device_activated.connect(self._device_activated)
        machine = getattr(self.detail, "machine", None)  # a detector's case: confirm / not a case
        if machine is not None:
            machine.confirm_requested.connect(self._confirm_machine_case)
            machine.acted.connect(self._acted)
            machine.failed.connect(lambda _id, message: self.statusBar().showMessage(message, 15_000))
        if hasattr(self.map, "camera_zones_requested"):
            self.map.camera_zones_requested.connect(
                lambda camera_id: open_zone_editor(self.store, camera_id, login.username, self)
            )
        for panel in (self.video, self.talk):
            panel.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.video.attached.connect(self.reload_case)
        self.monitor.changed.connect(self._show_speaking)

        self._new_cases: list[int] = []
        self._detail_stale = False
        self._live_batch = QTimer(self, singleShot=True, interval=100)
        self._live_batch.timeout.connect(self._apply_live)
        self.feed: FeedThread | None = None
        self._feed_interrupted: str | None = None  # why the feed lost the store, until it is back
        self.resize(*DEFAULT_SIZE)
        self.restore_layout()
        self.queue.apply_filters()
        self._offer_actions()
        if live:
            self.start_live()

    # --- layout ----------------------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        area = next(d.area for d in self.workspace.docks if d.name == name)
        self.addDockWidget(area, dock)
        return dock

    def _key(self, what: str = "") -> str:
        """Per workstation (its host name: a roaming profile shared by a wall-side desk and a laptop keeps
        one layout for each) and per workspace."""
        return f"layout/{QSysInfo.machineHostName() or 'this'}/{self.workspace.key}/{what}".rstrip("/")

    def save_layout(self) -> None:
        self.settings.setValue(self._key("geometry"), self.saveGeometry())
        self.settings.setValue(self._key("state"), self.saveState(LAYOUT_VERSION))
        self.settings.setValue(self._key("video"), self.video.capacity)
        self.settings.sync()

    def restore_layout(self) -> bool:
        capacity = self.settings.value(self._key("video"))
        if capacity is not None and str(capacity).isdigit():
            self.video.set_capacity(int(str(capacity)))
        geometry = self.settings.value(self._key("geometry"))
        state = self.settings.value(self._key("state"))
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            return self.restoreState(state, LAYOUT_VERSION)
        self._default_sizes()
        self.video_dock.hide()
        self.talk_dock.hide()
        return False

    def _default_sizes(self) -> None:
        self.resizeDocks([self.detail_dock], [460], Qt.Orientation.Horizontal)
        self.resizeDocks([self.queue_dock], [380], Qt.Orientation.Vertical)
        self.resizeDocks([self.video_dock, self.talk_dock], [VIDEO_WIDTH] * 2, Qt.Orientation.Horizontal)

    def reset_layout(self) -> None:
        """The first launch's layout: window size, docks in their places, the video 2×2; forgets the saved
        one. The video and loudspeaker docks stay only while a camera or loudspeaker is open."""
        self.settings.remove(self._key())
        self.showNormal()
        self.resize(*DEFAULT_SIZE)
        self.video.set_capacity(4)
        wanted = {self.video_dock: bool(self.video.panes), self.talk_dock: self.talk.speaker is not None}
        for dock in (self.queue_dock, self.detail_dock, self.video_dock, self.talk_dock):
            dock.setFloating(False)
            self.addDockWidget(
                next(d.area for d in self.workspace.docks if d.name == dock.objectName()), dock
            )
            dock.setVisible(wanted.get(dock, True))
        self._default_sizes()

    def _build_menus(self) -> None:
        self.toolbar = QToolBar(self.tr("Actions"), self)
        self.toolbar.setObjectName("actionsToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        case_menu = self.menuBar().addMenu(self.tr("&Case"))
        case_menu.addAction(self.controller.report_action)
        case_menu.addSeparator()
        for qaction in self.controller.actions.values():
            case_menu.addAction(qaction)
        view = self.menuBar().addMenu(self.tr("&View"))
        view.addAction(self.queue_dock.toggleViewAction())
        view.addAction(self.detail_dock.toggleViewAction())
        view.addAction(self.video_dock.toggleViewAction())
        view.addAction(self.talk_dock.toggleViewAction())
        reset = QAction(self.tr("Reset layout"), self)
        reset.setObjectName("resetLayout")
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        refresh = QAction(self.tr("Re-read"), self)  # as the review station's F5
        refresh.setObjectName("refresh")
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(self.refresh)
        view.addAction(refresh)
        find = QAction(self.tr("Find case"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.queue.text.setFocus())
        view.addAction(find)
        camera = QAction(self.tr("Find camera"), self)  # any camera at any map scale (issue 9, item 14)
        camera.setObjectName("findCamera")
        camera.setShortcut(QKeySequence("Ctrl+K"))
        camera.triggered.connect(self.find_camera)
        view.addAction(camera)
        review = QAction(self.tr("Review station…"), self)  # closure review and evaluation (supervisors)
        review.setObjectName("openReview")
        review.setEnabled(bool(self.login.roles & WORKSPACES["review"].roles))
        review.triggered.connect(self.open_review)
        view.addAction(review)

    def open_review(self) -> ReviewWindow | None:
        """The review station in a window of its own, on this desk's store and person (one at a time);
        None when the store could not be reached for its queue."""
        from gridwatch.ui.review.window import ReviewWindow

        if self.review_window is None:
            live = self.feed is not None
            opened = self.reads.read(lambda: ReviewWindow(self.store, self.login, self, live=live))
            if opened is None:
                return None
            self.review_window = opened
            self.review_window.setWindowFlag(Qt.WindowType.Window)
            self.review_window.closure.decided.connect(self.reload_case)
        self.review_window.show()
        self.review_window.raise_()
        return self.review_window

    # --- the selected case -----------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        if case_id <= 0:
            return
        self.detail.show_case(case_id)
        self._offer_actions()
        case = self.detail.view.case if self.detail.view else None
        if case is not None and case.source == "video" and case.device_id is not None:
            self.open_camera(case.device_id)
        if self.queue.selected_case_id() != case_id:
            self.queue.select_case(case_id, emit=False)
        select_on_map = getattr(self.map, "select_case", None)
        if select_on_map is not None:  # it reads where the case is when its layer has no row of it
            self.reads.read(lambda: select_on_map(case_id))

    def _offer_actions(self) -> None:
        """Enable what the person may do on the shown case; the toolbar lists only those (the menu all)."""
        self.controller.set_case(self.detail.view)
        self.toolbar.clear()
        self.toolbar.addAction(self.controller.report_action)
        self.toolbar.addSeparator()
        for name in self.controller.enabled_actions():
            self.toolbar.addAction(self.controller.actions[name])

    def _selected_case(self) -> tuple[int, str] | None:
        case = self.detail.view.case if self.detail.view else None
        return (case.id, case.case_no) if case is not None else None

    def reload_case(self, case_id: int) -> None:
        """Re-read one case everywhere it shows (queue row, detail, enabled actions)."""
        self.queue.model.refresh([case_id])
        if self.detail.case_id == case_id:
            self.detail.reload()
            self._offer_actions()

    def _case_hidden(self, case_id: int) -> None:
        """The filter hides the case the detail showed: nothing shown, nothing to act on (issue 9)."""
        if self.detail.case_id == case_id:
            self.detail.show_case(None)
            self._offer_actions()

    def _reported(self, case_id: int) -> None:
        self.queue.model.refresh([case_id], hold=False)
        self.show_case(case_id)

    def _confirm_machine_case(self, category_code: str) -> None:
        """A detector's case confirmed: the register action's own dialog, with the confirmed category."""
        self.controller.start("register", ActionValues(category_code=category_code))

    def _acted(self, case_id: int, action: str) -> None:
        self.reload_case(case_id)
        case_no = self.detail.view.case.case_no if self.detail.view else ""
        self.statusBar().showMessage(
            self.tr("%1: %2 done").replace("%1", case_no).replace("%2", texts.label(texts.actions(), action)),
            8000,
        )

    # --- cameras and loudspeakers -------------------------------------------------------------------------

    def find_camera(self) -> None:
        """The video dock's camera list, shown and focused: every camera, whatever the map's scale."""
        self._reveal(self.video_dock)
        self.video.find_field.setFocus()

    def _map_selection(self, ids: list[int]) -> None:
        if ids:
            self.queue.show_only(ids)
            self._reveal(self.queue_dock)

    def open_camera(self, device_id: int | None = None, *, code: str | None = None) -> CameraPane | None:
        pane = self.video.open_camera(device_id, code=code)
        if pane is not None:
            self._reveal(self.video_dock)
        return pane

    def open_speaker(self, device_id: int | None = None, *, code: str | None = None) -> bool:
        shown = self.talk.show_speaker(device_id, code=code)
        if shown:
            self._reveal(self.talk_dock)
        return shown

    def _reveal(self, dock: QDockWidget) -> None:
        """Shows a dock the person has not opened yet at a useful size: the video gets the height."""
        if dock.isHidden():
            dock.show()
            QTimer.singleShot(0, self._size_side_docks)  # once the window has laid the dock out
        dock.raise_()

    def _size_side_docks(self) -> None:
        docked = [d for d in (self.video_dock, self.talk_dock) if d.isVisible() and not d.isFloating()]
        self.resizeDocks(docked, [VIDEO_WIDTH] * len(docked), Qt.Orientation.Horizontal)
        if len(docked) == 2:
            self.resizeDocks(docked, [600, 300], Qt.Orientation.Vertical)

    def _device_activated(self, device_id: int, kind: str) -> None:
        if kind == "camera":
            self.open_camera(device_id)
        elif kind == "loudspeaker":
            self.open_speaker(device_id)
        elif kind == "sensor":
            open_sensor(self.store, device_id, self)

    def _talk_target(self) -> TalkButton | None:
        """F8 talks through the loudspeaker panel when the operator is in it, else the current camera's."""
        focus = QApplication.focusWidget()
        if self.talk.speaker is not None and focus is not None and self.talk.isAncestorOf(focus):
            return self.talk.talk
        return self.video.talk_button() or (self.talk.talk if self.talk.speaker is not None else None)

    def show_field_api(self, base: str) -> None:
        """A permanent status-bar label with the field API's address (the demo serves one on 127.0.0.1),
        so a phone or curl can be pointed at it without reading the terminal."""
        label = self.findChild(QLabel, "fieldApiLabel") or named("fieldApiLabel", QLabel())
        label.setText(self.tr("Field API %1").replace("%1", base))
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().insertPermanentWidget(0, label)

    def watch_speakers(self, service: LoopbackSpeakers) -> None:
        """Shows what the demo's loopback loudspeakers hear; their start-up problems go to the status bar."""
        self.monitor.watch(service)
        if service.problems:
            more = len(service.problems) - 1
            text = service.problems[0] + (self.tr(" (and %1 more)").replace("%1", str(more)) if more else "")
            self.statusBar().showMessage(text, 30_000)

    def _show_speaking(self) -> None:
        names = list(self.monitor.speaking.values())
        self.speaking_label.setText(
            self.tr("Loudspeaker %1 speaking").replace("%1", "、".join(names)) if names else ""
        )

    # --- live --------------------------------------------------------------------------------------------

    def start_live(self) -> None:
        if self.feed is not None:
            return
        self.feed = FeedThread(self.store, self)
        self.feed.changes.connect(self.on_changes)
        self.feed.lost.connect(self._feed_lost)
        self.feed.listening.connect(self._feed_live)
        if hasattr(self.map, "start_live"):
            self.map.start_live(self.feed)  # one LISTEN connection for the whole window
        self.feed.start()
        self._feed_live()

    def stop_live(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        if hasattr(self.map, "stop_live"):
            self.map.stop_live()
        self.live_label.setText("")
        self._feed_interrupted = None  # no feed, nothing it can be interrupted in

    def _feed_lost(self, reason: str) -> None:
        """Nothing here follows the store until the feed is back: say so, and why."""
        self._feed_interrupted = reason
        self.live_label.setText(self.tr("● reconnecting…"))
        self.live_label.setStyleSheet("color: #c27c0e;")
        self.live_label.setToolTip(reason)
        self.statusBar().showMessage(self._standing_message())

    def _feed_live(self) -> None:
        if self._feed_interrupted is not None:  # back: the feed has reconciled what changed meanwhile
            self._feed_interrupted = None
            self.reads.answered()  # the store answers: what could not be read is read now (`_store_back`)
            if self.away.reason is None:
                self.statusBar().showMessage(self.tr("Live updates are back"), 10_000)
        self.live_label.setText(self.tr("● live"))
        self.live_label.setStyleSheet("color: #2e9d4f;")
        self.live_label.setToolTip("")

    # --- the store out of reach ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """F5: read the queue and the shown case again, and the alerts a failed read held back. What could
        not be read while the store was away is read again here, when the store answers again (a probe or
        the feed's reconnect: `_store_back`). While the store is known away, F5 asks it off the GUI thread
        and returns at once: the re-read follows its answer."""
        if self.reads.try_again():
            return
        if not self.queue.apply_filters():
            return  # out of reach: one wait for the store is enough (a cut network waits for its timeout)
        self.alerts.consider([])
        if self.detail.case_id is not None:
            self.detail.reload()
            self._offer_actions()

    def _store_back(self) -> None:
        """The store answered again (the probe, or the feed reconnected): the one way back, whoever saw it
        first; what a failed read left behind is read again, once."""
        if self.away.reason is not None:
            self.refresh()

    def _standing_message(self) -> str:
        """What the status bar says while the store is out of reach (a read failed, else the feed lost it),
        in one line; "" while it is within reach. "As of" is the last time the store answered anything (a
        read, a probe, the feed): the rows are good as of then, however long ago the quiet queue was read."""
        if self.away.reason is not None:
            model = self.queue.model
            if model.read_at is None:
                return self.tr("Cannot reach the case store: the queue could not be read (F5 to try again)")
            contact = self.reads.reached_at or model.read_at
            return self.tr(
                "Cannot reach the case store: the queue shows the cases as of %1 (F5 to try again)"
            ).replace("%1", model.clock_text(contact))
        if self._feed_interrupted is not None:
            return self.tr("Live updates interrupted, reconnecting: %1").replace("%1", self._feed_interrupted)
        return ""

    def on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            self.on_change(change.table, -1 if change.id is None else change.id, change.version)

    def on_change(self, table: str, row_id: int, version: int) -> None:
        if table != "cases":
            return
        if row_id < 0:  # a bulk change: start the list over
            self.queue.apply_filters()
            return
        self.queue.model.note_change(row_id, version)
        if version == 1:
            self._new_cases.append(row_id)
        if row_id == self.detail.case_id:
            self._detail_stale = True
        self._live_batch.start()

    def _apply_live(self) -> None:
        new, self._new_cases = self._new_cases, []
        self.alerts.consider(new)
        if self._detail_stale:
            self._detail_stale = False
            self.detail.reload()
            self._offer_actions()

    # --- Qt events -----------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.alerts.banner.reposition()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.stop_live()
        self.reads.unwatch()
        self.video.close_all()
        self.talk.shutdown()
        self.monitor.unwatch()
        super().closeEvent(event)
