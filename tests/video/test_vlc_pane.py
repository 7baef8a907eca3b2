"""A libvlc pane on a real X display plays an MPEG-TS/UDP stream: the X window shows the picture."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.video.conftest import HERE, free_port

pytestmark = [pytest.mark.slow, pytest.mark.video]


@pytest.fixture
def udp_stream() -> Iterator[str]:
    port = free_port(socket.SOCK_DGRAM)
    sender = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi",
         "-i", "testsrc=size=640x360:rate=25",
         "-c:v", "libx264", "-tune", "zerolatency", "-preset", "ultrafast", "-g", "25", "-f", "mpegts", f"udp://127.0.0.1:{port}?pkt_size=1316"],
    )  # fmt: skip
    yield f"udp://@127.0.0.1:{port}"
    sender.kill()
    sender.wait()


def probe(url: str, display: str, seconds: float = 15) -> dict[str, object]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, str(HERE / "vlc_probe.py"), url, str(seconds)],
        env=env, capture_output=True, text=True, timeout=seconds + 30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_libvlc_draws_a_udp_stream_into_the_x_window(udp_stream: str, x_display: str) -> None:
    report = probe(udp_stream, x_display)
    assert report["backend"] == "vlc"
    assert "live" in report["states"]
    assert report["bright_share"] > 0.3  # testsrc is mostly bright colours; a black window is 0
    assert report["snapshot_png"]


def test_libvlc_loses_a_missing_file_with_a_message(x_display: str, tmp_path: Path) -> None:
    report = probe(str(tmp_path / "missing.ts"), x_display, seconds=20)
    assert report["backend"] == "vlc"
    assert report["states"][-1] == "lost"
