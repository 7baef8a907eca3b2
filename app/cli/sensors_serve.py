"""`gridwatch serve sensors`: the MQTT sensor service, headless (docs/SENSORS.md)."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

import typer

from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, console, errors, open_store
from gridwatch.cli.serve import serve_app


@serve_app.command("sensors")
def serve_sensors(
    db: str | None = DbOption,
    broker: str = typer.Option(
        "mqtt://127.0.0.1:1883", "--broker", help="The MQTT broker, mqtt://HOST[:PORT]."
    ),
    topic: str = typer.Option(
        "gridwatch/sensors/+", "--topic", help="Subscription; the last level is the device code."
    ),
    client_id: str = typer.Option(
        "gridwatch-sensors",
        "--client-id",
        help="Fixed: the broker keeps this session's messages while it is away.",
    ),
    session_hours: float = typer.Option(
        168.0,
        "--session-hours",
        min=0.01,
        help="How long the broker keeps readings for the service while it is down.",
    ),
    silence: float = typer.Option(
        300.0, "--offline-after", min=5, help="Seconds of silence before a sensor is offline."
    ),
    keep_days: float = typer.Option(30.0, "--keep-days", min=0.01, help="Days raw readings are kept."),
    merge_minutes: float = typer.Option(
        30.0,
        "--merge-minutes",
        min=0,
        help="A repeat alarm of one sensor and rule inside this joins the open case.",
    ),
) -> None:
    """Store sensor readings, raise alarms as cases, mark silent sensors offline.

    On PostgreSQL sign in as a person holding the role system (gridwatch user add … --role system), never
    as the owner: the service's cases are in that person's name."""
    from gridwatch.db.errors import Forbidden
    from gridwatch.db.sensors import SensorIngest
    from gridwatch.plugins.sensors.service import (
        BrokerUrlError,
        SensorService,
        check_signed_in,
        collect_for_serving,
    )

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with open_store(db) as store:
        try:
            actor = check_signed_in(store)
        except Forbidden as exc:
            errors.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USER_ERROR) from None
        ingest = SensorIngest(
            store,
            actor=actor,
            silence=timedelta(seconds=silence),
            merge_window=timedelta(minutes=merge_minutes),
        )
        try:
            service = SensorService(
                ingest,
                broker,
                topic=topic,
                client_id=client_id,
                keep=timedelta(days=keep_days),
                session_expiry=int(session_hours * 3600),
            )
        except BrokerUrlError as exc:
            errors.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USER_ERROR) from None
        console.print(
            f"gridwatch sensors: {broker} {topic} → {store.engine.url.render_as_string(hide_password=True)} "
            f"as {ingest.actor}"
        )
        collect_for_serving()  # this process only serves (docs/SENSORS.md, Speed)
        with contextlib.suppress(KeyboardInterrupt):
            service.run_forever()
