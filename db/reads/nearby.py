"""What is near a case: possible duplicates and the closest cameras and loudspeakers.

Both backends store points as lon/lat columns, so the query is a lon/lat box (indexable, cheap) and the
exact great-circle distance on the few rows inside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.models import Case, Category, Device

EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180
DEVICE_KINDS = ("camera", "loudspeaker")


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lon/lat box that contains the circle (a little larger than it, never smaller)."""
    dlat = radius_m / M_PER_DEG_LAT
    dlon = radius_m / (M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


@dataclass(frozen=True)
class NearCase:
    id: int
    case_no: str
    state: str
    category_code: str
    category_name: str
    reported_at: datetime
    distance_m: float


@dataclass(frozen=True)
class NearDevice:
    id: int
    code: str
    kind: str
    name: str
    online: bool
    distance_m: float


class Spot(Protocol):
    """The case a duplicate search starts from: where, what and when."""

    @property
    def id(self) -> int: ...
    @property
    def category_code(self) -> str: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def reported_at(self) -> datetime: ...


def duplicates_in(
    session: Session, case: Spot, *, radius_m: float = 50.0, days: float = 7.0
) -> list[NearCase]:
    """Cases of the same 2-digit category class within `radius_m`, reported within `days` of this one."""
    if case.lon is None or case.lat is None:
        return []
    x0, y0, x1, y1 = box(case.lon, case.lat, radius_m)
    window = timedelta(days=days)
    rows = session.execute(
        select(
            Case.id,
            Case.case_no,
            Case.state,
            Case.category_code,
            Category.name,
            Case.reported_at,
            Case.lon,
            Case.lat,
        )
        .join(Category, Category.code == Case.category_code)
        .where(
            Case.id != case.id,
            Case.category_code.startswith(case.category_code[:2]),
            Case.lon.between(x0, x1),
            Case.lat.between(y0, y1),
            Case.reported_at.between(case.reported_at - window, case.reported_at + window),
        )
    )
    found = [NearCase(*r[:6], haversine_m(case.lon, case.lat, r.lon or 0.0, r.lat or 0.0)) for r in rows]
    return sorted((c for c in found if c.distance_m <= radius_m), key=lambda c: c.distance_m)


def devices_in(
    session: Session,
    lon: float,
    lat: float,
    kinds: Sequence[str] = DEVICE_KINDS,
    *,
    per_kind: int = 3,
    radius_m: float = 1000.0,
) -> list[NearDevice]:
    """The closest devices of each kind within `radius_m`, nearest first."""
    x0, y0, x1, y1 = box(lon, lat, radius_m)
    rows = session.execute(
        select(Device.id, Device.code, Device.kind, Device.name, Device.online, Device.lon, Device.lat).where(
            Device.kind.in_(list(kinds)), Device.lon.between(x0, x1), Device.lat.between(y0, y1)
        )
    )
    near = [NearDevice(*r[:5], haversine_m(lon, lat, r.lon, r.lat)) for r in rows]
    near = sorted((d for d in near if d.distance_m <= radius_m), key=lambda d: d.distance_m)
    out: list[NearDevice] = []
    for kind in kinds:
        out.extend([d for d in near if d.kind == kind][:per_kind])
    return sorted(out, key=lambda d: d.distance_m)
