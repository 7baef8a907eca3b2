"""The evaluation workbook (issue 13 item 4), opened by openpyxl: its sheets, typed cells, rate formats,
the total rows, frozen headers and widths, in both languages and for an empty period."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from gridwatch.db.reads.evaluation import Evaluation, evaluate
from gridwatch.db.store import Store
from gridwatch.reports.xlsx import display_width, write_workbook
from tests.db.test_evaluation import NOV
from tests.reports.conftest import EMPTY

ZH_GROUPS = {"department": "部门", "street": "街道", "grid": "网格", "source": "来源", "category": "类别",
             "level": "层级", "center": "中心"}  # fmt: skip


def rows_of(sheet: Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_workbook_has_a_formatted_sheet_per_grouping_with_its_total(
    november: tuple[Store, Evaluation], tmp_path: Path
) -> None:
    _, ev = november
    path = tmp_path / "evaluation.xlsx"
    sheets = ["概况", *(ZH_GROUPS[by] for by in ev.groups), "网格员", "每日"]  # the evaluation's groupings
    assert sheets[1:6] == ["部门", "街道", "网格", "来源", "类别"]
    assert write_workbook(ev, path, "zh_CN") == sheets
    book = load_workbook(path)
    assert book.sheetnames == sheets
    departments = book["部门"]
    header = [c.value for c in departments[1]]
    assert header[:8] == [
        "编码",
        "名称",
        "上报数",
        "立案数",
        "自行处置数",
        "应处置数",
        "处置数",
        "按期处置数",
    ]
    assert header[-2:] == ["综合得分", "等级"] and departments.freeze_panes == "C2"
    assert all(c.font.bold for c in departments[1])
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in rows_of(departments)[1:]}
    cgj = rows["CGJ"]
    assert (cgj["名称"], cgj["上报数"], cgj["应处置数"], cgj["处置数"]) == ("城管执法局", 4, 4, 3)
    assert cgj["处置率"] == 0.75 and isinstance(cgj["上报数"], int)  # numbers as numbers
    assert cgj["综合得分"] == round(ev.groups["department"].rows[0].score(ev.weights) or 0, 2)
    assert rows["SZ"]["结案率"] == "—"  # nothing due to close: undefined, not 0%
    last = departments.max_row
    total = dict(zip(header, [c.value for c in departments[last]], strict=True))
    assert (total["名称"], total["上报数"], total["立案数"], total["应处置数"], total["处置数"]) == (
        "合计",
        6,
        5,
        5,
        3,
    )
    assert (total["按期处置数"], total["应结案数"], total["结案数"], total["按期结案数"]) == (2, 3, 2, 1)
    assert total["处置率"] == 0.6 and abs(total["按期结案率"] - 1 / 3) < 1e-12
    rate_column = header.index("处置率") + 1
    assert departments.cell(row=last, column=rate_column).number_format == "0.00%"
    assert departments.cell(row=2, column=rate_column).number_format == "0.00%"
    assert all(c.font.bold for c in departments[last])
    name_width = departments.column_dimensions["B"].width
    assert name_width is not None and name_width >= display_width("城管执法局") + 2 == 12
    grids = rows_of(book["网格"])
    assert [r[0] for r in grids[1:-1]] == ["35020300100101", "35020300100201"] and grids[-1][2] == 6
    workers = rows_of(book["网格员"])
    assert workers[0][:5] == ["账号", "名称", "上报数", "有效上报数", "有效上报率"]
    worker = next(r for r in workers if r[0] == "worker")
    assert worker[2:5] == [4, 4, 1.0]
    days = rows_of(book["每日"])
    assert days[-1][:3] == ["合计", 6, 2] and len(days) == 1 + 30 + 1
    summary = {r[0]: r[1] for r in rows_of(book["概况"])}
    assert summary["考评期间"] == "2025-11-01 – 2025-11-30" and summary["考评范围"] == "全辖区"
    assert summary["上报数"] == 6 and summary["处置率"] == 0.6


def test_english_labels(november: tuple[Store, Evaluation], tmp_path: Path) -> None:
    _, ev = november
    path = tmp_path / "en.xlsx"
    names = write_workbook(ev, path, "en")
    assert names[:6] == ["Summary", "Departments", "Streets", "Grids", "Sources", "Categories"]
    assert names[-2:] == ["Grid workers", "Daily"] and len(names) == len(ev.groups) + 3
    sheet = load_workbook(path)["Departments"]
    assert [c.value for c in sheet[1]][:3] == ["Code", "Name", "Reported"]
    assert sheet.cell(row=sheet.max_row, column=2).value == "Total"


def test_a_scope_and_an_empty_period(november: tuple[Store, Evaluation], tmp_path: Path) -> None:
    store, _ = november
    scoped = evaluate(store, *NOV, scope="350203001002")
    path = tmp_path / "scope.xlsx"
    write_workbook(scoped, path)
    summary = {r[0]: r[1] for r in rows_of(load_workbook(path)["概况"])}
    assert summary["考评范围"] == "社区2" and summary["上报数"] == 2
    empty = evaluate(store, *EMPTY)
    path = tmp_path / "empty.xlsx"
    write_workbook(empty, path)
    book = load_workbook(path)
    summary_rows = rows_of(book["概况"])
    assert ["本期间无案件", None] in summary_rows
    total = [c.value for c in book["部门"][book["部门"].max_row]]
    assert total[1] == "合计" and total[2] == 0 and total[8] == "—"
