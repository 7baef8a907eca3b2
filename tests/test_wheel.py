"""A wheel built from the repository carries every module, the migrations and the compiled translations,
and runs installed non-editable: the command line, seeding a store, and the Chinese UI.

The checkout is a symlink view (docs/ARCHITECTURE.md); the wheel is what a desk installs, so it must not
need the checkout at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEW = ROOT / "gridwatch"  # the import view of app/, db/, layers/, plugins/ and resources/


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("gridwatch-*.whl")
    return built


def source_modules() -> set[str]:
    """The modules of the import view, as the wheel names them (through the view's symlinks)."""
    found = set()
    for folder, subfolders, files in os.walk(VIEW, followlinks=True):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        found |= {
            f"gridwatch/{(Path(folder) / f).relative_to(VIEW).as_posix()}" for f in files if f.endswith(".py")
        }
    return found


@pytest.mark.slow
def test_wheel_carries_modules_migrations_and_translations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = source_modules()
    assert {
        "gridwatch/db/migrations/env.py",
        "gridwatch/db/migrations/versions/0001_initial_schema.py",
    } <= modules
    assert modules - names == set()
    assert "gridwatch/db/migrations/script.py.mako" in names
    qm = {
        "gridwatch/resources/translations/gridwatch_zh_CN.qm",
        "gridwatch/resources/translations/gridwatch_en.qm",
    }
    assert qm <= names
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("gridwatch/resources/translations/gridwatch_zh_CN.qm")
    assert shipped == (ROOT / "resources" / "translations" / "gridwatch_zh_CN.qm").read_bytes()
    assert not {n for n in names if n.startswith(("tests/", "bench/", "installer/")) or n.endswith(".ts")}


@pytest.mark.slow
def test_installed_wheel_runs_without_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # the dependencies come from this environment (installing them anew takes a minute and a network);
    # a path in a .pth file is only searched, its own .pth files (the editable install's hook) are not run
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COLUMNS": "200", "XDG_DATA_HOME": str(tmp_path)}
    env.pop("PYTHONPATH", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)

    usage = run(str(venv / "bin" / "gridwatch"), "--help")
    assert usage.returncode == 0, usage.stderr
    assert "dispatcher" in usage.stdout and "seed" in usage.stdout
    store = tmp_path / "demo.sqlite"
    seeded = run(
        str(venv / "bin" / "gridwatch"), "seed", "demo", "--cases", "10", "--db", f"sqlite:///{store}"
    )
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo district seeded" in seeded.stdout
    ui = run(
        str(python),
        "-c",
        "import gridwatch\n"
        "from gridwatch.ui.application import TRANSLATIONS, make_application\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "make_application('zh_CN')\n"
        "print(gridwatch.__file__)\n"
        "print(TRANSLATIONS)\n"
        "print(QCoreApplication.translate('VideoPane', 'Video lost'))\n",
    )
    assert ui.returncode == 0, ui.stderr
    where, translations, text = ui.stdout.splitlines()[-3:]
    assert where == str(site / "gridwatch" / "__init__.py")
    assert translations == str(site / "gridwatch" / "resources" / "translations")
    assert text == "视频丢失"
