"""The evaluation as an Excel workbook: a summary sheet, then one formatted sheet per grouping, the grid
workers and the days. Numbers are numbers, rates are fractions shown as 0.00% (so a supervisor can sum
and chart them), the total row is bold under a rule, headers are frozen and filterable, and column
widths count a Chinese character as two."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridwatch.db.reads.evaluation import Evaluation
from gridwatch.db.spreadsheet import append_xlsx_row
from gridwatch.reports.labels import Lang, text
from gridwatch.reports.tables import WEIGHTED, Cell, Kind, ReportTable, all_tables, shown

RATE_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
RULE = Border(top=Side(style="thin"), bottom=Side(style="double"))
SHEET_NAME_MAX = 31


def display_width(value: str) -> int:
    """Columns a text takes in a spreadsheet: a wide (CJK) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def write_workbook(ev: Evaluation, path: Path, lang: Lang = "zh_CN") -> list[str]:
    """Write the workbook; returns its sheet names in order."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = text("summary", lang)
    _summary(summary, ev, lang)
    for table in all_tables(ev, lang):
        _sheet(book.create_sheet(table.title[:SHEET_NAME_MAX]), table)
    book.save(path)
    return list(book.sheetnames)


def _summary(sheet: Worksheet, ev: Evaluation, lang: Lang) -> None:
    scope = ev.scope_name or ev.scope or text("territory", lang)
    lines: list[tuple[str, Cell, Kind]] = [
        (text("title", lang), None, "text"),
        (text("period", lang), f"{ev.start:%Y-%m-%d} – {ev.end:%Y-%m-%d}", "text"),
        (text("scope", lang), scope, "text"),
        (text("as_of", lang), ev.as_of.astimezone(ZoneInfo(ev.tz)).strftime("%Y-%m-%d %H:%M"), "text"),
    ]
    if ev.empty:
        lines.append((text("no_cases", lang), None, "text"))
    t = ev.total
    for key, kind in (
        ("reported", "int"), ("registered", "int"), ("self_handled", "int"), ("to_handle", "int"),
        ("handled", "int"), ("handle_rate", "rate"), ("handled_on_time", "int"),
        ("handle_on_time_rate", "rate"),
        ("due_to_close", "int"), ("closed", "int"), ("close_rate", "rate"), ("closed_on_time", "int"),
        ("close_on_time_rate", "rate"), ("rework_rate", "rate"), ("extension_rate", "rate"),
        ("overdue_rate", "rate"), ("rated", "int"), ("satisfaction_rate", "rate"),
    ):  # fmt: skip
        lines.append((text(key, lang), getattr(t, key), kind))  # type: ignore[arg-type]
    weights = ", ".join(f"{text(WEIGHTED[k], lang)}×{v:g}" for k, v in ev.weights.items() if k in WEIGHTED)
    lines.append((text("weights", lang), weights, "text"))
    for label, value, kind in lines:
        _append(sheet, [label, value], ["text", kind])
    sheet["A1"].font = Font(bold=True, size=14)
    _widths(sheet, [[label for label, _, _ in lines], [shown(v, k) for _, v, k in lines]])


def _append(sheet: Worksheet, values: list[Cell], kinds: list[Kind]) -> None:
    """A row with typed cells: text never a formula; an undefined rate is "—" (text), not 0."""
    cells: list[Cell] = []
    for value, kind in zip(values, kinds, strict=True):
        cells.append("—" if value is None and kind in ("rate", "score") else value)
    append_xlsx_row(sheet, cells)
    row = sheet.max_row
    for column, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
        cell = sheet.cell(row=row, column=column)
        if value is None:
            cell.alignment = Alignment(horizontal="right")
        elif kind == "rate":
            cell.number_format = RATE_FORMAT
        elif kind == "score":
            cell.number_format = SCORE_FORMAT


def _sheet(sheet: Worksheet, table: ReportTable) -> None:
    kinds = [c.kind for c in table.columns]
    append_xlsx_row(sheet, [c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=False)
    for row in table.rows:
        _append(sheet, list(row), kinds)
    if table.total is not None:
        _append(sheet, list(table.total), kinds)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
            cell.border = RULE
    sheet.freeze_panes = "C2" if table.columns[1].key == "name" else "B2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    texts = [[c.label] + [shown(r[i], c.kind) for r in table.rows] for i, c in enumerate(table.columns)]
    if table.total is not None:
        for i, c in enumerate(table.columns):
            texts[i].append(shown(table.total[i], c.kind))
    _widths(sheet, texts)


def _widths(sheet: Worksheet, columns: list[list[str]]) -> None:
    for i, values in enumerate(columns, start=1):
        width = max((display_width(v) for v in values if v), default=6)
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
