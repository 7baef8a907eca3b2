"""Sensors: payloads to readings, readings to the time series, threshold rules to alarms, alarms to cases.

The sensor service (`gridwatch serve sensors`, plugins/sensors) and the demo feed the same `SensorIngest`:
one transaction stores a batch of readings, advances each rule (hysteresis and a minimum duration,
docs/DOMAIN.md "Sensor thresholds") and records each alarm once, keyed by (device, rule, start). Only after
that commit is the alarm reported through `Store.report` (source sensor, merged per (device, rule) like
video), with a client key made from the alarm's (device, rule, start), so a report retried after a
crash returns the first case: no alarm is lost (the MQTT message is acknowledged after the commit) and
none is doubled.
Topics and payloads: docs/SENSORS.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    any_,
    bindparam,
    cast,
    delete,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import InvalidInput, StoreError
from gridwatch.db.models import Device, SensorAlarm, SensorReading, SensorState, Setting
from gridwatch.db.store import Store, utcnow

log = logging.getLogger(__name__)

SUBTYPES = ("lampblack", "smoke", "water_level", "manhole")
LAMPBLACK_LIMIT_MG_M3 = 2.0
"""GB 18483 (饮食业油烟排放标准): restaurants' cooking-fume emission limit."""
TOPIC_PREFIX = "gridwatch/sensors"
"""A sensor publishes on `gridwatch/sensors/<device code>` (docs/SENSORS.md)."""
MAX_PAYLOAD = 256 * 1024
MAX_BATCH = 1000
"""Readings in one message at most (a gateway uploading what it buffered)."""
MAX_SKEW = timedelta(minutes=10)
"""A reading stamped further in the future than this is refused: a device clock gone wrong."""
DEFAULT_SILENCE = timedelta(minutes=5)
DEFAULT_RETENTION = timedelta(days=30)
DEFAULT_MERGE_WINDOW = timedelta(minutes=30)
UNKNOWN_RETRY_S = 30.0
PURGE_SLICE = 5_000
"""Readings one purge step removes at most, in a transaction of its own (docs/SENSORS.md, The time series)."""
PURGE_DEVICES = 100
"""Sensors one purge step looks at: one statement, a range of the (device_id, at) key for each."""
TEMP_TABLES = "gridwatch_sensor_tables"
"""The key under which a connection's record (and a transaction's session) lists the session tables made."""
SETTING_KEY = "sensor_rules"
"""A site's rule overrides in the settings table: {"rule name": {"above": …, "clear_below": …, …}}."""


class BadPayload(InvalidInput):
    """A message that is not a reading: counted, logged, dropped; the service keeps running."""


# --- payloads ---------------------------------------------------------------------------------------------

VALUE_KEYS = {"lampblack": "fume_mg_m3", "water_level": "level_m", "manhole": "tilt_deg", "smoke": "smoke"}


@dataclass(frozen=True)
class Reading:
    code: str
    at: datetime
    value: float | None
    purifier: bool | None = None
    fan: bool | None = None


def code_of(topic: str) -> str:
    """The device code: a topic's last level (`gridwatch/sensors/YY3502030001`)."""
    code = topic.rsplit("/", 1)[-1]
    if not code or len(code) > 32 or "\x00" in code:
        raise BadPayload(
            f"Topic '{topic[:80]}': the last level must be a device code (32 characters at most)."
        )
    return code


def _flag(body: Mapping[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise BadPayload(f"'{key}' must be true or false, not {json.dumps(value)[:40]}.")


def _number(body: Mapping[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadPayload(f"'{key}' must be a finite number, not {json.dumps(value)[:40]}.")
    return float(value)


def parse(topic: str, payload: bytes, subtype: str | None, received: datetime) -> list[Reading]:
    """One MQTT message as readings of a device of `subtype`: a JSON object is one reading, an array of
    objects (a gateway's upload, at most MAX_BATCH) several. BadPayload says what is wrong; one bad element
    refuses the whole message, so a message is stored whole or not at all."""
    code = code_of(topic)
    if len(payload) > MAX_PAYLOAD:
        raise BadPayload(f"{code}: a payload of {len(payload)} bytes (at most {MAX_PAYLOAD}).")
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadPayload(f"{code}: the payload is not JSON ({exc}).") from None
    key = VALUE_KEYS.get(subtype or "")
    if key is None:
        raise BadPayload(f"{code}: a device of type '{subtype}' is no sensor this service reads.")
    if isinstance(body, list):
        if not body or len(body) > MAX_BATCH:
            raise BadPayload(f"{code}: an array of readings holds 1 to {MAX_BATCH}, not {len(body)}.")
        return [_reading(code, item, subtype, key, received) for item in body]
    return [_reading(code, body, subtype, key, received)]


def _reading(code: str, body: object, subtype: str | None, key: str, received: datetime) -> Reading:
    if not isinstance(body, dict):
        raise BadPayload(f"{code}: a reading must be a JSON object.")
    at = received
    if body.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(body["at"]))
        except ValueError:
            raise BadPayload(f"{code}: 'at' must be an ISO 8601 time with its offset.") from None
        if at.tzinfo is None:
            raise BadPayload(f"{code}: 'at' must say its offset (…+08:00 or …Z).")
        at = at.astimezone(UTC)
        if at > received + MAX_SKEW:
            raise BadPayload(f"{code}: 'at' {body['at']} is in the future (device clock?).")
    if subtype == "smoke":
        smoke = _flag(body, key)
        value = None if smoke is None else float(smoke)
    else:
        value = _number(body, key)
    purifier = _flag(body, "purifier") if subtype == "lampblack" else None
    fan = _flag(body, "fan") if subtype == "lampblack" else None
    if value is None and purifier is None and fan is None:
        raise BadPayload(f"{code}: no '{key}' in the payload (docs/SENSORS.md).")
    return Reading(code, at, value, purifier, fan)


def payload(subtype: str, value: float | None, *, at: datetime | None = None, **flags: bool) -> bytes:
    """The JSON a sensor of `subtype` sends (the demo's monitors and the tests use it)."""
    body: dict[str, Any] = {}
    if at is not None:
        body["at"] = at.astimezone(UTC).isoformat()
    if value is not None:
        body[VALUE_KEYS[subtype]] = bool(value) if subtype == "smoke" else value
    body.update(flags)
    return json.dumps(body).encode()


# --- rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Raise when `value > above` (and `needs` holds) for `min_duration`; clear below `clear_below` or when
    `needs` stops holding. A rule that judges no value (`judges_value` False) watches `needs` alone."""

    name: str
    subtype: str
    category: str
    above: float
    clear_below: float
    min_duration: timedelta
    needs: str | None = None  # "purifier_off"; "fan_on_purifier_off": the fan runs, the purifier does not
    description: str = ""
    judges_value: bool = True

    def on(self, r: Reading) -> bool:
        over = not self.judges_value or (r.value is not None and r.value > self.above)
        return over and self._needs(r) is True

    def off(self, r: Reading) -> bool:
        under = self.judges_value and r.value is not None and r.value < self.clear_below
        return under or self._needs(r) is False

    def _needs(self, r: Reading) -> bool | None:
        """Whether the switches say what the rule needs; None while a switch has never been reported."""
        if self.needs == "purifier_off":
            return None if r.purifier is None else not r.purifier
        if self.needs == "fan_on_purifier_off":
            if r.purifier is True or r.fan is False:
                return False
            return None if r.purifier is None or r.fan is None else True
        return True


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "fume_over_limit",
        "lampblack",
        "10003",
        LAMPBLACK_LIMIT_MG_M3,
        1.6,
        timedelta(minutes=10),
        needs="purifier_off",
        description="油烟浓度超过 2.0 mg/m³ 且净化器关闭",
    ),
    Rule(
        "purifier_off",
        "lampblack",
        "10003",
        0.0,
        0.0,
        timedelta(minutes=30),
        needs="fan_on_purifier_off",
        description="风机运行而净化器关闭",
        judges_value=False,
    ),
    Rule("smoke", "smoke", "10001", 0.5, 0.5, timedelta(0), description="烟感报警"),
    Rule("water_high", "water_level", "10", 0.3, 0.2, timedelta(minutes=2), description="积水水位超过 0.3 m"),
    Rule(
        "manhole_tilt", "manhole", "01002", 15.0, 5.0, timedelta(seconds=30), description="井盖倾斜超过 15°"
    ),
)


def load_rules(session: Session, extra: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Rule, ...]:
    """The default rules with the site's overrides from settings (`sensor_rules`), then `extra`, checked."""
    row = session.get(Setting, SETTING_KEY)
    overrides: dict[str, Any] = {k: dict(v) for k, v in (row.value if row is not None else {}).items()}
    for name, change in (extra or {}).items():
        overrides.setdefault(name, {}).update(change)
    out = []
    for rule in DEFAULT_RULES:
        change = dict(overrides.get(rule.name, {}))
        if "min_duration_s" in change:
            change["min_duration"] = timedelta(seconds=float(change.pop("min_duration_s")))
        unknown = set(change) - {"above", "clear_below", "min_duration", "category", "description"}
        if unknown:
            raise InvalidInput(
                f"Setting {SETTING_KEY}.{rule.name}: unknown keys {', '.join(sorted(unknown))}."
            )
        changed = replace(rule, **change)
        if changed.clear_below > changed.above:
            raise InvalidInput(f"Setting {SETTING_KEY}.{rule.name}: clear_below must not exceed above.")
        out.append(changed)
    return tuple(out)


@dataclass(frozen=True)
class Raised:
    device_id: int
    rule: Rule
    started_at: datetime
    raised_at: datetime
    peak: float | None


@dataclass(frozen=True)
class Cleared:
    device_id: int
    rule: str
    started_at: datetime
    cleared_at: datetime


def step(rule: Rule, state: dict[str, Any], r: Reading, device_id: int) -> Raised | Cleared | None:
    """Advance one rule's phase (idle → pending → alarm → idle) by one reading, in place."""
    phase = state.get("phase", "idle")
    if phase == "idle":
        if not rule.on(r):
            return None
        state.update(phase="pending", since=r.at.isoformat(), peak=r.value)
        phase = "pending"
    since = datetime.fromisoformat(state["since"])
    if r.value is not None:
        state["peak"] = max(state.get("peak") or r.value, r.value)
    if phase == "pending":
        if rule.off(r):
            state.clear()
            state["phase"] = "idle"
            return None
        if r.at - since >= rule.min_duration:
            state["phase"] = "alarm"
            return Raised(device_id, rule, since, r.at, state.get("peak"))
        return None
    if rule.off(r):  # alarm
        state.clear()
        state["phase"] = "idle"
        return Cleared(device_id, rule.name, since, r.at)
    return None


# --- ingest -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceRef:
    id: int
    code: str
    subtype: str | None
    name: str
    lon: float
    lat: float
    online: bool


@dataclass
class IngestResult:
    stored: int = 0
    raised: list[Raised] = field(default_factory=list)
    cleared: list[Cleared] = field(default_factory=list)
    back_online: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)  # case numbers of alarms reported after the commit


@dataclass
class Counts:
    """What the service counts for its status line and its log."""

    received: int = 0
    stored: int = 0
    malformed: int = 0
    unknown: int = 0
    failed: int = 0  # readings the store could not take (logged with the reason)
    alarms: int = 0
    cases: int = 0
    offline: int = 0
    unknown_codes: Counter[str] = field(default_factory=Counter)


class SensorIngest:
    """Readings into the store: `accept` (parse, count the bad), `ingest` (one transaction), then
    `report_pending` (the alarms' cases)."""

    def __init__(
        self,
        store: Store,
        *,
        actor: str | None = None,
        merge_window: timedelta = DEFAULT_MERGE_WINDOW,
        silence: timedelta = DEFAULT_SILENCE,
        rules: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """`rules` overrides the site's rules by name, as the setting does (the demo shortens durations)."""
        self.store = store
        self.actor = actor or store.whoami() or "system"
        self.merge_window = merge_window
        self.silence = silence
        self.counts = Counts()
        self._devices: dict[str, DeviceRef] = {}
        self._by_id: dict[int, DeviceRef] = {}
        self._loaded_at = 0.0
        self._rules: tuple[Rule, ...] | None = None
        self._overrides = rules
        self._misses: dict[str, float] = {}  # unknown codes: when each was last looked up

    # devices and rules, read once and again when an unknown code shows up (at most every 30 s)
    def devices(self, *, refresh: bool = False) -> dict[str, DeviceRef]:
        if self._devices and not refresh:
            return self._devices
        now = utcnow().timestamp()
        if not self._devices or now - self._loaded_at > 30:
            with self.store.session() as session:
                rows = session.execute(
                    select(
                        Device.id,
                        Device.code,
                        Device.subtype,
                        Device.name,
                        Device.lon,
                        Device.lat,
                        Device.online,
                    ).where(Device.kind == "sensor")
                ).all()
                self._rules = load_rules(session, self._overrides)
            self._devices = {r.code: DeviceRef(*r) for r in rows}
            self._by_id = {d.id: d for d in self._devices.values()}
            self._loaded_at = now
        return self._devices

    @property
    def rules(self) -> tuple[Rule, ...]:
        if self._rules is None:
            self.devices(refresh=True)
        return self._rules or DEFAULT_RULES

    def device(self, code: str) -> DeviceRef | None:
        """The sensor of this code; an unknown one is looked up in the store (a sensor added since the
        list was read is found at its first message), each unknown code at most once per 30 s."""
        found = self.devices().get(code)
        if found is not None:
            return found
        now = time.monotonic()
        if now - self._misses.get(code, -UNKNOWN_RETRY_S) < UNKNOWN_RETRY_S:
            return None
        found = self._lookup(code)
        if found is None:
            if len(self._misses) > 10_000:  # a flood of made-up codes must not grow this without end
                self._misses.clear()
            self._misses[code] = now
            return None
        self._devices[code] = found
        self._by_id[found.id] = found
        self._misses.pop(code, None)
        return found

    def _lookup(self, code: str) -> DeviceRef | None:
        with self.store.session() as session:
            row = session.execute(
                select(
                    Device.id, Device.code, Device.subtype, Device.name, Device.lon, Device.lat, Device.online
                ).where(Device.code == code, Device.kind == "sensor")
            ).first()
        return None if row is None else DeviceRef(*row)

    def accept(self, topic: str, data: bytes, received: datetime | None = None) -> list[Reading]:
        """A message's readings, or none (counted and logged) when it is malformed or its device unknown."""
        self.counts.received += 1
        received = received or utcnow()
        try:
            ref = self.device(code_of(topic))
            if ref is None:
                self.counts.unknown += 1
                self.counts.unknown_codes[topic.rsplit("/", 1)[-1][:32]] += 1
                if self.counts.unknown_codes[topic.rsplit("/", 1)[-1][:32]] == 1:
                    log.warning(
                        "Unknown sensor '%s' on %s: no such device; its readings are dropped.",
                        topic.rsplit("/", 1)[-1][:32],
                        topic[:80],
                    )
                return []
            return parse(topic, data, ref.subtype, received)
        except BadPayload as exc:
            self.counts.malformed += 1
            log.warning("Malformed sensor message dropped: %s", exc)
            return []
        except (StoreError, StoreUnavailable):
            raise  # the device list could not be read: the caller keeps the message and tries again
        except Exception:  # whatever else a message can do to the parser: it is that message's fault
            self.counts.malformed += 1
            log.exception("Sensor message on %s dropped", topic[:80])
            return []

    def ingest(self, readings: Sequence[Reading], now: datetime | None = None) -> IngestResult:
        """Store a batch and advance the rules in one transaction; then report the alarms it raised.

        Readings older than a device's newest are stored but not judged (a redelivered message must not
        replay a rule). A StoreUnavailable leaves nothing half-done: the caller keeps the batch and retries.
        """
        now = now or utcnow()
        out = IngestResult()
        rows: dict[tuple[int, datetime], Reading] = {}
        for r in readings:
            ref = self.device(r.code)
            if ref is not None:
                rows[(ref.id, r.at)] = r  # one row per (device, time): the last message wins within a batch
        if rows:
            made: list[tuple[set[str], str]] = []  # session tables this transaction made (_copy_rows)
            try:
                with self.store.session() as session:
                    session.info[TEMP_TABLES] = made
                    out.stored = self._insert(session, rows)
                    self._advance(session, rows, now, out)
            except BaseException:
                for tables, name in made:  # rolled back with the transaction: made again next time
                    tables.discard(name)
                raise
            self.counts.stored += len(rows)
            self.counts.alarms += len(out.raised)
        if out.raised:
            try:
                out.reported = self.report_pending()
            except (StoreError, StoreUnavailable) as exc:  # the alarm is stored: the next round reports it
                log.warning("Sensor alarm kept for its report, which failed: %s", exc)
            except Exception:  # the readings are committed whatever the report met: never store them again
                log.exception("Sensor alarm kept for its report, which failed")
        return out

    def _insert(self, session: Session, rows: Mapping[tuple[int, datetime], Reading]) -> int:
        if self.store.is_postgres:
            # COPY (rows formatted in C) into a session-local table, then one INSERT … ON CONFLICT DO NOTHING:
            # COPY itself cannot skip a redelivered reading. sensor_readings has no row-level security.
            connection = _copy_rows(
                session,
                "gw_sensor_batch (device_id int, at timestamptz, value float8, purifier bool, fan bool)",
                ((device_id, at, r.value, r.purifier, r.fan) for (device_id, at), r in rows.items()),
            )
            result = connection.exec_driver_sql(
                "INSERT INTO sensor_readings SELECT * FROM gw_sensor_batch ON CONFLICT DO NOTHING"
            )
            stored = int(result.rowcount)
            return stored
        values = [
            {"device_id": d, "at": at, "value": r.value, "purifier": r.purifier, "fan": r.fan}
            for (d, at), r in rows.items()
        ]
        result = session.connection().execute(sqlite_insert(SensorReading).on_conflict_do_nothing(), values)
        return int(result.rowcount or 0)

    def _advance(
        self, session: Session, rows: Mapping[tuple[int, datetime], Reading], now: datetime, out: IngestResult
    ) -> None:
        ids = sorted({d for d, _ in rows})
        query = (
            select(
                SensorState.device_id,
                SensorState.last_at,
                SensorState.rules,
                SensorState.value,
                SensorState.purifier,
                SensorState.fan,
            )
            .where(self._among(SensorState.device_id, ids))
            .order_by(SensorState.device_id)
        )
        states = {s.device_id: s for s in session.execute(query.with_for_update())}
        by_device: dict[int, list[Reading]] = {}
        for (d, _), r in sorted(rows.items(), key=lambda kv: kv[0]):
            by_device.setdefault(d, []).append(r)
        rules_of: dict[str | None, list[Rule]] = {}
        for rule in self.rules:
            rules_of.setdefault(rule.subtype, []).append(rule)
        saved: list[dict[str, Any]] = []
        for device_id, series in by_device.items():
            state = states.get(device_id)
            ref = self._by_id[device_id]
            phases: dict[str, Any] = {k: dict(v) for k, v in (state.rules or {}).items()} if state else {}
            last = state.last_at if state is not None else None
            # a message may carry only some fields: the others keep their last reported state (a purifier
            # reported off stays off until a message says otherwise), for the rules and the state row
            v, p, f = (state.value, state.purifier, state.fan) if state is not None else (None, None, None)
            fresh = []
            for r in series:
                if last is None or r.at > last:
                    v = r.value if r.value is not None else v
                    p = r.purifier if r.purifier is not None else p
                    f = r.fan if r.fan is not None else f
                    fresh.append(replace(r, value=v, purifier=p, fan=f))
            newest = fresh[-1] if fresh else None
            for r in fresh:
                for rule in rules_of.get(ref.subtype, []):
                    event = step(rule, phases.setdefault(rule.name, {}), r, device_id)
                    if isinstance(event, Raised):
                        out.raised.append(event)
                    elif isinstance(event, Cleared):
                        out.cleared.append(event)
            saved.append(
                {
                    "device_id": device_id,
                    "heard_at": now,
                    "rules": phases,
                    "newest": newest is not None,
                    "last_at": newest.at if newest is not None else last,
                    "value": newest.value if newest is not None else None,
                    "purifier": newest.purifier if newest is not None else None,
                    "fan": newest.fan if newest is not None else None,
                }
            )
        self._save_states(session, saved)
        for raised in out.raised:
            stmt = (pg_insert if self.store.is_postgres else sqlite_insert)(SensorAlarm).values(
                device_id=raised.device_id,
                rule=raised.rule.name,
                started_at=raised.started_at,
                raised_at=raised.raised_at,
                peak=raised.peak,
            )
            session.execute(stmt.on_conflict_do_nothing())
        for cleared in out.cleared:
            session.execute(
                update(SensorAlarm)
                .where(
                    SensorAlarm.device_id == cleared.device_id,
                    SensorAlarm.rule == cleared.rule,
                    SensorAlarm.started_at == cleared.started_at,
                )
                .values(cleared_at=cleared.cleared_at)
            )
        came_back = session.scalars(
            update(Device)
            .where(self._among(Device.id, ids), Device.online.is_(False))
            .values(online=True, version=Device.version + 1, updated_at=now)
            .returning(Device.code)
        ).all()
        out.back_online = sorted(came_back)
        session.flush()

    def _among(self, column: Any, ids: list[int]) -> Any:
        """`column IN ids`; on PostgreSQL as `= ANY(array)`, one parameter instead of hundreds."""
        if self.store.is_postgres:
            return column == any_(cast(bindparam("ids", ids, type_=ARRAY(Integer)), ARRAY(Integer)))
        return column.in_(ids)

    def _save_states(self, session: Session, saved: list[dict[str, Any]]) -> None:
        """Every device's state in one statement (on PostgreSQL COPY, then one upsert): a row per device per
        batch would cost a round trip each. A batch of only redelivered readings keeps the newest values."""
        if self.store.is_postgres:
            connection = _copy_rows(
                session,
                "gw_state_batch (device_id int, last_at timestamptz, heard_at timestamptz, value float8, "
                "purifier bool, fan bool, rules text)",
                [_state_row(x) for x in saved],
            )
            connection.exec_driver_sql(
                "INSERT INTO sensor_states (device_id, last_at, heard_at, value, purifier, fan, rules) "
                "SELECT device_id, last_at, heard_at, value, purifier, fan, CAST(rules AS json) "
                "FROM gw_state_batch "
                "ON CONFLICT (device_id) DO UPDATE SET heard_at = excluded.heard_at, "
                "rules = excluded.rules, last_at = excluded.last_at, "
                "value = CASE WHEN excluded.last_at > sensor_states.last_at THEN excluded.value "
                "ELSE sensor_states.value END, "
                "purifier = CASE WHEN excluded.last_at > sensor_states.last_at THEN excluded.purifier "
                "ELSE sensor_states.purifier END, "
                "fan = CASE WHEN excluded.last_at > sensor_states.last_at THEN excluded.fan "
                "ELSE sensor_states.fan END"
            )
            return
        for x in saved:
            stmt = sqlite_insert(SensorState).values({k: v for k, v in x.items() if k != "newest"})
            changes: dict[str, Any] = {"heard_at": stmt.excluded.heard_at, "rules": stmt.excluded.rules}
            if x["newest"]:
                changes.update(
                    last_at=stmt.excluded.last_at,
                    value=stmt.excluded.value,
                    purifier=stmt.excluded.purifier,
                    fan=stmt.excluded.fan,
                )
            session.execute(stmt.on_conflict_do_update(index_elements=["device_id"], set_=changes))

    def report_pending(self) -> list[str]:
        """Report every alarm without its case yet (this batch's, or one a crash left): one case each,
        or merged into the open case of its (device, rule). Idempotent through the alarm's client key."""
        rules = {r.name: r for r in self.rules}
        with self.store.session() as session:
            pending = session.execute(
                select(
                    SensorAlarm.id,
                    SensorAlarm.device_id,
                    SensorAlarm.rule,
                    SensorAlarm.started_at,
                    SensorAlarm.raised_at,
                    SensorAlarm.peak,
                )
                .where(SensorAlarm.case_id.is_(None))
                .order_by(SensorAlarm.id)
            ).all()
        done = []
        for alarm in pending:
            ref = self._by_id.get(alarm.device_id) or self._reload_ref(alarm.device_id)
            rule = rules.get(alarm.rule)
            if ref is None or rule is None:
                continue
            try:
                done.append(self._report(alarm.id, ref, rule, alarm.started_at, alarm.raised_at, alarm.peak))
            except StoreUnavailable:
                raise  # the next round tries them all again
            except Exception:  # this alarm's trouble must not hold back the others
                log.exception("Sensor alarm %s of %s not reported yet", alarm.id, ref.code)
        return done

    def _report(
        self,
        alarm_id: int,
        ref: DeviceRef,
        rule: Rule,
        started: datetime,
        raised: datetime,
        peak: float | None,
    ) -> str:
        # the client key is the alarm's natural key (device, rule, start): a retried report returns the case
        # the first attempt made, whatever happened to the alarm row's id
        key = hashlib.sha256(f"{ref.code}|{rule.name}|{started.astimezone(UTC).isoformat()}".encode())
        case = self.store.report(
            actor=self.actor,
            source="sensor",
            category_code=rule.category,
            lon=ref.lon,
            lat=ref.lat,
            description=_describe(ref, rule, started, peak),
            reported_at=min(raised, utcnow()),
            device_id=ref.id,
            merge_key=f"sensor:{ref.code}:{rule.name}",
            merge_window=self.merge_window,
            client_key=f"sensor-{key.hexdigest()[:48]}",
        )
        with self.store.session() as session:
            session.execute(update(SensorAlarm).where(SensorAlarm.id == alarm_id).values(case_id=case.id))
        self.counts.cases += 1
        return case.case_no

    def _reload_ref(self, device_id: int) -> DeviceRef | None:
        self.devices(refresh=True)
        return self._by_id.get(device_id)

    def sweep_offline(self, now: datetime | None = None) -> list[str]:
        """Mark sensors silent for longer than `silence` offline (a versioned change the desks and the map
        follow through the change feed); the next reading brings one back (`ingest`)."""
        now = now or utcnow()
        silent = select(SensorState.device_id).where(SensorState.heard_at < now - self.silence)
        with self.store.session() as session:
            codes = session.scalars(
                update(Device)
                .where(Device.kind == "sensor", Device.online.is_(True), Device.id.in_(silent))
                .values(online=False, version=Device.version + 1, updated_at=now)
                .returning(Device.code)
            ).all()
        self.counts.offline += len(codes)
        return sorted(codes)

    def purge(self, keep: timedelta = DEFAULT_RETENTION, now: datetime | None = None) -> int:
        """Delete raw readings older than `keep`, all at once (`purge_round` goes one slice at a time)."""
        purge = self.purge_round(keep, now)
        while not purge.done:
            purge.step()
        return purge.removed

    def purge_round(
        self, keep: timedelta = DEFAULT_RETENTION, now: datetime | None = None, *, rows: int = PURGE_SLICE
    ) -> PurgeRound:
        """A purge of the readings older than `keep`, to be done a step at a time between batches."""
        return PurgeRound(self, (now or utcnow()) - keep, sorted(d.id for d in self.devices().values()), rows)

    def _purge_some(self, ids: list[int], cutoff: datetime, rows: int) -> int:
        """Delete at most `rows` readings of sensors `ids` older than `cutoff`, in a transaction of its own;
        found through the (device_id, at) key, deleted by their row address."""
        with self.store.session() as session:
            if self.store.is_postgres:
                result = session.execute(
                    text(
                        "DELETE FROM sensor_readings WHERE ctid = ANY(ARRAY("
                        "SELECT ctid FROM sensor_readings WHERE device_id = ANY(:ids) AND at < :cutoff "
                        "LIMIT :rows))"
                    ),
                    {"ids": ids, "cutoff": cutoff, "rows": rows},
                )
            else:
                rowid: ColumnElement[int] = literal_column("rowid")
                old = (
                    select(rowid)
                    .select_from(SensorReading)
                    .where(SensorReading.device_id.in_(ids), SensorReading.at < cutoff)
                    .limit(rows)
                )
                result = session.execute(delete(SensorReading).where(rowid.in_(old)))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]


class PurgeRound:
    """Removing the readings older than `cutoff`, one bounded step at a time.

    One DELETE of everything past the retention held the service's only worker for as long as it took: at
    5,000 readings/s an hour's purge is 18 million rows, minutes without a batch stored or an alarm
    judged. A step removes at most `rows` readings of at most PURGE_DEVICES sensors in a short transaction of
    its own, and the service takes one between its batches (plugins/sensors/service.py). The cutoff is fixed
    when the round starts, so the round ends however fast new readings arrive."""

    def __init__(
        self, ingest: SensorIngest, cutoff: datetime, ids: list[int], rows: int = PURGE_SLICE
    ) -> None:
        self.ingest = ingest
        self.cutoff = cutoff
        self.ids = ids
        self.rows = rows
        self.position = 0  # the first sensor of the next step
        self.removed = 0
        self.steps = 0

    @property
    def done(self) -> bool:
        return self.position >= len(self.ids)

    def step(self) -> int:
        """Remove the next slice; the round moves to the next sensors once these have nothing older left."""
        group = self.ids[self.position : self.position + PURGE_DEVICES]
        removed = self.ingest._purge_some(group, self.cutoff, self.rows)
        if removed < self.rows:
            self.position += len(group)
        self.removed += removed
        self.steps += 1
        return removed


def _state_row(x: Mapping[str, Any]) -> tuple[Any, ...]:
    rules = json.dumps(x["rules"])
    return (x["device_id"], x["last_at"], x["heard_at"], x["value"], x["purifier"], x["fan"], rules)


def _copy_rows(session: Session, table: str, rows: Iterable[tuple[Any, ...]]) -> Connection:
    """COPY `rows` into the session-local table `table` ("name (column type, …)"); the rows are formatted by
    psycopg in C. A driver error is raised as SQLAlchemy's, so the store names an outage or a refusal as for
    any statement.

    The table is made once per connection, ON COMMIT DELETE ROWS, so each batch finds it empty: a TRUNCATE
    per batch gave it a new file and a new pg_class row each time (two tables, so two dead catalog rows a
    batch: hundreds a second under a flood of small batches), and with CREATE … IF NOT EXISTS cost four
    round trips a batch. The connection's record (`info`, dropped with the connection) remembers it;
    `ingest` forgets a table whose transaction rolled back (its CREATE went with it)."""
    name = table.split(" ", 1)[0]
    connection = session.connection()
    tables: set[str] = connection.connection.info.setdefault(TEMP_TABLES, set())
    if name not in tables:
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {table} ON COMMIT DELETE ROWS")
        tables.add(name)
        session.info.setdefault(TEMP_TABLES, []).append((tables, name))
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)  # the store's PostgreSQL driver (engine.py)
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise DBAPIError.instance(f"COPY {name}", None, exc, psycopg.Error) from exc
    return connection


def _describe(ref: DeviceRef, rule: Rule, started: datetime, peak: float | None) -> str:
    when = started.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    top = f"，峰值 {peak:g}" if peak is not None and rule.subtype != "smoke" else ""
    return f"{ref.name}（{ref.code}）{rule.description or rule.name}，自 {when}{top}"


def ensure_devices(store: Store, specs: Iterable[tuple[str, str, float, float]]) -> None:
    """Test and bench helper: sensors (code, subtype, lon, lat) as devices, added when missing."""
    now = utcnow()
    with store.session() as session:
        have = set(session.scalars(select(Device.code)))
        values = [
            {
                "code": c,
                "kind": "sensor",
                "subtype": s,
                "name": c,
                "lon": x,
                "lat": y,
                "online": True,
                "protocol": "mqtt",
                "attrs": {},
                "version": 1,
                "updated_at": now,
            }
            for c, s, x, y in specs
            if c not in have
        ]
        if values:
            session.execute(insert(Device), values)
