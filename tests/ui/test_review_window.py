"""`gridwatch review` and the review workspace: who may open it, its errors, the desk's View menu, the
screenshot, and the evaluation's Excel export from the window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.errors import StoreError
from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.store import Store, utcnow
from gridwatch.ui.application import make_application
from gridwatch.ui.login import LoginDialog, find_login
from gridwatch.ui.main_window import MainWindow
from gridwatch.ui.review.evaluation import EvaluationPane
from gridwatch.ui.review.run import choose_login, reviewer
from tests.cli.test_cases_cli import url_of
from tests.conftest import STAFF
from tests.db.test_evaluation import NOV, seed

runner = CliRunner()


def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "COLUMNS": "200",
    }


def test_an_unreachable_store_exits_3_without_a_window(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", "review", "--db", "postgresql://x@127.0.0.1:1/none",
         "--screenshot", str(tmp_path / "r.png")],
        env=env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "Cannot reach the case store" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.png").exists()


def test_an_unknown_tab_is_a_clear_error(sqlite_store: Store) -> None:
    result = runner.invoke(app, ["review", "--db", sqlite_store.url, "--tab", "charts"])
    assert result.exit_code == 1
    assert "Unknown tab 'charts': choose one of closure, evaluation, map." in result.output


def test_only_reviewers_open_the_station(store: Store, staff: dict[str, str]) -> None:
    make_application("en")
    with pytest.raises(StoreError, match="'handler' may not open the review station"):
        choose_login(store, "handler", unattended=True)
    with pytest.raises(StoreError, match="No active person with username 'nobody'"):
        choose_login(store, "nobody", unattended=True)
    login = choose_login(store, "supervisor", unattended=True)
    assert login is not None and login.username == "supervisor"
    # unattended (a screenshot): a supervisor, preferring one who can also decide; the demo's admin is both
    chosen = reviewer(store)
    assert chosen is not None and "supervisor" in chosen.roles


def test_the_sign_in_offers_the_review_station_to_a_supervisor(store: Store, staff: dict[str, str]) -> None:
    make_application("en")
    dialog = LoginDialog(store)
    for row in range(dialog.people.count()):
        if dialog.people.item(row).text().startswith("Supervisor  (supervisor)"):
            dialog.people.setCurrentRow(row)
    offered = [dialog.workspace.itemData(i) for i in range(dialog.workspace.count())]
    assert offered == ["dispatcher", "review"]
    assert dialog.workspace.itemText(1) == "Review station"


@pytest.fixture
def desks(qtbot: QtBot, tmp_path: Path) -> Iterator[list[MainWindow]]:
    make_application("en")
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        if window.review_window is not None:
            window.review_window.close()
        window.close()


def test_the_desk_opens_the_review_station_for_a_supervisor_only(
    store: Store, staff: dict[str, str], qtbot: QtBot, desks: list[MainWindow], tmp_path: Path
) -> None:
    for username in ("supervisor", "dispatcher"):
        login = find_login(store, username)
        assert login is not None
        ini = QSettings(str(tmp_path / f"{username}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, login, "dispatcher", ini, live=False, with_map=False)
        qtbot.addWidget(window)
        desks.append(window)
        action = next(a for a in window.findChildren(type(window.toolbar.toggleViewAction()))
                      if a.objectName() == "openReview")  # fmt: skip
        assert action.isEnabled() == (username == "supervisor")
    supervisor = desks[0]
    review = supervisor.open_review()
    assert review.isVisible() and review.login.username == "supervisor"
    assert supervisor.open_review() is review  # one at a time


def test_the_window_exports_the_evaluation_as_a_workbook_and_a_pdf(
    store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    seed(store)
    make_application("en")
    pane = EvaluationPane(store)
    qtbot.addWidget(pane)
    pane.set_period(*NOV)
    written = pane.export("xlsx", tmp_path / "november.xlsx")
    assert written == tmp_path / "november.xlsx"
    book = load_workbook(written)
    assert len(book.sheetnames) >= 6
    values = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 6 in values and "Total" in [str(v) for v in values]  # the total row: six cases reported
    pdf = pane.export("pdf", tmp_path / "november.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 5


@pytest.mark.slow
def test_a_screenshot_of_the_evaluation_and_the_map(sqlite_store: Store, tmp_path: Path) -> None:
    """The command as a person runs it, in its own process, on a store with November's cases."""
    staff_store = sqlite_store
    with staff_store.session() as s:
        for code in ("CGJ", "SZ"):
            s.add(Department(code=code, name=code, updated_at=utcnow()))
        s.flush()
        cgj = s.query(Department.id).filter(Department.code == "CGJ").scalar()
        for username, roles in STAFF.items():
            s.add(Person(username=username, name=username.title(), updated_at=utcnow(),
                         department_id=cgj if username == "handler" else None,
                         roles=[PersonRole(role=r) for r in roles]))  # fmt: skip
    seed(staff_store)
    for tab in ("evaluation", "map"):  # the closure tab is driven in test_review_closure.py
        shot = tmp_path / f"{tab}.png"
        result = subprocess.run(
            [sys.executable, "-m", "gridwatch", "review", "--db", url_of(staff_store), "--as", "supervisor",
             "--lang", "zh_CN", "--tab", tab, "--screenshot", str(shot)],
            env=env(tmp_path), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        image = QImage(str(shot))
        assert (image.width(), image.height()) == (1600, 960)


def test_the_demos_store_signs_in_by_itself(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gridwatch review` on the demo's store opens as its reviewer without asking, like `gridwatch demo`;
    any other store asks who is at the desk."""
    import shutil

    import gridwatch.ui.review.run as run

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("GRIDWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    demo = tmp_path / "data" / "gridwatch" / "demo.sqlite"
    demo.parent.mkdir(parents=True)
    shutil.copy(sqlite_template, demo)
    other = tmp_path / "site.sqlite"
    shutil.copy(sqlite_template, other)
    calls: list[bool] = []

    def fake(*_args: object, auto_sign_in: bool = False, **_kw: object) -> int:
        calls.append(auto_sign_in)
        return 0

    monkeypatch.setattr(run, "run_review", fake)
    assert runner.invoke(app, ["review"]).exit_code == 0  # no store of its own: the demo's
    assert runner.invoke(app, ["review", "--db", str(other)]).exit_code == 0
    assert calls == [True, False]
