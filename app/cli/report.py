"""`gridwatch report metrics`: the evaluation figures for a period, as centers publish them."""

from __future__ import annotations

import csv
import io
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from gridwatch.cli.root import DbOption, app, console, errors, open_store, parse_day
from gridwatch.db.metrics import GROUP_KEYS, compute
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
"""The columns a terminal table shows; csv, json and xlsx carry all of them."""


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@report_app.command("metrics")
def metrics(
    start: date = typer.Option(..., "--from", parser=parse_day, help="First day (local), YYYY-MM-DD."),
    end: date = typer.Option(..., "--to", parser=parse_day, help="Last day (local), included, YYYY-MM-DD."),
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
        rows = [r.as_dict() for r in compute(session, first, last, by, calendar=calendar)]
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
        console.print(f"Wrote {len(rows)} rows to {out}")
        _warn(note)
        return
    else:
        shown = [(k, label) for k, label in COLUMNS if k in BRIEF or (k == "estimated_calendar" and note)]
        table = Table(*[label for _, label in shown], title=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}, by {by}")
        for r in rows:
            table.add_row(*[_cell(r, k) for k, _ in shown])
        console.print(table)
        _warn(note)
        return
    if out:
        out.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8")
        console.print(f"Wrote {len(rows)} rows to {out}")
    else:
        typer.echo(text, nl=False)
    _warn(note)


def _cell(row: dict[str, object], key: str) -> str:
    value = row[key]
    if key == "estimated_calendar":
        return "estimated" if value else ""
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
