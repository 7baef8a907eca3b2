"""`gridwatch cases list`, `gridwatch case show|report|<action>`: the workflow from a terminal or a script."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Column, Table
from rich.text import Text

from gridwatch.cli.root import (
    AsOption,
    DbOption,
    JsonOption,
    acting_user,
    app,
    console,
    open_store,
    print_json,
)
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.queries import CaseFilter, light_of
from gridwatch.db.reads import case_lists, cases
from gridwatch.db.reads.case_lists import ListedCase
from gridwatch.db.reads.cases import CaseRecord
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.seeds import DEFAULT_SETTINGS, TRANSITIONS
from gridwatch.db.store import utcnow

cases_app = typer.Typer(help="List cases.", no_args_is_help=True)
case_app = typer.Typer(
    help="Show one case, report a new one, or take a workflow action on it.", no_args_is_help=True
)
app.add_typer(cases_app, name="cases")
app.add_typer(case_app, name="case")

LIGHT_STYLE = {"green": "[green]●[/green]", "yellow": "[yellow]●[/yellow]", "red": "[red]●[/red]", None: ""}


def case_summary(case: ListedCase | CaseRecord, light: str | None) -> dict[str, Any]:
    return {
        "case_no": case.case_no,
        "state": case.state,
        "source": case.source,
        "category_code": case.category_code,
        "category": case.category_name,
        "urgency": case.urgency,
        "department": case.department_code,
        "grid": case.grid_code,
        "outside_grid": case.outside_grid,
        "reported_at": case.reported_at.isoformat(),
        "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None,
        "light": light,
        "version": case.version,
        "description": case.description,
    }


@cases_app.command("list")
def list_command(
    state: list[str] = typer.Option([], "--state", help="Only these states (repeatable)."),
    open_only: bool = typer.Option(False, "--open", help="Only cases still in the workflow."),
    source: list[str] = typer.Option([], "--source", help="Only these sources (repeatable)."),
    category: str | None = typer.Option(None, "--category", help="Category code or prefix (e.g. 09)."),
    department: str | None = typer.Option(None, "--department", help="Department code."),
    area: str | None = typer.Option(None, "--area", help="Street, community or grid code (prefix)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only cases past their handling deadline."),
    limit: int = typer.Option(50, "--limit", min=1),
    numbers: bool = typer.Option(
        False, "--numbers", help="Print only the case numbers, one a line (for the next command)."
    ),
    as_json: bool = JsonOption,
    db: str | None = DbOption,
) -> None:
    """List cases, newest first, with the deadline traffic light of open ones."""
    now = utcnow()
    flt = CaseFilter(
        states=state,
        open_only=open_only,
        sources=source,
        category_prefix=category,
        department=department,
        area_code=area,
        overdue_at=now if overdue else None,
        limit=limit,
    )
    with open_store(db) as store:
        rules = site_rules(store)
        rows = [case_summary(c, light_of(rules, c, now)) for c in case_lists.page(store, flt)]
    if as_json:
        print_json(rows)
        return
    if numbers:
        typer.echo("\n".join(r["case_no"] for r in rows))
        return
    # the number is what a user copies into the next command: never cut, whatever the terminal's width
    number = Column("case", no_wrap=True, min_width=max((len(r["case_no"]) for r in rows), default=4))
    table = Table("", number, "state", "category", "urg.", "department", "grid", "reported", "deadline")
    for r in rows:
        table.add_row(
            LIGHT_STYLE[r["light"]],
            r["case_no"],
            r["state"],
            r["category"],
            r["urgency"],
            r["department"] or "—",
            r["grid"] or "[red]outside[/red]",
            _short(r["reported_at"]),
            _short(r["deadline_at"]),
        )
    console.print(table)
    console.print(f"{len(rows)} case(s)")


CENTER_TZ = ZoneInfo(DEFAULT_SETTINGS["work_hours"]["tz"])  # type: ignore[arg-type]


def _short(iso: str | None) -> str:
    """A time on the command center's wall clock, whatever the terminal's time zone."""
    return "—" if iso is None else datetime.fromisoformat(iso).astimezone(CENTER_TZ).strftime("%m-%d %H:%M")


@case_app.command("show")
def show(
    case_no: str, as_json: bool = JsonOption, db: str | None = DbOption, user: str | None = AsOption
) -> None:
    """One case, by its exact number, with its event trail and the actions you may take now."""
    with open_store(db) as store:
        found = cases.by_number(store, case_no, username=acting_user(store, user))
        data = case_summary(found.case, light_of(site_rules(store), found.case, utcnow()))
        data["events"] = [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "role": e.role,
                "actor_id": e.actor_id,
                "actor": e.actor_name,
                "note": e.note,
            }
            for e in found.events
        ]
        data["allowed_actions"] = list(found.allowed_actions)
    if as_json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['case_no']}[/bold]  {data['category']} ({data['category_code']})  "
        f"state [bold]{data['state']}[/bold]  urgency {data['urgency']}  version {data['version']}"
    )
    console.print(  # a citizen's text: no markup, and no highlighter (quadratic in a long word)
        f"{data['description']}  grid {data['grid'] or 'outside every grid'}  "
        f"department {data['department'] or '—'}  deadline {_short(data['deadline_at'])}",
        markup=False,
        highlight=False,
    )
    table = Table("when", "action", "from → to", "role", "note")
    for e in data["events"]:
        table.add_row(
            _short(e["at"]),
            e["action"],
            f"{e['from'] or ''} → {e['to']}",
            e["role"] or "",
            Text(e["note"] or ""),
        )
    console.print(table)
    console.print("You may now: " + (", ".join(data["allowed_actions"]) or "nothing"))


@case_app.command("report")
def report(
    category: str = typer.Option(..., "--category", help="Category code, e.g. 06010 (暴露垃圾)."),
    lon: float = typer.Option(..., "--lon"),
    lat: float = typer.Option(..., "--lat"),
    description: str = typer.Option("", "--description"),
    source: str = typer.Option("center", "--source"),
    urgency: str | None = typer.Option(None, "--urgency", help="A, B or C (default: the category's)."),
    db: str | None = DbOption,
    user: str | None = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Report a new case; it finds its grid and suggested department by itself."""
    with open_store(db) as store:
        case = store.report(
            actor=acting_user(store, user),
            source=source,
            category_code=category,
            lon=lon,
            lat=lat,
            description=description,
            urgency=urgency,
        )
        out = {"case_no": case.case_no, "grid_id": case.grid_id, "outside_grid": case.outside_grid}
    print_json(out) if as_json else console.print(f"Reported case {out['case_no']}")


def _action_command(action: str, needs_reason: bool) -> None:
    def command(
        case_no: str = typer.Argument(..., help="Case number."),
        department: str | None = typer.Option(None, "--department", help="Department code (dispatch)."),
        center: str | None = typer.Option(
            None, "--center", help="Org code of the center below (dispatch-down; `gridwatch center list`)."
        ),
        reason: str | None = typer.Option(
            None, "--reason", help="Reason" + (" (required)." if needs_reason else ".")
        ),
        hours: float | None = typer.Option(None, "--hours", help="Working hours (extension request)."),
        category: str | None = typer.Option(None, "--category", help="Category code fixed at register."),
        urgency: str | None = typer.Option(None, "--urgency", help="A, B or C, fixed at register."),
        version: int | None = typer.Option(
            None, "--version", help="Fail if the case is no longer at this version (someone changed it)."
        ),
        user: str | None = AsOption,
        db: str | None = DbOption,
    ) -> None:
        with open_store(db) as store:
            case = store.act(
                case_no,
                action,
                actor=acting_user(store, user),
                inp=ActionInput(
                    department=department,
                    center=center,
                    reason=reason,
                    hours=hours,
                    category_code=category,
                    urgency=urgency,
                    expected_version=version,
                ),
            )
            console.print(f"{case.case_no}: {action} → {case.state} (version {case.version})")
            if action == "dispatch":  # say where it went, above all when the store chose the department
                record = cases.by_number(store, case.case_no).case
                how = "as asked" if department else "the suggested one; another: --department CODE"
                said = f"Department: {record.department_code} {record.department_name} ({how})"
                console.print(said, markup=False, soft_wrap=True)

    command.__doc__ = f"Take the '{action}' action on a case."
    case_app.command(action.replace("_", "-"))(command)


def _register_actions() -> None:
    seen: dict[str, bool] = {}
    for t in TRANSITIONS:
        seen[t.action] = seen.get(t.action, False) or t.needs_reason
    for action, needs_reason in seen.items():
        _action_command(action, needs_reason)


_register_actions()
