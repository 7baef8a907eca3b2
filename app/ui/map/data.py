"""Turns the store's map columns (`gridwatch.db.reads.map`) into the layer models' inputs.

Everything here runs in a loader thread (see loader.py) and returns immutable layer data, so the GUI
thread only swaps a reference. Cases are kept as a `CaseTable` that a change of a few ids patches
(one read of those ids, numpy concatenation), never a full re-read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from gridwatch.db.reads import map as columns
from gridwatch.db.reads.cases import briefs
from gridwatch.db.reads.field import today_attendance
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.cases import CaseClass, CaseData, Light, Urgency, lights_at
from gridwatch.layers.devices import DeviceData, DeviceKind
from gridwatch.layers.org import OrgLevel
from gridwatch.layers.personnel import ATTENDANCE, PersonnelData
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.view import Extent, lonlat_to_mercator

DENSITY_DAYS = 30
"""The heatmap shows where cases came from lately, open or closed: a month is a useful season."""
TRACK_FIXES = 8
"""A grid worker's tail: enough recent fixes to see which way they walk."""
DEFAULT_FOV_DEG, DEFAULT_RANGE_M = 60.0, 60.0

_LEVELS = {level.name.lower(): level for level in OrgLevel}
_URGENCIES = np.array([Urgency[u] for u in columns.URGENCIES], dtype=np.uint8)
_KINDS = {k.name.lower(): k for k in DeviceKind}


def load_org(store: Store) -> dict[OrgLevel, PolygonSet]:
    return {
        _LEVELS[level]: PolygonSet.from_lonlat(areas.ids, areas.names, areas.geoms)
        for level, areas in columns.org_areas(store).items()
        if level in _LEVELS
    }


def org_extent(levels: dict[OrgLevel, PolygonSet]) -> Extent | None:
    boxes = [p.bbox for p in levels.values() if len(p)]
    if not boxes:
        return None
    b = np.vstack(boxes)
    return Extent(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


@dataclass(frozen=True, eq=False)
class CaseTable:
    """The open cases with a location, as the layer's columns; `patched` replaces the rows of the ids given.

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
    def empty(cls) -> CaseTable:
        dtypes = [np.int64, np.float64, np.float64, *[np.uint8] * 4, *[np.float64] * 3]
        return cls(*(np.array([], dtype=t) for t in dtypes))

    @classmethod
    def of(cls, cases: columns.OpenCases, now: float) -> CaseTable:
        """The store's columns in the layer's codes, each light as it is at `now` (epoch s)."""
        no_light = np.full(len(cases), Light.CLOSED, dtype=np.uint8)  # open, but no clock runs
        return cls(
            cases.ids,
            cases.lon,
            cases.lat,
            np.where(cases.is_event, CaseClass.EVENT, CaseClass.COMPONENT).astype(np.uint8),
            cases.top_class,
            lights_at(now, no_light, cases.yellow_at, cases.due_at),
            _URGENCIES[cases.urgency],
            cases.started_at,
            cases.yellow_at,
            cases.due_at,
        )

    def __len__(self) -> int:
        return int(self.ids.size)

    def patched(self, changed: Collection[int], fresh: CaseTable) -> CaseTable:
        """Rows of `changed` ids are dropped, then `fresh` (their current rows, if still open) appended."""
        keep = ~np.isin(self.ids, np.fromiter(changed, dtype=np.int64, count=len(changed)))
        merged = (np.concatenate((getattr(self, f.name)[keep], getattr(fresh, f.name))) for f in fields(self))
        return CaseTable(*merged)

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


def load_cases(store: Store, ids: Collection[int] | None = None) -> CaseTable:
    """Open, located cases (all of them, or only those of `ids`), each with its current light and the
    moments it will change."""
    return CaseTable.of(columns.open_cases(store, ids), utcnow().timestamp())


def load_density(store: Store, now: datetime | None = None) -> PointSet:
    points = columns.reported_since(store, (now or utcnow()) - timedelta(days=DENSITY_DAYS))
    return PointSet.from_lonlat(points.lon, points.lat, points.ids).build_index()


def load_devices(store: Store) -> DeviceData:
    found = columns.devices(store)
    drawn = np.array([k in _KINDS for k in found.kinds], dtype=bool)  # a kind the layer has no symbol for
    return DeviceData.build(
        PointSet.from_lonlat(found.lon[drawn], found.lat[drawn], found.ids[drawn]).build_index(),
        [int(_KINDS[k]) for k in found.kinds if k in _KINDS],
        found.online[drawn],
        found.heading[drawn],
        np.nan_to_num(found.fov_deg[drawn], nan=DEFAULT_FOV_DEG),
        np.nan_to_num(found.range_m[drawn], nan=DEFAULT_RANGE_M),
    )


def load_personnel(store: Store, now: datetime | None = None) -> PersonnelData:
    """Each person's last TRACK_FIXES fixes, the newest one as their marker, with today's attendance
    (`today_attendance`, as of `now`): the ring class and the minute of the clock record it rests on."""
    fixes = columns.recent_fixes(store, TRACK_FIXES)
    person = fixes.person
    last = np.flatnonzero(fixes.rank == 1)
    x, y = lonlat_to_mercator(fixes.lon, fixes.lat)
    owner = np.searchsorted(person[last], person)  # person index of every fix (people sorted by id)
    today = today_attendance(store, now)
    ring = np.zeros(last.size, dtype=np.uint8)
    minute = np.full(last.size, -1, dtype=np.int16)
    for i, pid in enumerate(person[last].tolist()):
        day = today.get(pid)
        if day is None:
            continue
        ring[i] = ATTENDANCE.index(day.status) if day.status in ATTENDANCE else 0
        moment = day.clock_off if day.status == "early_leave" else day.clock_on
        if moment is not None:  # already local (attendance reads clock records in the site's zone)
            minute[i] = moment.hour * 60 + moment.minute
    return PersonnelData.build(
        PointSet.from_mercator(x[last], y[last], person[last]).build_index(),
        fixes.on_duty[last],
        x,
        y,
        owner,
        ring,
        minute,
    )


def case_lonlat(store: Store, case_id: int) -> tuple[float, float] | None:
    """Where a case is, whether or not the map shows it (closed cases are not on the cases layer)."""
    found = briefs(store, [case_id])
    if not found or found[0].lon is None or found[0].lat is None:
        return None
    return float(found[0].lon), float(found[0].lat)
