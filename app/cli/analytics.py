"""`gridwatch analytics scan`: run a camera's detectors over a recorded file, the way a site tunes zones and
thresholds on its own footage (and how the tests drive the detectors).

The file is decoded with OpenCV, downscaled to 640x360 and sampled at the rate a live camera gets (the
zones' need, or --fps), so what it prints is what the service would report on that footage.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, app, console, errors, open_store, print_json
from gridwatch.db.reads import analytics as analytics_reads
from gridwatch.plugins.detectors import (
    CameraAnalyser,
    VideoOpenError,
    ZonesError,
    ZoneSet,
    scan_file,
)

analytics_app = typer.Typer(
    help="Video analytics: try the detectors on recorded footage.", no_args_is_help=True
)
app.add_typer(analytics_app, name="analytics")


def _zones(zones_file: Path | None, camera: str | None, db: str | None) -> ZoneSet:
    if (zones_file is None) == (camera is None):
        raise typer.BadParameter("give exactly one of --camera CODE or --zones ZONES.json")
    if zones_file is not None:
        try:
            text = zones_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise typer.BadParameter(f"cannot read {zones_file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise typer.BadParameter(f"{zones_file} is not UTF-8 text") from None
        return ZoneSet.from_json(text)
    assert camera is not None
    with open_store(db) as store:
        row = analytics_reads.zones(store, camera)
    if not row.zones.get("zones"):
        raise ZonesError(f"camera {camera} has no zones yet: draw them in the desktop's zone editor")
    return ZoneSet.from_data(row.zones)


@analytics_app.command("scan")
def scan(
    video: Path = typer.Argument(..., help="A recorded video file (any format OpenCV decodes)."),
    camera: str | None = typer.Option(
        None, "--camera", help="Use the zones the store keeps for this camera."
    ),
    zones_file: Path | None = typer.Option(None, "--zones", help="Use the zones in this ZONES.json."),
    fps: float | None = typer.Option(
        None, "--fps", min=0.2, max=30.0, help="Frames a second to sample (default: what the zones need)."
    ),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of the detections."),
) -> None:
    """Print each detection (detector, category, zone, start and end seconds in the file, confidence)."""
    try:
        zones = _zones(zones_file, camera, db)
    except ZonesError as exc:
        errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(EXIT_USER_ERROR) from None
    rate = fps or zones.live_fps()
    analyser = CameraAnalyser(zones, rate)
    try:
        found = [d.summary() for d in scan_file(video, zones, rate, analyser=analyser)]
    except VideoOpenError as exc:
        errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(EXIT_USER_ERROR) from None
    for zone, reason in analyser.disabled.items():
        errors.print(f"zone {zone}: {reason}", markup=False)
    if as_json:
        print_json(found)
        return
    table = Table(
        "detector", "category", "zone", "start_s", "end_s", "confidence", title=f"{video} at {rate:g} fps"
    )
    for d in found:
        table.add_row(
            d["detector"],
            d["category"],
            d["zone"],
            f"{d['start_s']:.1f}",
            f"{d['end_s']:.1f}",
            f"{d['confidence']:.2f}",
        )
    console.print(table)
    if not found:
        console.print("No detections.")
