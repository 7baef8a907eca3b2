"""`gridwatch map`: the map of a store on its own, live; `--screenshot` draws it once and exits.

`--basemap` names the tiles under the map (an XYZ URL template, an .mbtiles or .pmtiles file) instead of
the `map/basemap` setting; `--center` and `--scale` open the map on one place instead of the whole area.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from gridwatch.cli.reachable import require_reachable
from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, app, errors, open_store

SizeOption = typer.Option("1600x1000", "--size", help="Window size, WIDTHxHEIGHT.")
LOAD_TIMEOUT_MS = 60_000


def parse_center(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise typer.BadParameter(f"expected LON,LAT in degrees, e.g. 118.09,24.47, got {text!r}") from None
    return lon, lat


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
    basemap: str | None = typer.Option(
        None,
        "--basemap",
        help="Basemap tiles: an XYZ URL template with {z}/{x}/{y}, or an .mbtiles/.pmtiles file.",
    ),
    basemap_datum: str | None = typer.Option(
        None, "--basemap-datum", help="Datum of the basemap tiles: wgs84 (default) or gcj02 (Gaode, Tencent)."
    ),
    center: str | None = typer.Option(None, "--center", help="Open centred on LON,LAT (degrees)."),
    scale: float | None = typer.Option(None, "--scale", help="Open at ground scale 1:N (with --center)."),
) -> None:
    """Show the store's territory, open cases, devices and grid workers on a live map."""
    require_reachable(db)  # the map loads in threads, which would draw an empty map instead
    from PySide6.QtWidgets import QApplication  # Qt only for this command: the others stay headless

    from gridwatch.db.config import APP
    from gridwatch.ui.map import MapWidget

    width, height = parse_size(size)
    place = parse_center(center) if center is not None else None
    if scale is not None and (place is None or scale <= 0):
        raise typer.BadParameter("--scale needs --center and a positive N (1:N)")
    if basemap_datum not in (None, "wgs84", "gcj02"):
        raise typer.BadParameter(f"--basemap-datum is wgs84 or gcj02, not {basemap_datum!r}")
    QApplication.setOrganizationName(APP)  # the desktop app's QSettings (map/basemap): its names are APP too
    QApplication.setApplicationName(APP)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    with open_store(db) as store:
        widget = MapWidget(store, basemap=basemap, basemap_datum=basemap_datum)
        widget.setWindowTitle("gridwatch map")
        widget.resize(width, height)
        widget.show()
        if basemap and widget.basemap.store is None:
            errors.print(f"[yellow]{widget.message_label.text()}[/yellow]")
        if place is not None or screenshot is not None:
            loaded = widget.wait_loaded(LOAD_TIMEOUT_MS)
        if place is not None:  # after the load, which fits the whole area
            widget.go_to(*place, scale or widget.canvas.view.scale_denominator())
            loaded = widget.wait_loaded(LOAD_TIMEOUT_MS)
        if screenshot is not None:
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
