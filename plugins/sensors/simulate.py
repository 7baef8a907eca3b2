"""The demo's sensors: lampblack monitors whose restaurants sometimes switch the purifier off, smoke
detectors that rarely fire, and a monitor that now and then falls silent and comes back.

`DemoSensorFeed` runs in the demo's process. When a broker answers it publishes each reading over MQTT
(QoS 1) and runs the sensor service in a thread, exactly as a site runs `gridwatch serve sensors`; on a
machine without a broker it hands the same payloads to the same `SensorIngest.accept`/`ingest` in process.
`mode` says which, and the demo prints it. Both paths are light: ~50 sensors, one reading each 5 s.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import StoreError
from gridwatch.db.sensors import DeviceRef, SensorIngest, payload
from gridwatch.db.store import Store, utcnow
from gridwatch.plugins.sensors.service import DEFAULT_BROKER, SensorService, broker_address, reachable

log = logging.getLogger(__name__)

DEMO_TOPIC = "gridwatch/demo"
"""The demo's monitors publish on gridwatch/demo/<store tag>/<code>: apart from a site's gridwatch/sensors/,
and apart from another demo on the same broker (the demo district's codes are the same everywhere)."""
DEMO_RULES = {"fume_over_limit": {"min_duration_s": 60}}
"""A demo minute stands for the limit's ten: an alarm shows up while somebody watches."""
DEMO_SILENCE = timedelta(seconds=40)


@dataclass
class _Monitor:
    ref: DeviceRef
    level: float  # the restaurant's usual fume concentration, mg/m³
    episode: int = 0  # ticks left with the purifier off
    silent: int = 0  # ticks left without a message (offline in the demo)


class SimulatedSensors:
    """Deterministic for a seed: `tick(now)` is one reading per sensor, as (topic, payload)."""

    def __init__(
        self,
        fleet: list[DeviceRef],
        *,
        seed: int | None = None,
        episode_chance: float = 0.002,
        silence_chance: float = 0.0005,
    ) -> None:
        """`episode_chance`: per sensor and tick, a purifier switched off (or smoke); `silence_chance`: a
        sensor losing power for a minute or two (offline on the map, then back)."""
        self.rng = random.Random(seed)
        self.episode_chance = episode_chance
        self.silence_chance = silence_chance
        self.monitors = [
            _Monitor(ref, self.rng.uniform(0.3, 1.4))
            for ref in sorted(fleet, key=lambda d: d.code)
            if ref.online and ref.subtype
        ]

    def tick(self, now: datetime, prefix: str = DEMO_TOPIC) -> list[tuple[str, bytes]]:
        out = []
        for m in self.monitors:
            if m.silent:
                m.silent -= 1
                continue
            if self.rng.random() < self.silence_chance:
                m.silent = self.rng.randint(12, 24)  # a minute or two without power
                continue
            if m.episode == 0 and self.rng.random() < self.episode_chance:
                m.episode = self.rng.randint(18, 40)  # 1.5 to 3.5 minutes at one tick per 5 s
            topic = f"{prefix}/{m.ref.code}"
            if m.ref.subtype == "lampblack":
                bad = m.episode > 0
                value = self.rng.uniform(2.4, 3.8) if bad else m.level + self.rng.gauss(0, 0.08)
                out.append(
                    (
                        topic,
                        payload("lampblack", round(max(value, 0.0), 2), at=now, purifier=not bad, fan=True),
                    )
                )
            elif m.ref.subtype == "smoke":
                fire = m.episode > 0 and self.rng.random() < 0.2  # smoke detectors fire far more rarely
                out.append((topic, payload("smoke", 1.0 if fire else 0.0, at=now)))
            if m.episode:
                m.episode -= 1
        return out


class DemoSensorFeed:
    """The demo's sensors into the demo's store: over MQTT when `broker` answers, else in process."""

    def __init__(
        self,
        url: str,
        *,
        broker: str = DEFAULT_BROKER,
        interval: float = 5.0,
        seed: int = 1,
        episode_chance: float = 0.002,
    ) -> None:
        self.store = Store(url)
        self.episode_chance = episode_chance
        self.tag = hashlib.sha256(f"{url}:{os.getpid()}".encode()).hexdigest()[:8]
        self.topic = f"{DEMO_TOPIC}/{self.tag}"
        self.ingest = SensorIngest(self.store, rules=DEMO_RULES, silence=DEMO_SILENCE)
        self.interval = interval
        self.seed = seed
        self.broker = broker
        self.mode = "mqtt" if reachable(broker) else "in-process"
        self.service: SensorService | None = None
        self.publisher: mqtt.Client | None = None
        self._thread: threading.Thread | None = None

    def status(self) -> str:
        where = f"MQTT via {self.broker}" if self.mode == "mqtt" else "in process (no MQTT broker answered)"
        return f"Demo sensors: {len(self.ingest.devices())} sensors, readings {where}"

    def start(self, stop: threading.Event) -> None:
        self._thread = threading.Thread(target=self._run, args=(stop,), name="demo-sensors", daemon=True)
        self._thread.start()

    def _run(self, stop: threading.Event) -> None:
        try:
            sim = SimulatedSensors(
                list(self.ingest.devices().values()), seed=self.seed, episode_chance=self.episode_chance
            )
        except (StoreError, StoreUnavailable) as exc:
            log.warning("Demo sensors not started: %s", exc)
            return
        if self.mode == "mqtt":
            self.service = SensorService(
                self.ingest,
                self.broker,
                topic=f"{self.topic}/+",
                client_id=f"gridwatch-demo-{self.tag}",
                sweep_every=self.interval,
                session_expiry=60,
            )
            self.service.start()
            self.publisher = mqtt.Client(
                CallbackAPIVersion.VERSION2, client_id=f"gridwatch-demo-pub-{self.tag}"
            )
            self.publisher.connect_async(*broker_address(self.broker))
            self.publisher.loop_start()
        try:
            while not stop.wait(self.interval):
                try:
                    self._tick(sim)
                except (StoreError, StoreUnavailable) as exc:
                    log.warning("Demo sensors skipped a tick: %s", exc)
        finally:
            if self.service is not None:
                self.service.stop()
            if self.publisher is not None:
                self.publisher.disconnect()
                self.publisher.loop_stop()
            self.store.dispose()

    def _tick(self, sim: SimulatedSensors, now: datetime | None = None) -> None:
        messages = sim.tick(now or utcnow(), self.topic)
        if self.publisher is not None:
            for topic, data in messages:
                self.publisher.publish(topic, data, qos=1)
            return
        readings = [r for t, d in messages for r in self.ingest.accept(t, d)]
        self.ingest.ingest(readings, now)
        self.ingest.sweep_offline(now)
