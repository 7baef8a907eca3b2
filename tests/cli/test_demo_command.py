"""`gridwatch demo` seeds its own store the first time and opens the dispatcher workstation on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage


@pytest.mark.slow
def test_demo_opens_the_workstation_on_a_fresh_machine(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("GRIDWATCH_DB", None)
    shot = tmp_path / "demo.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridwatch",
            "demo",
            "--cases",
            "300",
            "--screenshot",
            str(shot),
            "--lang",
            "zh_CN",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "Demo district seeded" in result.stdout
    assert (tmp_path / "data" / "gridwatch" / "demo.sqlite").exists()
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(colours) > 50  # a populated window, not a blank one
