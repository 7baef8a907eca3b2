"""`gridwatch report metrics`: the evaluation figures for a period, as centers publish them."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich import box
from rich.console import Console, Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from gridwatch.cli.root import DbOption, FromOption, ToOption, app, console, errors, open_store
from gridwatch.db.metrics import GROUP_KEYS, compute, total_row
from gridwatch.db.spreadsheet import append_xlsx_row, neutralise

report_app = typer.Typer(help="Reports for supervisors.", no_args_is_help=True)
app.add_typer(report_app, name="report")

COLUMNS = [
    ("key", "code"),
    ("name", "name"),
    ("reported", "上报数"),
    ("registered", "立案数"),
    ("self_handled", "自行处置数"),
    ("to_handle", "应处置数"),
    ("handled", "处置数"),
    ("handled_on_time", "按期处置数"),
    ("handle_rate", "处置率"),
    ("handle_on_time_rate", "按期处置率"),
    ("due_to_close", "应结案数"),
    ("closed", "结案数"),
    ("closed_on_time", "按期结案数"),
    ("close_rate", "结案率"),
    ("close_on_time_rate", "按期结案率"),
    ("rework_rate", "返工率"),
    ("extension_rate", "延期率"),
    ("overdue_rate", "超期待处置率"),
    ("rated", "评价数"),
    ("satisfaction_rate", "满意率"),
    ("score", "综合得分"),
    ("grade", "等级"),
    ("estimated_calendar", "估算日历"),
]


BRIEF = {
    "key",
    "name",
    "reported",
    "registered",
    "to_handle",
    "handle_rate",
    "handle_on_time_rate",
    "due_to_close",
    "close_rate",
    "close_on_time_rate",
    "score",
    "grade",
}
"""The columns a terminal table shows when it has room; csv, json and xlsx carry all of them."""
NARROW = [
    "key",
    "name",
    "reported",
    "to_handle",
    "handle_rate",
    "handle_on_time_rate",
    "close_on_time_rate",
    "grade",
]
"""The fewest columns a table shows before it turns into one block per group."""
TOTAL_KEY, TOTAL_NAME = "total", "合计"
"""The total row's key and name in every format (json rows also say `"row": "total"`)."""


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@report_app.command("metrics")
def metrics(
    start: date = FromOption,
    end: date = ToOption,
    by: str = typer.Option("department", "--by", help="Group by: " + ", ".join(GROUP_KEYS) + "."),
    fmt: Format = typer.Option(Format.table, "--format"),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (required for xlsx)."),
    db: str | None = DbOption,
) -> None:
    """处置率, 按期处置率, 结案率, 按期结案率 and the rest, for the days FROM..TO, grouped by a key."""
    if end < start:
        errors.print(f"[red]The period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d}).[/red]")
        raise typer.Exit(1)
    if by not in GROUP_KEYS:
        errors.print(f"[red]Cannot group by '{by}': choose one of {', '.join(GROUP_KEYS)}.[/red]")
        raise typer.Exit(1)
    first, last = start, end
    with open_store(db) as store, store.session() as session:
        calendar = store.rules(session).calendar
        computed = compute(session, first, last, by, calendar=calendar)
        total = total_row(computed, TOTAL_KEY, TOTAL_NAME)
        rows = [{**r.as_dict(), "row": "group"} for r in computed] + [{**total.as_dict(), "row": "total"}]
        # a deadline runs at most weeks past the period: the years it can reach that nobody entered
        estimated = [y for y in range(first.year, last.year + 2) if not calendar.is_known(y)]
    note = None
    if any(r["estimated_calendar"] for r in rows):
        years = ", ".join(map(str, estimated)) or "a later year"
        note = (
            f"On-time figures of the rows marked 'estimated' rest on an estimated calendar for {years}: the "
            "State Council's holiday notice is not entered (gridwatch calendar check YEAR)."
        )
    if fmt is Format.json:
        text = _json(rows)
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _, label in COLUMNS])
        writer.writerows([[neutralise(_cell(r, k)) for k, _ in COLUMNS] for r in rows])  # names are site data
        text = buffer.getvalue()
    elif fmt is Format.xlsx:
        if out is None:
            errors.print("[red]--format xlsx needs --out FILE.xlsx[/red]")
            raise typer.Exit(1)
        _xlsx(rows, out)
        console.print(f"Wrote {len(rows) - 1} rows and the total to {out}")
        _warn(note)
        return
    else:
        width = shutil.get_terminal_size((80, 24)).columns
        screen = Console(width=width)  # sized now: $COLUMNS or the terminal, as `less -S` would see it
        title = f"{start:%Y-%m-%d} – {end:%Y-%m-%d}, by {by}"
        if len(rows) == 1:
            title += ": no cases in the period"
        screen.print(metrics_view(rows, title, screen, estimated=note is not None))
        _warn(note)
        return
    if out:
        out.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8")
        console.print(f"Wrote {len(rows) - 1} rows and the total to {out}")
    else:
        typer.echo(text, nl=False)
    _warn(note)


def metrics_view(
    rows: Sequence[dict[str, object]], title: str, screen: Console, *, estimated: bool = False
) -> Table | Group:
    """The widest table that fits the screen without cutting a header (every column, the brief ones, then
    the fewest), else one block per group: readable at 80 columns, full width when there is room."""
    for keys in ([k for k, _ in COLUMNS if k != "estimated_calendar"], sorted(BRIEF), NARROW):
        shown = [(k, label) for k, label in COLUMNS if k in keys or (k == "estimated_calendar" and estimated)]
        table = _table(rows, shown, title)
        if Measurement.get(screen, screen.options.update_width(10_000), table).maximum <= screen.width:
            return table
    return _blocks(rows, title, screen.width, estimated)


def _table(rows: Sequence[dict[str, object]], shown: list[tuple[str, str]], title: str) -> Table:
    totals = [r for r in rows if r.get("row") == "total"]  # the footer, under a rule
    table = Table(title=title, box=box.SIMPLE, show_edge=False, pad_edge=False, collapse_padding=True,
                  show_footer=bool(totals), footer_style="bold")  # fmt: skip
    for k, label in shown:
        numeric = k not in ("key", "name", "grade", "estimated_calendar")
        footer = _cell(totals[0], k) if totals else ""
        table.add_column(label, footer=footer, no_wrap=True, justify="right" if numeric else "left")
    for r in rows:
        if r.get("row") != "total":
            table.add_row(*[_cell(r, k) for k, _ in shown])
    return table


def _blocks(rows: Sequence[dict[str, object]], title: str, width: int, estimated: bool) -> Group:
    """One block per group: its code and name on a line, then "label value" pairs, as many a line as fit."""
    pairs = [
        (k, label)
        for k, label in COLUMNS
        if k not in ("key", "name") and (k != "estimated_calendar" or estimated)
    ]
    parts: list[Table | Text] = [Text(title, style="italic")]
    cell = max(len(label) * 2 + 10 for _, label in pairs)  # a CJK label is two cells wide
    per_line = max(1, width // cell)
    for r in rows:
        head = f"{r['key']}  {r['name']}"
        parts.append(Text(head, style="bold underline" if r.get("row") == "total" else "bold"))
        grid = Table.grid(padding=(0, 2))
        for _ in range(per_line):
            grid.add_column(no_wrap=True)
            grid.add_column(justify="right", no_wrap=True)
        line: list[str] = []
        for k, label in pairs:
            line += [label, _cell(r, k) or "—"]
            if len(line) == 2 * per_line:
                grid.add_row(*line)
                line = []
        if line:
            grid.add_row(*line, *[""] * (2 * per_line - len(line)))
        parts.append(grid)
    return Group(*parts)


def _cell(row: dict[str, object], key: str) -> str:
    value = row[key]
    if key == "estimated_calendar":
        return "estimated" if value else ""
    if key == "score" and isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _warn(note: str | None) -> None:
    """Said on stderr, so the JSON or CSV on stdout stays clean for a script."""
    if note:
        errors.print(f"[yellow]{note}[/yellow]")


def _json(rows: list[dict[str, object]]) -> str:
    import json

    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _xlsx(rows: list[dict[str, object]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_xlsx_row(sheet, [label for _, label in COLUMNS])
    for r in rows:  # text typed as text: a department name is never a live formula
        append_xlsx_row(sheet, [_cell(r, k) if k == "estimated_calendar" else r[k] for k, _ in COLUMNS])
    book.save(path)


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    pdf = "pdf"


class Language(StrEnum):
    zh_CN = "zh_CN"
    en = "en"


@report_app.command("evaluation")
def evaluation(
    start: date = FromOption,
    end: date = ToOption,
    scope: str | None = typer.Option(
        None,
        "--scope",
        help="Org-tree code of a district, street or community. Default: the whole territory.",
    ),
    lang: Language = typer.Option(Language.zh_CN, "--lang", help="The report's language."),
    fmt: ReportFormat = typer.Option(..., "--format", help="xlsx (a workbook) or pdf."),
    out: Path = typer.Option(..., "--out", help="The file to write."),
    db: str | None = DbOption,
) -> None:
    """The period's evaluation (考评) as a workbook or a PDF: the metrics per department, street, grid,
    source and category with the total row, scores and grades, grid workers, and (PDF) charts and a map."""
    if end < start:
        errors.print(f"[red]The period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d}).[/red]")
        raise typer.Exit(1)
    if not out.parent.is_dir():
        errors.print(f"[red]No folder {out.parent} to write {out.name} into.[/red]")
        raise typer.Exit(1)
    from gridwatch.db.reads.evaluation import evaluate
    from gridwatch.db.reads.map import org_areas

    with open_store(db) as store:
        ev = evaluate(store, start, end, scope)
        areas = org_areas(store) if fmt is ReportFormat.pdf else None
    partial = out.with_name(f".{out.name}.partial")  # a failed write leaves any earlier report as it was
    try:
        if fmt is ReportFormat.xlsx:
            from gridwatch.reports.xlsx import write_workbook

            sheets = write_workbook(ev, partial, lang.value)
            partial.replace(out)
            console.print(f"Wrote {out}: {len(sheets)} sheets ({', '.join(sheets)})")
        else:
            _qt_application()
            from gridwatch.reports.pdf import write_pdf

            pages = write_pdf(ev, partial, lang.value, areas=areas)
            partial.replace(out)
            console.print(f"Wrote {out}: {pages} pages")
    except OSError as exc:
        errors.print(f"[red]Could not write {out}: {exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        partial.unlink(missing_ok=True)
    if ev.empty:
        errors.print(f"[yellow]No cases in {start:%Y-%m-%d} – {end:%Y-%m-%d}: the report says so.[/yellow]")


def _qt_application() -> None:
    """Qt draws the PDF (fonts, charts): an application object, offscreen when there is no display (a
    monthly job on a server)."""
    import os
    import sys

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _QT.append(QApplication(sys.argv[:1]))  # kept: Qt needs it alive until the process ends


_QT: list[object] = []
