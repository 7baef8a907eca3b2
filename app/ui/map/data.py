"""Reads the store into the layer models' inputs: org polygons, open cases, devices, grid workers.

Everything here runs in a loader thread (see loader.py) and returns immutable layer data, so the GUI
thread only swaps a reference. Cases are kept as a `CaseTable` that a change of a few ids patches
(one query for those ids, numpy concatenation), never a full re-read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Float, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import YELLOW_FROM
from gridwatch.db.lifecycle import Rules
from gridwatch.db.models import Case, Category, Device, OrgUnit, Person, Position
from gridwatch.db.queries import clock_is_working
from gridwatch.db.seeds import OPEN_STATES
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.cases import CaseData, Light, Urgency, lights_at
from gridwatch.layers.devices import DeviceData, DeviceKind
from gridwatch.layers.org import OrgLevel
from gridwatch.layers.personnel import PersonnelData
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.view import Extent, lonlat_to_mercator

DENSITY_DAYS = 30
"""The heatmap shows where cases came from lately, open or closed: a month is a useful season."""
TRACK_FIXES = 8
"""A grid worker's tail: enough recent fixes to see which way they walk."""
DEFAULT_FOV_DEG, DEFAULT_RANGE_M = 60.0, 60.0
_DAY = timedelta(days=1)

_LEVELS = {level.name.lower(): level for level in OrgLevel}
_URGENCIES = {u.name: u for u in Urgency}
_KINDS = {k.name.lower(): k for k in DeviceKind}


def load_org(session: Session) -> dict[OrgLevel, PolygonSet]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.level, OrgUnit.geom)).all()
    levels: dict[OrgLevel, PolygonSet] = {}
    for name, level in _LEVELS.items():
        mine = [r for r in rows if r.level == name]
        if mine:
            levels[level] = PolygonSet.from_lonlat(
                [r.id for r in mine], [r.name for r in mine], np.array([r.geom for r in mine], dtype=object)
            )
    return levels


def org_extent(levels: dict[OrgLevel, PolygonSet]) -> Extent | None:
    boxes = [p.bbox for p in levels.values() if len(p)]
    if not boxes:
        return None
    b = np.vstack(boxes)
    return Extent(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


CaseRow = tuple[int, float, float, int, int, int, int, float, float, float]


@dataclass(frozen=True, eq=False)
class CaseTable:
    """The open cases with a location, as columns; `patched` replaces the rows of the ids given.

    `started_at`, `yellow_at`, `due_at`: the current step's clock in epoch seconds, NaN when none runs.
    """

    ids: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    case_class: NDArray[np.uint8]
    top_class: NDArray[np.uint8]
    light: NDArray[np.uint8]
    urgency: NDArray[np.uint8]
    started_at: NDArray[np.float64]
    yellow_at: NDArray[np.float64]
    due_at: NDArray[np.float64]

    @classmethod
    def from_rows(cls, rows: Sequence[CaseRow]) -> CaseTable:
        columns = fields(cls)
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        dtypes = [np.int64, np.float64, np.float64, *[np.uint8] * 4, *[np.float64] * 3]
        return cls(*(np.array(c, dtype=t) for c, t in zip(cols, dtypes, strict=True)))

    def __len__(self) -> int:
        return int(self.ids.size)

    def patched(self, changed: Collection[int], fresh: CaseTable) -> CaseTable:
        """Rows of `changed` ids are dropped, then `fresh` (their current rows, if still open) appended."""
        keep = ~np.isin(self.ids, np.fromiter(changed, dtype=np.int64, count=len(changed)))
        columns = (
            np.concatenate((getattr(self, f.name)[keep], getattr(fresh, f.name))) for f in fields(self)
        )
        return CaseTable(*columns)

    def case_data(self) -> CaseData:
        points = PointSet.from_lonlat(self.lon, self.lat, self.ids).build_index()
        return CaseData.build(
            points,
            self.case_class,
            self.top_class,
            self.light,
            self.urgency,
            started_at=self.started_at,
            yellow_at=self.yellow_at,
            due_at=self.due_at,
        )

    def lonlat_of(self, case_id: int) -> tuple[float, float] | None:
        hit = np.flatnonzero(self.ids == case_id)
        return (float(self.lon[hit[0]]), float(self.lat[hit[0]])) if hit.size else None


def _top_class(code: str) -> int:
    """Category codes start with their top class: 01–05 components, 06–10 events (0..4 within a tree)."""
    try:
        return (int(code[:2]) - 1) % 5
    except ValueError:
        return 0


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


def working_clock(
    cal: WorkingCalendar, lo: float, hi: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Every working period's start and end (epoch s) on the days from `lo` to `hi`, and the working
    seconds from the first edge to each: working time as a piecewise-linear function, so the calendar's
    arithmetic for 100,000 cases is two numpy calls instead of 100,000 walks over days."""
    first = datetime.fromtimestamp(lo, cal.tz).date() - _DAY
    last = datetime.fromtimestamp(hi, cal.tz).date() + _DAY
    edges: list[float] = []
    day = first
    while day <= last:
        if cal.is_workday(day):
            midnight = datetime.combine(day, time(), cal.tz)
            for a, b in cal.periods:
                edges.append((midnight + timedelta(seconds=a)).timestamp())
                edges.append((midnight + timedelta(seconds=b)).timestamp())
        day += _DAY
    x = np.array(edges, dtype=np.float64)
    worked = np.zeros_like(x)
    worked[1::2] = x[1::2] - x[0::2]  # a period's end adds the period; the next start adds nothing
    return x, np.cumsum(worked)


def yellow_times(
    cal: WorkingCalendar, start: NDArray[np.float64], due: NDArray[np.float64], working: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """When each step's `fraction_used` reaches YELLOW_FROM (epoch s; NaN without a clock).

    On the site calendar for a working clock, in wall time otherwise. A working step with no working time
    in it (due outside working hours) stays green until due, as `traffic_light` says.
    """
    yellow = start + (due - start) * YELLOW_FROM
    on_calendar = working & np.isfinite(start) & np.isfinite(due)
    if not on_calendar.any():
        return yellow
    s, d = start[on_calendar], due[on_calendar]
    edges, worked = working_clock(cal, float(s.min()), float(max(d.max(), s.max())))
    if not edges.size:  # not one working day in the whole span
        yellow[on_calendar] = d
        return yellow
    at_start = np.interp(s, edges, worked)
    total = np.interp(d, edges, worked) - at_start
    target = at_start + YELLOW_FROM * total
    k = np.clip(np.searchsorted(worked, target, side="left"), 1, edges.size - 1)
    # the first edge whose working total reaches the target ends a working period: count back into it
    yellow[on_calendar] = np.where(total > 0, edges[k - 1] + (target - worked[k - 1]), d)
    return yellow


def load_cases(session: Session, rules: Rules, ids: Collection[int] | None = None) -> CaseTable:
    """Open, located cases (all of them, or only those of `ids`), each with its current light and the
    moments it will change (see `yellow_times`).

    A dispatcher may have 100,000 open cases: the query reads only the columns the layer needs (no ORM
    objects), timestamps arrive as epoch seconds, and each distinct (category, urgency, state, limit unit)
    is classified once, so the per-case Python work is a dictionary lookup.
    """
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
    rows = session.execute(query).all()
    if not rows:
        return CaseTable.from_rows([])
    case_id, lon, lat, started, due, *keys = zip(*rows, strict=True)
    kinds: dict[str, str] = dict(session.execute(select(Category.code, Category.kind)).all())
    per_case = list(zip(*keys, strict=True))
    distinct = {k: _classify(kinds, *k) for k in set(per_case)}
    classes = np.array([distinct[k] for k in per_case], dtype=np.int64)  # class, top, urgency, working
    start_s, due_s = np.array(started, dtype=np.float64), np.array(due, dtype=np.float64)
    clockless = np.isnan(start_s) | np.isnan(due_s)  # as `light_of`: a step without both has no clock
    start_s[clockless] = due_s[clockless] = np.nan
    yellow_s = yellow_times(rules.calendar, start_s, due_s, classes[:, 3].astype(bool))
    no_light = np.full(len(rows), Light.CLOSED, dtype=np.uint8)
    return CaseTable(
        np.array(case_id, dtype=np.int64),
        np.array(lon, dtype=np.float64),
        np.array(lat, dtype=np.float64),
        classes[:, 0].astype(np.uint8),
        classes[:, 1].astype(np.uint8),
        lights_at(utcnow().timestamp(), no_light, yellow_s, due_s),
        classes[:, 2].astype(np.uint8),
        start_s,
        yellow_s,
        due_s,
    )


def _classify(
    kinds: dict[str, str], category: str, urgency: str, state: str, limit_unit: str | None
) -> tuple[int, int, int, bool]:
    return (
        0 if kinds.get(category) == "component" else 1,
        _top_class(category),
        int(_URGENCIES.get(urgency, Urgency.C)),
        clock_is_working(state, limit_unit),
    )


def load_density(session: Session, now: datetime | None = None) -> PointSet:
    since = (now or utcnow()) - timedelta(days=DENSITY_DAYS)
    rows = session.execute(
        select(Case.id, Case.lon, Case.lat).where(
            Case.reported_at >= since, Case.lon.is_not(None), Case.lat.is_not(None)
        )
    ).all()
    return PointSet.from_lonlat(
        [r.lon for r in rows], [r.lat for r in rows], [r.id for r in rows]
    ).build_index()


def load_devices(session: Session) -> DeviceData:
    rows = session.execute(
        select(Device.id, Device.kind, Device.lon, Device.lat, Device.online, Device.heading, Device.attrs)
    ).all()
    rows = [r for r in rows if r.kind in _KINDS]

    def attr(r: Any, key: str, default: float) -> float:
        return float((r.attrs or {}).get(key, default))

    return DeviceData.build(
        PointSet.from_lonlat(
            [r.lon for r in rows], [r.lat for r in rows], [r.id for r in rows]
        ).build_index(),
        [int(_KINDS[r.kind]) for r in rows],
        [bool(r.online) for r in rows],
        [np.nan if r.heading is None else r.heading for r in rows],
        [attr(r, "fov_deg", DEFAULT_FOV_DEG) for r in rows],
        [attr(r, "range_m", DEFAULT_RANGE_M) for r in rows],
    )


def load_personnel(session: Session) -> PersonnelData:
    """Each person's last TRACK_FIXES fixes (one window query), the newest one as their marker."""
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
    rows = session.execute(
        select(recent.c.person_id, recent.c.lon, recent.c.lat, recent.c.rank, Person.on_duty)
        .join(Person, Person.id == recent.c.person_id)
        .where(recent.c.rank <= TRACK_FIXES)
        .order_by(recent.c.person_id, recent.c.rank.desc())  # oldest first within a person
    ).all()
    person = np.array([r.person_id for r in rows], dtype=np.int64)
    lon = np.array([r.lon for r in rows], dtype=np.float64)
    lat = np.array([r.lat for r in rows], dtype=np.float64)
    on_duty = np.array([bool(r.on_duty) for r in rows], dtype=bool)
    last = np.flatnonzero(np.array([r.rank for r in rows]) == 1)
    x, y = lonlat_to_mercator(lon, lat)
    owner = np.searchsorted(person[last], person)  # person index of every fix (people sorted by id)
    return PersonnelData.build(
        PointSet.from_mercator(x[last], y[last], person[last]).build_index(),
        on_duty[last],
        x,
        y,
        owner,
    )


def case_lonlat(store: Store, case_id: int) -> tuple[float, float] | None:
    """Where a case is, whether or not the map shows it (closed cases are not on the cases layer)."""
    with store.session() as session:
        row = session.execute(select(Case.lon, Case.lat).where(Case.id == case_id)).first()
    if row is None or row.lon is None or row.lat is None:
        return None
    return float(row.lon), float(row.lat)
