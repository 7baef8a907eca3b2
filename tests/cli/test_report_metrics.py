"""`gridwatch report metrics` (issue 13 item 5): the total row in every format, on a dataset whose totals
are known (tests/db/test_evaluation.py's November: 6 reported, 5 registered, 5 to handle, 3 handled, 2 on
time, 3 due to close, 2 closed, 1 on time), readable at 80 columns and full width when there is room."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from typer.testing import CliRunner

from gridwatch.cli.root import app
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of
from tests.db.test_evaluation import seed

runner = CliRunner()
NOV = ["--from", "2025-11-01", "--to", "2025-11-30"]


def metrics(store: Store, *args: str, columns: int = 80) -> tuple[int, str]:
    result = runner.invoke(app, ["report", "metrics", *NOV, *args, "--db", url_of(store)],
                           env={"COLUMNS": str(columns)})  # fmt: skip
    return result.exit_code, result.output


@pytest.fixture
def seeded(store: Store, staff: dict[str, str]) -> Store:
    seed(store)
    return store


def test_json_ends_with_the_total_row(seeded: Store) -> None:
    code, out = metrics(seeded, "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [r["row"] for r in rows] == ["group"] * (len(rows) - 1) + ["total"]
    total = rows[-1]
    assert (total["key"], total["name"], total["reported"], total["registered"]) == ("total", "合计", 6, 5)
    assert (total["to_handle"], total["handled"], total["handled_on_time"]) == (5, 3, 2)
    assert (total["due_to_close"], total["closed"], total["closed_on_time"]) == (3, 2, 1)
    assert (total["handle_rate"], total["close_on_time_rate"], total["satisfaction_rate"]) == (
        "60.00%", "33.33%", "50.00%")  # fmt: skip
    assert total["reported"] == sum(r["reported"] for r in rows[:-1])


def test_csv_and_xlsx_end_with_the_total_row(seeded: Store, tmp_path: Path) -> None:
    code, out = metrics(seeded, "--format", "csv", "--by", "source")
    lines = list(csv.reader(io.StringIO(out)))
    assert code == 0 and lines[0][:4] == ["code", "name", "上报数", "立案数"]
    assert lines[-1][:8] == ["total", "合计", "6", "5", "0", "5", "3", "2"]
    assert lines[-1][8:10] == ["60.00%", "40.00%"]
    book = tmp_path / "m.xlsx"
    code, _ = metrics(seeded, "--format", "xlsx", "--out", str(book))
    sheet = load_workbook(book).active
    assert code == 0 and sheet is not None
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[:4] == ["total", "合计", 6, 5]


def test_the_table_fits_80_columns_and_keeps_its_headers_whole(seeded: Store) -> None:
    code, out = metrics(seeded, columns=80)
    assert code == 0
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "…" not in out
    for header in ("上报数", "应处置数", "处置率", "按期处置率", "按期结案率"):
        assert header in out
    assert "合计" in out and "60.00%" in out and "33.33%" in out  # the total row's 处置率, 按期结案率


def test_the_table_uses_the_width_there_is(seeded: Store) -> None:
    code, out = metrics(seeded, columns=250)
    assert code == 0 and max(cell_len(line) for line in out.splitlines()) <= 250
    header = next(line for line in out.splitlines() if "上报数" in line)
    for label in ("立案数", "自行处置数", "超期待处置率", "返工率", "满意率", "综合得分", "等级"):
        assert label in header  # every column on one header line
    total = next(line for line in out.splitlines() if "合计" in line)
    assert total.split()[:3] == ["total", "合计", "6"]


def test_a_very_narrow_terminal_gets_one_block_per_group(seeded: Store) -> None:
    code, out = metrics(seeded, columns=40)
    assert code == 0 and max(cell_len(line) for line in out.splitlines()) <= 40
    assert "CGJ  城管执法局" in out and "total  合计" in out
    assert any(line.split() == ["处置率", "60.00%"] for line in out.splitlines())


def test_an_empty_period_says_no_cases(seeded: Store) -> None:
    result = runner.invoke(
        app, ["report", "metrics", "--from", "2020-01-01", "--to", "2020-01-31", "--db", url_of(seeded)],
        env={"COLUMNS": "120"},
    )  # fmt: skip
    assert result.exit_code == 0 and "no cases" in result.output and "合计" in result.output
    assert "Traceback" not in result.output and "—" in result.output
