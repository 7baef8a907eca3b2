"""`gridwatch report evaluation` (issue 13 item 4): the monthly job's workbook and PDF from the command
line on both backends, and its bad inputs as one line each with any earlier report left as it was."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication
from typer.testing import CliRunner

from gridwatch.cli.root import app
from gridwatch.db.reads.evaluation import EVALUATION_GROUPS
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of
from tests.db.test_evaluation import C2, seed

runner = CliRunner()
NOV = ["--from", "2025-11-01", "--to", "2025-11-30"]


def evaluation(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", "evaluation", *args, "--db", url_of(store)])
    return result.exit_code, " ".join(result.output.split())  # rich wraps at 80 columns


@pytest.fixture
def seeded(store: Store, staff: dict[str, str]) -> Store:
    seed(store)
    return store


def test_the_workbook_from_the_command_line(seeded: Store, tmp_path: Path) -> None:
    out = tmp_path / "november.xlsx"
    code, text = evaluation(seeded, *NOV, "--format", "xlsx", "--out", str(out))
    assert code == 0 and f"{len(EVALUATION_GROUPS) + 3} sheets" in text, text
    book = load_workbook(out)
    sheet = book["部门"]
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[1:7] == ["合计", 6, 5, 0, 5, 3]
    code, _ = evaluation(seeded, *NOV, "--scope", C2, "--lang", "en", "--format", "xlsx", "--out", str(out))
    summary = {r[0].value: r[1].value for r in load_workbook(out)["Summary"].iter_rows()}
    assert code == 0 and summary["Scope"] == "社区2" and summary["Reported"] == 2


def test_the_pdf_from_the_command_line(seeded: Store, tmp_path: Path, qapp: QApplication) -> None:
    out = tmp_path / "november.pdf"
    code, text = evaluation(seeded, *NOV, "--format", "pdf", "--out", str(out))
    assert code == 0 and f"{len(EVALUATION_GROUPS) + 7} pages" in text, text
    words = subprocess.run(
        ["pdftotext", "-l", "2", str(out), "-"], capture_output=True, text=True, check=True
    )
    assert "城市管理综合考评报告" in words.stdout and "城管执法局" in words.stdout


def test_bad_input_is_one_line_and_loses_nothing(seeded: Store, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"last month's report")
    code, text = evaluation(seeded, *NOV, "--scope", "999", "--format", "xlsx", "--out", str(out))
    assert code == 1 and "No district, street or community with the code '999'" in text
    assert out.read_bytes() == b"last month's report"
    code, text = evaluation(
        seeded, "--from", "2025-11-30", "--to", "2025-11-01", "--format", "xlsx", "--out", str(out)
    )
    assert code == 1 and "ends (2025-11-01) before it starts" in text
    code, text = evaluation(seeded, *NOV, "--format", "pdf", "--out", str(tmp_path / "nowhere" / "r.pdf"))
    assert code == 1 and "No folder" in text and "Traceback" not in text
    code, text = evaluation(seeded, *NOV, "--format", "doc", "--out", str(out))
    assert code == 2 and "doc" in text
    code, text = evaluation(seeded, *NOV, "--lang", "fr", "--format", "xlsx", "--out", str(out))
    assert code == 2 and "fr" in text
    assert out.read_bytes() == b"last month's report" and not list(tmp_path.glob(".*partial"))


def test_an_empty_period_still_writes_a_report_that_says_so(seeded: Store, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    code, text = evaluation(
        seeded, "--from", "2020-01-01", "--to", "2020-01-31", "--format", "xlsx", "--out", str(out)
    )
    assert code == 0 and "No cases in 2020-01-01 – 2020-01-31" in text
    assert ["本期间无案件", None] in [[c.value for c in r] for r in load_workbook(out)["概况"].iter_rows()]
