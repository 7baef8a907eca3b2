"""`gridwatch wall`: the video wall, one full-screen window per monitor (Qt is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from gridwatch.cli.reachable import require_reachable
from gridwatch.cli.root import AsOption, DbOption, app


@app.command("wall")
def wall_command(
    db: str | None = DbOption,
    wall: str = typer.Option("main", "--wall", help="Which wall (its name in the shared wall state)."),
    user: str | None = AsOption,
    screenshot: Path | None = typer.Option(
        None,
        "--screenshot",
        help="Open the wall, wait until the tiles show pictures, save all monitors as one PNG and exit. "
        "Headless: QT_QPA_PLATFORM=offscreen (with :configfile=screens.json for several monitors).",
    ),
) -> None:
    """Open the video wall: the wall's stored layout, presets and tours, switched from any workstation."""
    require_reachable(db)
    from gridwatch.wall.run import run_wall

    raise typer.Exit(run_wall(db, wall, user, screenshot))
