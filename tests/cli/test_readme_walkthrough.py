"""README's command-line walkthrough runs as written after `gridwatch demo`: the commands find the demo's
store by themselves (no --db), with the demo's real user names and department codes (issue 9, item 9)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- walkthrough: tests/cli/test_readme_walkthrough.py -->"


def walkthrough() -> str:
    """The sh block right after the walkthrough marker in README.md."""
    text = README.read_text(encoding="utf-8")
    found = re.search(re.escape(MARKER) + r"\s*```sh\n(.*?)```", text, re.S)
    assert found is not None, "README.md has no walkthrough block"
    return found.group(1)


@pytest.fixture
def demo_home(tmp_path: Path) -> dict[str, str]:
    """A fresh account right after `gridwatch demo` (without its window): only the demo's store exists."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "COLUMNS": "80",
    }
    env.pop("GRIDWATCH_DB", None)
    env.pop("GRIDWATCH_USER", None)
    seeded = subprocess.run(
        ["gridwatch", "demo", "--no-window", "--cases", "600"], env=env, capture_output=True, text=True
    )
    assert seeded.returncode == 0, seeded.stderr
    return env


@pytest.mark.slow
def test_readme_walkthrough_runs_against_the_demo(demo_home: dict[str, str], tmp_path: Path) -> None:
    script = "set -eu\n" + "".join(
        f"echo '>>> {i}'\n{line}\n" for i, line in enumerate(walkthrough().splitlines())
    )
    result = subprocess.run(
        ["bash", "-c", script], env=demo_home, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "no such table" not in out + result.stderr
    assert not (tmp_path / "data" / "gridwatch" / "gridwatch.sqlite").exists()  # nothing created by looking
    demo = tmp_path / "data" / "gridwatch" / "demo.sqlite"
    assert f"Store: the demo's store, {demo} (pick another with --db or $GRIDWATCH_DB)" in result.stderr
    dispatched = re.search(r"^(\d{14}): dispatch → dispatched \(version (\d+)\)$", out, re.M)
    assert dispatched is not None, out
    assert "Department: 350203-HWZX 环卫中心 (as asked)" in out
    assert f"{dispatched.group(1)}  " in out  # `case show` printed the case it was given
    assert (tmp_path / "q3.xlsx").stat().st_size > 1000
    exported = (tmp_path / "cases.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(exported) == 604  # a header, the demo's 600 cases, the 3 that travel its centers (LEVELS.md)
    assert "leader_dispatch" in out and "dispatcher01" in out  # `user list`
