"""The OpenCV/FFmpeg player: a reader thread decodes, the pane paints the newest frame.

The lower-latency path, and the only RTSP client on Debian 12 (its libvlc lacks live555). Frames cross
to the GUI thread as numpy arrays and are wrapped, not copied, in a BGR888 QImage there.
"""

from __future__ import annotations

import os
import time

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from gridwatch.video.state import OPEN_ATTEMPTS, BackOff, StreamState

# Low-latency decoding, and RTSP over TCP (no lost UDP packets smearing H.264 frames). Read by OpenCV's
# FFmpeg backend at each open, so it must be set before the first VideoCapture. It is process-wide: the
# demo's analytics and `analytics scan` read recorded files in the same process, and `fflags;nobuffer`
# broke those (a file's frame times doubled, a short file had no readable frame), so it is not used.
CAPTURE_OPTIONS = "rtsp_transport;tcp|flags;low_delay|max_delay;0"
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", CAPTURE_OPTIONS)
OPEN_TIMEOUT_MS = 5000
READ_TIMEOUT_MS = 5000
TIMEOUTS = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS]


class OpenCvReader(QThread):
    """Reads `url` until stopped, reopening it with back-off when it breaks."""

    frame = Signal(object)  # np.ndarray, BGR, HxWx3
    status = Signal(str, str)  # StreamState, message

    def __init__(self, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.backoff = BackOff()
        self._running = True

    def stop(self) -> None:
        self._running = False
        self.wait(READ_TIMEOUT_MS + 1000)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self._running and time.monotonic() < end:
            time.sleep(0.05)

    def run(self) -> None:
        was_live = False
        failures = 0
        while self._running:
            self.status.emit(StreamState.RECONNECTING if was_live else StreamState.CONNECTING, "")
            capture = cv2.VideoCapture(
                self.url,
                cv2.CAP_FFMPEG,
                [
                    cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                    OPEN_TIMEOUT_MS,
                    cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                    READ_TIMEOUT_MS,
                ],
            )
            if capture.isOpened():
                failures = 0
                was_live = self._read_all(capture) or was_live
            else:
                failures += 1
                if not was_live and failures >= OPEN_ATTEMPTS:
                    self.status.emit(StreamState.LOST, f"cannot open {self.url} (tried {failures} times)")
                    capture.release()
                    return
            capture.release()
            self._sleep(self.backoff.next_delay())

    def _read_all(self, capture: cv2.VideoCapture) -> bool:
        """Emits frames until the stream ends or breaks; says whether any frame came.

        A local file is played at its own frame rate and loops (the demo's cameras are files): read
        as fast as it decodes, it would burn a core and end in a second."""
        got_any = False
        is_file = os.path.isfile(self.url)
        period = 1.0 / (capture.get(cv2.CAP_PROP_FPS) or 25.0)
        due = time.monotonic()
        frames_since_rewind = 0
        while self._running:
            ok, image = capture.read()
            if (not ok or image is None) and is_file and frames_since_rewind:
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                frames_since_rewind = 0
                continue
            if not ok or image is None:
                return got_any
            if is_file:
                frames_since_rewind += 1
                due = max(due + period, time.monotonic() - 1.0)  # a long stall does not make it race
                time.sleep(max(0.0, due - time.monotonic()))
            if not got_any:
                got_any = True
                self.backoff.reset()
                self.status.emit(StreamState.LIVE, "")
            self.frame.emit(np.ascontiguousarray(image))
        return got_any
