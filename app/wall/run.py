"""Opens the wall on a store (`gridwatch wall`), or draws it once into a PNG (`--screenshot`)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QPoint, QRect, QTimer
from PySide6.QtGui import QImage, QPainter, Qt

from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.sign_in import open_desk
from gridwatch.video.state import StreamState
from gridwatch.wall.control import WallControl
from gridwatch.wall.controller import WallController

SETTLE_MS = 20_000  # a screenshot waits this long at most for every tile to show a picture (or give up)
FRAMES_BEFORE_SHOT = 5


def run_wall(store_url: str | None, wall: str, user: str | None, screenshot: Path | None) -> int:
    """The wall runs as a signed-in person on PostgreSQL (docs/SECURITY.md); on SQLite as `user`, else
    $GRIDWATCH_USER, else the built-in admin."""
    app = make_application()

    def build(store: Store, user: str | None) -> WallController:
        return WallController(store, wall, user or os.environ.get("GRIDWATCH_USER") or "admin")

    opened = open_desk(store_url, user, build, unattended=screenshot is not None, show_errors=False)
    if opened is None:
        return 1
    store, controller = opened
    controller.start(live=screenshot is None)
    if screenshot is not None:
        code = save_screenshot(controller, screenshot)
        controller.stop()
        store.dispose()
        return code
    control = WallControl(controller)
    control.show()
    code = app.exec()
    controller.stop()
    store.dispose()
    return code


def settled(controller: WallController) -> bool:
    """Every tile with a camera shows pictures, or has given up on its stream."""
    return all(
        tile.pane.state == StreamState.LOST or tile.pane.frames >= FRAMES_BEFORE_SHOT
        for window in controller.windows
        for tile in window.tiles
        if tile.camera is not None
    )


def wait_settled(controller: WallController, timeout_ms: int = SETTLE_MS) -> bool:
    clock = QElapsedTimer()
    clock.start()
    loop = QEventLoop()
    while not settled(controller) and clock.elapsed() < timeout_ms:
        QTimer.singleShot(100, loop.quit)
        loop.exec()
    return settled(controller)


def wall_image(controller: WallController) -> QImage:
    """All monitors side by side as they are arranged (the screens' geometries)."""
    area = QRect()
    for window in controller.windows:
        area = area.united(window.geometry())
    image = QImage(area.size(), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.black)
    painter = QPainter(image)
    for window in controller.windows:
        painter.drawPixmap(window.geometry().topLeft() - area.topLeft() + QPoint(0, 0), window.grab())
    painter.end()
    return image


def save_screenshot(controller: WallController, path: Path) -> int:
    wait_settled(controller)
    path.parent.mkdir(parents=True, exist_ok=True)
    return 0 if wall_image(controller).save(str(path)) else 1
