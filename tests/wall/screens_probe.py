"""Run in a subprocess with QT_QPA_PLATFORM=offscreen:configfile=…: prints each wall window's screen and
geometry as JSON. argv: the store URL."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from gridwatch.db.store import Store
from gridwatch.wall.controller import WallController

app = QApplication(sys.argv[:1])
store = Store(sys.argv[1])
controller = WallController(store, "main", "dispatcher")
controller.start(live=False)
app.processEvents()
print(
    json.dumps(
        {
            "screens": [[s.name(), s.geometry().getRect()] for s in QGuiApplication.screens()],
            "windows": [
                {
                    "screen": w.screen().name(),
                    "geometry": w.geometry().getRect(),
                    "frameless": bool(w.windowFlags() & Qt.WindowType.FramelessWindowHint),
                    "full_screen": w.isFullScreen(),
                    "tiles": len(w.tiles),
                    "cameras": [t.camera for t in w.tiles],
                }
                for w in controller.windows
            ],
        }
    )
)
controller.stop()
store.dispose()
