"""One read path: the desktop, the wall, video, talk and the CLI reach the store only through its API
(`gridwatch.db.reads`, `Store`), never through SQL or the tables, so row-level security and the store's
rules apply to everything they show. The import-linter contract in pyproject.toml keeps it so."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.test_layering import ROOT, imported_modules

CLIENTS = [
    "gridwatch.ui",
    "gridwatch.wall",
    "gridwatch.video",
    "gridwatch.talk",
    "gridwatch.cli",
    "gridwatch.api",
]
FORBIDDEN = ["sqlalchemy", "gridwatch.db.models"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def read_path_contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["type"] == "forbidden" and "sqlalchemy" in c["forbidden_modules"]
        and "gridwatch.ui" in c["source_modules"]
    ]  # fmt: skip
    assert len(found) == 1, "pyproject.toml has no (or more than one) read-path contract"
    return found[0]


def test_the_contract_names_every_client_and_both_forbidden_modules() -> None:
    contract = read_path_contract()
    assert sorted(contract["source_modules"]) == sorted(CLIENTS)  # type: ignore[arg-type]
    assert sorted(contract["forbidden_modules"]) == sorted(FORBIDDEN)  # type: ignore[arg-type]


@pytest.mark.parametrize("package", CLIENTS)
def test_no_client_module_imports_sql_or_tables(package: str) -> None:
    folder = ROOT / "app" / package.removeprefix("gridwatch.")
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(folder.rglob("*.py"))
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_contract_breaks_on_a_client_that_reads_a_table(tmp_path: Path) -> None:
    """The contract as written, run by import-linter over a small package shaped like ours: a UI module
    importing the tables directly, and a CLI module importing SQLAlchemy, both break it."""
    package = tmp_path / "gridwatch"
    for sub in ("db", *(c.removeprefix("gridwatch.") for c in CLIENTS)):
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "db" / "models.py").write_text("")
    (package / "db" / "reads.py").write_text("from gridwatch.db import models\n")
    (package / "ui" / "fine.py").write_text("from gridwatch.db import reads\n")  # indirect: allowed
    (package / "ui" / "bad.py").write_text("from gridwatch.db.models import Case\n")
    (package / "cli" / "bad.py").write_text("import sqlalchemy\n")
    contract = {k: v for k, v in read_path_contract().items()}
    lines = ["[tool.importlinter]", 'root_package = "gridwatch"', "include_external_packages = true", ""]
    lines.append("[[tool.importlinter.contracts]]")
    for key, value in contract.items():
        lines.append(f"{key} = {value!r}".replace("True", "true").replace("'", '"'))
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = " ".join(result.stdout.split())
    assert result.returncode == 1, out
    assert "BROKEN" in out and "gridwatch.ui.bad -> gridwatch.db.models" in out
    assert "gridwatch.cli.bad -> sqlalchemy" in out
    assert "gridwatch.ui.fine" not in out
