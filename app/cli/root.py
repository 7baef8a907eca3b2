"""The root `gridwatch` command and what every sub-command shares: the store option and user errors."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import typer
from rich.console import Console

from gridwatch.db import config
from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import Forbidden, StoreError
from gridwatch.db.store import Store

app = typer.Typer(
    name="gridwatch",
    help="gridwatch: the command center's case store, map, video wall and review station.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

DbOption = typer.Option(
    None,
    "--db",
    help="Store URL (postgresql://… or sqlite:///file, or a file path). Default: $GRIDWATCH_DB, the config "
    "file, else gridwatch.sqlite in the user's data directory, else the demo's demo.sqlite there.",
)
AsOption = typer.Option(
    None,
    "--as",
    help="SQLite store: act as this person (username). Default: $GRIDWATCH_USER, else 'admin'. On "
    "PostgreSQL you act as the user you sign in as (in the URL, or PGUSER/PGPASSWORD/~/.pgpass).",
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")
LangOption = typer.Option(None, "--lang", help="UI language: zh_CN or en. Default: setting, else locale.")
ScreenshotOption = typer.Option(
    None, "--screenshot", help="Open the window, wait until loaded, save it as this PNG and exit."
)

EXIT_USER_ERROR = 1
EXIT_UNREACHABLE = 3


def acting_user(store: Store, explicit: str | None) -> str:
    """Who a command acts as. On PostgreSQL: the person the connection signed in as; `--as` is taken only
    on the owner's maintenance connection (migrations, imports), which is nobody's desk. On SQLite, one
    workstation: `--as`, then $GRIDWATCH_USER, else the built-in admin."""
    signed_in = store.whoami()
    if signed_in is None:
        return explicit or os.environ.get("GRIDWATCH_USER") or "admin"
    if explicit and explicit != signed_in:
        raise Forbidden(
            f"You are signed in to the store as '{signed_in}': --as {explicit} is not taken on PostgreSQL. "
            "Sign in as that user instead (user in the --db URL, or PGUSER)."
        )
    return signed_in


_SAID: set[str] = set()


def _checked_url(db: str | None, create: bool) -> str:
    """The URL of the store to open, saying which it is when nobody chose it and the demo's also exists;
    a missing SQLite store is an error naming how to create it, unless this command creates stores."""
    choice = config.choose_store(db)
    path = config.sqlite_file(choice.url)
    demo = config.demo_sqlite_path()
    said = choice.url in _SAID  # a window command opens its store twice: say it once
    _SAID.add(choice.url)
    if choice.chosen_by in ("default", "demo") and config.is_store_file(demo) and not create and not said:
        which = "the demo's store" if choice.chosen_by == "demo" else "the default store"
        hint = "" if choice.chosen_by == "demo" else f"; the demo's: --db {demo}"
        errors.print(f"Store: {which}, {path} (pick another with --db or $GRIDWATCH_DB{hint})", markup=False)
    if path is None:
        return choice.url
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        return choice.url
    if not config.is_store_file(path):
        what = "No store at" if not path.exists() else "Not a gridwatch store:"
        demo_hint = f"; the demo's store is --db {demo}" if config.is_store_file(demo) else ""
        raise StoreError(
            f"{what} {path} (chosen by {choice.chosen_by}); nothing was created. Create it with "
            f"`gridwatch db upgrade --db {path}` or `gridwatch seed demo --db {path}`{demo_hint}."
        )
    return choice.url


@contextmanager
def open_store(db: str | None, *, create: bool = False) -> Iterator[Store]:
    """The store for a command; store errors end the command with their message, not a traceback. Only the
    commands that build a store (`db upgrade`, `seed`, `demo`) pass `create`: a mistyped --db is an error."""
    store: Store | None = None
    try:
        store = Store(_checked_url(db, create))
        yield store
    except StoreUnavailable as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    except StoreError as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USER_ERROR) from exc
    finally:
        if store is not None:
            store.dispose()


def parse_day(text: str) -> date:
    """A day as YYYY-MM-DD; a typo says what is wrong with it and how to write it, not a strptime format."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        example = "write YYYY-MM-DD, e.g. 2026-09-01"
        raise typer.BadParameter(f"'{text}' is not a day ({exc}); {example}.") from None


FromOption = typer.Option(..., "--from", parser=parse_day, help="First day (local), YYYY-MM-DD.")
ToOption = typer.Option(..., "--to", parser=parse_day, help="Last day (local), included, YYYY-MM-DD.")
"""A period's days as every report command takes them: both required, both included, local days."""


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
