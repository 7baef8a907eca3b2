"""`gridwatch serve sensors`: MQTT readings into the store, headless.

paho-mqtt 2, MQTT 5, QoS 1, a persistent session (a fixed client id, clean_start False, a session
expiry) and manual
acknowledgement: a message is acknowledged to the broker only after the transaction that stored it (and
advanced the rules, and recorded any alarm) committed. A crash or a database outage before that leaves it
unacknowledged, so the broker delivers it again, and the store takes it once ((device, at) key; rules
judge only readings newer than the device's newest). The broker restarting is paho's reconnect; the
database restarting is a retried batch with back-off. Bad messages are counted and logged, never fatal.
"""

from __future__ import annotations

import copy
import gc
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.sensors import DEFAULT_RETENTION, TOPIC_PREFIX, PurgeRound, Reading, SensorIngest
from gridwatch.db.store import Store
from gridwatch.plugins.service import check_system_sign_in

log = logging.getLogger(__name__)

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"
CLIENT_ID = "gridwatch-sensors"
PURGE_EVERY = 3600.0
PURGE_SHARE = 0.25
"""At most this share of the worker's time goes to purge steps while readings arrive: after a step that took
t, the next waits 3t (batches are stored meanwhile)."""
GC_THRESHOLD = (5_000, 10, 10)
"""Allocations between the cycle collector's youngest passes in `gridwatch serve sensors` (Python's default:
700). Under a flood of 5,000 readings/s (bench/sensors.py, quiet machine): at 5,000 the longest pass took
2 ms and all of them 176 ms of CPU in 20 s; at 700, 213 ms; at 50,000 a pass freed ~50,000 objects of a
batch's reference cycles at once, 27 ms, 315 ms in all."""
SESSION_EXPIRY_S = 7 * 24 * 3600
"""How long the broker keeps the service's session (its queued readings) while the service is down."""
RECEIVE_MAXIMUM = 10_000


class BrokerUrlError(ValueError):
    pass


def check_signed_in(store: Store) -> str:
    """The person the service acts as. On PostgreSQL it is its own sign-in holding the role system, never
    the owner (docs/SECURITY.md: no service runs as the owner); on SQLite the built-in `system`."""
    user_add = "gridwatch user add sensors --name 传感器服务 --role system --password-stdin"
    return check_system_sign_in(store, "sensor", "sensors", user_add)


def collect_for_serving() -> None:
    """The service process's cycle collector: what it built to start (the libraries, the models, the store's
    engine: ~130,000 objects) is frozen out of its passes, which then scan only what batches made, and run
    every GC_THRESHOLD allocations. A full pass over everything stopped both of the service's threads for
    67–137 ms of CPU (up to 940 ms of wall time on a loaded machine), 14 to 19 times in 40 s of a 5,000
    readings/s flood (bench/sensors.py), each a stall of every reading and alarm behind it. For `gridwatch
    serve sensors`'s own process only: the demo and the tests, whose process does other work, keep
    Python's defaults."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def broker_address(url: str) -> tuple[str, int]:
    """mqtt://HOST[:PORT] as (host, port); a clear error for anything else."""
    parts = urlsplit(url if "//" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise BrokerUrlError(f"Broker '{url}': give mqtt://HOST[:PORT], e.g. {DEFAULT_BROKER}.")
    try:
        port = parts.port or 1883
    except ValueError:
        raise BrokerUrlError(f"Broker '{url}': the port must be a number.") from None
    return parts.hostname, port


def reachable(url: str, timeout: float = 0.5) -> bool:
    """Whether a broker answers at `url` (a TCP connect: the demo chooses MQTT or in-process with it)."""
    try:
        host, port = broker_address(url)
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except (OSError, BrokerUrlError):
        return False


@dataclass
class _Message:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int  # the connection it came on: an ack after a reconnect would name another message


class SensorService:
    """Subscribe, batch, ingest, acknowledge; sweep offline devices, report pending alarms, purge old rows."""

    def __init__(
        self,
        ingest: SensorIngest,
        broker: str = DEFAULT_BROKER,
        *,
        topic: str = f"{TOPIC_PREFIX}/+",
        client_id: str = CLIENT_ID,
        batch: int = 2000,
        linger: float = 0.0,
        sweep_every: float = 15.0,
        keep: timedelta = DEFAULT_RETENTION,
        session_expiry: int = SESSION_EXPIRY_S,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """`session_expiry`: seconds the broker keeps the session after a disconnect (short for a demo or a
        test, whose client id is not reused)."""
        self.ingest = ingest
        self.host, self.port = broker_address(broker)
        self.topic = topic
        self.batch = batch
        self.linger = linger
        self.sweep_every = sweep_every
        self.keep = keep
        self.session_expiry = session_expiry
        self.on_batch = on_batch
        self.connected = threading.Event()
        self.generation = 0
        self.connects = 0
        self.store_down = False
        self._inbox: queue.Queue[_Message] = queue.Queue()
        self._purge: PurgeRound | None = None
        self._purge_next = 0.0  # when the next purge step may run (monotonic)
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=True
        )
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        client.max_inflight_messages_set(1000)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self.client = client

    # --- paho callbacks (its network thread) ---------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, reason: object, _p: object) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("Broker %s:%s refused the connection: %s", self.host, self.port, reason)
            return
        self.generation += 1
        self.connects += 1
        client.subscribe(self.topic, qos=1)
        self.connected.set()
        log.info("Connected to the broker %s:%s (subscribed to %s)", self.host, self.port, self.topic)

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, reason: object, _p: object) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("Broker %s:%s lost (%s): reconnecting", self.host, self.port, reason)

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        self._inbox.put(_Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos, self.generation))

    # --- running ---------------------------------------------------------------------------------------
    def start(self) -> None:
        self.ingest.devices()
        self._report_pending()  # an alarm a crash left unreported
        # MQTT 5: clean_start False and a session that outlives a disconnect keep what arrives while the
        # service is away; Receive Maximum lets the broker send a whole batch before the first acknowledgement
        # (acknowledgements wait for the batch's commit; the broker's v3.1.1 default would be 20 in flight).
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = self.session_expiry
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(
            self.host, self.port, keepalive=15, clean_start=False, properties=properties
        )
        self.client.loop_start()
        self._worker = threading.Thread(target=self._work, name="sensor-ingest", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.join(timeout=30)
        self.client.disconnect()
        self.client.loop_stop()

    def run_forever(self) -> None:
        self.start()
        try:
            while not self._stop.wait(60):
                c = self.ingest.counts
                log.info(
                    "sensors: %d received, %d stored, %d malformed, %d unknown device, %d alarms, %d cases",
                    c.received,
                    c.stored,
                    c.malformed,
                    c.unknown,
                    c.alarms,
                    c.cases,
                )
        finally:
            self.stop()

    def _take(self, timeout: float = 0.2) -> list[_Message]:
        """What has arrived, up to a batch, waiting `linger` for more (none by default: messages pile up
        while a batch is being stored, so batches grow with the load, and a lone alarm goes at once)."""
        try:
            first = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return []
        taken = [first]
        until = time.monotonic() + self.linger
        while len(taken) < self.batch:
            left = until - time.monotonic()
            try:
                taken.append(self._inbox.get(timeout=max(left, 0)) if left > 0 else self._inbox.get_nowait())
            except queue.Empty:
                break
        return taken

    def _work(self) -> None:
        """Batches first; between two, one step of a purge under way (PURGE_SHARE), and every
        `sweep_every` the housekeeping."""
        last_sweep = self._last_purge = time.monotonic()
        while not self._stop.is_set():
            wait = 0.2
            if self._purge is not None:
                wait = min(wait, max(self._purge_next - time.monotonic(), 0.0))
            messages = self._take(wait)
            if messages:
                self._handle(messages)
            if self._purge is not None and time.monotonic() >= self._purge_next:
                self._purge_step()
            if time.monotonic() - last_sweep > self.sweep_every:
                last_sweep = time.monotonic()
                self._housekeeping()

    def _purge_step(self) -> None:
        """One bounded step of the purge under way (db/sensors.py PurgeRound), in its own transaction."""
        purge = self._purge
        assert purge is not None
        started = time.monotonic()
        try:
            purge.step()
        except (StoreUnavailable, StoreError) as exc:
            log.warning("Purge of old sensor readings paused: %s", exc)
            self._purge_next = time.monotonic() + self.sweep_every
            return
        except Exception:  # the worker must live: readings keep coming
            log.exception("Purge of old sensor readings failed; tried again in an hour")
            self._purge = None
            return
        took = time.monotonic() - started
        self._purge_next = time.monotonic() + took * (1 - PURGE_SHARE) / PURGE_SHARE
        if purge.done:
            log.info("Purged %d readings older than %s (%d steps)", purge.removed, self.keep, purge.steps)
            self._purge = None

    def _handle(self, messages: list[_Message]) -> None:
        readings: list[Reading] | None = None
        delay = 0.5
        while True:
            try:
                if readings is None:  # an unknown code re-reads the device list: the store may be down
                    readings = self._accept(messages)
                self.ingest.ingest(readings)
                break
            except (StoreUnavailable, StoreError) as exc:
                # unreachable, or refused (a missing grant a DBA can fix): keep the batch, unacknowledged
                if not self.store_down:
                    what = "unreachable" if isinstance(exc, StoreUnavailable) else "refused the batch"
                    log.warning("Store %s, %d messages wait (not acknowledged): %s", what, len(messages), exc)
                self.store_down = True
                if self._stop.wait(delay):
                    return  # stopping: nothing acknowledged, the broker keeps them
                delay = min(delay * 2, 10.0)
            except Exception:  # a reading the store cannot take: find it, keep the rest, live on
                readings = readings or []
                log.exception("A batch of %d readings failed; storing them one by one", len(readings))
                if not self._one_by_one(readings):
                    return  # the store went away meanwhile: nothing acknowledged
                break
        if self.store_down:
            log.info("Store reachable again")
            self.store_down = False
        for m in messages:  # bad ones too: they would only come back bad
            if m.generation == self.generation and m.qos > 0:
                self.client.ack(m.mid, m.qos)
        if self.on_batch is not None:
            self.on_batch(len(readings or []))

    def _accept(self, messages: list[_Message]) -> list[Reading]:
        """The batch's readings; counted once even when the store's answer makes it try again."""
        before = copy.deepcopy(self.ingest.counts)
        try:
            return [r for m in messages for r in self.ingest.accept(m.topic, m.payload)]
        except BaseException:
            self.ingest.counts = before
            raise

    def _one_by_one(self, readings: list[Reading]) -> bool:
        """Store each reading alone, dropping (counting, logging) the ones that fail; False if the store
        became unreachable (the caller then acknowledges nothing)."""
        for reading in readings:
            try:
                self.ingest.ingest([reading])
            except (StoreUnavailable, StoreError):
                return False
            except Exception as exc:
                self.ingest.counts.failed += 1
                log.error("Reading of %s at %s dropped: %s", reading.code, reading.at.isoformat(), exc)
        return True

    def _report_pending(self) -> None:
        try:
            self.ingest.report_pending()
        except (StoreUnavailable, StoreError) as exc:
            log.warning("Pending sensor alarms not reported yet: %s", exc)
        except Exception:
            log.exception("Pending sensor alarms not reported yet")

    def _housekeeping(self) -> None:
        try:
            self.ingest.report_pending()
            gone = self.ingest.sweep_offline()
            if gone:
                log.info("Offline (silent for %s): %s", self.ingest.silence, ", ".join(gone))
            if self._purge is None and time.monotonic() - self._last_purge > PURGE_EVERY:
                self._last_purge = time.monotonic()
                self._purge = self.ingest.purge_round(self.keep)  # stepped between batches (_work)
                self._purge_next = time.monotonic()
        except (StoreUnavailable, StoreError) as exc:
            log.warning("Sensor housekeeping skipped: %s", exc)
        except Exception:  # the worker must live: readings keep coming
            log.exception("Sensor housekeeping failed")
