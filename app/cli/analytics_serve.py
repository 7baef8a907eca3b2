"""`gridwatch serve analytics`: the video-analytics service, and `gridwatch analytics zones`: a camera's zones
from the command line (docs/ANALYTICS.md)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import typer
from rich.table import Table

from gridwatch.cli.analytics import analytics_app
from gridwatch.cli.root import AsOption, DbOption, JsonOption, acting_user, console, open_store, print_json
from gridwatch.cli.serve import serve_app


@serve_app.command("analytics")
def serve_analytics(
    db: str | None = DbOption,
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Worker processes sharing the cameras (PostgreSQL; SQLite: 1)."
    ),
    lease: float = typer.Option(15.0, "--lease", min=3.0, max=600.0, help="Lease time in seconds."),
    fps: float | None = typer.Option(
        None, "--fps", min=1.0, max=5.0, help="Frames a second per camera (default: what its zones need)."
    ),
    merge_minutes: float = typer.Option(
        30.0, "--merge-minutes", min=0.0, help="Repeats of one camera, detector and zone merge this long."
    ),
) -> None:
    """Watch the cameras that have zones and report what their detectors find as pending video cases.

    On PostgreSQL, connect as the service's sign-in (a person with the role system), never the owner;
    run it on as many machines as you like: the cameras are shared through leases in the store."""
    from gridwatch.plugins.analytics.service import serve
    from gridwatch.plugins.analytics.worker import WorkerOptions

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    options = WorkerOptions(lease_s=lease, fps=fps, merge_window=timedelta(minutes=merge_minutes))
    with open_store(db) as store:  # a refusal (the owner's connection) ends it with its one line
        where = store.engine.url.render_as_string(hide_password=True)
        console.print(f"gridwatch analytics on {where}: {workers} worker(s), lease {lease:.0f} s")
        serve(store.url, workers, options)


@analytics_app.command("zones")
def zones_command(
    camera: str = typer.Argument(..., help="The camera's code."),
    set_file: Path | None = typer.Option(
        None, "--set", help="Store these zones (a ZONES.json, the shape `analytics scan --zones` reads)."
    ),
    db: str | None = DbOption,
    as_user: str | None = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Show a camera's zones, which worker watches it and its false alarms; or store new zones with --set
    (validated by the detectors; admins, shift leaders and dispatchers). A headless site's zone editor."""
    from gridwatch.db.reads import analytics as analytics_reads
    from gridwatch.plugins.analytics import zones as zone_store

    with open_store(db) as store:
        if set_file is not None:
            try:
                text = set_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise typer.BadParameter(f"cannot read {set_file} as UTF-8 text: {exc}") from None
            version = zone_store.save(store, camera, text, actor=acting_user(store, as_user))
            console.print(f"Stored the zones of {camera} (version {version}).")
            return
        row = analytics_reads.zones(store, camera)
        state = analytics_reads.watch_state(store, camera)
        alarms = analytics_reads.false_alarms(store, camera)
    shown = {
        "camera": camera,
        "version": row.version,
        "zones": row.zones.get("zones", []),
        "watched_by": state.holder if state else None,
        "status": state.status if state else {},
        "false_alarms": [
            {"detector": a.detector, "false_alarms": a.false_alarms, "cases": a.cases} for a in alarms
        ],
    }
    if as_json:
        print_json(shown)
        return
    console.print(f"{camera}: zones version {row.version}; watched by {shown['watched_by'] or 'no worker'}")
    table = Table("zone", "detector", "dwell s", "sensitivity", "points")
    for zone in shown["zones"]:
        table.add_row(
            str(zone.get("name")),
            str(zone.get("detector")),
            str(zone.get("dwell_s", "")),
            str(zone.get("sensitivity", "")),
            str(len(zone.get("polygon", []))),
        )
    console.print(table)
    for alarm in alarms:
        console.print(f"{alarm.detector}: {alarm.false_alarms} false alarm(s) of {alarm.cases} case(s)")
