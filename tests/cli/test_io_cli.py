"""`gridwatch import …` / `gridwatch export …`: messages and exit codes (0 all landed, 1 some refused,
2 unreadable file), run in-process with typer's CliRunner against both backends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "db"))
from test_import_support import HEADER, add_territory, cli_db, write_csv

from gridwatch.cli.root import app
from gridwatch.db.store import Store

GOOD = "K1,hotline,06010,,垃圾,118.005,24.41,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,,,,"
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    import gridwatch.cli  # noqa: F401  (registers the commands)

    return runner.invoke(app, list(args), terminal_width=200)


def test_import_exit_codes_and_messages(store: Store, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    add_territory(store)
    db = cli_db(store, request)
    good = write_csv(tmp_path / "good.csv", [HEADER, GOOD])
    result = run("import", "cases", str(good), "--db", db)
    assert result.exit_code == 0, result.output
    assert "All 1 rows landed" in result.output

    mixed = write_csv(
        tmp_path / "mixed.csv",
        [
            HEADER,
            GOOD.replace("K1,", "K2,"),
            GOOD.replace("K1,", "K3,").replace(",CGJ,", ",NEW,"),
        ],
    )
    result = run("import", "cases", str(mixed), "--db", db)
    assert result.exit_code == 1, result.output
    assert "line 3: unknown department_code 'NEW'" in result.output
    assert "1 row(s) were not imported" in result.output

    result = run("import", "cases", str(mixed), "--create-missing", "--db", db)
    assert result.exit_code == 0, result.output
    assert "created department NEW" in result.output

    result = run("import", "people", str(tmp_path / "missing.csv"), "--db", db)
    assert result.exit_code == 2
    assert "no such file" in result.output
    (tmp_path / "bad.xlsx").write_bytes(b"\x00\x01garbage")
    result = run("import", "devices", str(tmp_path / "bad.xlsx"), "--db", db)
    assert result.exit_code == 2 and "XLSX" in result.output


def test_export_then_import(store: Store, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    add_territory(store)
    db = cli_db(store, request)
    out = tmp_path / "grids.geojson"
    result = run("export", "grids", str(out), "--db", db)
    assert result.exit_code == 0 and "Wrote 4 grids" in result.output
    result = run("import", "grids", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
