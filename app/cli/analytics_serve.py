"""`gridwatch serve analytics`: the video-analytics service (docs/ANALYTICS.md)."""

from __future__ import annotations

import logging
from datetime import timedelta

import typer

from gridwatch.cli.root import DbOption, console, open_store
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
