"""`gridwatch gis publish`: the published GIS layers' default styles and working clock (docs/QGIS.md).

Run after `gridwatch db upgrade` and after the calendar changed (the layers' light reads the published
working clock); as the store's owner or an admin. QGIS, with or without the gridwatch plugin, then opens
the `gis_*` views styled as the desktop draws them.
"""

from __future__ import annotations

import typer

from gridwatch.cli.root import DbOption, JsonOption, app, console, open_store, print_json
from gridwatch.db.errors import Forbidden
from gridwatch.db.published import publish
from gridwatch.db.store import Store

gis_app = typer.Typer(
    help="What the store publishes for GIS clients (QGIS, ogr2ogr, GeoServer).", no_args_is_help=True
)
app.add_typer(gis_app, name="gis")


def publish_after_upgrade(store: Store) -> None:
    """`gridwatch db upgrade` on PostgreSQL publishes too, so QGIS opens a fresh store styled; a role that
    may upgrade but not publish is told how to, and the upgrade still counts."""
    from gridwatch.layers.qgis_styles import published_styles

    if not store.is_postgres:
        return
    try:
        done = publish(store, published_styles())
    except Forbidden:
        console.print("GIS layer styles not published: run `gridwatch gis publish` as an admin.")
        return
    console.print(f"Published {done.styles} GIS layer styles and the working clock (docs/QGIS.md).")


@gis_app.command("publish")
def publish_command(db: str | None = DbOption, json_out: bool = JsonOption) -> None:
    """Write the gis_* views' default styles into QGIS's layer_styles table and publish the working clock."""
    from gridwatch.layers.qgis_styles import (
        published_styles,
    )  # QtGui (the desktop's colours): this command only

    with open_store(db) as store:
        done = publish(store, published_styles())
    if json_out:
        print_json(
            {
                "styles": done.styles,
                "clock_edges": done.clock_edges,
                "clock_from": done.clock_from,
                "clock_to": done.clock_to,
            }
        )
        return
    console.print(
        f"Published {done.styles} layer styles and the working clock "
        f"({done.clock_edges} edges, {done.clock_from:%Y-%m-%d} to {done.clock_to:%Y-%m-%d})."
        if done.clock_from and done.clock_to
        else f"Published {done.styles} layer styles; the calendar has no working time to publish."
    )
