"""`gridwatch seed demo` and `gridwatch demo`: a generated district to try everything on.

`demo` keeps its own SQLite file (demo.sqlite next to the default store) so trying the demo never touches
a site's real store, and opens the dispatcher workstation on it, with the demo's loudspeakers played by
this machine (loopback) so a talk shows as "speaking".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from gridwatch.cli.root import DbOption, JsonOption, ScreenshotOption, app, console, open_store, print_json
from gridwatch.db.config import demo_sqlite_path
from gridwatch.db.demo_city import DemoSummary, has_territory, seed_demo, table_counts
from gridwatch.db.demo_city.people import DEMO_DISPATCHER
from gridwatch.db.demo_city.seed import SEED_STEPS
from gridwatch.db.demo_city.simulate import DemoSimulation
from gridwatch.db.errors import StoreError
from gridwatch.db.store import Store
from gridwatch.plugins.analytics.demo import run_demo_analytics
from gridwatch.plugins.basemap.demo_cache import BasemapError, demo_basemap_path, ensure_demo_basemap
from gridwatch.plugins.sensors.simulate import DemoSensorFeed
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.plugins.video.demo_streams import ensure_scenes

if TYPE_CHECKING:
    from gridwatch.api.demo_field import DemoField

seed_app = typer.Typer(help="Fill a store with generated data.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")

SITE_TZ = ZoneInfo("Asia/Shanghai")
CasesOption = typer.Option(3000, "--cases", min=0, help="How many cases, spread over the last 90 days.")


def demo_store_path() -> str:
    return f"sqlite:///{demo_sqlite_path()}"


@contextmanager
def _seed_progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar over the seeding steps (none when the output is JSON for a script)."""
    if quiet:
        yield lambda step: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("Seeding the demo district", total=len(SEED_STEPS))
        yield lambda step: bar.update(task, advance=1, description=f"Seeding the demo district: {step}")


def _print_counts(location: str, counts: dict[str, int], headline: str) -> None:
    console.print(headline)
    table = Table(show_header=True)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(f"Store: {location}")


def _print_summary(summary: DemoSummary, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "location": summary.location,
                "seed": summary.seed,
                "now": summary.now.isoformat(),
                "seconds": round(summary.seconds, 3),
                "counts": summary.counts,
            }
        )
        return
    _print_counts(
        summary.location,
        summary.counts,
        f"Demo district seeded (seed {summary.seed}) in {summary.seconds:.1f} s",
    )
    if summary.levels is not None:  # docs/LEVELS.md: a case down the chain, one escalated up it
        console.print(
            f"Centers on the org tree: {len(summary.levels.centers)}. Watch a case go down the chain and "
            f"one come up: gridwatch case hops {summary.levels.down_chain} · {summary.levels.up_chain}",
            soft_wrap=True,
        )


@seed_app.command("demo")
def seed_demo_command(
    cases: int = CasesOption,
    seed: int = typer.Option(1, "--seed", help="The same seed always builds the same district and cases."),
    replace: bool = typer.Option(
        False, "--replace", help="Delete the store's territory, people, devices and cases first."
    ),
    now: datetime | None = typer.Option(
        None, "--now", help="Pretend it is this moment (ISO 8601, local time if no offset). Default: now."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Build the demo district (3 streets, 15 communities, ~130 grids, staff, devices, cases) into a store."""
    with open_store(db, create=True) as store:
        store.upgrade()
        moment = now.replace(tzinfo=SITE_TZ) if now is not None and now.tzinfo is None else now
        with _seed_progress(as_json) as progress:
            summary = seed_demo(
                store, cases=cases, seed=seed, now=moment, replace=replace, progress=progress, levels=True
            )
        _print_summary(summary, as_json)
    _demo_basemap(seed, as_json)


def _demo_basemap(seed: int, quiet: bool) -> str:
    """The demo basemap's path, rendered now if missing; "" (and a warning) if it cannot be."""
    if not quiet and not demo_basemap_path(seed).is_file():
        console.print("Rendering the demo district's basemap (once, a few seconds)…")
    try:
        path, _ = ensure_demo_basemap(seed)
    except BasemapError as exc:
        typer.echo(f"{exc}; the map opens without it", err=True)  # stderr: --json output stays JSON
        return ""
    if not quiet:
        console.print(f"Demo basemap: {path}")
    return str(path)


@app.command("demo")
def demo_command(
    db: str | None = DbOption,
    cases: int = CasesOption,
    as_json: bool = JsonOption,
    window: bool = typer.Option(True, "--window/--no-window", help="Open the dispatcher workstation."),
    simulate: bool = typer.Option(True, "--simulate/--no-simulate", help="Keep the district living."),
    lang: str | None = typer.Option(None, "--lang", help="UI language: zh_CN or en."),
    screenshot: Path | None = ScreenshotOption,
    open_camera: str | None = typer.Option(None, "--open-camera", hidden=True, help="Open this camera."),
) -> None:
    """Open the demo: its own store (demo.sqlite in the data directory), seeded the first time, and the
    dispatcher workstation on it, with a simulation that reports, handles and patrols as you watch."""
    with open_store(db or demo_store_path(), create=True) as store:
        location = store.engine.url.render_as_string(hide_password=True)  # what is printed: no password
        store.upgrade()
        with store.session() as session:
            seeded = has_territory(session)
            counts = table_counts(session) if seeded else {}
        if not seeded:
            with _seed_progress(as_json) as progress:
                summary = seed_demo(store, cases=cases, progress=progress, levels=True)
            _print_summary(summary, as_json)
        elif as_json:
            print_json(
                {
                    "location": location,
                    "seeded": False,
                    "counts": counts,
                }
            )
        else:
            rebuild = f"gridwatch seed demo --replace --db {location}"
            _print_counts(location, counts, f"Demo store already seeded (rebuild it with: {rebuild})")
        url = store.url
    if not window:
        return
    from gridwatch.ui.application import run_dispatcher

    console.print("Preparing the demo cameras' video (encoded once into the cache)…")
    ensure_scenes()
    basemap = _demo_basemap(1, as_json)  # the seed `demo` seeds with
    stop = threading.Event()
    # a screenshot shows the API's address too (served, no phones simulated: the picture stays still)
    field = _demo_field(url, simulate and screenshot is None)
    if simulate and screenshot is None:
        if field is not None and field.simulate:  # the field acts through the API; the desk's steps stay here
            from gridwatch.api.demo_field import DESK_DIRECT, DESK_SOURCES, DESK_STEPS

            simulation = DemoSimulation(
                Store(url), steps=DESK_STEPS, sources=DESK_SOURCES, direct_sources=DESK_DIRECT
            )
        else:
            simulation = DemoSimulation(Store(url))
        threading.Thread(target=simulation.run, args=(stop,), name="demo-simulation", daemon=True).start()
        sensors = DemoSensorFeed(url)  # lampblack monitors and smoke detectors: over MQTT, else in process
        console.print(sensors.status())
        sensors.start(stop)
        # video analytics, lightly: 1 fps on a few demo cameras with seeded zones (docs/ANALYTICS.md)
        video = threading.Thread(target=run_demo_analytics, args=(url, stop), name="demo-video", daemon=True)
        video.start()
    speakers_store = Store(url)
    speakers = LoopbackSpeakers.from_store(speakers_store)  # the demo's loudspeakers, on 127.0.0.1
    speakers.start()
    try:
        code = run_dispatcher(
            url,
            DEMO_DISPATCHER,
            lang,
            screenshot,
            speakers=speakers,
            open_camera=open_camera,
            basemap=basemap,
            field_api=field.base if field is not None else "",
        )
    finally:
        stop.set()
        speakers.stop()
        speakers_store.dispose()
        if field is not None:
            field.close()
    raise typer.Exit(code)


def _demo_field(url: str, simulate: bool) -> DemoField | None:
    """The field API on 127.0.0.1 (a free port) with simulated phones using it (app/api/demo_field.py);
    printed so a phone or curl can join (README "Point a phone or curl at the demo"). On a PostgreSQL
    demo store people sign in with their own passwords, so the phones are not simulated there."""
    from gridwatch.api.demo_field import DEMO_PASSWORD, DemoField

    try:
        field = DemoField(url, simulate=simulate and url.startswith("sqlite")).start()
    except (RuntimeError, OSError, StoreError) as exc:
        typer.echo(f"The demo's field API did not start ({exc}); the desk opens without it", err=True)
        return None
    password = f", password '{DEMO_PASSWORD}'" if url.startswith("sqlite") else ""
    console.print(
        f"Field API: {field.base} (OpenAPI: {field.base}/docs). Sign in as any demo person{password}, "
        f"e.g. the grid worker {field.example_worker}; the citizen app's Open311 api_key: {field.app_key}"
    )
    return field
