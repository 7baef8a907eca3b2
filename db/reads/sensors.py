"""A sensor's recent readings as the desk charts them: downsampled to a few hundred points, never raw.

The raw series stays in the store (sensor_readings, kept for the site's retention); the desk asks for a
time range and a number of points and gets each bucket's mean and maximum, so a day at one reading a
second costs the desk a chart's worth of numbers, not 86,400 rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select

from gridwatch.db.models import Device, SensorAlarm, SensorReading, SensorState
from gridwatch.db.sensors import DEFAULT_RULES
from gridwatch.db.store import Store, utcnow

UNITS = {"lampblack": "mg/m³", "water_level": "m", "manhole": "°", "smoke": ""}
MAX_RAW = 200_000
"""Rows read for one chart at most (over a day at 2 readings a second): the newest are kept."""


@dataclass(frozen=True)
class SensorInfo:
    id: int
    code: str
    name: str
    subtype: str | None
    online: bool
    unit: str
    limit: float | None  # the first rule's raise line, drawn on the chart
    value: float | None  # the newest reading
    purifier: bool | None
    fan: bool | None
    heard_at: datetime | None
    open_alarms: int


@dataclass(frozen=True)
class Series:
    at: NDArray[np.float64]  # bucket start, seconds since the epoch (UTC)
    mean: NDArray[np.float64]  # NaN where a bucket has no reading
    high: NDArray[np.float64]
    raw: int  # readings behind the buckets
    unit: str
    limit: float | None


def sensor(store: Store, code: str | None = None, *, device_id: int | None = None) -> SensorInfo | None:
    """A sensor by code or id with its newest reading and open alarms; None if it is no sensor."""
    which = Device.id == device_id if device_id is not None else Device.code == code
    with store.session() as session:
        row = session.execute(
            select(
                Device.id,
                Device.code,
                Device.name,
                Device.subtype,
                Device.online,
                SensorState.value,
                SensorState.purifier,
                SensorState.fan,
                SensorState.heard_at,
            )
            .outerjoin(SensorState, SensorState.device_id == Device.id)
            .where(which, Device.kind == "sensor")
        ).first()
        if row is None:
            return None
        alarms = session.scalar(
            select(func.count())
            .select_from(SensorAlarm)
            .where(SensorAlarm.device_id == row.id, SensorAlarm.cleared_at.is_(None))
        )
    limit = next((r.above for r in DEFAULT_RULES if r.subtype == row.subtype and r.judges_value), None)
    return SensorInfo(
        row.id,
        row.code,
        row.name,
        row.subtype,
        row.online,
        UNITS.get(row.subtype or "", ""),
        limit,
        row.value,
        row.purifier,
        row.fan,
        row.heard_at,
        int(alarms or 0),
    )


def series(
    store: Store,
    device_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    points: int = 240,
) -> Series:
    """Mean and maximum per bucket over [since, until) (default: the last 6 hours), `points` buckets."""
    until = until or utcnow()
    since = since or until - timedelta(hours=6)
    with store.session() as session:
        subtype = session.scalar(select(Device.subtype).where(Device.id == device_id))
        rows = session.execute(
            select(SensorReading.at, SensorReading.value)
            .where(SensorReading.device_id == device_id, SensorReading.at >= since, SensorReading.at < until)
            .order_by(SensorReading.at.desc())
            .limit(MAX_RAW)
        ).all()
    start, step = since.astimezone(UTC).timestamp(), (until - since).total_seconds() / points
    t = np.array([r.at.timestamp() for r in rows], dtype=np.float64)
    v = np.array([np.nan if r.value is None else r.value for r in rows], dtype=np.float64)
    keep = ~np.isnan(v)
    t, v = t[keep], v[keep]
    bucket = np.clip(((t - start) / step).astype(np.intp), 0, points - 1)
    count = np.bincount(bucket, minlength=points).astype(np.float64)
    total = np.bincount(bucket, weights=v, minlength=points)
    high = np.full(points, -np.inf)
    np.maximum.at(high, bucket, v)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    high = np.where(count > 0, high, np.nan)
    limit = next((r.above for r in DEFAULT_RULES if r.subtype == subtype and r.judges_value), None)
    if subtype == "smoke":
        limit = None
    return Series(
        (start + step * np.arange(points)).astype(np.float64),
        mean,
        high,
        len(rows),
        UNITS.get(subtype or "", ""),
        limit,
    )
