"""Glass-to-glass video latency on loopback: OpenCV pane backend and libvlc, same MPEG-TS/UDP stream.

The sender draws its send time (ms, 40 bits) as black/white blocks across the top of each 640×360 frame,
encodes H.264 (ffmpeg libx264, zerolatency) and streams MPEG-TS over UDP. OpenCV latency is measured when
the decoded frame reaches the pane; libvlc's by grabbing its X window (needs DISPLAY; ±1 grab period).
    python bench/video.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

W, H, FPS, BITS, BLOCK = 640, 360, 25, 40, 14


def stamp(frame: np.ndarray, ms: int) -> None:
    for bit in range(BITS):
        value = 255 if (ms >> bit) & 1 else 0
        frame[4 : 4 + BLOCK, 4 + bit * (BLOCK + 1) : 4 + bit * (BLOCK + 1) + BLOCK] = value


def read_stamp(rgb: np.ndarray) -> int:
    centre = 4 + BLOCK // 2
    bits = [rgb[centre, 4 + b * (BLOCK + 1) + BLOCK // 2].mean() > 128 for b in range(BITS)]
    return sum(1 << b for b, on in enumerate(bits) if on)


def now_ms() -> int:
    return int(time.time() * 1000) & ((1 << BITS) - 1)


def sender(port: int, stop: threading.Event) -> None:
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error",
         "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{W}x{H}", "-r", str(FPS), "-i", "-",
         "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
         "-g", str(FPS), "-f", "mpegts", f"udp://127.0.0.1:{port}?pkt_size=1316"],
        stdin=subprocess.PIPE,
    )  # fmt: skip
    assert ffmpeg.stdin is not None
    frame = np.full((H, W, 3), 90, dtype=np.uint8)
    start = time.monotonic()
    n = 0
    while not stop.is_set():
        stamp(frame, now_ms())
        ffmpeg.stdin.write(frame.tobytes())
        ffmpeg.stdin.flush()
        n += 1
        time.sleep(max(0.0, start + n / FPS - time.monotonic()))
    ffmpeg.stdin.close()
    ffmpeg.kill()


def measure_opencv(url: str, seconds: float) -> list[int]:
    from PySide6.QtCore import QCoreApplication

    from gridwatch.video.opencv_player import OpenCvReader

    app = QCoreApplication.instance() or QCoreApplication([])
    latencies: list[int] = []
    reader = OpenCvReader(url)
    reader.frame.connect(lambda bgr: latencies.append(now_ms() - read_stamp(bgr)))
    reader.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)
    reader.stop()
    return [x for x in latencies if 0 <= x < 10000]


def measure_vlc(url: str, seconds: float) -> list[int]:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from gridwatch.video.pane import VideoPane

    app = QApplication(["bench", "-platform", "xcb"])
    pane = VideoPane("bench", backend="vlc")
    pane.resize(W, H)
    pane.show()
    pane.play(url)
    latencies: list[int] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if pane.state == "live" and pane._surface is not None:
            image = app.primaryScreen().grabWindow(int(pane._surface.winId())).toImage()
            image = image.convertToFormat(QImage.Format.Format_RGB888)
            if image.width() == W:
                rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
                rgb = rows.reshape(image.height(), image.bytesPerLine())[:, : W * 3].reshape(-1, W, 3).copy()
                latencies.append(now_ms() - read_stamp(rgb))
        time.sleep(0.01)
    pane.release()
    return [x for x in latencies if 0 <= x < 10000]


def report(name: str, latencies: list[int]) -> None:
    if not latencies:
        print(f"{name}: no stamped frames decoded")
        return
    q = statistics.quantiles(latencies, n=20)
    print(f"{name}: median {statistics.median(latencies):.0f} ms, p95 {q[-1]:.0f} ms, n={len(latencies)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--backend", choices=["opencv", "vlc"], default="opencv")
    args = parser.parse_args()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stop = threading.Event()
    thread = threading.Thread(target=sender, args=(port, stop), daemon=True)
    thread.start()
    try:
        if args.backend == "opencv":
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            report("OpenCV (MPEG-TS/UDP)", measure_opencv(f"udp://127.0.0.1:{port}", args.seconds))
        else:
            assert os.environ.get("DISPLAY"), "libvlc needs an X display (DISPLAY)"
            report(
                "libvlc (MPEG-TS/UDP, network-caching=150)",
                measure_vlc(f"udp://@127.0.0.1:{port}", args.seconds),
            )
    finally:
        stop.set()
        thread.join()


if __name__ == "__main__":
    main()
