"""The root `gridwatch` command and the options every sub-command shares."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="gridwatch",
    help="gridwatch: the command center's case store, map, video wall and review station.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = typer.Option(
    None,
    "--db",
    help="Store URL (postgresql+psycopg://… or sqlite:///file). Default: $GRIDWATCH_DB, the config file, "
    "else an SQLite file in the user's data directory.",
)
