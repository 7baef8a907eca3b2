"""The sensor service against a real Mosquitto (127.0.0.1:1883, and a broker of the test's own that it
restarts) and a real store: alarms become one case each, bad messages are counted and the service lives,
a broker or database restart loses no acknowledged reading and doubles no alarm."""

from __future__ import annotations

import getpass
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import ColumnElement, func, select

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.models import Case, SensorAlarm, SensorReading
from gridwatch.db.sensors import SensorIngest, ensure_devices, payload
from gridwatch.db.store import Store
from gridwatch.plugins.sensors.service import BrokerUrlError, SensorService, broker_address, reachable

BROKER = "mqtt://127.0.0.1:1883"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
FLEET = [("YY0001", "lampblack", 118.08, 24.48), ("YG0001", "smoke", 118.09, 24.48)]


def wait_for(check: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)


def count(store: Store, model: type, *where: ColumnElement[bool]) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


class Publisher:
    """A sensor gateway: QoS 1 publishes, each confirmed by the broker before the next."""

    def __init__(self, broker: str, prefix: str) -> None:
        self.prefix = prefix
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}", clean_session=False
        )
        self.client.reconnect_delay_set(0.2, 1)  # type: ignore[arg-type]  # paho takes seconds as a float
        self.client.connect(*broker_address(broker))
        self.client.loop_start()

    def send(self, code: str, data: bytes) -> None:
        for _ in range(100):
            info = self.client.publish(f"{self.prefix}/{code}", data, qos=1)
            try:
                info.wait_for_publish(timeout=5)
                if info.is_published():
                    return
            except (RuntimeError, ValueError):
                pass
            time.sleep(0.2)  # the broker is away: try again after paho reconnects
        raise AssertionError("the broker never took the message")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def start(store: Store, broker: str = BROKER, **kwargs: object) -> tuple[SensorService, Publisher]:
    ensure_devices(store, FLEET)
    prefix = f"gwtest/{uuid.uuid4().hex[:10]}"
    service = SensorService(
        SensorIngest(store),
        broker,
        topic=f"{prefix}/+",
        client_id=f"gwtest-{uuid.uuid4().hex[:10]}",
        session_expiry=60,  # the shared broker forgets the test's session soon after
        **kwargs,  # type: ignore[arg-type]
    )
    service.start()
    wait_for(service.connected.is_set, what="the service's connection")
    return service, Publisher(broker, prefix)


@pytest.fixture
def running(store: Store) -> Iterator[tuple[SensorService, Publisher]]:
    service, publisher = start(store)
    yield service, publisher
    publisher.close()
    service.stop()


def test_a_smoke_alarm_becomes_one_case(store: Store, running: tuple[SensorService, Publisher]) -> None:
    service, pub = running
    pub.send("YG0001", payload("smoke", 0, at=T0))
    pub.send("YG0001", payload("smoke", 1, at=T0 + timedelta(seconds=5)))
    pub.send("YG0001", payload("smoke", 1, at=T0 + timedelta(seconds=5)))  # the gateway sent it twice
    wait_for(lambda: count(store, Case) == 1 and service.ingest.counts.received == 3, what="the case")
    with store.session() as session:
        case = session.scalars(select(Case)).one()
        assert (case.source, case.category_code, case.lon, case.lat) == ("sensor", "10001", 118.09, 24.48)
    assert count(store, SensorReading) == 2
    wait_for(lambda: count(store, SensorAlarm, SensorAlarm.case_id == case.id) == 1, what="the alarm's case")
    assert count(store, SensorAlarm) == 1


def test_malformed_payloads_and_unknown_devices_are_counted(
    store: Store, running: tuple[SensorService, Publisher]
) -> None:
    service, pub = running
    pub.send("YY0001", b"{not json")
    pub.send("YY0001", b'{"fume_mg_m3": "lots"}')
    pub.send("NOSUCH", payload("smoke", 1))
    pub.send("YY0001", payload("lampblack", 1.2, at=T0, purifier=True, fan=True))
    wait_for(lambda: service.ingest.counts.received == 4, what="four messages")
    wait_for(lambda: count(store, SensorReading) == 1, what="the good reading")
    c = service.ingest.counts
    assert (c.malformed, c.unknown, c.stored, dict(c.unknown_codes)) == (2, 1, 1, {"NOSUCH": 1})
    pub.send("YY0001", payload("lampblack", 1.3, at=T0 + timedelta(seconds=10), purifier=True))
    wait_for(lambda: count(store, SensorReading) == 2, what="the service still running")


def test_a_reading_the_store_cannot_take_is_dropped_and_the_rest_stored(
    store: Store, running: tuple[SensorService, Publisher]
) -> None:
    service, pub = running
    real = service.ingest.ingest
    poison = T0 + timedelta(seconds=13)

    def picky(readings, now=None):  # type: ignore[no-untyped-def]
        if any(r.at == poison for r in readings):
            raise ValueError("value out of range for the column")  # what a driver might raise
        return real(readings, now)

    service.ingest.ingest = picky  # type: ignore[method-assign]
    for second in (11, 12, 13, 14):
        pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=second), purifier=True))
    wait_for(lambda: count(store, SensorReading) == 3 and service.ingest.counts.failed == 1, what="3 stored")
    pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=15), purifier=True))
    wait_for(lambda: count(store, SensorReading) == 4, what="the service still running")
    with store.session() as session:
        seconds = sorted(int((at - T0).total_seconds()) for at in session.scalars(select(SensorReading.at)))
    assert seconds == [11, 12, 14, 15]


def test_a_sensor_added_while_the_service_runs_is_found_even_if_the_store_blinks(
    store: Store, running: tuple[SensorService, Publisher]
) -> None:
    service, pub = running
    ensure_devices(store, [("SW0009", "water_level", 118.1, 24.5)])  # after the service read its list
    real = service.ingest._lookup
    calls: list[str] = []

    def blinking(code: str):  # type: ignore[no-untyped-def]
        calls.append(code)
        if len(calls) == 1:
            raise StoreUnavailable("The store at … is not answering")
        return real(code)

    service.ingest._lookup = blinking  # type: ignore[method-assign]
    pub.send("SW0009", payload("water_level", 0.12, at=T0))
    wait_for(lambda: count(store, SensorReading) == 1, what="the new sensor's reading")
    c = service.ingest.counts
    assert (calls, c.received, c.unknown, c.stored) == (["SW0009", "SW0009"], 1, 0, 1)


def test_readings_are_stored_between_the_steps_of_a_purge(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hourly purge goes a step at a time between batches: a reading that arrives once it has begun is
    stored (and an alarm would be judged) before it ends, not after one DELETE of an hour of readings."""
    from gridwatch.db.sensors import PurgeRound, Reading
    from gridwatch.plugins.sensors import service as service_module

    ensure_devices(store, FLEET)
    old = T0 - timedelta(days=40)
    SensorIngest(store).ingest([Reading("YY0001", old + timedelta(seconds=i), 1.0) for i in range(6)])
    monkeypatch.setattr(service_module, "PURGE_EVERY", 0.0)  # due at the first sweep
    service, pub = start(store, sweep_every=0.1)
    events: list[str] = []
    ingest, purge_round, purge_some = (
        service.ingest.ingest,
        service.ingest.purge_round,
        service.ingest._purge_some,
    )

    def one_row_at_a_time(keep: timedelta, now: datetime | None = None, *, rows: int = 0) -> PurgeRound:
        return purge_round(keep, now, rows=1)

    def step(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("purge step")
        removed = purge_some(*args, **kwargs)
        if len(events) == 1:  # a reading arrives while the purge is under way
            pub.send("YY0001", payload("lampblack", 1.0, at=T0, purifier=True, fan=True))
            wait_for(lambda: service._inbox.qsize() > 0, what="the reading in the service")
        return removed

    def batch(readings, now=None):  # type: ignore[no-untyped-def]
        events.append("batch")
        return ingest(readings, now)

    service.ingest.purge_round = one_row_at_a_time  # type: ignore[method-assign,assignment]
    service.ingest._purge_some = step  # type: ignore[method-assign]
    service.ingest.ingest = batch  # type: ignore[method-assign]
    try:
        wait_for(lambda: events.count("purge step") >= 7, what="the purge's steps")  # 6 rows, then none left
        wait_for(lambda: service._purge is None, what="the end of the purge round")
    finally:
        pub.close()
        service.stop()
    assert "batch" in events
    assert events.index("batch") < len(events) - 1 - events[::-1].index("purge step")
    with store.session() as session:
        assert [at.replace(tzinfo=UTC) for at in session.scalars(select(SensorReading.at))] == [T0]


def test_a_bad_broker_url_is_a_clear_error(store: Store) -> None:
    with pytest.raises(BrokerUrlError, match="mqtt://HOST"):
        SensorService(SensorIngest(store), "http://127.0.0.1:1883")
    with pytest.raises(BrokerUrlError, match="port must be a number"):
        broker_address("mqtt://127.0.0.1:x")
    assert reachable(BROKER)


# --- a broker of the test's own, restarted under the service ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnBroker:
    """mosquitto on a free loopback port, persisting sessions to disk so a restart keeps them."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {folder}/\nmax_queued_messages 100000\n"
            f"user {getpass.getuser()}\n"  # as root it would become `mosquitto`, unable to write here
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["mosquitto", "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(lambda: reachable(self.url, 0.2), 10, "mosquitto to listen")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # saves its sessions and queued messages
            self.proc.wait(10)


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(tmp_path)
    broker.start()
    yield broker
    broker.stop()


@pytest.mark.slow
def test_broker_restart_mid_run_loses_no_acknowledged_reading(pg_store: Store, own_broker: OwnBroker) -> None:
    store = pg_store
    service, pub = start(store, own_broker.url)
    gate = threading.Event()
    real_ingest = service.ingest.ingest

    def held(readings, now=None):  # type: ignore[no-untyped-def]
        gate.wait(30)  # the batch is in the service, not yet acknowledged, when the broker goes
        return real_ingest(readings, now)

    service.ingest.ingest = held  # type: ignore[method-assign]
    try:
        for i in range(100):
            pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=i), purifier=True))
        pub.send("YG0001", payload("smoke", 1, at=T0))
        wait_for(lambda: service.ingest.counts.received >= 1, what="the first message in the service")
        own_broker.stop()
        gate.set()
        wait_for(lambda: not service.connected.is_set(), what="the service to notice")
        own_broker.start()
        wait_for(lambda: service.connects >= 2, 30, "the service to reconnect")
        for i in range(100, 200):
            pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=i), purifier=True))
        wait_for(lambda: count(store, SensorReading) == 201, 60, "every acknowledged reading stored")
        wait_for(lambda: count(store, Case) == 1, 20, "the smoke alarm's case")
        time.sleep(1.0)  # redeliveries still under way must double nothing
        assert count(store, SensorReading) == 201
        assert count(store, Case) == 1
        assert count(store, SensorAlarm) == 1
    finally:
        pub.close()
        service.stop()


# --- the database restarted under the service ---------------------------------------------------------------

from tests.db.test_server_restart import VERSION  # noqa: E402
from tests.db.test_server_restart import own_server as own_server  # noqa: E402  (the private cluster fixture)


@pytest.mark.slow
@pytest.mark.postgres
def test_database_restart_mid_run_loses_nothing(own_server: tuple[str, str]) -> None:
    name, url = own_server
    store = Store(url)
    store.upgrade()
    from gridwatch.db.seeds import ensure_reference_data

    with store.session() as session:
        ensure_reference_data(session)
    service, pub = start(store)
    try:
        for i in range(150):
            pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=i), purifier=True))
        subprocess.run(
            ["pg_ctlcluster", VERSION, name, "stop", "-m", "fast"], check=True, capture_output=True
        )
        for i in range(150, 300):  # arriving while the store is down: kept unacknowledged
            pub.send("YY0001", payload("lampblack", 1.0, at=T0 + timedelta(seconds=i), purifier=True))
        pub.send("YG0001", payload("smoke", 1, at=T0))
        wait_for(lambda: service.store_down, 20, "the service to notice the store is down")
        subprocess.run(["pg_ctlcluster", VERSION, name, "start"], check=True, capture_output=True)
        wait_for(lambda: count(store, SensorReading) == 301, 60, "every reading after the restart")
        wait_for(lambda: count(store, Case) == 1, 20, "the smoke alarm's case")
        time.sleep(1.0)
        assert (count(store, SensorReading), count(store, Case), count(store, SensorAlarm)) == (301, 1, 1)
    finally:
        pub.close()
        service.stop()
        store.dispose()
