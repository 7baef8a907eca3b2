"""`gridwatch review`: the supervisor review station (Qt is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from gridwatch.cli.reachable import require_reachable
from gridwatch.cli.root import AsOption, DbOption, app, errors

TABS = ("closure", "evaluation", "map")


@app.command("review")
def review_command(
    db: str | None = DbOption,
    user: str | None = AsOption,
    lang: str | None = typer.Option(
        None, "--lang", help="UI language: zh_CN or en. Default: setting, else locale."
    ),
    screenshot: Path | None = typer.Option(
        None, "--screenshot", help="Open the window, wait until loaded, save it as this PNG and exit."
    ),
    tab: str = typer.Option(
        "closure", "--tab", help="The tab a screenshot shows: closure, evaluation or map."
    ),
    basemap: str | None = typer.Option(
        None,
        "--basemap",
        help="Tiles under the thematic map (XYZ URL template, .mbtiles or .pmtiles file). Default: the "
        "map/basemap setting; on the demo's store, the demo basemap.",
    ),
) -> None:
    """Open the review station: closure review (Enter approves, B sends back with a reason), the
    evaluation with drill-down, charts and exports, and the thematic map."""
    if tab not in TABS:
        errors.print(f"[red]Unknown tab '{tab}': choose one of {', '.join(TABS)}.[/red]")
        raise typer.Exit(1)
    require_reachable(db)
    from gridwatch.ui.review.run import run_review

    chosen = basemap if basemap is not None else _demo_basemap(db)
    raise typer.Exit(run_review(db, user, lang, screenshot, basemap=chosen, tab=tab))


def _demo_basemap(db: str | None) -> str:
    """The demo basemap when the store is the demo's own (`gridwatch demo` shows it the same way)."""
    from gridwatch.db import config
    from gridwatch.plugins.basemap.demo_cache import demo_basemap_path

    path = config.sqlite_file(config.choose_store(db).url)
    demo = demo_basemap_path(1)
    return str(demo) if path == config.demo_sqlite_path() and demo.is_file() else ""
