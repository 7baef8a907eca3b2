"""The demo's basemap file next to the demo store: rendered once per seed, reused while it exists.

Rendering takes seconds (docs/BASEMAP.md has the figures), so `gridwatch seed demo` and `gridwatch demo`
make the file only when it is missing. It runs in a child process: drawing text needs a
QGuiApplication, and the demo command opens its own QApplication afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gridwatch.db.config import demo_sqlite_path

CACHE_VERSION = "v3"  # bump when the drawing changes, so an old file is not reused
TIMEOUT_S = 600


class BasemapError(RuntimeError):
    """The demo basemap could not be rendered; the map still works without it."""


def demo_basemap_path(seed: int = 1) -> Path:
    return demo_sqlite_path().with_name(f"demo-basemap-seed{seed}-{CACHE_VERSION}.mbtiles")


def ensure_demo_basemap(seed: int = 1) -> tuple[Path, bool]:
    """The demo basemap for `seed`, rendered first if missing; also says whether it was rendered now."""
    path = demo_basemap_path(seed)
    if path.is_file():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gridwatch.plugins.basemap", str(path), "--seed", str(seed)]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BasemapError(f"the demo basemap could not be rendered: {exc}") from exc
    if done.returncode != 0 or not path.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BasemapError(f"the demo basemap could not be rendered: {last}")
    return path, True
