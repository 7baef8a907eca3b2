"""`gridwatch user add|passwd|disable|list`: who may sign in, with which roles (admin only).

On PostgreSQL each user is a database login role with a SCRAM password (docs/SECURITY.md); on SQLite, one
workstation, a user is a person to choose at start, without a password.
"""

from __future__ import annotations

import sys
from dataclasses import asdict

import typer
from rich.table import Column, Table

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
from gridwatch.db.accounts import add_user, disable_user, list_users, set_password
from gridwatch.db.seeds import ROLES
from gridwatch.db.store import Store

user_app = typer.Typer(help="Manage the people who sign in (admin only).", no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLE_HELP = f"A role (repeatable): {', '.join(ROLES)}."
PasswordStdin = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input (for scripts)."
)


def _password(store: Store, from_stdin: bool) -> str | None:
    """The new password: from stdin, else asked twice without echo. SQLite stores keep none."""
    if not store.is_postgres:
        return None
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            errors.print("[red]--password-stdin: standard input held no password.[/red]")
            raise typer.Exit(EXIT_USER_ERROR)
        return line
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def add(
    username: str = typer.Argument(..., help="The sign-in name: lower-case letters, digits and _."),
    name: str = typer.Option(..., "--name", help="The person's name as the desks show it."),
    role: list[str] = typer.Option(..., "--role", help=ROLE_HELP),
    department: str | None = typer.Option(None, "--department", help="A handler's department code."),
    grid: list[str] = typer.Option([], "--grid", help="A grid worker's grid code (repeatable)."),
    org_unit: str | None = typer.Option(
        None, "--org-unit", help="A street or community center's node: its staff see only the cases under it."
    ),
    password_stdin: bool = PasswordStdin,
    db: str | None = DbOption,
    user: str | None = AsOption,
) -> None:
    """Add a person who may sign in, with their roles (and on PostgreSQL their database sign-in)."""
    with open_store(db) as store:
        account = add_user(
            store,
            actor=acting_user(store, user),
            username=username,
            name=name,
            roles=role,
            password=_password(store, password_stdin),
            department=department,
            grids=grid,
            org_unit=org_unit,
        )
    console.print(f"added {account.username} ({account.name}): {', '.join(account.roles)}")


@user_app.command("passwd")
def passwd(
    username: str = typer.Argument(..., help="Whose password to set."),
    password_stdin: bool = PasswordStdin,
    db: str | None = DbOption,
    user: str | None = AsOption,
) -> None:
    """Set a user's password (an admin for anyone; everyone for themselves)."""
    with open_store(db) as store:
        actor = acting_user(store, user)
        password = _password(store, password_stdin)
        set_password(store, actor=actor, username=username, password=password or "")
    console.print(f"password of {username} changed")


@user_app.command("disable")
def disable(
    username: str = typer.Argument(..., help="Who may no longer sign in."),
    db: str | None = DbOption,
    user: str | None = AsOption,
) -> None:
    """Stop a user signing in; their cases and events keep their name."""
    with open_store(db) as store:
        disable_user(store, actor=acting_user(store, user), username=username)
    console.print(f"{username} disabled")


@user_app.command("list")
def list_command(as_json: bool = JsonOption, db: str | None = DbOption) -> None:
    """Everyone who may sign in, with roles, department, grids and whether they are active."""
    with open_store(db) as store:
        accounts = list_users(store)
    if as_json:
        print_json([asdict(a) for a in accounts])
        return
    user = Column("user", no_wrap=True)  # what `--as` takes: never cut
    table = Table(user, "name", "roles", "department", "grids", "active")
    for a in accounts:
        table.add_row(
            a.username,
            a.name,
            ", ".join(a.roles),
            a.department or "",
            " ".join(a.grids),
            "yes" if a.active else "no",
        )
    console.print(table)
