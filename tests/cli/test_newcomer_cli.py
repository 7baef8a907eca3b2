"""A newcomer's mistakes get one-line answers they can act on (issue 9, items 9 and 10): a mistyped --db
creates nothing, a missing folder or a date typo says what is wrong, an 80-column terminal shows whole case
numbers, the allowed actions never offer a decision on a request nobody made, and a dispatch says where it
went; a name that does not exist lists the valid ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import select

from gridwatch.db.models import Department, OrgUnit, RoutingRule
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import gw, url_of


def report(store: Store) -> str:
    code, out = gw(
        store, "case", "report", "--category", "06010", "--lon", "118.09", "--lat", "24.47", "--json"
    )
    assert code == 0, out
    return str(json.loads(out)["case_no"])


def test_a_mistyped_db_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "gridwach.sqlite"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", "cases", "list", "--db", str(typo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"No store at {typo} (chosen by --db); nothing was created. Create it with `gridwatch db upgrade "
        f"--db {typo}` or `gridwatch seed demo --db {typo}`."
    )
    assert not typo.exists()


def test_export_to_a_missing_folder_and_a_date_typo(store: Store, staff: dict[str, str]) -> None:
    code, out = gw(store, "export", "cases", "/nonexistent/x.csv")
    assert (code, out.strip()) == (
        1,
        "Cannot write /nonexistent/x.csv: the folder /nonexistent does not exist.",
    )
    code, out = gw(store, "report", "metrics", "--from", "2026-13-01", "--to", "2026-11-30")
    said = " ".join(out.replace("│", " ").split())  # click's error box, unwrapped
    assert code == 2 and "'2026-13-01' is not a day (month must be in 1..12); write YYYY-MM-DD, e.g." in said
    assert "%Y" not in out


def test_80_columns_show_whole_case_numbers(store: Store, staff: dict[str, str]) -> None:
    number = report(store)
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", "cases", "list", "--db", url_of(store)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert f"│ {number} │" in result.stdout


def test_no_decision_on_a_request_nobody_made(store: Store, staff: dict[str, str]) -> None:
    number = report(store)
    for action, who, extra in [
        ("register", "leader", []),
        ("dispatch", "dispatcher", ["--department", "CGJ"]),
        ("accept", "handler", []),
    ]:
        assert gw(store, "case", action, number, "--as", who, *extra)[0] == 0
    code, out = gw(store, "case", "dispatch", number, "--as", "dispatcher")
    assert code == 1
    assert out.strip() == (
        f"Case {number} is 'handling': 'dispatch' is not possible now. Allowed from 'handling': "
        "request_return, request_extension, request_suspend, feedback."
    )
    code, out = gw(store, "case", "show", number, "--as", "handler")
    assert out.strip().endswith("You may now: request_return, request_extension, request_suspend, feedback")


def test_dispatch_says_which_department_and_unknown_names_list_the_valid_ones(
    store: Store, staff: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        grid = MultiPolygon([box(118.08, 24.46, 118.10, 24.48)])
        s.add(OrgUnit(code="35020300100101", name="第1网格", level="grid", geom=grid, updated_at=now))
        cgj = s.scalar(select(Department.id).where(Department.code == "CGJ"))
        s.add(RoutingRule(position=1, area_code="350203", category_code="06", department_id=cgj))
    number = report(store)
    assert gw(store, "case", "register", number, "--as", "leader")[0] == 0
    code, out = gw(store, "case", "dispatch", number, "--department", "CGZ", "--as", "dispatcher")
    assert (code, out.strip()) == (1, "No department with code 'CGZ'. Departments: CGJ, SZ.")
    if not store.is_postgres:  # on PostgreSQL the command acts as its connection's user
        code, out = gw(store, "case", "dispatch", number, "--as", "dispatchr")
        assert (code, out.strip()) == (
            1,
            "No active person with username 'dispatchr'. Active users: acceptor, admin, dispatcher, "
            "handler, leader, supervisor, system, worker.",
        )
    code, out = gw(store, "case", "dispatch", number, "--as", "dispatcher")
    assert code == 0, out
    assert out.splitlines() == [
        f"{number}: dispatch → dispatched (version 3)",
        "Department: CGJ 城管执法局 (the suggested one; another: --department CODE)",
    ]


@pytest.fixture(autouse=True)
def _no_env_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDWATCH_DB", raising=False)
