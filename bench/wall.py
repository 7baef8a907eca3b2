"""CPU per video tile on the wall: OpenCV panes in one process vs plain ffmpeg decoding the same files.

For 1, 4, 9 and 16 tiles of the demo streams (640x360 H.264 15 fps, and their 320x180 sub-streams):
- wall: one Qt process (offscreen) with a 1920x1080 window of N `VideoPane`s (OpenCV backend), painting
  every frame scaled to its tile, as `gridwatch wall` does;
- ffmpeg: N `ffmpeg -re -stream_loop -1 -i file -f null -` processes (decode only, real-time pace);
- ffmpeg+scale: the same, also converting to BGR and scaling to the tile's size, as a display must.
Each configuration runs in fresh processes; CPU (user+system) is counted over the steady window after a
warm-up, and divided by wall time and tiles. Also printed: frames each tile actually showed per second
(a saturated machine shows fewer frames and so spends less CPU: check the fps column first).

    python bench/wall.py [--seconds 8] [--repeat 3] [--tiles 1,4,9,16]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WARMUP_S = 2.0


def wall_child(tiles: int, seconds: float, substream: bool) -> None:
    """Runs in its own process: N panes in one window, prints CPU seconds and frames over `seconds`."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from gridwatch.plugins.video.demo_streams import ensure_scenes, scene_path
    from gridwatch.plugins.video.scenes import SCENES
    from gridwatch.video.pane import VideoPane

    app = QApplication(sys.argv[:1])
    folder = ensure_scenes()
    window = QWidget()
    grid = QGridLayout(window)
    grid.setContentsMargins(0, 0, 0, 0)
    side = math.isqrt(tiles)
    panes = []
    for n in range(tiles):
        pane = VideoPane(f"tile {n + 1}", backend="opencv")
        grid.addWidget(pane, n // side, n % side)
        pane.play(str(scene_path(n % SCENES, substream=substream, directory=folder)))
        panes.append(pane)
    window.resize(1920, 1080)
    window.show()

    def wait(s: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(s * 1000), loop.quit)
        loop.exec()

    wait(WARMUP_S)
    frames0 = sum(p.frames for p in panes)
    usage0, clock0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    wait(seconds)
    usage1, clock1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    frames = sum(p.frames for p in panes) - frames0
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    for pane in panes:
        pane.release()
    print(json.dumps({"cpu_s": cpu, "elapsed_s": clock1 - clock0, "frames": frames}))
    del app


def run_wall(tiles: int, seconds: float, substream: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(tiles), "--seconds", str(seconds)]
    if substream:
        command.append("--substream")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def run_ffmpeg(tiles: int, seconds: float, substream: bool, scale: bool) -> dict[str, float]:
    """N real-time ffmpeg decoders; CPU from the children's rusage (start-up included, warm-up is not
    separable, so they run warm-up + seconds and the start-up share is small)."""
    from gridwatch.plugins.video.demo_streams import ensure_scenes, scene_path
    from gridwatch.plugins.video.scenes import FPS, SCENES

    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed for the baseline"
    folder = ensure_scenes()
    total = seconds + WARMUP_S
    side = math.isqrt(tiles)
    to_tile = ["-vf", f"scale={1920 // side}:{1080 // side},format=bgr24"] if scale else []
    before, clock0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    processes = [
        subprocess.Popen(
            [
                ffmpeg,
                "-hide_banner",
                "-loglevel",
                "error",
                "-re",
                "-stream_loop",
                "-1",
                "-i",
                str(scene_path(n % SCENES, substream=substream, directory=folder)),
                "-t",
                str(total),
                *to_tile,
                "-f",
                "null",
                "-",
            ]
        )
        for n in range(tiles)
    ]
    for process in processes:
        process.wait()
    after, clock1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": cpu, "elapsed_s": clock1 - clock0, "frames": FPS * total * tiles}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--substream", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tiles", default="1,4,9,16")
    args = parser.parse_args()
    if args.child:
        wall_child(args.child, args.seconds, args.substream)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
        f"CPU % of one core per tile, median of {args.repeat}"
    )
    print(
        f"{'tiles':>5} {'stream':>8} {'wall %/tile':>12} {'wall fps':>9} {'ffmpeg %/tile':>14} {'ratio':>6} "
        f"{'ffmpeg+scale':>13} {'ratio':>6}"
    )
    for tiles in (int(t) for t in args.tiles.split(",")):
        for substream in (False, True):
            wall, plain, scaled, fps = [], [], [], []
            for _ in range(args.repeat):
                w = run_wall(tiles, args.seconds, substream)
                f = run_ffmpeg(tiles, args.seconds, substream, scale=False)
                g = run_ffmpeg(tiles, args.seconds, substream, scale=True)
                wall.append(100 * w["cpu_s"] / w["elapsed_s"] / tiles)
                fps.append(w["frames"] / w["elapsed_s"] / tiles)
                plain.append(100 * f["cpu_s"] / f["elapsed_s"] / tiles)
                scaled.append(100 * g["cpu_s"] / g["elapsed_s"] / tiles)
            w_med, f_med, g_med = (statistics.median(v) for v in (wall, plain, scaled))
            print(
                f"{tiles:>5} {'320x180' if substream else '640x360':>8} {w_med:>12.1f} "
                f"{statistics.median(fps):>9.1f} {f_med:>14.1f} {w_med / f_med:>6.2f} "
                f"{g_med:>13.1f} {w_med / g_med:>6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
