"""Several monitors: one borderless full-screen wall window per QScreen, on that screen's geometry.

Xvfb with two screens (+xinerama) still shows Qt a single QScreen (docs: PLATFORM.md), so the monitors
come from Qt's offscreen platform with a screen layout file, in a subprocess (the platform is chosen
once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gridwatch.db.store import Store
from tests.wall.conftest import CAMERAS

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MONITORS = [("wall-1", 0, 0, 1920, 1080), ("wall-2", 1920, 0, 1280, 720)]


def screens_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "screens.json"
    screens = [
        {"name": n, "x": x, "y": y, "width": w, "height": h, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        for n, x, y, w, h in MONITORS
    ]
    config.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    return {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_one_window_per_screen_on_its_geometry(store: Store, cameras: dict[str, int], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "screens_probe.py"), store.url],
        env=screens_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["screens"] == [[n, [x, y, w, h]] for n, x, y, w, h in MONITORS]
    windows = found["windows"]
    assert [(w["screen"], w["geometry"]) for w in windows] == [
        (n, [x, y, w, h]) for n, x, y, w, h in MONITORS
    ]
    assert all(w["frameless"] and w["full_screen"] for w in windows)
    # no stored state: four tiles per monitor, the first cameras in code order
    assert [w["tiles"] for w in windows] == [4, 4]
    assert windows[0]["cameras"] == CAMERAS[:4] and windows[1]["cameras"] == CAMERAS[4:8]


@pytest.mark.video
def test_the_cli_screenshot_shows_both_monitors_with_pictures(tmp_path: Path) -> None:
    store_path = tmp_path / "demo.sqlite"
    env = screens_env(tmp_path)
    gridwatch = [sys.executable, "-m", "gridwatch"]
    subprocess.run([*gridwatch, "seed", "demo", "--db", str(store_path)], env=env, check=True, timeout=300,
                   capture_output=True)  # fmt: skip
    shot = tmp_path / "wall.png"
    done = subprocess.run(
        [*gridwatch, "wall", "--db", str(store_path), "--screenshot", str(shot)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (3200, 1080)
    for x, y in ((480, 270), (1440, 810), (1920 + 320, 180), (1920 + 960, 540)):  # a tile on each quarter
        colours = {
            image.pixelColor(x + dx, y + dy).name() for dx in range(-40, 41, 8) for dy in range(-40, 41, 8)
        }
        assert len(colours) > 3, (x, y)  # a street scene, not an empty black or grey tile
