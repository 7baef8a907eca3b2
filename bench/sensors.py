"""Sensor readings stored per second, and a threshold crossing's time to its case, on PostgreSQL.

Run by hand:  cd bench && python sensors.py [--readings 40000] [--sensors 500] [--alone 50]
              [--crossings 200] [--every 0.25] [--flood-rate 5000] [--burn 0] [--purge-rows 0]
              [--crossings-only] [--profile FILE] [--worst 5]

Targets (issue 12): ≥ 5,000 readings/s stored, sustained, on PostgreSQL; threshold crossing → case ≤ 1 s.
The broker is a Mosquitto of the bench's own on a free loopback port (unlimited queue), so a backlog can be
queued for the service's persistent session before it starts. The machine is shared: each line of part 4
says the load average before → after; compare runs back to back, never against a figure of another day.
1. `SensorIngest.ingest` alone, batches of 2,000: the store's side (COPY into a session table and one
   INSERT … ON CONFLICT per batch, the rules, one upsert of the devices' states).
2. The service draining a backlog: `--readings` QoS 1 messages of `--sensors` lampblack monitors, one
   reading each, queued while the service is away; then `SensorService` starts and stores, judges and
   acknowledges each batch after its commit. Readings/s = readings ÷ (all stored − start), and readings
   per CPU-second of the service's process (what other work on a shared machine does not move). A Python
   publisher cannot send faster than the service takes them, hence the backlog.
3. The same with gateways uploading 50 readings per message (docs/SENSORS.md: an array payload).
4. Threshold crossings: smoke detectors cross their threshold one every `--every` s, on a clock of their
   own (a slow case does not thin out the ones after it), each timed from its publish until its case can
   be read (one query for all outstanding every 10 ms): `--alone` of them with nothing else arriving, then
   `--crossings` under a flood of one-reading messages at `--flood-rate` per second (0: flat out), sent by
   a process writing MQTT to the socket itself (paho's publisher tops out near 4,000/s and burst 5,000
   at once). The service runs in a process of its own, as `gridwatch serve sensors` does (the bench's
   poller does not share its interpreter lock), traced. Printed: median, p95, p99 and max; the readings/s
   the service stored meanwhile and its CPU share; its batches (size, duration, what waited behind one);
   its cycle collector per generation; and for the `--worst` crossings where the time went: publish → paho's
   callback, → its batch begins (the backlog ahead), the batch itself (its report included), → seen.
   `--burn N` spins N processes meanwhile (other work, in a controlled dose); `--purge-rows N` adds a run
   under the flood while the service's purge removes N readings past the retention (loaded first);
   `--profile FILE` records the service with py-spy (raw stacks; py-spy from PATH or /tmp/tools).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing as mp
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from scratch_store import median, percentile, pg_dsn, pg_engine, pg_schema, verdict
from sqlalchemy import func, select

from gridwatch.db.models import Case, Device, SensorReading
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.sensors import Reading, SensorIngest, ensure_devices, payload
from gridwatch.db.store import Store
from gridwatch.plugins.sensors import service as service_module
from gridwatch.plugins.sensors.service import SensorService, reachable

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized
    from multiprocessing.synchronize import Event

SCHEMA = "bench_sensors"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fleet(n: int) -> list[tuple[str, str, float, float]]:
    return [(f"YY{i:06d}", "lampblack", 118.0 + i * 1e-4, 24.45) for i in range(n)]


def publish(port: int, prefix: str, sensors: int, first: int, readings: int, per_message: int,
            rate: Synchronized[float]) -> None:  # fmt: skip
    """Readings first … first+readings-1, `per_message` per message, as fast as the broker takes them."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
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


# --- 4. threshold crossings, alone and under a flood ------------------------------------------------------


def _mqtt_string(text: str) -> bytes:
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


def _remaining(n: int) -> bytes:
    out = bytearray()
    while True:
        n, byte = divmod(n, 128)
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def flood(port: int, prefix: str, sensors: int, rate: float, first_second: int,
          sent: Synchronized[int], stop: Event) -> None:  # fmt: skip
    """One-reading QoS 1 messages of `sensors` lampblack monitors at `rate` per second (0: as fast as the
    broker takes them) until `stop`. MQTT 3.1.1 written straight to the socket (the packets built here, the
    broker's PUBACKs read and dropped by a thread): paho's publisher tops out near 4,000 messages/s of
    Python, below the service's pace, so it could not load the service at the target's 5,000/s."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = _mqtt_string("MQTT") + bytes([4, 0x02, 0, 0]) + _mqtt_string(f"bench-flood-{uuid.uuid4().hex[:6]}")
    sock.sendall(bytes([0x10]) + _remaining(len(body)) + body)
    sock.recv(4)  # CONNACK

    def drain() -> None:
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass

    threading.Thread(target=drain, daemon=True).start()
    topics = [_mqtt_string(f"{prefix}/YY{d:06d}") for d in range(sensors)]
    started = time.perf_counter()
    n = 0
    stamp, second = "", -1
    while not stop.is_set():
        due = 500 if rate <= 0 else min(int((time.perf_counter() - started) * rate) - n, 2000)
        if due <= 0:
            time.sleep(0.002)
            continue
        chunk = bytearray()
        for _ in range(due):
            device, s = n % sensors, first_second + n // sensors
            if s != second:
                second, stamp = s, (T0 + timedelta(seconds=s)).isoformat()
            data = b'{"at": "%s", "fume_mg_m3": 1.2, "purifier": true, "fan": true}' % stamp.encode()
            packet = topics[device] + ((n % 65535) + 1).to_bytes(2, "big") + data
            chunk += b"\x32" + _remaining(len(packet)) + packet
            n += 1
        sock.sendall(chunk)
        sent.value = n
    sock.sendall(b"\xe0\x00")  # DISCONNECT
    sock.close()


def serve(schema: str, port: int, prefix: str, ready: Event, stop: Event,
          out: mp.Queue[dict[str, Any]], purge: bool) -> None:  # fmt: skip
    """The service in a process of its own, as `gridwatch serve sensors` runs (the bench's poller and
    publisher do not share its interpreter lock), traced: when each smoke message reached paho's callback,
    each batch (start, end, messages, inbox left behind it, the smoke codes in it), each report of the
    alarms, and the readings stored over time with the process's CPU."""
    store = Store(engine=pg_engine(schema))
    if purge:  # the hourly purge due at once: it starts at the first sweep, 10 s in (8 s into the crossings)
        service_module.PURGE_EVERY = 0.0
    service = SensorService(SensorIngest(store), f"mqtt://127.0.0.1:{port}", topic=f"{prefix}/+",
                            client_id=f"bench-{uuid.uuid4().hex[:6]}", session_expiry=60,
                            sweep_every=10.0 if purge else 15.0)  # fmt: skip
    serving = getattr(service_module, "collect_for_serving", None)
    if serving is not None:  # as `gridwatch serve sensors` does
        serving()
    arrivals: dict[str, float] = {}
    batches: list[tuple[float, float, int, int, list[str]]] = []
    reports: list[tuple[float, float]] = []
    stored: list[tuple[float, int, float]] = []
    on_message, handle, report = service._on_message, service._handle, service.ingest.report_pending

    def traced_message(client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        if "/YG" in msg.topic:
            arrivals[msg.topic.rsplit("/", 1)[-1]] = time.time()
        on_message(client, userdata, msg)

    def traced_handle(messages: list) -> None:  # type: ignore[type-arg]
        left = service._inbox.qsize()  # what waits behind this batch in the service
        start = time.time()
        handle(messages)
        codes = [m.topic.rsplit("/", 1)[-1] for m in messages if "/YG" in m.topic]
        batches.append((start, time.time(), len(messages), left, codes))

    def traced_report() -> list[str]:
        start = time.time()
        try:
            return report()
        finally:
            reports.append((start, time.time()))

    collections: dict[int, list[float]] = {
        0: [0, 0.0, 0.0, 0.0],
        1: [0, 0.0, 0.0, 0.0],
        2: [0, 0.0, 0.0, 0.0],
    }
    gc_started = [0.0, 0.0]

    def traced_gc(phase: str, info: dict[str, int]) -> None:
        """Per generation: passes, their CPU seconds in all, the longest in CPU and in wall time."""
        if phase == "start":
            gc_started[:] = [time.perf_counter(), time.thread_time()]
            return
        wall, cpu = time.perf_counter() - gc_started[0], time.thread_time() - gc_started[1]
        row = collections[info["generation"]]
        row[0] += 1
        row[1] += cpu
        row[2] = max(row[2], cpu)
        row[3] = max(row[3], wall)

    gc.callbacks.append(traced_gc)
    service.client.on_message = traced_message
    service._handle = traced_handle  # type: ignore[method-assign]
    service.ingest.report_pending = traced_report  # type: ignore[method-assign]
    purges: list[tuple[float, float]] = []
    # the purge's statements: each slice (_purge_some), or the whole purge where it has no slices
    name = "_purge_some" if hasattr(service.ingest, "_purge_some") else "purge"
    purge_call = getattr(service.ingest, name)

    def traced_purge(*args: Any, **kwargs: Any) -> Any:
        start = time.time()
        try:
            return purge_call(*args, **kwargs)
        finally:
            purges.append((start, time.time()))

    setattr(service.ingest, name, traced_purge)
    service.start()
    service.connected.wait(10)
    time.sleep(0.3)
    ready.set()
    while not stop.wait(0.25):
        stored.append((time.time(), service.ingest.counts.stored, time.process_time()))
    service.stop()
    store.dispose()
    out.put(
        {
            "arrivals": arrivals,
            "batches": batches,
            "reports": reports,
            "stored": stored,
            "gc": collections,
            "purges": purges,
        }
    )


@dataclass
class Crossings:
    """What one run of crossings measured: each alarm's milliseconds from publish to its case readable,
    the readings/s the service stored meanwhile, and the service's trace."""

    latencies: dict[str, float]
    published: dict[str, float]
    seen: dict[str, float]
    flood_rate: float
    stored_rate: float
    cpu_share: float
    load: tuple[float, float]
    trace: dict[str, Any]


def burn(stop: Event) -> None:
    """Other work on the machine: one process spinning on a core until `stop`."""
    while not stop.is_set():
        sum(range(10_000))


def crossings(store: Store, schema: str, port: int, sensors: int, codes: list[str], every: float,
              flood_rate: float | None, offset: int, profile: str = "", burners: int = 0,
              purge: bool = False) -> Crossings:  # fmt: skip
    """Smoke detectors `codes` cross their threshold one every `every` seconds (on a clock of their own, so
    a slow case does not thin out the crossings after it); each is timed from its publish until its case
    can be read (one query for all outstanding every 10 ms). With `flood_rate` not None a flood process
    publishes one-reading messages meanwhile (0: as fast as it can)."""
    prefix = f"bench/{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("fork")
    ready, stop, flood_stop = ctx.Event(), ctx.Event(), ctx.Event()
    out: mp.Queue[dict[str, Any]] = ctx.Queue()
    service = ctx.Process(target=serve, args=(schema, port, prefix, ready, stop, out, purge))
    service.start()
    if not ready.wait(30):
        raise SystemExit("the service did not connect")
    spy = None
    if profile:  # py-spy's raw stacks of every thread of the service, holding the GIL or not (idle left out)
        spy = subprocess.Popen([shutil.which("py-spy") or "/tmp/tools/bin/py-spy", "record", "-p",
                                str(service.pid), "-f", "raw", "-o", profile, "-r", "200", "--threads"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    sent = ctx.Value("q", 0)
    flooder = ctx.Process(
        target=flood, args=(port, prefix, sensors, flood_rate or 0, offset, sent, flood_stop)
    )
    burning = [ctx.Process(target=burn, args=(flood_stop,)) for _ in range(burners)]
    for p in burning:
        p.start()
    if flood_rate is not None:
        flooder.start()
        time.sleep(2.0)  # past the first batches' warm-up
    with store.session() as session:
        ids = dict(session.execute(select(Device.id, Device.code).where(Device.code.in_(codes))).all())
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-alarm-{uuid.uuid4().hex[:6]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    load_before = os.getloadavg()[0]
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    sent_at_start, start = sent.value, time.time()
    pending = list(codes)
    deadline = start + every * len(codes) + 30
    while (pending or len(seen) < len(published)) and time.time() < deadline:
        now = time.time()
        if pending and now >= start + every * len(published):
            code = pending.pop(0)
            published[code] = time.time()
            client.publish(f"{prefix}/{code}", payload("smoke", 1, at=datetime.now(UTC)), qos=1)
        waiting = [i for i, c in ids.items() if c in published and c not in seen]
        if waiting:
            with store.session() as session:
                found = session.scalars(select(Case.device_id).where(Case.device_id.in_(waiting))).all()
            now = time.time()
            for device_id in filter(None, found):
                seen.setdefault(ids[device_id], now)
        time.sleep(0.01)
    took = time.time() - start
    flood_sent = sent.value - sent_at_start
    flood_stop.set()
    if flood_rate is not None:
        flooder.join(30)
    for p in burning:
        p.join(10)
    load_after = os.getloadavg()[0]
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(60)
    client.disconnect()
    client.loop_stop()
    stop.set()
    trace = out.get(timeout=60)
    service.join(30)
    window = [(t, n, cpu) for t, n, cpu in trace["stored"] if start <= t <= start + took]
    stored_rate = cpu_share = 0.0
    if len(window) >= 2:
        (t0, n0, c0), (t1, n1, c1) = window[0], window[-1]
        stored_rate, cpu_share = (n1 - n0) / (t1 - t0), (c1 - c0) / (t1 - t0)
    return Crossings(
        {c: (seen[c] - published[c]) * 1000 for c in seen},
        published,
        seen,
        flood_sent / took if flood_rate is not None else 0.0,
        stored_rate,
        cpu_share,
        (load_before, load_after),
        trace,
    )


def old_readings(schema: str, sensors: int, rows: int) -> None:
    """`rows` readings of the fleet 40 to 31 days old (past the 30 days kept), by COPY: what the hourly
    purge finds at a site storing thousands a second (5,000/s is 18 million rows an hour)."""
    with psycopg.connect(pg_dsn(schema)) as conn, conn.cursor() as cur:
        base = datetime.now(UTC) - timedelta(days=40)
        ids = [r[0] for r in cur.execute("SELECT id FROM devices WHERE subtype = 'lampblack' ORDER BY id")]
        ids = ids[:sensors]
        with cur.copy("COPY sensor_readings (device_id, at, value, purifier, fan) FROM STDIN") as copy:
            for i in range(rows):
                copy.write_row((ids[i % len(ids)], base + timedelta(seconds=i // len(ids)), 1.0, True, True))
        conn.execute("ANALYZE sensor_readings")


def describe(run: Crossings, label: str, worst: int) -> None:
    """The latency distribution, the rates and the load, and where the slowest crossings spent their time."""
    lat = sorted(run.latencies.values())
    if not lat:
        print(f"   {label}: none of {len(run.published)} crossings became a case")
        return
    p = percentile
    print(
        f"   {label}: {len(lat)} of {len(run.published)} crossings became cases; "
        f"median {median(lat):.0f} ms, "
        f"p95 {p(lat, 0.95):.0f}, p99 {p(lat, 0.99):.0f}, max {lat[-1]:.0f} ms "
        f"({verdict(lat[-1] <= 1000)} ≤ 1,000 ms); load average {run.load[0]:.1f} → {run.load[1]:.1f}"
    )
    if run.flood_rate:
        print(
            f"      flood sent {run.flood_rate:,.0f} readings/s; the service stored {run.stored_rate:,.0f}/s "
            f"({verdict(run.stored_rate >= 0.99 * min(run.flood_rate, 5000))} ≥ 5,000, as fast as the flood: "
            f"a window's edges cost a few) using {run.cpu_share:.0%} of a core"
        )
    batches = run.trace["batches"]
    if batches:
        took = sorted(b[1] - b[0] for b in batches)
        sizes = sorted(b[2] for b in batches)
        print(
            f"      batches: {len(batches)}, messages median {median(sizes):.0f} max {sizes[-1]}; "
            f"ms median {median(took) * 1000:.0f} p99 {p(took, 0.99) * 1000:.0f} max {took[-1] * 1000:.0f}; "
            f"waiting behind a batch at most {max(b[3] for b in batches):,}; the longest began "
            f"{datetime.fromtimestamp(max(batches, key=lambda b: b[1] - b[0])[0], UTC):%H:%M:%S} UTC"
        )
    collected = run.trace.get("gc", {})
    if collected:
        print(
            "      cycle collector: "
            + "; ".join(
                f"generation {g}: {int(n)} passes, {total * 1000:,.0f} ms CPU, longest {most * 1000:.0f} ms "
                f"CPU / {wall * 1000:.0f} ms wall"
                for g, (n, total, most, wall) in sorted(collected.items())
                if n
            )
        )
    purges = run.trace.get("purges", [])
    if purges:
        steps = [b - a for a, b in purges]
        print(
            f"      purge: {len(steps)} statements, {purges[-1][1] - purges[0][0]:.1f} s from first to last, "
            f"longest {max(steps) * 1000:,.0f} ms"
        )
    arrivals = run.trace["arrivals"]
    batch_of = {code: b for b in batches for code in b[4]}
    for code, ms in sorted(run.latencies.items(), key=lambda kv: -kv[1])[:worst]:
        t = run.published[code]
        arrived = arrivals.get(code)
        b = batch_of.get(code)
        parts = [
            f"{code} {ms:.0f} ms: to paho {(arrived - t) * 1000:.0f}" if arrived else f"{code} {ms:.0f} ms"
        ]
        if arrived is not None and b is not None:
            report = next((r for r in run.trace["reports"] if b[0] <= r[0] <= b[1]), None)
            parts.append(f"waits for its batch {(b[0] - arrived) * 1000:.0f}")
            parts.append(f"its batch {(b[1] - b[0]) * 1000:.0f} ({b[2]:,} messages, {b[3]:,} left behind")
            parts[-1] += f"; its report {(report[1] - report[0]) * 1000:.0f})" if report else ")"
            parts.append(f"then seen {(run.seen[code] - b[1]) * 1000:.0f}")
        print("      slowest " + ", ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=40_000, help="parts 1-3: readings drained")
    parser.add_argument("--sensors", type=int, default=500)
    parser.add_argument("--alone", type=int, default=50, help="crossings with nothing else arriving")
    parser.add_argument("--crossings", type=int, default=200, help="crossings under the flood")
    parser.add_argument("--every", type=float, default=0.25, help="seconds between two crossings")
    parser.add_argument("--flood-rate", type=float, default=5000, help="readings/s of the flood; 0: flat out")
    parser.add_argument("--worst", type=int, default=5, help="the slowest crossings taken apart")
    parser.add_argument("--burn", type=int, default=0, help="processes spinning meanwhile (other work)")
    parser.add_argument(
        "--purge-rows",
        type=int,
        default=0,
        help="a third run: crossings under the flood while the purge removes this many old readings",
    )
    parser.add_argument("--profile", default="", help="py-spy raw stacks of the service under the flood here")
    parser.add_argument("--crossings-only", action="store_true", help="skip parts 1-3")
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
            smoke = [f"YG{i:04d}" for i in range(args.alone + args.crossings * (2 if args.purge_rows else 1))]
            ensure_devices(store, [(c, "smoke", 118.1 + i * 1e-4, 24.46) for i, c in enumerate(smoke)])
            n = args.readings
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            if not args.crossings_only:
                print(
                    f"1. SensorIngest.ingest alone: {direct(store, args.sensors, n):,.0f} readings/s ({n:,})"
                )
                print(f"   load average before: {os.getloadavg()[0]:.1f}")
                rate, per_cpu = backlog(store, port, args.sensors, n, 1, 0)
                print(
                    f"2. service draining {n:,} one-reading messages: {rate:,.0f} readings/s stored "
                    f"(target ≥ 5,000); {per_cpu:,.0f} per CPU-second of the service"
                )
                rate, per_cpu = backlog(store, port, args.sensors, n, 50, n)
                print(
                    f"3. service draining {n:,} readings in 50-reading uploads: {rate:,.0f} readings/s "
                    "stored; "
                    f"{per_cpu:,.0f} per CPU-second"
                )
            print("4. threshold crossing (a smoke alarm published) → its case readable in the store:")
            if args.alone:
                alone = crossings(store, schema, port, args.sensors, smoke[: args.alone], args.every, None, 0)
                describe(alone, "alone", args.worst)
            if args.crossings:
                flooded = crossings(
                    store,
                    schema,
                    port,
                    args.sensors,
                    smoke[args.alone : args.alone + args.crossings],
                    args.every,
                    args.flood_rate,
                    2 * n,
                    args.profile,
                    args.burn,
                )
                what = f"{args.flood_rate:,.0f}/s" if args.flood_rate else "flat out"
                what += f", {args.burn} processes spinning beside it" if args.burn else ""
                describe(flooded, f"under a flood ({what})", args.worst)
            if args.purge_rows:
                old_readings(schema, args.sensors, args.purge_rows)
                purging = crossings(
                    store, schema, port, args.sensors, smoke[args.alone + args.crossings :], args.every,
                    args.flood_rate, 3 * n, burners=args.burn, purge=True,
                )  # fmt: skip
                describe(
                    purging,
                    f"under the flood while the purge removes {args.purge_rows:,} readings",
                    args.worst,
                )
            store.dispose()
    finally:
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
