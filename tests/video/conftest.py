"""Local streams for video tests: an RTSP camera (GStreamer, Debian's Python) and an X display."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"  # has python3-gi and the GStreamer RTSP server


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_tcp(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class RtspCamera:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"rtsp://127.0.0.1:{self.port}/cam"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([SYSTEM_PYTHON, str(HERE / "rtsp_camera.py"), str(self.port)])
        wait_for_tcp(self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def rtsp_camera() -> Iterator[RtspCamera]:
    camera = RtspCamera()
    camera.start()
    yield camera
    camera.kill()


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """An X display for libvlc (the test command's Xvfb, else one of our own)."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    assert shutil.which("Xvfb"), "Xvfb is needed for libvlc panes"
    display = f":{100 + os.getpid() % 400}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x720x24", "-nolisten", "tcp"])
    time.sleep(1.0)
    yield display
    xvfb.kill()
    xvfb.wait()
