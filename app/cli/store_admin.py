"""`gridwatch db …`: create and upgrade the case store."""

from __future__ import annotations

import typer

from gridwatch.cli.gis import publish_after_upgrade
from gridwatch.cli.root import DbOption, app, console, open_store

db_app = typer.Typer(help="Create or upgrade the case store.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(db: str | None = DbOption) -> None:
    """Create the store or bring it to the newest schema; adds missing reference data (safe to repeat)."""
    with open_store(db, create=True) as store:
        store.upgrade()
        console.print(f"Store ready: {store.engine.url.render_as_string(hide_password=True)}")
        publish_after_upgrade(store)  # QGIS's styles (docs/QGIS.md); nothing on SQLite
