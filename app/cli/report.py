"""`gridwatch report metrics`: the evaluation figures for a period, as centers publish them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from gridwatch.cli.root import DbOption, app, console, errors, open_store
from gridwatch.db.metrics import GROUP_KEYS, compute

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
    ("score", "综合得分"),
    ("grade", "等级"),
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
    start: datetime = typer.Option(..., "--from", formats=["%Y-%m-%d"], help="First day (local)."),
    end: datetime = typer.Option(..., "--to", formats=["%Y-%m-%d"], help="Last day (local), included."),
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
    with open_store(db) as store, store.session() as session:
        rows = [
            r.as_dict()
            for r in compute(
                session, date.fromordinal(start.toordinal()), date.fromordinal(end.toordinal()), by
            )
        ]
    if fmt is Format.json:
        text = _json(rows)
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _, label in COLUMNS])
        writer.writerows([[r[k] for k, _ in COLUMNS] for r in rows])
        text = buffer.getvalue()
    elif fmt is Format.xlsx:
        if out is None:
            errors.print("[red]--format xlsx needs --out FILE.xlsx[/red]")
            raise typer.Exit(1)
        _xlsx(rows, out)
        console.print(f"Wrote {len(rows)} rows to {out}")
        return
    else:
        shown = [(k, label) for k, label in COLUMNS if k in BRIEF]
        table = Table(*[label for _, label in shown], title=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}, by {by}")
        for r in rows:
            table.add_row(*["" if r[k] is None else str(r[k]) for k, _ in shown])
        console.print(table)
        return
    if out:
        out.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8")
        console.print(f"Wrote {len(rows)} rows to {out}")
    else:
        typer.echo(text, nl=False)


def _json(rows: list[dict[str, object]]) -> str:
    import json

    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _xlsx(rows: list[dict[str, object]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([label for _, label in COLUMNS])
    for r in rows:
        sheet.append([r[k] for k, _ in COLUMNS])
    book.save(path)
