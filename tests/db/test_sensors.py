"""Sensor readings, rules and alarms in the store (db/sensors.py), on both backends, without a broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from gridwatch.db.errors import InvalidInput
from gridwatch.db.models import Case, CaseEvent, Device, SensorAlarm, SensorReading, Setting
from gridwatch.db.reads import sensors as sensor_reads
from gridwatch.db.sensors import (
    BadPayload,
    Reading,
    SensorIngest,
    ensure_devices,
    load_rules,
    parse,
    payload,
)
from gridwatch.db.store import Store

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SENSORS = [
    ("YY0001", "lampblack", 118.08, 24.48),
    ("YG0001", "smoke", 118.09, 24.48),
    ("SW0001", "water_level", 118.10, 24.48),
    ("JG0001", "manhole", 118.11, 24.48),
]


@pytest.fixture
def ingest(store: Store) -> SensorIngest:
    ensure_devices(store, SENSORS)
    return SensorIngest(store)


def fume(minute: float, value: float, purifier: bool = False, fan: bool = True) -> Reading:
    return Reading("YY0001", T0 + timedelta(minutes=minute), value, purifier, fan)


def cases(store: Store) -> list[Case]:
    with store.session() as session:
        rows = session.scalars(select(Case).order_by(Case.id)).all()
        session.expunge_all()
        return list(rows)


def test_parse_each_subtype() -> None:
    now = T0
    [r] = parse(
        "gridwatch/sensors/YY1", b'{"fume_mg_m3": 2.4, "purifier": false, "fan": true}', "lampblack", now
    )
    assert (r.code, r.at, r.value, r.purifier, r.fan) == ("YY1", now, 2.4, False, True)
    [r] = parse("gridwatch/sensors/YG1", b'{"smoke": true, "at": "2026-11-30T10:00:00+08:00"}', "smoke", now)
    assert (r.value, r.at) == (1.0, T0)
    assert parse("x/SW1", b'{"level_m": 0.31}', "water_level", now)[0].value == 0.31
    assert parse("x/JG1", b'{"tilt_deg": 20}', "manhole", now)[0].value == 20.0
    assert parse("x/YY1", payload("lampblack", 1.5, purifier=True), "lampblack", now)[0].value == 1.5
    upload = (
        b'[{"level_m": 0.1, "at": "2026-11-30T01:59:00Z"}, {"level_m": 0.2, "at": "2026-11-30T02:00:00Z"}]'
    )
    assert [(r.at, r.value) for r in parse("x/SW1", upload, "water_level", now)] == [
        (T0 - timedelta(minutes=1), 0.1),
        (T0, 0.2),
    ]


@pytest.mark.parametrize(
    ("data", "subtype", "says"),
    [
        (b"not json", "lampblack", "not JSON"),
        (b"[1, 2]", "lampblack", "a reading must be a JSON object"),
        (b"[]", "lampblack", "1 to 1000"),
        (b"[" + b",".join([b'{"smoke": true}'] * 1001) + b"]", "smoke", "1 to 1000"),
        (b'[{"level_m": 0.1}, {"level_m": "x"}]', "water_level", "finite number"),
        (b'{"fume_mg_m3": "high"}', "lampblack", "finite number"),
        (b'{"fume_mg_m3": NaN}', "lampblack", "finite number"),
        (b'{"fume_mg_m3": 1, "purifier": "off"}', "lampblack", "true or false"),
        (b'{"level_m": 1}', "lampblack", "no 'fume_mg_m3'"),
        (b'{"smoke": true, "at": "yesterday"}', "smoke", "ISO 8601"),
        (b'{"smoke": true, "at": "2026-11-30T10:00:00"}', "smoke", "offset"),
        (b'{"smoke": true, "at": "2027-01-01T00:00:00Z"}', "smoke", "future"),
        (b'{"smoke": true}', "camera", "no sensor"),
        (b"\xff\xfe", "smoke", "not JSON"),
        (b'{"smoke": true, "x": "' + b"a" * 300_000 + b'"}', "smoke", "at most"),
    ],
)
def test_malformed_payloads_say_why(data: bytes, subtype: str, says: str) -> None:
    with pytest.raises(BadPayload, match=says):
        parse("gridwatch/sensors/D1", data, subtype, T0)


def test_bad_messages_are_counted_and_the_good_stored(store: Store, ingest: SensorIngest) -> None:
    good = ingest.accept("gridwatch/sensors/YY0001", payload("lampblack", 0.8, at=T0, purifier=True))
    assert ingest.accept("gridwatch/sensors/YY0001", b"{oops") == []
    assert ingest.accept("gridwatch/sensors/NOPE", payload("smoke", 1)) == []
    assert ingest.accept("gridwatch/sensors/NOPE", payload("smoke", 1)) == []
    assert len(good) == 1
    ingest.ingest(good)
    c = ingest.counts
    assert (c.received, c.malformed, c.unknown, c.stored, c.unknown_codes["NOPE"]) == (4, 1, 2, 1, 2)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(SensorReading)) == 1


def test_fume_over_limit_needs_ten_minutes_with_the_purifier_off(store: Store, ingest: SensorIngest) -> None:
    # above the limit but the purifier runs: no alarm; off from minute 5: the ten minutes count from there
    first = [fume(m, 2.5, purifier=m < 5) for m in range(0, 15)]
    assert ingest.ingest(first, now=T0).raised == []
    result = ingest.ingest([fume(15, 2.6), fume(16, 2.2)], now=T0)
    assert [(r.rule.name, r.started_at, r.raised_at) for r in result.raised] == [
        ("fume_over_limit", T0 + timedelta(minutes=5), T0 + timedelta(minutes=15))
    ]
    [case] = cases(store)
    assert (case.source, case.category_code, case.state, case.lon, case.lat) == (
        "sensor",
        "10003",
        "reported",
        118.08,
        24.48,
    )
    assert result.reported == [case.case_no]
    with store.session() as session:
        alarm = session.scalars(select(SensorAlarm)).one()
        assert (alarm.case_id, alarm.peak, alarm.cleared_at) == (case.id, 2.6, None)


def test_hysteresis_a_flicker_is_no_case(store: Store, ingest: SensorIngest) -> None:
    # 2.1 → 1.8 (above the clear line 1.6: still pending) → 2.1 … for 10 minutes: one alarm
    # (the fan reported off: the purifier rule, half an hour of fan without purifier, stays out of it)
    series = [fume(m, 2.1 if m % 2 == 0 else 1.8, fan=False) for m in range(0, 11)]
    assert len(ingest.ingest(series, now=T0).raised) == 1
    # a flicker under 10 minutes (dropping below 1.6) restarts the clock: nothing
    ingest2 = [fume(20 + m, 2.5 if m % 4 else 1.0, fan=False) for m in range(0, 30)]
    result = ingest.ingest(ingest2, now=T0)
    assert [c.cleared_at for c in result.cleared] == [T0 + timedelta(minutes=20)]
    assert result.raised == []
    assert len(cases(store)) == 1


def test_smoke_alarms_at_once_and_clears(store: Store, ingest: SensorIngest) -> None:
    smoke = [Reading("YG0001", T0, 0.0), Reading("YG0001", T0 + timedelta(seconds=5), 1.0)]
    result = ingest.ingest(smoke, now=T0)
    assert [(r.rule.name, r.raised_at) for r in result.raised] == [("smoke", T0 + timedelta(seconds=5))]
    [case] = cases(store)
    assert (case.category_code, case.urgency) == ("10001", "A")
    result = ingest.ingest([Reading("YG0001", T0 + timedelta(seconds=9), 0.0)], now=T0)
    assert [c.rule for c in result.cleared] == ["smoke"]


def test_water_and_manhole_rules(store: Store, ingest: SensorIngest) -> None:
    water = [Reading("SW0001", T0 + timedelta(seconds=30 * i), 0.35) for i in range(5)]  # 2 minutes
    tilt = [Reading("JG0001", T0 + timedelta(seconds=10 * i), 20.0) for i in range(3)]  # 20 s < 30 s
    result = ingest.ingest(water + tilt, now=T0)
    assert [r.rule.name for r in result.raised] == ["water_high"]
    result = ingest.ingest([Reading("JG0001", T0 + timedelta(seconds=30), 21.0)], now=T0)
    assert [r.rule.name for r in result.raised] == ["manhole_tilt"]
    assert [c.category_code for c in cases(store)] == ["10", "01002"]


def test_a_repeat_inside_the_merge_window_joins_the_open_case(store: Store, ingest: SensorIngest) -> None:
    for start in (0, 1, 2):  # three smoke alarms on one detector, a minute apart
        t = T0 + timedelta(minutes=start)
        ingest.ingest([Reading("YG0001", t, 1.0), Reading("YG0001", t + timedelta(seconds=20), 0.0)], now=T0)
    [case] = cases(store)
    assert case.merged_count == 2
    with store.session() as session:
        alarms = session.execute(select(SensorAlarm.case_id)).scalars().all()
        merges = session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.action == "merge")
        )
    assert alarms == [case.id] * 3
    assert merges == 2
    with store.session() as session:
        versions = session.scalars(
            select(CaseEvent.case_version).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
    assert versions == [1, 2, 3]  # one event per version: the next action writes version 4
    assert store.act(case.case_no, "register", actor="admin").version == 4


def test_redelivered_readings_store_once_and_raise_nothing_twice(store: Store, ingest: SensorIngest) -> None:
    batch = [Reading("YG0001", T0, 1.0)]
    assert ingest.ingest(batch, now=T0).stored == 1
    again = ingest.ingest(batch, now=T0)  # the broker redelivers an unacknowledged message
    assert (again.stored, again.raised) == (0, [])
    # a second service instance (a restart) sees the same state in the store
    fresh = SensorIngest(store)
    assert fresh.ingest(batch, now=T0).raised == []
    assert len(cases(store)) == 1


def test_an_alarm_whose_report_was_lost_is_reported_once_on_restart(
    store: Store, ingest: SensorIngest
) -> None:
    """The process died between the commit of the alarm and its report: the next start reports it; a
    report that happened but whose case id was not written returns the same case (its client key)."""
    ingest.report_pending = lambda: []  # type: ignore[method-assign]  # dies before reporting
    assert len(ingest.ingest([Reading("YG0001", T0, 1.0)], now=T0).raised) == 1
    assert cases(store) == []
    restarted = SensorIngest(store)
    [number] = restarted.report_pending()
    with store.session() as session:
        session.execute(update(SensorAlarm).values(case_id=None))
    assert SensorIngest(store).report_pending() == [number]  # same case, not a second one
    assert [c.case_no for c in cases(store)] == [number]


def test_offline_after_silence_and_back(store: Store, ingest: SensorIngest) -> None:
    ingest.ingest([Reading("YY0001", T0, 0.5, True, True)], now=T0)
    assert ingest.sweep_offline(T0 + timedelta(minutes=4)) == []
    assert ingest.sweep_offline(T0 + timedelta(minutes=6)) == ["YY0001"]
    with store.session() as session:
        online, version = session.execute(
            select(Device.online, Device.version).where(Device.code == "YY0001")
        ).one()
    assert (online, version) == (False, 2)
    result = ingest.ingest([Reading("YY0001", T0 + timedelta(minutes=7), 0.5, True, True)], now=T0)
    assert result.back_online == ["YY0001"]
    with store.session() as session:
        online, version = session.execute(
            select(Device.online, Device.version).where(Device.code == "YY0001")
        ).one()
    assert (online, version) == (True, 3)


def test_purge_keeps_the_recent_readings(store: Store, ingest: SensorIngest) -> None:
    ingest.ingest([Reading("SW0001", T0 - timedelta(days=d), 0.1) for d in range(40)], now=T0)
    assert ingest.purge(timedelta(days=30), now=T0) == 9  # days 31…39
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(SensorReading)) == 31


def test_a_purge_round_goes_in_bounded_steps_and_ends(store: Store, ingest: SensorIngest) -> None:
    """The service takes one step between its batches: each removes at most `rows` readings, and the round
    ends with what is past the retention gone and the rest, a reading stored meanwhile too, kept."""
    old = [Reading(code, T0 - timedelta(days=31 + d), 1.0) for code in ("SW0001", "JG0001") for d in range(9)]
    ingest.ingest(old + [Reading("SW0001", T0 - timedelta(days=1), 0.1)], now=T0)
    purge = ingest.purge_round(timedelta(days=30), now=T0, rows=4)
    removed = [purge.step()]
    ingest.ingest([Reading("JG0001", T0 - timedelta(hours=1), 2.0)], now=T0)  # a batch between two steps
    while not purge.done:
        removed.append(purge.step())
    assert max(removed) == 4 and sum(removed) == purge.removed == 18
    with store.session() as session:
        kept = session.execute(select(SensorReading.device_id, SensorReading.at)).all()
    assert len(kept) == 2 and all(at.replace(tzinfo=UTC) > T0 - timedelta(days=30) for _, at in kept)


@pytest.mark.postgres
def test_batches_share_a_session_table_and_a_rolled_back_one_makes_it_again(pg_store: Store) -> None:
    """On PostgreSQL a batch goes through session tables made once per connection (no TRUNCATE per batch):
    each batch finds them empty, and one made by a batch that rolled back is made again."""
    ensure_devices(pg_store, SENSORS)
    ingest = SensorIngest(pg_store)
    real = ingest._advance
    calls = []

    def fails_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:  # after the COPY that made the readings' table: the transaction rolls back
            raise RuntimeError("a batch that fails after its COPY")
        return real(*args, **kwargs)

    ingest._advance = fails_once  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        ingest.ingest([Reading("SW0001", T0, 0.1)], now=T0)
    ingest.ingest([Reading("SW0001", T0 + timedelta(minutes=1), 0.1)], now=T0)
    with pg_store.session() as session:
        session.execute(delete(SensorReading))  # a batch that saw the last one's rows would store them again
    ingest.ingest([Reading("SW0001", T0 + timedelta(minutes=2), 0.2)], now=T0)
    with pg_store.session() as session:
        assert session.scalars(select(SensorReading.value)).all() == [0.2]


def test_site_rule_overrides(store: Store) -> None:
    with store.session() as session:
        session.add(Setting(key="sensor_rules", value={"fume_over_limit": {"min_duration_s": 60}}))
        session.flush()
        rule = {r.name: r for r in load_rules(session)}["fume_over_limit"]
        assert (rule.min_duration, rule.above) == (timedelta(seconds=60), 2.0)
        session.get(Setting, "sensor_rules").value = {"smoke": {"colour": 1}}  # type: ignore[union-attr]
        session.flush()
        with pytest.raises(InvalidInput, match="unknown keys colour"):
            load_rules(session)


def test_downsampled_series_for_the_desk(store: Store, ingest: SensorIngest) -> None:
    ingest.ingest(
        [fume(m / 6, 1.0 + (m % 6) / 10, purifier=True) for m in range(6 * 60)], now=T0
    )  # 10 s, 1 h
    device_id = sensor_reads.sensor(store, "YY0001").id  # type: ignore[union-attr]
    series = sensor_reads.series(store, device_id, since=T0, until=T0 + timedelta(hours=1), points=60)
    assert len(series.at) == 60
    assert series.mean[0] == pytest.approx(1.25)
    assert series.high[0] == pytest.approx(1.5)
    assert series.raw == 360
    assert series.limit == 2.0


def test_a_report_that_fails_keeps_the_alarm_and_the_readings_stay_stored(
    store: Store, ingest: SensorIngest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> Case:
        raise RuntimeError("the report met something unforeseen")

    monkeypatch.setattr(store, "report", broken)
    result = ingest.ingest([Reading("YG0001", T0, 1.0)], now=T0)
    assert (result.stored, len(result.raised), result.reported) == (1, 1, [])
    monkeypatch.undo()
    assert len(ingest.report_pending()) == 1
    assert len(cases(store)) == 1


def test_one_alarm_failing_to_report_does_not_hold_back_the_others(
    store: Store, ingest: SensorIngest, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.report

    def picky(**kw: object) -> Case:
        if kw["category_code"] == "10":  # the water alarm meets something unforeseen, every time
            raise RuntimeError("unforeseen")
        return real(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "report", picky)
    water = [Reading("SW0001", T0 + timedelta(seconds=30 * i), 0.35) for i in range(5)]
    result = ingest.ingest([*water, Reading("YG0001", T0 + timedelta(minutes=5), 1.0)], now=T0)
    assert sorted(r.rule.name for r in result.raised) == ["smoke", "water_high"]
    assert [c.category_code for c in cases(store)] == ["10001"]
    monkeypatch.undo()
    assert len(ingest.report_pending()) == 1
    assert sorted(c.category_code for c in cases(store)) == ["10", "10001"]


def test_purifier_off_while_the_fan_runs_for_half_an_hour(store: Store, ingest: SensorIngest) -> None:
    """The other lampblack alarm (docs/DOMAIN.md): the concentration may be low, the purifier is off."""
    series = [fume(m, 0.6, purifier=False) for m in range(0, 31)]  # fan on throughout
    result = ingest.ingest(series, now=T0)
    assert [(r.rule.name, r.raised_at) for r in result.raised] == [
        ("purifier_off", T0 + timedelta(minutes=30))
    ]
    [case] = cases(store)
    assert case.category_code == "10003"
    result = ingest.ingest([Reading("YY0001", T0 + timedelta(minutes=31), None, None, False)], now=T0)
    assert [c.rule for c in result.cleared] == ["purifier_off"]  # the fan stopped


def test_a_switch_stays_as_last_reported(store: Store, ingest: SensorIngest) -> None:
    """A monitor that reports its purifier only when it changes: later fume-only messages are judged with
    the purifier off, and the state keeps the last concentration when a switch-only message arrives."""
    ingest.ingest([Reading("YY0001", T0, None, False, True)], now=T0)
    fumes = [Reading("YY0001", T0 + timedelta(minutes=m), 2.5) for m in range(1, 12)]
    result = ingest.ingest(fumes, now=T0)
    assert [r.rule.name for r in result.raised] == ["fume_over_limit"]
    ingest.ingest([Reading("YY0001", T0 + timedelta(minutes=13), None, True, None)], now=T0)
    info = sensor_reads.sensor(store, "YY0001")
    assert info is not None
    assert (info.value, info.purifier, info.fan, info.open_alarms) == (2.5, True, True, 0)
