"""Plays a URL in a libvlc VideoPane on a real X display and reports what the screen shows, as JSON.

A process of its own because libvlc needs the xcb platform, while the test session's QApplication is
offscreen.   python vlc_probe.py URL SECONDS
"""

import json
import sys
import time

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gridwatch.video.pane import VideoPane


def main() -> None:
    url, seconds = sys.argv[1], float(sys.argv[2])
    app = QApplication(["vlc_probe", "-platform", "xcb"])
    pane = VideoPane("测试", backend="auto")
    pane.resize(640, 360)
    pane.show()
    states: list[str] = []
    pane.state_changed.connect(lambda state, _m: states.append(state))
    pane.play(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and pane.state not in ("live", "lost"):
        app.processEvents()
        time.sleep(0.01)
    # Grab the X window until the picture shows (libvlc reports "playing" before its first frame is on
    # screen, later still on a loaded machine); a window that stays black for 10 s fails the test.
    bright = 0.0
    surface = pane._surface
    end = time.monotonic() + 10.0
    while surface is not None and pane.state == "live" and time.monotonic() < end and bright <= 0.3:
        for _ in range(25):
            app.processEvents()
            time.sleep(0.01)
        image = app.primaryScreen().grabWindow(int(surface.winId())).toImage()
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        if not image.isNull():
            data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes()).copy()
            bright = max(bright, float(np.mean(data > 40)))
    snapshot = pane.snapshot() or b""
    print(json.dumps({"backend": pane.backend, "states": states, "bright_share": bright,
                      "snapshot_png": snapshot.startswith(b"\x89PNG")}))  # fmt: skip
    pane.release()


if __name__ == "__main__":
    main()
