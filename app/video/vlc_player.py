"""The libvlc player: decodes and draws into a native X11 window the pane gives it.

One `vlc.Instance` per process. libvlc's event callbacks run on its own threads, and calling libvlc back
from them can deadlock, so they only emit a Qt signal; everything else runs in the GUI thread. Liveness
comes from the decoded-picture counter, since a UDP stream that stops raises no libvlc event at all.
"""

from __future__ import annotations

import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from gridwatch.video.state import (
    OPEN_ATTEMPTS,
    RECONNECT_AFTER_S,
    STALL_AFTER_S,
    BackOff,
    StreamState,
)

VLC_ARGS = ["--network-caching=150", "--no-video-title-show", "--no-snapshot-preview", "--quiet"]
WATCH_MS = 250


@cache
def vlc_instance() -> Any | None:
    """The process's libvlc instance, or None where python-vlc or libvlc is missing."""
    try:
        import vlc
    except (ImportError, OSError):
        return None
    return vlc.Instance(VLC_ARGS)


def vlc_usable() -> bool:
    """libvlc can draw here: it is installed and the display is X11 (it needs a native window)."""
    return QGuiApplication.platformName() == "xcb" and vlc_instance() is not None


class VlcPlayer(QObject):
    status = Signal(str, str)  # StreamState, message
    _vlc_event = Signal(str)  # emitted on libvlc's thread, handled in the GUI thread

    def __init__(self, surface: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        import vlc

        self._vlc = vlc
        instance = vlc_instance()
        if instance is None:
            raise RuntimeError("libvlc is not installed (python-vlc and the vlc plugins)")
        self.instance = instance
        self.player = self.instance.media_player_new()
        self.player.set_xwindow(int(surface.winId()))
        self.player.video_set_mouse_input(False)
        self.player.video_set_key_input(False)
        events = self.player.event_manager()
        for kind, name in (
            (vlc.EventType.MediaPlayerEncounteredError, "error"),
            (vlc.EventType.MediaPlayerEndReached, "end"),
        ):
            events.event_attach(kind, lambda _event, n=name: self._vlc_event.emit(n))
        self._vlc_event.connect(self._on_vlc_event)
        self.backoff = BackOff()
        self.url = ""
        self.state = StreamState.CONNECTING
        self.was_live = False
        self.failures = 0
        self._decoded = 0
        self._progress_at = time.monotonic()
        self._watch = QTimer(self, interval=WATCH_MS)
        self._watch.timeout.connect(self._check)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self._open)

    def play(self, url: str, overlay: str) -> None:
        self.url = url
        self.was_live = False
        self.failures = 0
        self.backoff.reset()
        marquee = self._vlc.VideoMarqueeOption
        self.player.video_set_marquee_int(marquee.Enable, 1)
        self.player.video_set_marquee_string(marquee.Text, f"{overlay}  %Y-%m-%d %H:%M:%S")
        self.player.video_set_marquee_int(marquee.Size, 18)
        self.player.video_set_marquee_int(marquee.Refresh, 1000)
        self._open()
        self._watch.start()

    def _open(self) -> None:
        self._set(StreamState.RECONNECTING if self.was_live else StreamState.CONNECTING, "")
        media = self.instance.media_new(self.url)
        if Path(self.url).is_file():  # a local file (the demo's cameras) loops like a live stream
            media.add_option(":input-repeat=65535")
        self.player.set_media(media)
        self._decoded = 0
        self._progress_at = time.monotonic()
        self.player.play()

    def _set(self, state: StreamState, message: str) -> None:
        if state != self.state or message:
            self.state = state
            self.status.emit(state, message)

    def _decoded_pictures(self) -> int:
        media = self.player.get_media()
        if media is None:
            return 0
        stats = self._vlc.MediaStats()
        media.get_stats(stats)
        return int(stats.decoded_video)

    def _check(self) -> None:
        if self._retry.isActive() or self.state == StreamState.LOST:
            return
        decoded = self._decoded_pictures()
        now = time.monotonic()
        if decoded > self._decoded:
            self._decoded, self._progress_at = decoded, now
            if self.state != StreamState.LIVE:
                self.was_live = True
                self.failures = 0
                self.backoff.reset()
                self._set(StreamState.LIVE, "")
            return
        quiet = now - self._progress_at
        if self.state == StreamState.LIVE and quiet > STALL_AFTER_S:
            self._set(StreamState.STALLED, "")
        elif quiet > RECONNECT_AFTER_S:
            self._fail(f"no video from {self.url} for {quiet:.0f} s")

    def _on_vlc_event(self, name: str) -> None:
        if self.state != StreamState.LOST and not self._retry.isActive():
            self._fail(f"{self.url}: {'playback error' if name == 'error' else 'stream ended'}")

    def _fail(self, message: str) -> None:
        self.player.stop()
        self.failures += 1
        if not self.was_live and self.failures >= OPEN_ATTEMPTS:
            self._watch.stop()
            self._set(StreamState.LOST, f"cannot play {message}")
            return
        self._set(StreamState.RECONNECTING if self.was_live else StreamState.CONNECTING, "")
        self._retry.start(int(self.backoff.next_delay() * 1000))

    def stop(self) -> None:
        self._watch.stop()
        self._retry.stop()
        self.player.stop()

    def release(self) -> None:
        self.stop()
        self.player.release()

    def set_muted(self, muted: bool) -> None:
        self.player.audio_set_mute(muted)

    def snapshot(self) -> bytes | None:
        with tempfile.TemporaryDirectory(prefix="gridwatch-snap-") as tmp:
            path = Path(tmp) / "snapshot.png"
            if self.player.video_take_snapshot(0, str(path), 0, 0) != 0 or not path.exists():
                return None
            return path.read_bytes()
