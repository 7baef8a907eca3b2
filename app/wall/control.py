"""The wall's control window: the camera list to drag from, each monitor's grid, and the presets.

A separate normal window (on the operator's desk, not on the wall): the wall windows stay pure video.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridwatch.db.reads.devices import preset_layout, preset_names
from gridwatch.db.wall import TILE_COUNTS
from gridwatch.wall.controller import WallController
from gridwatch.wall.window import CAMERA_MIME, camera_mime

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class CameraModel(QStandardItemModel):
    """Cameras as "code  name" rows that drag out as `CAMERA_MIME`."""

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex | QPersistentModelIndex]) -> QMimeData:
        codes = [str(index.data(CODE_ROLE)) for index in indexes if index.isValid()]
        return camera_mime(codes[0] if codes else "")


class WallControl(QWidget):
    def __init__(self, controller: WallController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Video wall — %1").replace("%1", controller.wall))
        self.model = CameraModel(self)
        for camera in controller.cameras.values():
            item = QStandardItem(
                f"{camera.code}  {camera.name}" + ("" if camera.online else self.tr("  (offline)"))
            )
            item.setData(camera.code, CODE_ROLE)
            item.setEditable(False)
            item.setDragEnabled(True)
            self.model.appendRow(item)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.model)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(self, placeholderText=self.tr("Search cameras by code or name"))
        self.search.textChanged.connect(self.filtered.setFilterFixedString)
        self.list = QListView(self)
        self.list.setModel(self.filtered)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)

        grids = QFormLayout()
        self.tile_boxes: list[QComboBox] = []
        for window in controller.windows:
            box = QComboBox(self)
            box.addItems([str(n) for n in TILE_COUNTS])
            box.setCurrentText(str(max(len(window.tiles), 1)))
            box.activated.connect(
                lambda _i, s=window.screen_index, b=box: controller.set_tiles(s, int(b.currentText()))
            )
            grids.addRow(self.tr("Monitor %1 tiles").replace("%1", str(window.screen_index + 1)), box)
            self.tile_boxes.append(box)
        controller.applied.connect(self._sync_tiles)

        self.presets = QComboBox(self)
        self.presets.addItems(preset_names(controller.store))
        show = QPushButton(self.tr("Show preset"), self)
        show.setEnabled(self.presets.count() > 0)
        show.clicked.connect(self._show_preset)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.presets, 1)
        preset_row.addWidget(show)

        self.message = QLabel(self, wordWrap=True)
        self.message.setStyleSheet("color: #c0392b;")
        controller.failed.connect(self.message.setText)
        controller.applied.connect(self.message.clear)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(grids)
        layout.addLayout(preset_row)
        layout.addWidget(self.message)
        self.resize(360, 640)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Closing the desk's control window closes the wall too (its windows have no frame to close)."""
        self.controller.stop()
        super().closeEvent(event)

    def _sync_tiles(self) -> None:
        for box, window in zip(self.tile_boxes, self.controller.windows, strict=True):
            box.setCurrentText(str(len(window.tiles)))

    def _show_preset(self) -> None:
        name = self.presets.currentText()
        layout = preset_layout(self.controller.store, name)
        if layout is not None:
            self.controller.show_layout(layout, preset=name)
