"""Sensor readings stored per second, and a threshold crossing's time to its case, on PostgreSQL.

Run by hand:  python bench/sensors.py [--readings 40000] [--sensors 500] [--alarms 10]

Targets (issue 12): ≥ 5,000 readings/s stored, sustained, on PostgreSQL; threshold crossing → case ≤ 1 s.
The broker is a Mosquitto of the bench's own on a free loopback port (unlimited queue), so a backlog can be
queued for the service's persistent session before it starts.
1. `SensorIngest.ingest` alone, batches of 2,000: the store's side (COPY into a session table and one
   INSERT … ON CONFLICT per batch, the rules, one upsert of the devices' states).
2. The service draining a backlog: `--readings` QoS 1 messages of `--sensors` lampblack monitors, one
   reading each, queued while the service is away; then `SensorService` starts and stores, judges and
   acknowledges each batch after its commit. Readings/s = readings ÷ (all stored − start), and readings
   per CPU-second of the service's process (what other work on a shared machine does not move). A Python
   publisher cannot send faster than the service takes them, hence the backlog.
3. The same with gateways uploading 50 readings per message (docs/SENSORS.md: an array payload).
4. `--alarms` smoke detectors each cross their threshold once, one after another; the time from the
   publish until the case can be read from the store is printed, alone and under a publisher process
   sending as fast as it can (a Python publisher: its rate is printed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
from scratch_store import pg_engine, pg_schema
from sqlalchemy import func, select

from gridwatch.db.models import Case, Device, SensorReading
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.sensors import Reading, SensorIngest, ensure_devices, payload
from gridwatch.db.store import Store
from gridwatch.plugins.sensors.service import SensorService, reachable

SCHEMA = "bench_sensors"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fleet(n: int) -> list[tuple[str, str, float, float]]:
    return [(f"YY{i:06d}", "lampblack", 118.0 + i * 1e-4, 24.45) for i in range(n)]


def publish(port: int, prefix: str, sensors: int, first: int, readings: int, per_message: int,
            rate: mp.Value) -> None:  # type: ignore[type-arg]  # fmt: skip
    """Readings first … first+readings-1, `per_message` per message, as fast as the broker takes them."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(5000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    started = time.perf_counter()
    last = None
    per_device = max(per_message, 1)
    for n in range(first, first + readings, per_device * sensors):
        for device in range(sensors):
            items = [
                {"at": (T0 + timedelta(seconds=(n // sensors) + k)).isoformat(), "fume_mg_m3": 1.2,
                 "purifier": True, "fan": True}
                for k in range(per_device)
            ]  # fmt: skip
            body = json.dumps(items if per_message > 1 else items[0]).encode()
            last = client.publish(f"{prefix}/YY{device:06d}", body, qos=1)
    if last is not None:
        last.wait_for_publish(300)
    rate.value = readings / (time.perf_counter() - started)
    client.disconnect()
    client.loop_stop()


def count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(SensorReading)) or 0)


def direct(store: Store, sensors: int, readings: int) -> float:
    ingest = SensorIngest(store)
    base = T0 - timedelta(days=1)
    started = time.perf_counter()
    for first in range(0, readings, 2000):
        ingest.ingest([
            Reading(f"YY{i % sensors:06d}", base + timedelta(seconds=i // sensors), 1.0, True, True)
            for i in range(first, min(first + 2000, readings))
        ])  # fmt: skip
    return readings / (time.perf_counter() - started)


def backlog(
    store: Store, port: int, sensors: int, readings: int, per_message: int, offset: int
) -> tuple[float, float]:
    """Queue `readings` for a persistent session while its service is away, then time the drain: readings
    per second of wall time, and per CPU-second of this process (the service's threads: a figure the other
    work on a shared machine does not move)."""
    prefix, client_id = f"bench/{uuid.uuid4().hex[:8]}", f"bench-{uuid.uuid4().hex[:6]}"
    url = f"mqtt://127.0.0.1:{port}"
    service = SensorService(SensorIngest(store), url, topic=f"{prefix}/+", client_id=client_id)
    service.start()
    service.connected.wait(10)
    time.sleep(0.3)
    service.stop()  # the session stays: what is published now waits at the broker
    rate = mp.Value("d", 0.0)
    proc = mp.Process(target=publish, args=(port, prefix, sensors, offset, readings, per_message, rate))
    proc.start()
    proc.join(900)
    base = count(store)
    service = SensorService(SensorIngest(store), url, topic=f"{prefix}/+", client_id=client_id)
    started, cpu = time.perf_counter(), time.process_time()
    service.start()
    deadline = time.monotonic() + 600
    while service.ingest.counts.stored < readings and time.monotonic() < deadline:
        time.sleep(0.02)  # the service's own count: a count(*) every few ms would load the server
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    service.stop()
    stored = count(store) - base
    return stored / took, stored / cpu


def live(store: Store, port: int, sensors: int, readings: int, alarms: int, offset: int, first: int) -> None:
    """`alarms` smoke detectors cross their threshold one after another, each timed from its publish until
    its case can be read; with `readings` > 0 a publisher process floods the service meanwhile."""
    prefix = f"bench/{uuid.uuid4().hex[:8]}"
    service = SensorService(SensorIngest(store), f"mqtt://127.0.0.1:{port}", topic=f"{prefix}/+",
                            client_id=f"bench-{uuid.uuid4().hex[:6]}", session_expiry=60)  # fmt: skip
    service.start()
    service.connected.wait(10)
    time.sleep(0.3)
    rate = mp.Value("d", 0.0)
    proc = mp.Process(target=publish, args=(port, prefix, sensors, offset, readings, 1, rate))
    if readings:
        proc.start()
        time.sleep(1.0)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-alarm-{uuid.uuid4().hex[:6]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    with store.session() as session:
        ids = dict(session.execute(select(Device.code, Device.id).where(Device.subtype == "smoke")).all())
    lat = []
    for i in range(first, first + alarms):
        code = f"YG{i:04d}"
        started = time.perf_counter()
        client.publish(f"{prefix}/{code}", payload("smoke", 1, at=datetime.now(UTC)), qos=1)
        deadline = started + 30
        while time.perf_counter() < deadline:
            with store.session() as session:
                if session.scalar(select(Case.id).where(Case.device_id == ids[code])) is not None:
                    lat.append((time.perf_counter() - started) * 1000)
                    break
            time.sleep(0.01)
        time.sleep(0.2)
    if readings:
        proc.join(900)
    client.disconnect()
    client.loop_stop()
    service.stop()
    load = f"under a publisher sending {rate.value:,.0f} readings/s" if readings else "alone"
    if not lat:
        print(f"   {load}: none of {alarms} smoke alarms became a case")
        return
    lat.sort()
    print(
        f"   {load}: {len(lat)} of {alarms} alarms became cases; median {statistics.median(lat):.0f} ms, "
        f"max {lat[-1]:.0f} ms (target ≤ 1,000 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=40_000)
    parser.add_argument("--sensors", type=int, default=500)
    parser.add_argument("--alarms", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-mqtt-"))
    port = free_port()
    (folder / "mosquitto.conf").write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_queued_bytes 0\n"
    )
    broker = subprocess.Popen(["mosquitto", "-c", str(folder / "mosquitto.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while not reachable(f"mqtt://127.0.0.1:{port}", 0.2):
            time.sleep(0.1)
        with pg_schema(SCHEMA) as schema:
            store = Store(engine=pg_engine(schema))
            with store.session() as session:
                ensure_reference_data(session)
            ensure_devices(store, fleet(args.sensors))
            ensure_devices(
                store, [(f"YG{i:04d}", "smoke", 118.1 + i * 1e-4, 24.46) for i in range(2 * args.alarms)]
            )
            n = args.readings
            print(f"1. SensorIngest.ingest alone: {direct(store, args.sensors, n):,.0f} readings/s ({n:,})")
            print(f"   load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            rate, per_cpu = backlog(store, port, args.sensors, n, 1, 0)
            print(
                f"2. service draining {n:,} one-reading messages: {rate:,.0f} readings/s stored "
                f"(target ≥ 5,000); {per_cpu:,.0f} per CPU-second of the service"
            )
            rate, per_cpu = backlog(store, port, args.sensors, n, 50, n)
            print(
                f"3. service draining {n:,} readings in 50-reading uploads: {rate:,.0f} readings/s stored; "
                f"{per_cpu:,.0f} per CPU-second"
            )
            print("4. threshold crossing (a smoke alarm published) → its case readable in the store:")
            live(store, port, args.sensors, 0, args.alarms, 2 * n, 0)
            live(store, port, args.sensors, n // 2, args.alarms, 2 * n, args.alarms)
            store.dispose()
    finally:
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
