"""A pane on a local RTSP camera (OpenCV backend): real frames painted, states through a broken stream."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gridwatch.video.pane import VideoPane, choose_backend
from gridwatch.video.state import StreamState
from tests.video.conftest import RtspCamera, free_port

pytestmark = [pytest.mark.slow, pytest.mark.video]


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3).copy()  # the converted image dies here


def share(rgb: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> float:
    return float(np.mean(np.all(np.abs(rgb.astype(int) - colour) < tolerance, axis=2)))


@pytest.fixture
def pane(qtbot: QtBot) -> VideoPane:
    pane = VideoPane("东门口 摄像机", backend="auto")
    pane.resize(640, 360)
    qtbot.addWidget(pane)
    pane.show()
    yield pane
    pane.release()


def test_rtsp_goes_to_opencv_and_the_pane_paints_the_moving_test_pattern(
    qtbot: QtBot, pane: VideoPane, rtsp_camera: RtspCamera
) -> None:
    pane.play(rtsp_camera.url)
    assert pane.backend == "opencv"
    qtbot.waitUntil(lambda: pane.state == StreamState.LIVE and pane.frames > 10, timeout=15000)
    first = pixels(pane.grab().toImage())
    qtbot.wait(500)
    second = pixels(pane.grab().toImage())
    # SMPTE bars: large yellow, cyan and green areas (the pattern scrolls, the colours stay)
    for colour in ((255, 255, 0), (0, 255, 255), (0, 255, 0)):
        assert share(first, colour) > 0.05, colour
    assert np.mean(np.abs(first.astype(int) - second.astype(int))) > 5  # the picture moves
    png = pane.snapshot()
    assert png is not None and png.startswith(b"\x89PNG")
    snap = QImage.fromData(png)
    assert (snap.width(), snap.height()) == (640, 360)


def test_a_killed_stream_reconnects_and_comes_back_live(
    qtbot: QtBot, pane: VideoPane, rtsp_camera: RtspCamera
) -> None:
    states: list[str] = []
    pane.state_changed.connect(lambda state, _message: states.append(state))
    pane.play(rtsp_camera.url)
    qtbot.waitUntil(lambda: pane.state == StreamState.LIVE, timeout=15000)
    rtsp_camera.kill()
    qtbot.waitUntil(lambda: pane.state == StreamState.RECONNECTING, timeout=15000)
    frames = pane.frames
    rtsp_camera.start()
    qtbot.waitUntil(lambda: pane.state == StreamState.LIVE and pane.frames > frames, timeout=30000)
    assert "reconnecting" in states
    assert "lost" not in states


def test_a_wrong_url_is_lost_with_a_message(qtbot: QtBot, pane: VideoPane) -> None:
    url = f"rtsp://127.0.0.1:{free_port()}/nothing"
    pane.play(url)
    qtbot.waitUntil(lambda: pane.state == StreamState.LOST, timeout=30000)
    assert url in pane.message
    text_visible = pixels(pane.grab().toImage())
    assert share(text_visible, (255, 80, 80), 30) > 0  # the red "video lost" banner is painted


def test_backend_choice() -> None:
    # offscreen: no X11 window for libvlc, so everything goes to OpenCV unless forced
    assert choose_backend("rtsp://cam/1") == "opencv"
    assert choose_backend("udp://@127.0.0.1:5000") == "opencv"
    assert choose_backend("rtsp://cam/1", "vlc") == "vlc"
    with pytest.raises(ValueError, match="backend"):
        choose_backend("x", "gstreamer")
