"""A camera's picture as the detectors need it: decoded by OpenCV, downscaled to 640x360, sampled at a few
frames a second, with a clear error when the stream cannot be opened or stalls.

A live stream (RTSP, HTTP) is read as fast as it comes (a reader that falls behind only buffers stale
frames) and one frame per sampling interval is converted. A file (a `demo://` camera's local scene, a
recorded clip) is played at its own pace and looped, as a camera would send it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from threading import Event
from urllib.parse import urlsplit

import cv2
import numpy as np

from gridwatch.plugins.detectors.api import FRAME_HEIGHT, FRAME_WIDTH
from gridwatch.plugins.video.demo_streams import is_demo, resolve_stream


class StreamError(OSError):
    """A camera's stream that could not be opened, or stopped sending frames."""


def playable(url: str, sub_stream_url: str | None = None) -> str:
    """The URL to decode: the camera's sub-stream where it has one (the detectors need only 640x360), a
    `demo://` camera's local scene file (its sub-stream)."""
    if sub_stream_url:
        url = sub_stream_url
    return resolve_stream(url, substream=True) if is_demo(url) else url


def is_file(url: str) -> bool:
    scheme = urlsplit(url).scheme
    return scheme in ("", "file") or (len(scheme) == 1 and os.path.exists(url))  # C:\… on Windows


class FrameSource:
    """Frames of one stream at `fps`, each 640x360 BGR with its time in seconds since the source opened."""

    def __init__(self, url: str, fps: float, *, timeout_s: float = 10.0) -> None:
        if not 0 < fps <= 30:
            raise ValueError(f"fps is 0 to 30, not {fps}")
        self.url, self.fps, self.timeout_s = url, fps, timeout_s
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        """Open the stream; StreamError saying why when it cannot be."""
        path = urlsplit(self.url).path if self.url.startswith("file:") else self.url
        if is_file(self.url) and not Path(path).exists():
            raise StreamError(f"no video file {path}")
        ms = int(self.timeout_s * 1000)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
        capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG, params)
        if not capture.isOpened():
            capture.release()
            raise StreamError(f"cannot open {self.url}: nothing answered, or not a stream OpenCV can decode")
        self._capture = capture

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def frames(self, stop: Event) -> Iterator[tuple[float, np.ndarray]]:
        """Sampled frames until `stop` is set; StreamError when the stream stops sending."""
        if self._capture is None:
            self.open()
        assert self._capture is not None
        return self._file_frames(stop) if is_file(self.url) else self._live_frames(stop)

    def _live_frames(self, stop: Event) -> Iterator[tuple[float, np.ndarray]]:
        capture = self._capture
        assert capture is not None
        start = time.monotonic()
        next_t = 0.0
        while not stop.is_set():
            if not capture.grab():  # blocks up to the read timeout when the camera stalls
                raise StreamError(f"{self.url} stopped sending frames (no frame for {self.timeout_s:.0f} s)")
            t_s = time.monotonic() - start
            if t_s < next_t:
                continue
            ok, frame = capture.retrieve()
            if not ok or frame is None:
                raise StreamError(f"{self.url} sent a frame that could not be decoded")
            next_t = t_s + 1.0 / self.fps
            yield t_s, _fit(frame)

    def _file_frames(self, stop: Event) -> Iterator[tuple[float, np.ndarray]]:
        capture = self._capture
        assert capture is not None
        source_fps = capture.get(cv2.CAP_PROP_FPS)
        if not 0 < source_fps < 1000:
            source_fps = 25.0
        start = time.monotonic()
        offset = 0.0  # seconds of the loops played before this one
        index = 0
        next_t = 0.0
        while not stop.is_set():
            if not capture.grab():
                if index == 0:
                    raise StreamError(f"{self.url} has no frame that could be decoded")
                offset += index / source_fps
                index = 0
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)  # loop, as a camera keeps sending
                continue
            t_s = offset + index / source_fps
            index += 1
            if t_s + 1e-6 < next_t:
                continue
            ok, frame = capture.retrieve()
            if not ok or frame is None:
                raise StreamError(f"{self.url} has a frame that could not be decoded")
            next_t = t_s + 1.0 / self.fps
            wait = start + t_s - time.monotonic()
            if wait > 0 and stop.wait(wait):
                return
            yield t_s, _fit(frame)


def _fit(frame: np.ndarray) -> np.ndarray:
    if frame.shape[:2] == (FRAME_HEIGHT, FRAME_WIDTH):
        return frame
    return cv2.resize(frame, (FRAME_WIDTH, FRAME_HEIGHT), interpolation=cv2.INTER_AREA)
