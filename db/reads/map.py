"""The map layers' data as numpy columns: org areas, open cases with their light moments, case density,
devices and grid workers' recent fixes.

A dispatcher may have 100,000 open cases: reads take only the columns a layer draws (no table objects),
timestamps arrive as epoch seconds computed by the database, and each distinct (category, urgency,
state, limit unit) is classified once, so the per-case Python work is a dictionary lookup. The light
itself comes from `deadlines.yellow_times`, the vectorised form of the one traffic-light rule.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Float, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from gridwatch.db.deadlines import yellow_times
from gridwatch.db.models import Case, Category, Device, OrgUnit, Person, Position
from gridwatch.db.queries import clock_is_working
from gridwatch.db.seeds import OPEN_STATES
from gridwatch.db.store import Store

URGENCIES = ("A", "B", "C")
"""`OpenCases.urgency` holds an index into this (an unknown urgency counts as C)."""
TOP_CLASSES = 5
"""Category codes start with their top class: 01–05 components, 06–10 events (0..4 within a tree)."""

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class OrgAreas:
    """The org tree's units of one level (district, street, community or grid) with their polygons."""

    ids: list[int]
    names: list[str]
    geoms: NDArray[np.object_]  # shapely geometries in lon/lat, None where a unit has no area


@dataclass(frozen=True, eq=False)
class OpenCases:
    """Open, located cases as columns. `started_at`, `yellow_at`, `due_at`: the current step's clock in
    epoch seconds (NaN when none runs): green before `yellow_at`, yellow up to `due_at`, red after."""

    ids: NDArray[np.int64]
    lon: F64
    lat: F64
    is_event: NDArray[np.bool_]  # 事件 rather than 部件
    top_class: NDArray[np.uint8]  # 0..TOP_CLASSES-1 within its tree
    urgency: NDArray[np.uint8]  # index into URGENCIES
    started_at: F64
    yellow_at: F64
    due_at: F64

    def __len__(self) -> int:
        return int(self.ids.size)


@dataclass(frozen=True, eq=False)
class Points:
    ids: NDArray[np.int64]
    lon: F64
    lat: F64


@dataclass(frozen=True, eq=False)
class DeviceColumns:
    """Every device; `fov_deg`, `range_m` NaN where the device does not say (a camera's view)."""

    ids: NDArray[np.int64]
    kinds: list[str]
    lon: F64
    lat: F64
    online: NDArray[np.bool_]
    heading: F64  # degrees from north, NaN when unknown
    fov_deg: F64
    range_m: F64


@dataclass(frozen=True, eq=False)
class Fixes:
    """Each person's last fixes, people by id, a person's fixes oldest first; `rank` 1 is the newest."""

    person: NDArray[np.int64]
    lon: F64
    lat: F64
    rank: NDArray[np.int64]
    on_duty: NDArray[np.bool_]


class _EpochSeconds(FunctionElement[float]):
    """A timestamp column as float epoch seconds, computed by the database: 100,000 datetimes built in
    Python cost more than the rest of the case load together."""

    type = Float()
    inherit_cache = True


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    # UtcDateTime keeps naive UTC text in SQLite; julianday is exact to ~40 µs at today's dates
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0"


@compiles(_EpochSeconds, "postgresql")
def _epoch_postgresql(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


def org_areas(store: Store) -> dict[str, OrgAreas]:
    """The org tree by level, each unit under the name the map labels it with (`map_names`)."""
    parent = aliased(OrgUnit)
    with store.session() as session:
        rows = session.execute(
            select(
                OrgUnit.id, OrgUnit.name, OrgUnit.level, OrgUnit.geom, parent.name.label("parent")
            ).outerjoin(parent, parent.id == OrgUnit.parent_id)
        ).all()
    levels: dict[str, list[Any]] = {}
    for r in rows:
        levels.setdefault(r.level, []).append(r)
    return {
        level: OrgAreas(
            [r.id for r in mine],
            map_names([(r.name, r.parent) for r in mine]),
            np.array([r.geom for r in mine], dtype=object),
        )
        for level, mine in levels.items()
    }


def map_names(units: list[tuple[str, str | None]]) -> list[str]:
    """Names of one level's units as (name, parent name): a name that repeats within the level ("第1网格" in
    every community) is prefixed with its parent's ("莲前社区 第1网格"); a unique one stays as it is."""
    counts: dict[str, int] = {}
    for name, _ in units:
        counts[name] = counts.get(name, 0) + 1
    return [f"{up} {name}" if counts[name] > 1 and up else name for name, up in units]


def _top_class(code: str) -> int:
    try:
        return (int(code[:2]) - 1) % TOP_CLASSES
    except ValueError:
        return 0


def _classify(
    kinds: dict[str, str], category: str, urgency: str, state: str, limit_unit: str | None
) -> tuple[int, int, int, bool]:
    return (
        int(kinds.get(category) != "component"),
        _top_class(category),
        URGENCIES.index(urgency) if urgency in URGENCIES else len(URGENCIES) - 1,
        clock_is_working(state, limit_unit),
    )


def open_cases(store: Store, ids: Collection[int] | None = None) -> OpenCases:
    """Open, located cases (all of them, or only those of `ids`) with the moments their light changes."""
    query = select(
        Case.id,
        Case.lon,
        Case.lat,
        _EpochSeconds(Case.stage_started_at),
        _EpochSeconds(Case.stage_due_at),
        Case.category_code,
        Case.urgency,
        Case.state,
        Case.limit_unit,
    ).where(Case.state.in_(sorted(OPEN_STATES)), Case.lon.is_not(None), Case.lat.is_not(None))
    if ids is not None:
        query = query.where(Case.id.in_(list(ids)))
    with store.session() as session:
        rules = store.rules(session)
        rows = session.execute(query).all()
        kinds = {code: kind for code, kind in session.execute(select(Category.code, Category.kind))}
    case_id, lon, lat, started, due, *keys = zip(*rows, strict=True) if rows else [()] * 9
    per_case = list(zip(*keys, strict=True))
    distinct = {k: _classify(kinds, *k) for k in set(per_case)}
    # per case: is an event, top class, urgency, clock on working time
    classes = np.array([distinct[k] for k in per_case], dtype=np.int64).reshape(-1, 4)
    start_s, due_s = np.array(started, dtype=np.float64), np.array(due, dtype=np.float64)
    clockless = np.isnan(start_s) | np.isnan(due_s)  # as `light_of`: a step without both has no clock
    start_s[clockless] = due_s[clockless] = np.nan
    return OpenCases(
        np.array(case_id, dtype=np.int64),
        np.array(lon, dtype=np.float64),
        np.array(lat, dtype=np.float64),
        classes[:, 0].astype(bool),
        classes[:, 1].astype(np.uint8),
        classes[:, 2].astype(np.uint8),
        start_s,
        yellow_times(rules.calendar, start_s, due_s, classes[:, 3].astype(bool)),
        due_s,
    )


def reported_since(store: Store, since: datetime) -> Points:
    """Where the cases reported since `since` came from, open or closed (the density layer)."""
    with store.session() as session:
        rows = session.execute(
            select(Case.id, Case.lon, Case.lat).where(
                Case.reported_at >= since, Case.lon.is_not(None), Case.lat.is_not(None)
            )
        ).all()
    return Points(
        np.array([r.id for r in rows], dtype=np.int64),
        np.array([r.lon for r in rows], dtype=np.float64),
        np.array([r.lat for r in rows], dtype=np.float64),
    )


def devices(store: Store) -> DeviceColumns:
    with store.session() as session:
        rows = session.execute(
            select(
                Device.id, Device.kind, Device.lon, Device.lat, Device.online, Device.heading, Device.attrs
            )
        ).all()

    def attr(key: str) -> F64:
        return np.array([(r.attrs or {}).get(key, np.nan) for r in rows], dtype=np.float64)

    return DeviceColumns(
        np.array([r.id for r in rows], dtype=np.int64),
        [r.kind for r in rows],
        np.array([r.lon for r in rows], dtype=np.float64),
        np.array([r.lat for r in rows], dtype=np.float64),
        np.array([bool(r.online) for r in rows], dtype=bool),
        np.array([np.nan if r.heading is None else r.heading for r in rows], dtype=np.float64),
        attr("fov_deg"),
        attr("range_m"),
    )


def recent_fixes(store: Store, per_person: int) -> Fixes:
    """Each person's last `per_person` fixes (one window query)."""
    recent = (
        select(
            Position.person_id,
            Position.lon,
            Position.lat,
            func.row_number()
            .over(partition_by=Position.person_id, order_by=Position.at.desc())
            .label("rank"),
        )
    ).subquery()
    with store.session() as session:
        rows = session.execute(
            select(recent.c.person_id, recent.c.lon, recent.c.lat, recent.c.rank, Person.on_duty)
            .join(Person, Person.id == recent.c.person_id)
            .where(recent.c.rank <= per_person)
            .order_by(recent.c.person_id, recent.c.rank.desc())  # oldest first within a person
        ).all()
    return Fixes(
        np.array([r.person_id for r in rows], dtype=np.int64),
        np.array([r.lon for r in rows], dtype=np.float64),
        np.array([r.lat for r in rows], dtype=np.float64),
        np.array([r.rank for r in rows], dtype=np.int64),
        np.array([bool(r.on_duty) for r in rows], dtype=bool),
    )
