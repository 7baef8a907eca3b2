"""Centers on the org tree and the disposal handbook on the command line (docs/LEVELS.md).

`gridwatch center list|add`, `gridwatch handbook import FILE|list`, `gridwatch case hops CASE` (the case's
way between centers and where its lateness is counted) and `gridwatch report shares` ("小事不出网格，
大事不出社区，难事不出街道" as the share of cases closed at each level). The hops themselves are case
actions: `gridwatch case dispatch-down CASE --center CODE`, `case hand-back`, `case escalate` (cases.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from gridwatch.cli.cases import case_app
from gridwatch.cli.report import report_app
from gridwatch.cli.root import (
    AsOption,
    DbOption,
    JsonOption,
    acting_user,
    app,
    console,
    open_store,
    parse_day,
    print_json,
)
from gridwatch.db.handbook import import_file
from gridwatch.db.levels import add_center_as
from gridwatch.db.reads import levels as reads
from gridwatch.db.reads.reference import site_rules

center_app = typer.Typer(help="Centers on the org tree (district, street, community).", no_args_is_help=True)
handbook_app = typer.Typer(help="The disposal handbook (指挥手册).", no_args_is_help=True)
app.add_typer(center_app, name="center")
app.add_typer(handbook_app, name="handbook")


@center_app.command("list")
def center_list(as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """Every center, the top one first."""
    with open_store(db) as store:
        rows = reads.centers(store)
    if as_json:
        print_json([dataclasses.asdict(r) for r in rows])
        return
    table = Table("code", "center", "level")
    for r in rows:
        table.add_row(r.code or "—", Text(r.name), r.level)
    console.print(table)


@center_app.command("add")
def center_add(
    code: str = typer.Argument(..., help="Org code of a district, street or community."),
    name: str = typer.Option(..., "--name", help="The center's name, e.g. 嘉莲街道综治中心."),
    user: str | None = AsOption,
    db: str | None = DbOption,
) -> None:
    """Make an org-tree node run a center (an admin's step)."""
    with open_store(db) as store:
        added = add_center_as(store, code, name, actor=acting_user(store, user))
    console.print(f"{code}: {'center added' if added else 'runs a center already'}")


@handbook_app.command("import")
def handbook_import(
    file: Path = typer.Argument(..., help=".xlsx or .csv: category, standard, limit, unit, department_kind, "
                                "photos_before, photos_after (or 类别, 处置标准, 时限, 时限单位, 责任部门, "
                                "处置前照片, 处置后照片)."),
    user: str | None = AsOption,
    db: str | None = DbOption,
) -> None:  # fmt: skip
    """Import the handbook: every row is checked first; a bad row imports nothing."""
    with open_store(db) as store:
        written = import_file(store, file, actor=acting_user(store, user))
    console.print(f"Imported {written} handbook rows from {file}", soft_wrap=True, markup=False)


@handbook_app.command("list")
def handbook_list(as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """The handbook: per category, the standard, the limit the clock uses, who handles it, photos."""
    with open_store(db) as store:
        rows = reads.handbook(store)
    if as_json:
        print_json([dataclasses.asdict(r) for r in rows])
        return
    table = Table("category", "standard", "limit", "department", "photos before/after")
    for r in rows:
        table.add_row(
            f"{r.category_code} {r.category_name}",
            Text(r.standard),
            f"{r.limit_amount:g} {r.limit_unit}",
            Text(r.department_kind or ""),
            f"{r.photos_before}/{r.photos_after}",
        )
    console.print(table)


@case_app.command("hops")
def case_hops(case_no: str, as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """A case's way between centers: every hop with who, when, from, to, why and the deadline carried."""
    with open_store(db) as store:
        hops = reads.hops(store, case_no)
        holding = reads.holding(store, case_no)
        tz = site_rules(store).calendar.tz
    if as_json:
        print_json({"hops": [dataclasses.asdict(h) for h in hops], "holding": dataclasses.asdict(holding)})
        return
    table = Table("when", "hop", "from → to", "by", "deadline", "reason")
    for h in hops:
        table.add_row(
            f"{h.at.astimezone(tz):%m-%d %H:%M}",
            h.action,
            f"{h.from_center or 'top'} → {h.to_center or 'top'}",
            Text(h.actor_name or ""),
            f"{h.deadline.astimezone(tz):%m-%d %H:%M}" if h.deadline else "—",
            Text(h.reason or ""),
        )
    console.print(table)
    flag = " (escalated)" if holding.escalated else ""
    console.print(Text(f"Held by {holding.holder.name} ({holding.holder.code or 'top'}){flag}"))
    if holding.late_center is not None and holding.late_at is not None:
        console.print(
            Text(
                f"Late since {holding.late_at.astimezone(tz):%m-%d %H:%M}: counted for "
                f"{holding.late_center.name} ({holding.late_center.code or 'top'}), "
                f"department {holding.late_department_code or '—'}"
            )
        )


@report_app.command("shares")
def shares(
    start: date = typer.Option(..., "--from", parser=parse_day, help="First day (local), YYYY-MM-DD."),
    end: date = typer.Option(..., "--to", parser=parse_day, help="Last day (local), included, YYYY-MM-DD."),
    as_json: bool = JsonOption,
    db: str | None = DbOption,
) -> None:
    """小事不出网格，大事不出社区，难事不出街道: the cases closed in the period at each level, as shares."""
    with open_store(db) as store:
        rows = reads.closing_shares(store, start, end, str(site_rules(store).calendar.tz))
    if as_json:
        print_json([dataclasses.asdict(r) for r in rows])
        return
    table = Table("level", "closed", "share", title=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
    for r in rows:
        table.add_row(r.level, str(r.closed), "—" if r.share is None else f"{r.share * 100:.2f}%")
    console.print(table)
