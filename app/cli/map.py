"""`gridwatch map`: the map of a store on its own, live; `--screenshot` draws it once and exits."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, app, errors, open_store

SizeOption = typer.Option("1600x1000", "--size", help="Window size, WIDTHxHEIGHT.")
LOAD_TIMEOUT_MS = 60_000


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise typer.BadParameter(f"expected WIDTHxHEIGHT, e.g. 1600x1000, got {text!r}") from None
    return width, height


@app.command("map")
def map_command(
    db: str | None = DbOption,
    screenshot: Path | None = typer.Option(
        None, "--screenshot", help="Render the window offscreen once loaded, save this PNG and exit."
    ),
    size: str = SizeOption,
) -> None:
    """Show the store's territory, open cases, devices and grid workers on a live map."""
    from PySide6.QtWidgets import QApplication  # Qt only for this command: the others stay headless

    from gridwatch.ui.map import MapWidget

    width, height = parse_size(size)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    with open_store(db) as store:
        widget = MapWidget(store)
        widget.setWindowTitle("gridwatch map")
        widget.resize(width, height)
        widget.show()
        if screenshot is not None:
            loaded = widget.wait_loaded(LOAD_TIMEOUT_MS)
            saved = loaded and widget.grab().save(str(screenshot))
            widget.close()  # stops the render and loader threads before Python tears Qt down
            del widget
            qt_app.processEvents()
            if not saved:
                errors.print(f"[red]Could not {'save' if loaded else 'load the map for'} {screenshot}.[/red]")
                raise typer.Exit(EXIT_USER_ERROR)
            return
        widget.start_live()
        qt_app.exec()
        widget.close()
