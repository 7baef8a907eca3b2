"""The dispatcher's video dock: up to four cameras side by side, each with the operator's tools.

A camera opens from the map, from the dock's camera list (at district scale the map hides device symbols,
the list reaches every camera at any scale), from a case's nearby devices, or with a video-analytics
case; with every
slot taken, the newest camera replaces the one opened longest ago. Each pane's toolbar takes a snapshot
into the selected case as evidence, mutes, goes full screen, puts the camera on the video wall, and
talks through the camera's loudspeaker when it has one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.reads.devices import DeviceInfo, cameras, device
from gridwatch.db.store import NewAttachment, Store
from gridwatch.talk.button import TalkButton
from gridwatch.ui.video_tiles import DEFAULT_ASPECT, TileGrid
from gridwatch.ui.widgets import named
from gridwatch.ui.zone_editor import install_zone_tools
from gridwatch.video.pane import VideoPane
from gridwatch.wall.push import push_camera

WALL = "main"
CAPACITIES = (1, 4)
SelectedCase = Callable[[], tuple[int, str] | None]  # (id, case no.) of the case the dispatcher has open


class CameraPane(QFrame):
    """One camera: its toolbar above its picture."""

    activated = Signal(object)  # CameraPane: the operator is working on this pane
    chrome_changed = Signal()  # the toolbar or frame took another size: the dock re-fits the tiles

    def __init__(
        self, camera: DeviceInfo, store: Store, username: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cameraPane")
        self.camera = camera
        self.video = named("videoPane", VideoPane(camera.name, parent=self))
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(f"{camera.name} ({camera.code})")
        self.toolbar = named("paneToolbar", QToolBar(self))
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.75)
        self.snapshot_action = self._action(
            "snapshotAction",
            self.tr("Snapshot"),
            self.tr("Attach a snapshot to the selected case as evidence"),
        )
        self.mute_action = self._action("muteAction", self.tr("Mute"), self.tr("Mute this camera's sound"))
        self.mute_action.setCheckable(True)
        self.mute_action.toggled.connect(self.video.set_muted)
        self.full_screen_action = self._action(
            "fullScreenAction", self.tr("Full screen"), self.tr("Full screen (Esc to leave)")
        )
        self.full_screen_action.triggered.connect(self.video.toggle_full_screen)
        self.wall_action = self._action(
            "wallAction", self.tr("To wall"), self.tr("Show this camera on the video wall's push tile")
        )
        self.talk: TalkButton | None = None
        if camera.speaker_code:
            self.talk = named("paneTalk", TalkButton(store=store, username=username, parent=self))
            self.talk.set_targets([camera.speaker_code])
            self.toolbar.addWidget(self.talk)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.close_action = self._action("closeAction", "✕", self.tr("Close this camera"))
        self.frame = QVBoxLayout(self)
        layout = self.frame
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.video, 1)
        self.set_current(False)
        self._bar_height = self.toolbar.sizeHint().height()  # until the toolbar is laid out
        self.toolbar.installEventFilter(self)

    def chrome(self) -> tuple[int, int]:
        """What a tile has besides its picture: the frame's border and margins, and the toolbar above the
        picture. None of it depends on the tile's size, so fitting tiles to it cannot feed back."""
        self.ensurePolished()
        margins = self.frame.contentsMargins()
        border = self.contentsMargins()  # the style sheet's border, as Qt applies it
        width = margins.left() + margins.right() + 2 * max(border.left(), self._border())
        height = margins.top() + margins.bottom() + 2 * max(border.top(), self._border()) + self._bar_height
        return width, height

    @staticmethod
    def _border() -> int:
        return 2  # set_current's border, drawn whether or not the pane is current (transparent then)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The toolbar was laid out at its real height (polished, a talk button): the tiles re-fit once."""
        if watched is self.toolbar and event.type() == QEvent.Type.Resize:
            height = self.toolbar.height()
            if height != self._bar_height:
                self._bar_height = height
                self.chrome_changed.emit()
        return False

    def _action(self, name: str, text: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.triggered.connect(lambda: self.activated.emit(self))
        self.toolbar.addAction(action)
        return action

    def play(self) -> None:
        url = self.camera.stream_url
        if not url:
            self.video.message = self.tr("This camera has no stream address in the device table.")
            self.video.update()
            return
        try:
            self.video.play(url)
        except (ValueError, OSError) as exc:  # a malformed demo:// URL, an unwritable video cache
            self.video.message = self.tr("Stream not available: %1").replace("%1", str(exc))
            self.video.update()

    def set_current(self, current: bool) -> None:
        colour = "#2e7dd7" if current else "transparent"
        self.setStyleSheet(f"#cameraPane {{ border: 2px solid {colour}; }}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self)
        super().mousePressEvent(event)

    def shutdown(self) -> None:
        """Stops the stream and any talk; waits for the talk's record to be written."""
        self.video.release()
        if self.talk is not None:
            self.talk.stop_talking()
            if self.talk.floor is not None:
                self.talk.floor.shutdown()


class VideoDock(QWidget):
    """The dock's content: a layout choice (one pane or 2×2) and the panes, placed by `TileGrid`."""

    message = Signal(str)  # for the status bar
    attached = Signal(int)  # a case whose attachments changed
    opened = Signal(object)  # CameraPane

    def __init__(
        self, store: Store, username: str, selected_case: SelectedCase, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("videoDock")
        self.store, self.username, self.selected_case = store, username, selected_case
        self.panes: list[CameraPane] = []  # oldest first
        self.current: CameraPane | None = None
        self.capacity = 4
        self._slots: list[CameraPane | None] = [None] * self.capacity
        hint = self.tr("Click a camera on the map, or find one in the list, to watch it here.")
        self.hint = named("videoHint", QLabel(hint))
        self.hint.setStyleSheet("color: #667;")
        self.hint.setWordWrap(True)
        self.camera_list = named("cameraList", QComboBox())
        self.camera_list.setEditable(True)
        self.find_field = QLineEdit(self.camera_list)
        self.camera_list.setLineEdit(self.find_field)
        self.camera_list.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.camera_list.setMinimumContentsLength(14)
        completer = QCompleter(self.camera_list.model(), self.camera_list)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.camera_list.setCompleter(completer)
        self.fill_camera_list()
        self.camera_list.activated.connect(self._list_chosen)
        self._unmatched = ""
        self.find_field.returnPressed.connect(self._list_typed)
        self.find_field.textEdited.connect(lambda: setattr(self, "_unmatched", ""))
        self.layout_choice = named("videoLayout", QComboBox())
        self.layout_choice.addItem(self.tr("1 camera"), 1)
        self.layout_choice.addItem(self.tr("2×2 cameras"), 4)
        self.layout_choice.setCurrentIndex(1)
        self.layout_choice.currentIndexChanged.connect(
            lambda: self.set_capacity(int(self.layout_choice.currentData()))
        )
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.camera_list)
        top.addWidget(self.layout_choice)
        self.tiles = TileGrid(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tiles, 1)
        self._arrange()

    # --- the camera list -----------------------------------------------------------------------------------

    def fill_camera_list(self) -> None:
        """Every camera with a stream as "name (code)", offline ones marked; the field finds by any part."""
        self.camera_list.clear()
        try:
            rows = cameras(self.store)
        except (StoreError, StoreUnavailable) as exc:
            self.message.emit(str(exc))
            rows = []
        offline = self.tr(" — offline")
        for row in rows:
            self.camera_list.addItem(f"{row.name} ({row.code})" + ("" if row.online else offline), row.code)
        self.camera_list.setCurrentIndex(-1)
        self.find_field.setPlaceholderText(self.tr("Find a camera…"))

    def _list_chosen(self, index: int) -> None:
        code = self.camera_list.itemData(index)
        if code:
            self.open_camera(code=str(code))
            self.camera_list.setCurrentIndex(-1)

    def _list_typed(self) -> None:
        """Enter in the list's field: the first camera whose name or code contains what was typed."""
        typed = self.camera_list.currentText().strip().casefold()
        if not typed or typed == self._unmatched:  # the completer's popup passes one Enter on twice
            return
        for index in range(self.camera_list.count()):
            if typed in self.camera_list.itemText(index).casefold():
                self._list_chosen(index)
                return
        self._unmatched = typed
        self.message.emit(self.tr("No camera matches “%1”.").replace("%1", typed))

    # --- opening and closing -----------------------------------------------------------------------------

    def open_camera(self, device_id: int | None = None, *, code: str | None = None) -> CameraPane | None:
        """Shows the camera (already open: makes it current); says so when there is no such camera."""
        camera = device(self.store, device_id, code=code)
        if camera is None or camera.kind != "camera":
            self.message.emit(
                self.tr("No camera %1 in the device table.").replace("%1", str(code or device_id))
            )
            return None
        for pane in self.panes:
            if pane.camera.id == camera.id:
                self._make_current(pane)
                return pane
        if None in self._slots:
            slot = self._slots.index(None)
        else:
            slot = self._slots.index(self.panes[0])
            self.close_pane(self.panes[0])
        pane = CameraPane(camera, self.store, self.username, self.tiles)
        install_zone_tools(pane, self.store, self.username, self.message.emit)  # analytics zones
        pane.activated.connect(self._make_current)
        pane.snapshot_action.triggered.connect(lambda: self.snapshot(pane))
        pane.wall_action.triggered.connect(lambda: self.push_to_wall(pane))
        pane.close_action.triggered.connect(lambda: self.close_pane(pane))
        if pane.talk is not None:
            pane.talk.problem.connect(self.message)
        pane.video.picture_changed.connect(self._arrange)
        pane.chrome_changed.connect(self._arrange)
        self._slots[slot] = pane
        self.panes.append(pane)
        self._arrange()
        self.hint.hide()
        pane.play()
        self._make_current(pane)
        self.opened.emit(pane)
        return pane

    def close_pane(self, pane: CameraPane) -> None:
        pane.shutdown()
        self.panes.remove(pane)
        self._slots[self._slots.index(pane)] = None
        pane.hide()
        pane.deleteLater()
        self._arrange()
        if self.current is pane:
            self.current = None
            if self.panes:
                self._make_current(self.panes[-1])
        self.hint.setVisible(not self.panes)

    def close_all(self) -> None:
        for pane in list(self.panes):
            self.close_pane(pane)

    def set_capacity(self, capacity: int) -> None:
        """1 or 4 panes; going down keeps the newest cameras, whose players keep playing (only moved)."""
        if capacity not in CAPACITIES or capacity == self.capacity:
            return
        for pane in self.panes[: max(0, len(self.panes) - capacity)]:
            self.close_pane(pane)
        self.capacity = capacity
        kept = [p for p in self._slots if p is not None]
        self._slots = [*kept, *([None] * (capacity - len(kept)))]
        self._arrange()
        self.layout_choice.setCurrentIndex(self.layout_choice.findData(capacity))

    def _arrange(self) -> None:
        """Places the tiles at the newest picture's aspect (16:9 before any picture)."""
        aspects = [a for a in (p.video.picture_aspect() for p in reversed(self.panes)) if a is not None]
        chrome = self.panes[0].chrome() if self.panes else (0, 0)
        columns = 2 if self.capacity == 4 else 1
        self.tiles.arrange(self._slots, columns, chrome, aspects[0] if aspects else DEFAULT_ASPECT)

    def _make_current(self, pane: CameraPane) -> None:
        if self.current is not None and self.current is not pane:
            self.current.set_current(False)
        self.current = pane
        pane.set_current(True)

    def talk_button(self) -> TalkButton | None:
        """The button F8 holds: the current pane's, if its camera has a loudspeaker."""
        return self.current.talk if self.current is not None else None

    # --- the toolbar's actions ---------------------------------------------------------------------------

    def snapshot(self, pane: CameraPane) -> None:
        """Attaches the pane's picture, as PNG, to the selected case."""
        case = self.selected_case()
        if case is None:
            self.message.emit(self.tr("No case selected: select the case the snapshot is evidence for."))
            return
        data = pane.video.snapshot()
        if data is None:
            self.message.emit(self.tr("No picture from %1 yet.").replace("%1", pane.camera.name))
            return
        case_id, case_no = case
        filename = f"{pane.camera.code}-{datetime.now():%Y%m%d-%H%M%S}.png"
        try:
            self.store.attach(
                case_no,
                NewAttachment(filename, data, kind="snapshot", mime="image/png"),
                actor=self.username,
            )
        except (StoreError, StoreUnavailable) as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(
            self.tr("Snapshot of %1 attached to case %2.")
            .replace("%1", pane.camera.name)
            .replace("%2", case_no)
        )
        self.attached.emit(case_id)

    def push_to_wall(self, pane: CameraPane) -> None:
        """Puts the camera on the wall's push tile (never the alarm tile or a toured one), leaving every
        other tile as it is, and says which tile (`gridwatch.wall.push`)."""
        try:
            tile = push_camera(self.store, WALL, pane.camera.code, actor=self.username)
        except (StoreError, StoreUnavailable, ValueError) as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(
            self.tr("%1 is on the video wall, screen %2 tile %3.")
            .replace("%1", pane.camera.name)
            .replace("%2", str(tile.screen + 1))
            .replace("%3", str(tile.tile + 1))
        )
