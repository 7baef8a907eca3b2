"""`gridwatch review`: the supervisor review station (Qt is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from gridwatch.cli.reachable import require_reachable
from gridwatch.cli.root import AsOption, DbOption, LangOption, ScreenshotOption, app, errors
from gridwatch.db.demo_city.people import DEMO_REVIEWER

TABS = ("closure", "evaluation", "map")


@app.command("review")
def review_command(
    db: str | None = DbOption,
    user: str | None = AsOption,
    lang: str | None = LangOption,
    screenshot: Path | None = ScreenshotOption,
    tab: str = typer.Option(
        "closure", "--tab", help="The tab to open on (and a screenshot shows): closure, evaluation or map."
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

    demo = _is_demo(db)
    chosen = basemap if basemap is not None else _demo_basemap() if demo else ""
    # the demo signs in by itself, as `gridwatch demo` does: as its 督查长 (supervisor and shift leader)
    prefer = DEMO_REVIEWER if demo else None
    raise typer.Exit(
        run_review(db, user, lang, screenshot, basemap=chosen, tab=tab, auto_sign_in=demo, prefer=prefer)
    )


def _is_demo(db: str | None) -> bool:
    from gridwatch.db import config

    return config.sqlite_file(config.choose_store(db).url) == config.demo_sqlite_path()


def _demo_basemap() -> str:
    """The demo basemap, as `gridwatch demo` shows it, if it was rendered."""
    from gridwatch.plugins.basemap.demo_cache import demo_basemap_path

    demo = demo_basemap_path(1)
    return str(demo) if demo.is_file() else ""
