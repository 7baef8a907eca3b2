"""`gridwatch dispatcher`: open the dispatcher workstation (Qt is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from gridwatch.cli.reachable import require_reachable
from gridwatch.cli.root import AsOption, DbOption, LangOption, ScreenshotOption, app


@app.command("dispatcher")
def dispatcher_command(
    db: str | None = DbOption,
    user: str | None = AsOption,
    lang: str | None = LangOption,
    screenshot: Path | None = ScreenshotOption,
) -> None:
    """Open the dispatcher workstation: map, case queue, case detail and the lifecycle actions."""
    require_reachable(db)
    from gridwatch.ui.application import run_dispatcher

    raise typer.Exit(run_dispatcher(db, user, lang, screenshot))
