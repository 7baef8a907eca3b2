"""README's "Point a phone or curl at the demo" runs as written against the demo's field API: sign in with
the demo's password, report with a photo, list my tasks (curl, a real demo district, the served API)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gridwatch.api.demo_field import DemoField
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.store import Store

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- demo curl: tests/api/test_readme_demo_curl.py -->"


def block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(MARKER) + r"\s*```sh\n(.*?)```", text, re.S)
    assert found is not None, "README.md has no demo curl block"
    return found.group(1)


def answers(printed: str) -> list[Any]:
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(printed.strip()):
        value, at = decoder.raw_decode(printed, at)
        found.append(value)
    return found


@pytest.mark.slow
def test_the_readmes_curl_lines_work_against_the_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    store = Store(url)
    store.upgrade()
    seed_demo(store, cases=0)
    store.dispose()
    field = DemoField(url, simulate=False).start()
    try:
        script = (
            block()
            .replace("http://127.0.0.1:PORT", field.base)
            .replace(".venv/bin/python", str(ROOT / ".venv/bin/python"))
        )
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        reported, tasks = answers(done.stdout)  # curl prints each answer without a line end
        assert (reported["state"], reported["outside_grid"], reported["attachments"]) == (
            "reported",
            False,
            1,
        )
        assert tasks == []
        found = case_reads.by_number(field.store, reported["case_no"])
        assert (found.case.source, found.case.category_code, found.case.description) == (
            "grid_worker",
            "06010",
            "暴露垃圾",
        )
        assert [(a.kind, a.filename, a.mime) for a in found.attachments] == [
            ("before", "scene.jpg", "image/jpeg")
        ]
    finally:
        field.close()
