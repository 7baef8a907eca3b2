"""The review station's evaluation pane on real widgets: its numbers are `gridwatch report metrics`'s for the
same store (the CLI run in-process on the same SQLite file or PostgreSQL schema), every number drills down
to exactly the cases behind it, an empty period says so, the thematic map colours grids by the same
figures, and a community's supervisor on PostgreSQL sees only what row-level security shows them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.reads import evaluation as reads
from gridwatch.db.store import Store
from gridwatch.layers.org import OrgLevel
from gridwatch.layers.thematic import grid_km2
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.review import evaluation as pane_module
from gridwatch.ui.review.evaluation import KEY_ROLE, ROW_KEY_ROLE, TOTAL_KEY, EvaluationPane
from gridwatch.ui.review.thematic import ThematicMap
from tests.cli.test_cases_cli import url_of
from tests.db.test_evaluation import C2, G1, G2, NOV, seed, street_supervisor  # noqa: F401  (a fixture)

runner = CliRunner()
GROUPS = ("department", "street", "grid", "source", "category")
COUNTS = ("reported", "registered", "self_handled", "to_handle", "handled", "handled_on_time",
          "due_to_close", "closed", "closed_on_time", "rated")  # fmt: skip
RATES = ("handle_rate", "handle_on_time_rate", "close_rate", "close_on_time_rate", "rework_rate",
         "extension_rate", "overdue_rate", "satisfaction_rate")  # fmt: skip


@pytest.fixture
def pane(qtbot: QtBot) -> Iterator[list[EvaluationPane]]:
    make_application("en")
    made: list[EvaluationPane] = []
    yield made
    for p in made:
        p.shutdown()
        if p.drill_dialog is not None:
            p.drill_dialog.close()


def open_pane(
    qtbot: QtBot, made: list[EvaluationPane], store: Store, scope: str | None = None
) -> EvaluationPane:
    p = EvaluationPane(store)
    qtbot.addWidget(p)
    p.resize(1500, 800)
    p.show()
    made.append(p)
    choose(p, *NOV, scope)
    return p


Seeded = tuple[dict[str, str], EvaluationPane]


@pytest.fixture
def seeded(store: Store, staff: dict[str, str], qtbot: QtBot, pane: list[EvaluationPane]) -> Seeded:
    """November 2025's known cases (name → case number, tests/db/test_evaluation.py's `seed`) and a pane
    showing that month over the whole territory."""
    cases = seed(store)
    return cases, open_pane(qtbot, pane, store)


def choose(p: EvaluationPane, start: date, end: date, scope: str | None = None) -> None:
    """Pick a period as a person does and wait for its figures (the pane reads them off the GUI thread)."""
    p.set_period(start, end, scope)
    assert p.wait_loaded(30_000)


def shown(p: EvaluationPane, group: str) -> dict[str, dict[str, str]]:
    """Row key → column key → the text in the window."""
    table = p.tables[group]
    columns = p.columns(group)
    return {
        str(table.item(r, 0).data(ROW_KEY_ROLE)): {c: table.item(r, i).text() for i, c in enumerate(columns)}
        for r in range(table.rowCount())
    }


def cli_rows(store: Store, group: str) -> dict[str, dict[str, object]]:
    result = runner.invoke(
        app,
        ["report", "metrics", "--from", "2025-11-01", "--to", "2025-11-30", "--by", group, "--format", "json",
         "--db", url_of(store)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    start = result.output.index("[")
    rows = json.loads(result.output[start:])
    return {("total" if r.get("row") == "total" else r["key"]): r for r in rows}


def test_the_numbers_in_the_window_are_report_metrics(store: Store, seeded: Seeded) -> None:
    _, p = seeded
    assert p.stack.currentWidget() is p.body
    for group in GROUPS:
        window, cli = shown(p, group), cli_rows(store, group)
        assert set(window) == set(cli), group
        assert TOTAL_KEY in window
        for key, row in cli.items():
            for column in COUNTS:
                assert window[key][column] == str(row[column]), (group, key, column)
            for column in RATES:
                assert window[key][column] == row[column], (group, key, column)
            if group == "department" and key != TOTAL_KEY:
                assert window[key]["grade"] == (row["grade"] or "—")
                assert window[key]["score"] == ("—" if row["score"] is None else f"{row['score']:.2f}")
    total = shown(p, "department")[TOTAL_KEY]
    assert (total["name"], total["reported"], total["to_handle"], total["handle_rate"]) == (
        "Total", "6", "5", "60.00%")  # fmt: skip
    assert "reported 6" in p.summary.text()


def test_every_number_drills_down_to_exactly_the_cases_counted(
    store: Store, qtbot: QtBot, seeded: Seeded
) -> None:
    cases, p = seeded
    table = p.tables["department"]
    columns = p.columns("department")
    checked = 0
    for r in range(table.rowCount()):
        for c, column in enumerate(columns):
            if column not in COUNTS:
                continue
            dialog = p.drill_cell(table, r, c)
            assert dialog is not None
            assert len(dialog.refs) == int(table.item(r, c).text()), (r, column)
            group, key, metric = table.item(r, c).data(KEY_ROLE)
            expected = reads.drill(store, *NOV, group, key, metric, as_of=p.evaluation.as_of)  # type: ignore[union-attr]
            assert dialog.case_numbers() == [ref.case_no for ref in expected]
            dialog.close()
            checked += 1
    assert checked >= 20
    # the total's reported, opened by a double-click: the six cases of November, the first in the detail
    total_row = next(r for r in range(table.rowCount()) if table.item(r, 0).data(ROW_KEY_ROLE) == TOTAL_KEY)
    item = table.item(total_row, columns.index("reported"))
    table.scrollToItem(item)
    cell = table.visualItemRect(item).center()
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=cell
    )  # a view acts on the cell it pressed
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    dialog = p.drill_dialog
    assert dialog is not None and sorted(dialog.case_numbers()) == sorted(cases.values())
    assert dialog.detail.view is not None and dialog.detail.view.case.case_no == dialog.case_numbers()[0]
    # CGJ's late cases (handled after the deadline, or still open past it): the two late ones
    dept = shown(p, "department")
    assert dept["CGJ"]["late"] == "2"
    cgj = next(r for r in range(table.rowCount()) if table.item(r, 0).data(ROW_KEY_ROLE) == "CGJ")
    late = p.drill_cell(table, cgj, columns.index("late"))
    assert late is not None and sorted(late.case_numbers()) == sorted([cases["late"], cases["open_late"]])
    # a rate drills down to its numerator's cases: CGJ's on-time close rate → its closed on time
    rate = p.drill_cell(table, cgj, columns.index("close_on_time_rate"))
    assert rate is not None and rate.case_numbers() == [cases["on_time"]]


def test_an_empty_period_says_no_cases(seeded: Seeded) -> None:
    _, p = seeded
    choose(p, date(2024, 2, 1), date(2024, 2, 29))
    assert p.stack.currentWidget() is p.no_cases and p.no_cases.isVisible()
    assert p.no_cases.text() == "No cases in this period and scope."
    assert not p.xlsx_button.isEnabled() and not p.pdf_button.isEnabled()
    choose(p, *NOV)
    assert p.stack.currentWidget() is p.body


def test_a_bad_period_is_said_and_no_stale_numbers_stay(seeded: Seeded) -> None:
    _, p = seeded
    messages: list[str] = []
    p.message.connect(messages.append)
    choose(p, date(2025, 11, 30), date(2025, 11, 1))
    assert messages == ["The period ends (2025-11-01) before it starts (2025-11-30)."]
    assert p.no_cases.text() == messages[0] and p.stack.currentWidget() is p.no_cases
    assert p.evaluation is None and not p.xlsx_button.isEnabled()
    assert p.drill_cell(p.tables["department"], 0, 2) is None
    choose(p, date(2024, 1, 1), date(2025, 11, 30))
    assert "at most 366 days" in messages[-1]
    choose(p, *NOV)
    assert p.stack.currentWidget() is p.body and p.evaluation is not None


def test_a_slow_read_leaves_the_window_answering_and_only_the_newest_choice_shows(
    store: Store,
    staff: dict[str, str],
    qtbot: QtBot,
    pane: list[EvaluationPane],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The evaluation is read off the GUI thread: while a read is held up the window says it is counting;
    a period and scope picked meanwhile are what it then shows, the held-up answer never."""
    seed(store)
    p = open_pane(qtbot, pane, store)
    real = pane_module.evaluate
    asked: list[tuple[date, date, str | None]] = []
    started, release = threading.Event(), threading.Event()

    def slow(store_: Store, start: date, end: date, scope: str | None = None) -> reads.Evaluation:
        asked.append((start, end, scope))
        if len(asked) == 1:
            started.set()
            assert release.wait(30)
        return real(store_, start, end, scope)

    monkeypatch.setattr(pane_module, "evaluate", slow)
    answers: list[reads.Evaluation] = []
    p.evaluated.connect(answers.append)
    p.set_period(date(2024, 2, 1), date(2024, 2, 29))  # an empty month: would say "no cases"
    assert started.wait(10) and p.busy
    assert p.summary.text() == "Counting…"  # the GUI thread came back while the store is being read
    assert not p.xlsx_button.isEnabled()
    p.set_period(*NOV, C2)
    release.set()
    assert p.wait_loaded(30_000)
    assert asked == [(date(2024, 2, 1), date(2024, 2, 29), None), (*NOV, C2)]
    assert [(a.start, a.end, a.scope) for a in answers] == [(*NOV, C2)]  # the stale answer was dropped
    assert p.evaluation is answers[0] and p.stack.currentWidget() is p.body
    assert shown(p, "grid")[TOTAL_KEY]["reported"] == "2" and p.xlsx_button.isEnabled()


def test_a_scope_narrows_the_window_to_it(
    store: Store, staff: dict[str, str], qtbot: QtBot, pane: list[EvaluationPane]
) -> None:
    seed(store)
    p = open_pane(qtbot, pane, store, scope=C2)
    assert set(shown(p, "grid")) == {G2, TOTAL_KEY}
    assert shown(p, "grid")[TOTAL_KEY]["reported"] == "2"
    p.scope.setCurrentIndex(p.scope.findData(None))  # picking another scope re-reads at once
    assert p.wait_loaded(30_000)
    assert shown(p, "grid")[TOTAL_KEY]["reported"] == "6" and p.evaluation is not None
    assert p.evaluation.scope is None


def test_the_thematic_map_colours_grids_by_the_evaluation(store: Store, qtbot: QtBot, seeded: Seeded) -> None:
    _, p = seeded
    thematic = ThematicMap(store)
    qtbot.addWidget(thematic)
    assert thematic.wait_loaded(15_000)
    ev = p.evaluation
    assert ev is not None
    thematic.set_evaluation(ev)
    polys = thematic.map.org.levels[OrgLevel.GRID]  # type: ignore[attr-defined]
    codes = {i: code for code, i in ev.unit_ids.items()}
    order = [codes[int(i)] for i in polys.ids]
    reported = {G1: 4, G2: 2}
    km2 = grid_km2(polys)
    assert thematic.values is not None
    expected = [reported[c] / km2[int(i)] for c, i in zip(order, polys.ids, strict=True)]
    np.testing.assert_allclose(thematic.values, expected)
    assert all(1.0 < a < 1.2 for a in km2.values())  # 0.01° × 0.01° at 24.5° N ≈ 1.1 km²
    thematic.set_theme("overdue_rate")
    # still open past the deadline at the period's end, of those dispatched: grid 1 the extended one of
    # three, grid 2 the open late one of two
    overdue = {G1: 1 / 3, G2: 0.5}
    np.testing.assert_allclose(thematic.values, [overdue[c] for c in order])
    assert thematic.map.org.snapshot().metric is not None  # type: ignore[attr-defined]
    thematic.set_theme("score")
    scores = {r.key: r.score(ev.weights) for r in ev.groups["grid"].rows}
    np.testing.assert_allclose(thematic.values, [scores[c] for c in order])
    thematic.set_theme("heatmap")
    assert thematic.map.heatmap.visible and thematic.map.org.snapshot().metric is None  # type: ignore[attr-defined]
    thematic.shutdown()


@pytest.mark.postgres
def test_a_community_supervisor_sees_only_their_community(
    street_supervisor: tuple[Store, dict[str, str]],  # noqa: F811
    qtbot: QtBot,
    pane: list[EvaluationPane],
) -> None:
    signed, cases = street_supervisor
    p = open_pane(qtbot, pane, signed)
    assert set(shown(p, "grid")) == {G2, TOTAL_KEY}
    assert shown(p, "department")[TOTAL_KEY]["reported"] == "2"
    table: QTableWidget = p.tables["department"]
    total_row = table.rowCount() - 1
    dialog = p.drill_cell(table, total_row, p.columns("department").index("reported"))
    assert dialog is not None and sorted(dialog.case_numbers()) == sorted(
        [cases["rework"], cases["open_late"]]
    )
    login = find_login(signed, signed.whoami() or "")
    assert login is not None and "supervisor" in login.roles


def test_a_grid_workers_figures_drill_down_to_their_cases(seeded: Seeded) -> None:
    cases, p = seeded
    table = p.tables["worker"]
    columns = p.columns("worker")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "worker")
    assert table.item(row, columns.index("reports")).text() == "4"  # the grid worker's own reports
    dialog = p.drill_cell(table, row, columns.index("reports"))
    assert dialog is not None
    mine = [cases[k] for k in ("on_time", "rework", "open_late", "extended")]
    assert sorted(dialog.case_numbers()) == sorted(mine)
    assert p.drill_cell(table, row, columns.index("days_on")) is None  # attendance counts clocks, not cases
