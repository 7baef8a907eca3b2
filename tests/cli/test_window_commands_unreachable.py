"""Every window command ends with exit code 3 and one line on an unreachable store, as README promises
for every command: no error box waiting for a click, no traceback, no empty map saved as a success."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

UNREACHABLE = "postgresql://x@127.0.0.1:1/none"
COMMANDS = {
    "dispatcher": ["dispatcher"],
    "wall": ["wall"],
    "map": ["map"],
    "map --screenshot": ["map", "--screenshot", "{tmp}/map.png"],
    "demo": ["demo", "--no-simulate"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_window_command_on_an_unreachable_store_exits_3(name: str, tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[name]]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "COLUMNS": "400",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", *args, "--db", UNREACHABLE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Cannot reach the case store at postgresql+psycopg://x@127.0.0.1:1/none" in result.stderr
    assert "Connection refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "map.png").exists()
