"""`gridwatch calendar show|set|import|check`: the site's working calendar and the State Council's notice.

See docs/CALENDAR.md: a center types the next year's notice once (or imports a file a province shares),
and every running deadline it moves is recomputed with an event saying why.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from gridwatch.cli.cases import CENTER_TZ
from gridwatch.cli.root import (
    EXIT_USER_ERROR,
    AsOption,
    DbOption,
    JsonOption,
    acting_user,
    app,
    console,
    errors,
    open_store,
    print_json,
)
from gridwatch.db.calendar import Source
from gridwatch.db.calendar_admin import (
    CalendarChange,
    Entry,
    check_year,
    enter,
    parse_days,
    read_notice,
    year_view,
)
from gridwatch.db.errors import InvalidInput

calendar_app = typer.Typer(
    help="The working calendar: show a year, enter the State Council's holiday notice (admin), check a year.",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar")

WEEKDAYS = "一二三四五六日"
SOURCE_TEXT: dict[Source, str] = {
    "library": "known from the holiday library",
    "site": "entered by the site (the State Council's notice)",
    "estimate": "ESTIMATED from the national regulation on holidays: nobody has entered the notice",
}
YEAR = typer.Argument(..., min=1900, max=2200, help="The year, e.g. 2027.")


@calendar_app.command("show")
def show(year: int = YEAR, as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """Each non-standard day of YEAR (a holiday on a weekday, a working weekend) and who decided it."""
    with open_store(db) as store:
        source, days = year_view(store, year)
    if as_json:
        print_json({"year": year, "source": source, "days": [_jsonable(asdict(d)) for d in days]})
        return
    table = Table("date", "", "day", "name", "source", "entered", title=f"{year}: {SOURCE_TEXT[source]}")
    for d in days:
        entered = ""
        if d.entered_at is not None:
            entered = f"{d.entered_by or '?'} {_local(d.entered_at)} · {d.entered_from}"
        table.add_row(
            d.day.isoformat(),
            f"周{WEEKDAYS[d.day.weekday()]}",
            "[green]workday[/green]" if d.is_workday else "[red]holiday[/red]",
            d.name or "",
            d.source,
            entered,
        )
    console.print(table)
    console.print(f"{len(days)} day(s)")


@calendar_app.command("set")
def set_day(
    day: str = typer.Argument(..., help="The day (YYYY-MM-DD), or a range FIRST..LAST."),
    holiday: bool = typer.Option(False, "--holiday", help="The day is off."),
    workday: bool = typer.Option(False, "--workday", help="The day is worked (调休 on a weekend)."),
    name: str | None = typer.Option(None, "--name", help="The holiday's name, e.g. 春节."),
    as_json: bool = JsonOption,
    db: str | None = DbOption,
    user: str | None = AsOption,
) -> None:
    """Enter one day (or a range) of the notice as a holiday or a working day (admin only)."""
    if holiday == workday:
        errors.print("[red]Say what the day is: --holiday or --workday (one of them).[/red]")
        raise typer.Exit(EXIT_USER_ERROR)
    try:
        days = parse_days(day)
    except InvalidInput as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USER_ERROR) from exc
    entries = [Entry(d, workday, name.strip() if name and name.strip() else None) for d in days]
    with open_store(db) as store:
        change = enter(store, acting_user(store, user), entries, "site")
    _report(change, as_json)


@calendar_app.command("import")
def import_notice(
    file: Path = typer.Argument(
        ..., help="CSV (UTF-8 or GB18030) or XLSX: date, kind (holiday|workday), name."
    ),
    as_json: bool = JsonOption,
    db: str | None = DbOption,
    user: str | None = AsOption,
) -> None:
    """Enter a notice typed once, or a file a province shares (admin only; all rows or none)."""
    with open_store(db) as store:
        change = enter(store, acting_user(store, user), read_notice(file), f"import {file.name}")
    _report(change, as_json)


@calendar_app.command("check")
def check(year: int = YEAR, as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """Say whether YEAR's holidays are known; exit 1 when they are only estimated."""
    with open_store(db) as store:
        result = check_year(store, year)
    if as_json:
        print_json(
            {
                "year": year,
                "known": result.known,
                "source": result.source,
                "entered_days": result.entered,
                "statutory_not_entered": [{"day": h.day.isoformat(), "name": h.name} for h in result.missing],
            }
        )
    else:
        out = console if result.known else errors
        out.print(f"{year}: {SOURCE_TEXT[result.source]} ({result.entered} day(s) entered by the site).")
        if result.missing:
            listed = ", ".join(f"{h.day:%m-%d} {h.name}" for h in result.missing)
            out.print(f"Statutory holidays not entered yet: {listed}.")
        if not result.known:
            out.print(
                "Enter the notice: gridwatch calendar import FILE (see docs/CALENDAR.md) or calendar set."
            )
    if not result.known:
        raise typer.Exit(EXIT_USER_ERROR)


def _report(change: CalendarChange, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "written": [_jsonable(asdict(e)) for e in change.written],
                "changed": {
                    d.isoformat(): ("workday" if w else "holiday") for d, w in change.changed.items()
                },
                "moved": [_jsonable(asdict(m)) for m in change.moved],
                "years": change.years,
            }
        )
        return
    console.print(
        f"Entered {len(change.written)} day(s); {len(change.changed)} day(s) now count differently."
    )
    for year, source in sorted(change.years.items()):
        console.print(f"{year}: {SOURCE_TEXT[source]}.")
    if change.moved:
        table = Table("case", "deadline was", "deadline now", "", title="Running deadlines moved")
        for m in change.moved:
            table.add_row(
                m.case_no, _local(m.previous), _local(m.deadline), "estimated" if m.estimated else ""
            )
        console.print(table)
    console.print(f"{len(change.moved)} open case deadline(s) moved.")


def _local(moment: datetime) -> str:
    return moment.astimezone(CENTER_TZ).strftime("%Y-%m-%d %H:%M")


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
