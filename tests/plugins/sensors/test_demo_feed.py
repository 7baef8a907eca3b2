"""The demo's sensors: in process when no broker answers (a fresh machine), over the real Mosquitto when one
does, through the same ingest either way; a restaurant that switches its purifier off becomes a case."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from gridwatch.db.models import Case, SensorReading
from gridwatch.db.sensors import ensure_devices
from gridwatch.db.store import Store, utcnow
from gridwatch.plugins.sensors.simulate import DemoSensorFeed, SimulatedSensors
from tests.plugins.sensors.test_service import wait_for

FLEET = [("YY0001", "lampblack", 118.08, 24.48), ("YY0002", "lampblack", 118.081, 24.48),
         ("YG0001", "smoke", 118.09, 24.48)]  # fmt: skip


def count(store: Store, model: type, *where: object) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_the_simulation_is_deterministic_and_sends_documented_payloads() -> None:
    from gridwatch.db.sensors import DeviceRef, parse

    fleet = [DeviceRef(i, c, s, c, x, y, True) for i, (c, s, x, y) in enumerate(FLEET)]
    now = utcnow()
    a = [
        SimulatedSensors(fleet, seed=7, episode_chance=0.3).tick(now + timedelta(seconds=5 * k))
        for k in range(30)
    ]
    b = [
        SimulatedSensors(fleet, seed=7, episode_chance=0.3).tick(now + timedelta(seconds=5 * k))
        for k in range(30)
    ]
    assert a == b
    subtype = {c: s for c, s, _, _ in FLEET}
    for topic, data in a[0]:
        [reading] = parse(topic, data, subtype[topic.rsplit("/", 1)[1]], now)
        assert reading.at == now
    offline = DeviceRef(9, "YY0009", "lampblack", "x", 0, 0, False)
    assert [m.ref.code for m in SimulatedSensors([offline, *fleet]).monitors] == [
        "YG0001",
        "YY0001",
        "YY0002",
    ]


def test_without_a_broker_the_demo_feeds_the_store_in_process(sqlite_store: Store) -> None:
    ensure_devices(sqlite_store, FLEET)
    feed = DemoSensorFeed(sqlite_store.url, broker="mqtt://127.0.0.1:1", episode_chance=1.0)
    assert feed.mode == "in-process"
    assert feed.status() == "Demo sensors: 3 sensors, readings in process (no MQTT broker answered)"
    sim = SimulatedSensors(list(feed.ingest.devices().values()), seed=3, episode_chance=1.0, silence_chance=0)
    start = utcnow() - timedelta(minutes=5)
    for k in range(15):  # 70 s of purifiers off at > 2.4 mg/m³: past the demo's one-minute rule
        feed._tick(sim, start + timedelta(seconds=5 * k))
    assert count(sqlite_store, SensorReading) >= 30
    with sqlite_store.session() as session:
        categories = sorted(session.scalars(select(Case.category_code).where(Case.source == "sensor")))
    assert categories.count("10003") == 2  # each monitor once, however many readings stayed over


def test_with_a_broker_the_demo_goes_through_mqtt(sqlite_store: Store) -> None:
    ensure_devices(sqlite_store, FLEET)
    feed = DemoSensorFeed(sqlite_store.url, interval=0.2)
    assert feed.mode == "mqtt"
    assert feed.status() == "Demo sensors: 3 sensors, readings MQTT via mqtt://127.0.0.1:1883"
    stop = threading.Event()
    feed.start(stop)
    try:
        wait_for(
            lambda: feed.service is not None and feed.service.ingest.counts.stored >= 6,
            20,
            "readings via MQTT",
        )
    finally:
        stop.set()
        assert feed._thread is not None
        feed._thread.join(10)
    assert count(sqlite_store, SensorReading) >= 6
