"""Getting data out of the case store for other tools: GeoPackage, GeoJSON and CSV.

The CSV files are exactly the import formats (docs/IMPORT.md): grids as the org table (WKT), devices as
the devices table and cases as the work-order interchange file, so an export imports back unchanged.
GeoPackage keeps the national datum (EPSG:4490). GeoJSON is written as EPSG:4326 because RFC 7946 and
most web tools expect WGS 84 lon/lat; CGCS2000 and WGS 84 coordinates agree to centimetres, so the
numbers are the same, only the label differs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from gridwatch.db.errors import InvalidInput
from gridwatch.db.history import IMPORT_MARK
from gridwatch.db.imports.cases import INTERCHANGE_COLUMNS
from gridwatch.db.models import Case, Department, Device, OrgUnit
from gridwatch.db.spreadsheet import neutralise
from gridwatch.db.store import Store

WHAT = ("grids", "cases", "devices")
FORMATS = (".gpkg", ".geojson", ".csv")
DEVICE_COLUMNS = (
    "code",
    "kind",
    "subtype",
    "name",
    "lon",
    "lat",
    "grid_code",
    "stream_url",
    "address",
    "protocol",
    "heading",
    "speaker_code",
    "priority_group",
    "online",
)
CASE_EXTRA_TIMES = ("accepted_at", "suspended_at")
CASE_COMPUTED = (
    "state",
    "deadline_at",
    "close_type",
    "limit_amount",
    "limit_unit",
    "grid_code",
    "outside_grid",
)


def export(store: Store, what: str, path: Path, *, tz: str = "Asia/Shanghai") -> int:
    """Write `what` (grids, cases or devices) to `path` in the format its suffix names; return the row count.

    Times are ISO 8601 with the site's UTC offset (`tz`), so a reader needs no time-zone guess.
    """
    path = Path(path)
    if what not in WHAT:
        raise InvalidInput(f"Cannot export '{what}': choose one of {', '.join(WHAT)}.")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"Unknown export format '{suffix}': use {', '.join(FORMATS)}.")
    with store.session() as session:
        columns, rows, geoms = READERS[what](session, ZoneInfo(tz))
    if (
        suffix == ".csv" and what == "cases"
    ):  # the interchange file: computed columns would come back as attrs
        keep = [i for i, c in enumerate(columns) if c not in CASE_COMPUTED]
        columns, rows = [columns[i] for i in keep], [[r[i] for i in keep] for r in rows]
    if suffix == ".csv":
        _write_csv(path, columns, rows, geoms if what == "grids" else None)
    else:
        frame = gpd.GeoDataFrame(
            [dict(zip(columns, r, strict=True)) for r in rows],
            columns=list(columns),
            geometry=list(geoms),
            crs=4326 if suffix == ".geojson" else 4490,
        )
        path.unlink(missing_ok=True)
        frame.to_file(path, driver="GeoJSON" if suffix == ".geojson" else "GPKG", engine="pyogrio")
    return len(rows)


Rows = tuple[Sequence[str], list[list[Any]], list[Any]]


def _grids(session: Session, tz: ZoneInfo) -> Rows:
    parent = aliased(OrgUnit)
    result = session.execute(
        select(OrgUnit.code, OrgUnit.name, OrgUnit.level, parent.code, OrgUnit.geom)
        .outerjoin(parent, parent.id == OrgUnit.parent_id)
        .order_by(OrgUnit.id)
    ).all()
    return ("code", "name", "level", "parent_code"), [list(r[:4]) for r in result], [r[4] for r in result]


def _devices(session: Session, tz: ZoneInfo) -> Rows:
    grid, speaker = aliased(OrgUnit), aliased(Device)
    result = session.execute(
        select(Device, grid.code, speaker.code)
        .outerjoin(grid, grid.id == Device.grid_id)
        .outerjoin(speaker, speaker.id == Device.speaker_id)
        .order_by(Device.id)
    ).all()
    rows = [
        [
            d.code,
            d.kind,
            d.subtype,
            d.name,
            d.lon,
            d.lat,
            grid_code,
            d.stream_url,
            d.address,
            d.protocol,
            d.heading,
            speaker_code,
            d.priority_group,
            d.online,
        ]
        for d, grid_code, speaker_code in result
    ]
    return DEVICE_COLUMNS, rows, [shapely.Point(d.lon, d.lat) for d, _, _ in result]


def _cases(session: Session, tz: ZoneInfo) -> Rows:
    grid = aliased(OrgUnit)
    departments = dict(session.execute(select(Department.id, Department.code)).all())
    result = session.execute(
        select(Case, grid.code).outerjoin(grid, grid.id == Case.grid_id).order_by(Case.id)
    )
    cases = list(result.all())
    reserved = {IMPORT_MARK, *INTERCHANGE_COLUMNS, *CASE_EXTRA_TIMES, *CASE_COMPUTED}
    extra = sorted({k for c, _ in cases for k in c.attrs} - reserved)
    columns = (*INTERCHANGE_COLUMNS, *CASE_EXTRA_TIMES, *extra, *CASE_COMPUTED)
    rows = []
    for case, grid_code in cases:
        values: dict[str, Any] = {name: getattr(case, name, None) for name in columns}
        values.update(
            department_code=departments.get(case.department_id or case.suggested_department_id or -1),
            status=case.state,
            suspended_at=case.suspended_since,
            grid_code=grid_code,
            **{k: case.attrs.get(k) for k in extra},
        )
        rows.append([_iso(values[c], tz) for c in columns])
    geoms = [
        shapely.Point(c.lon, c.lat) if c.lon is not None and c.lat is not None else None for c, _ in cases
    ]
    return columns, rows, geoms


def _iso(value: Any, tz: ZoneInfo) -> Any:
    return value.astimezone(tz).isoformat() if isinstance(value, datetime) else value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[list[Any]], wkt: list[Any] | None) -> None:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly; empty cells for missing values; text a
    spreadsheet would run as a formula neutralised (gridwatch.db.spreadsheet; the importers undo it)."""
    header = [*columns, "wkt"] if wkt is not None else list(columns)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for index, row in enumerate(rows):
            cells = ["" if v is None else neutralise(v) for v in row]
            if wkt is not None:
                cells.append(
                    shapely.to_wkt(wkt[index], rounding_precision=-1) if wkt[index] is not None else ""
                )
            writer.writerow(cells)


READERS = {"grids": _grids, "devices": _devices, "cases": _cases}
