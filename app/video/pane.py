"""`VideoPane`: one camera in a widget, whichever player suits its URL.

rtsp:// goes to OpenCV (Debian's libvlc has no RTSP client, and OpenCV is the lower-latency path);
files, http, udp and rtp go to libvlc where it is installed and the display is X11, else OpenCV too.
The `video/backend` setting (auto|opencv|vlc) or the constructor forces one.
"""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gridwatch.plugins.video.demo_streams import resolve_stream
from gridwatch.video.opencv_player import OpenCvReader
from gridwatch.video.state import STALL_AFTER_S, StreamState
from gridwatch.video.vlc_player import VlcPlayer, vlc_usable

BACKENDS = ("auto", "opencv", "vlc")
VLC_SCHEMES = {"", "file", "http", "https", "udp", "rtp"}


def choose_backend(url: str, forced: str = "auto") -> str:
    if forced not in BACKENDS:
        raise ValueError(f"unknown video backend {forced!r}; use one of {', '.join(BACKENDS)}")
    if forced != "auto":
        return forced
    scheme = urlsplit(url).scheme.lower()
    return "vlc" if scheme in VLC_SCHEMES and vlc_usable() else "opencv"


class VideoPane(QWidget):
    """A live camera: state (connecting, live, stalled, reconnecting, lost), name and time overlay,
    snapshot, mute and full screen."""

    state_changed = Signal(str, str)  # StreamState, message
    picture_changed = Signal()  # the first picture, or one of another size: the dock re-fits its tiles
    zone: tzinfo | None = None
    """The overlay clock's time zone: the site's (the store's calendar), set once by the window that opened
    the store, so a workstation in another zone shows the command center's time."""

    def __init__(self, name: str = "", backend: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.forced = backend or str(QSettings().value("video/backend", "auto"))
        self.backend = ""
        self.url = ""
        self.state = StreamState.LOST
        self.message = ""
        self.muted = False
        self.frames = 0
        self._frame: np.ndarray | None = None
        self._image: QImage | None = None
        self._last_frame_at = 0.0
        self._reader: OpenCvReader | None = None
        self._vlc: VlcPlayer | None = None
        self._surface: QWidget | None = None  # libvlc's native window
        self._clock = QTimer(self, interval=250)
        self._clock.timeout.connect(self._tick)
        self.setMinimumSize(160, 90)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip(name)

    # --- playing -------------------------------------------------------------------------------------

    def play(self, url: str, name: str | None = None) -> None:
        self.stop()
        url = resolve_stream(url)  # demo://camera/<code>: the demo's local file
        self.url, self.name = url, name if name is not None else self.name
        self.backend = choose_backend(url, self.forced)
        self.frames = 0
        self._frame = self._image = None
        self._set_state(StreamState.CONNECTING, "")
        if self.backend == "vlc":
            self._play_vlc(url)
        else:
            self._reader = OpenCvReader(url, self)
            self._reader.frame.connect(self._on_frame)
            self._reader.status.connect(self._set_state)
            self._reader.start()
        self._clock.start()

    def _play_vlc(self, url: str) -> None:
        if self._surface is None:
            self._surface = QWidget(self)
            self._surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            self._surface.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            self._surface.setStyleSheet("background: black")
            layout = QVBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self._surface)
            self._surface.hide()
            self._vlc = VlcPlayer(self._surface, self)
            self._vlc.status.connect(self._set_state)
        assert self._vlc is not None
        self._vlc.set_muted(self.muted)
        self._vlc.play(url, self.name)

    def stop(self) -> None:
        self._clock.stop()
        if self._reader is not None:
            self._reader.frame.disconnect(self._on_frame)
            self._reader.stop()
            self._reader.deleteLater()
            self._reader = None
        if self._vlc is not None:
            self._vlc.stop()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.release()
        super().closeEvent(event)

    def release(self) -> None:
        """Stops and frees the players; the pane can play again afterwards."""
        self.stop()
        if self._vlc is not None:
            self._vlc.release()
            self._vlc = None

    def _set_state(self, state: str, message: str) -> None:
        self.state, self.message = StreamState(state), message
        if self._surface is not None:
            self._surface.setVisible(self.state in (StreamState.LIVE, StreamState.STALLED))
        self.state_changed.emit(state, message)
        self.update()

    def _on_frame(self, frame: np.ndarray) -> None:
        self._frame = frame  # the QImage borrows this buffer: keep it alive with the image
        height, width = frame.shape[:2]
        resized = self._image is None or (self._image.width(), self._image.height()) != (width, height)
        self._image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
        self.frames += 1
        self._last_frame_at = time.monotonic()
        if self.state == StreamState.STALLED:
            self._set_state(StreamState.LIVE, "")
        if resized:
            self.picture_changed.emit()
        self.update()

    def picture_aspect(self) -> float | None:
        """Width over height of the stream's picture; None before the first one (or from libvlc, which
        draws into its own window and keeps its aspect there)."""
        if self._image is None or self._image.height() == 0:
            return None
        return self._image.width() / self._image.height()

    def _tick(self) -> None:
        if (
            self.backend == "opencv"
            and self.state == StreamState.LIVE
            and time.monotonic() - self._last_frame_at > STALL_AFTER_S
        ):
            self._set_state(StreamState.STALLED, "")
        self.update()  # the clock in the overlay

    # --- operator actions ----------------------------------------------------------------------------

    def snapshot(self) -> bytes | None:
        """The current picture as PNG, or None before the first frame."""
        if self.backend == "vlc" and self._vlc is not None:
            return self._vlc.snapshot()
        if self._frame is None:
            return None
        ok, png = cv2.imencode(".png", self._frame)
        return png.tobytes() if ok else None

    def set_muted(self, muted: bool) -> None:
        """Mutes the camera's sound (OpenCV panes never play sound)."""
        self.muted = muted
        if self._vlc is not None:
            self._vlc.set_muted(muted)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.setWindowFlags(self.windowFlags() & ~Qt.WindowType.Window)
            self.showNormal()
        else:
            self.setWindowFlags(self.windowFlags() | Qt.WindowType.Window)
            self.showFullScreen()

    def mouseDoubleClickEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.toggle_full_screen()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()
        else:
            super().keyPressEvent(event)

    # --- painting ------------------------------------------------------------------------------------

    def clock_text(self) -> str:
        """The overlay's clock: now, on the site's time (`zone`)."""
        return f"{datetime.now(self.zone):%Y-%m-%d %H:%M:%S}"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            target = _fit(self._image.width(), self._image.height(), self.rect())
            painter.drawImage(target, self._image)
        painter.setFont(QFont(self.font().family(), 11))
        margin = self.rect().adjusted(8, 6, -8, -6)
        top = Qt.AlignmentFlag.AlignTop
        _outlined(painter, margin, Qt.AlignmentFlag.AlignLeft | top, self.name, QColor(255, 255, 255))
        white = QColor(255, 255, 255)
        _outlined(painter, margin, Qt.AlignmentFlag.AlignRight | top, self.clock_text(), white)
        if self.state != StreamState.LIVE:
            colour = QColor(255, 80, 80) if self.state == StreamState.LOST else QColor(255, 200, 0)
            text = _state_text(self.state) + (f"\n{self.message}" if self.message else "")
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            _outlined(painter, margin, flags, text, colour)


def _outlined(painter: QPainter, area: QRect, flags: Qt.AlignmentFlag, text: str, colour: QColor) -> None:
    """Text readable on any picture: a dark shadow under it."""
    painter.setPen(QColor(0, 0, 0))
    painter.drawText(area.translated(1, 1), flags, text)
    painter.setPen(colour)
    painter.drawText(area, flags, text)


def _fit(width: int, height: int, area: QRect) -> QRect:
    scale = min(area.width() / width, area.height() / height)
    w, h = int(width * scale), int(height * scale)
    return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)


def _state_text(state: StreamState) -> str:
    # An explicit context: `pane.tr` in a module function is filed by lupdate under "pane", not "VideoPane".
    return {
        StreamState.CONNECTING: QCoreApplication.translate("VideoPane", "Connecting…"),
        StreamState.LIVE: QCoreApplication.translate("VideoPane", "Live"),
        StreamState.STALLED: QCoreApplication.translate("VideoPane", "Stalled: no new picture"),
        StreamState.RECONNECTING: QCoreApplication.translate("VideoPane", "Reconnecting…"),
        StreamState.LOST: QCoreApplication.translate("VideoPane", "Video lost"),
    }[state]
