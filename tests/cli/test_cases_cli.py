"""The command line drives the whole workflow and reports user errors as messages with exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.store import Store
from tests.conftest import pg_url

runner = CliRunner()


def url_of(store: Store) -> str:
    if store.is_postgres:
        schema = store.engine.dialect.default_schema_name
        with store.engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        return pg_url(schema)
    return store.url


def gw(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", url_of(store)])
    return result.exit_code, result.output


def test_report_to_close_from_the_command_line(store: Store, staff: dict[str, str]) -> None:
    code, out = gw(
        store,
        "case",
        "report",
        "--category",
        "06010",
        "--lon",
        "118.09",
        "--lat",
        "24.47",
        "--description",
        "路边暴露垃圾",
        "--as",
        "worker",
        "--json",
    )
    assert code == 0, out
    no = json.loads(out)["case_no"]
    for action, who, extra in [
        ("register", "leader", []),
        ("dispatch", "dispatcher", ["--department", "CGJ"]),
        ("accept", "handler", []),
        ("feedback", "handler", []),
        ("send-check", "acceptor", []),
        ("check-pass", "worker", []),
        ("close", "leader", []),
    ]:
        code, out = gw(store, "case", action, no, "--as", who, *extra)
        assert code == 0, out
    code, out = gw(store, "case", "show", no, "--json")
    shown = json.loads(out)
    assert shown["state"] == "closed" and len(shown["events"]) == 8
    code, out = gw(store, "cases", "list", "--state", "closed", "--json")
    assert [c["case_no"] for c in json.loads(out)] == [no]
    code, out = gw(
        store, "report", "metrics", "--from", "2020-01-01", "--to", "2030-12-31", "--format", "json"
    )
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["CGJ"]["close_rate"] == "100.00%"


def test_user_errors_are_messages_not_tracebacks(store: Store, staff: dict[str, str]) -> None:
    code, out = gw(store, "case", "register", "NOPE", "--as", "leader")
    assert code == 1 and "No case numbered 'NOPE'" in out and "Traceback" not in out
    code, out = gw(store, "case", "report", "--category", "99999", "--lon", "118.09", "--lat", "24.47")
    assert code == 1 and "No category with code '99999'" in out
    code, out = gw(store, "case", "report", "--category", "06010", "--lon", "24.47", "--lat", "118.09")
    assert code == 1 and "swapped" in out
    code, out = gw(store, "report", "metrics", "--from", "2025-02-01", "--to", "2025-01-01")
    assert code == 1 and "ends" in out


def test_stale_version_from_the_command_line(store: Store, staff: dict[str, str]) -> None:
    _, out = gw(store, "case", "report", "--category", "06010", "--lon", "118.09", "--lat", "24.47", "--json")
    no = json.loads(out)["case_no"]
    assert gw(store, "case", "register", no, "--as", "leader", "--version", "1")[0] == 0
    code, out = gw(store, "case", "reject", no, "--as", "leader", "--version", "1", "--reason", "x")
    assert code == 1 and "was changed by Leader" in out


def test_unreachable_database_exits_3_with_advice() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", "db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:9/x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "Cannot reach the case store" in result.stderr and "database server is running" in result.stderr


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["case", "--help"],
        ["case", "dispatch", "--help"],
        ["cases", "list", "--help"],
        ["report", "metrics", "--help"],
        ["db", "upgrade", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_metrics_as_csv_and_xlsx(store: Store, staff: dict[str, str], tmp_path: Path) -> None:
    gw(store, "case", "report", "--category", "06010", "--lon", "118.09", "--lat", "24.47")
    code, out = gw(
        store,
        "report",
        "metrics",
        "--from",
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--format",
        "csv",
        "--by",
        "source",
    )
    assert code == 0 and out.splitlines()[0].startswith("code,name,上报数,立案数")
    assert out.splitlines()[1].startswith("center,center,1,0")
    xlsx = tmp_path / "m.xlsx"
    code, _ = gw(
        store,
        "report",
        "metrics",
        "--from",
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
    )
    sheet = load_workbook(xlsx).active
    assert code == 0 and sheet is not None and sheet["C1"].value == "上报数" and sheet["C2"].value == 1
