"""Importing the org tree's polygons from geodata: GeoPackage, Shapefile, GeoJSON (anything GDAL reads).

Whatever the file's CRS, polygons are stored in EPSG:4490 (CGCS2000 lon/lat). WGS 84 (EPSG:4326) data
is taken as it is: the two datums differ by centimetres, far below a grid's precision, so a WGS 84 source
(or Web Mercator, EPSG:3857) is brought to lon/lat on its own datum and labelled 4490. Projected CGCS2000
data (the 3-degree Gauss-Krüger zones EPSG:4513–4554, say) is transformed properly by pyproj.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from gridwatch.db.imports.org_units import LEVELS, OrgFeature, upsert_org_units
from gridwatch.db.imports.report import ImportFileError, ImportReport, Progress
from gridwatch.db.store import Store

TARGET = CRS.from_epsg(4490)
WGS84 = CRS.from_epsg(4326)


def import_grids(
    store: Store,
    path: Path,
    *,
    level: str = "grid",
    code_field: str = "code",
    name_field: str = "name",
    parent_field: str = "parent_code",
    level_field: str = "level",
    layer: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import polygons of one level (or of each feature's own `level_field` value) by code."""
    started = time.perf_counter()
    if level not in LEVELS:
        raise ImportFileError(f"level '{level}' is not one of {', '.join(LEVELS)}.")
    frame = read_geodata(Path(path), layer)
    if code_field not in frame.columns:
        columns = ", ".join(c for c in frame.columns if c != "geometry")
        raise ImportFileError(
            f"{Path(path).name}: no '{code_field}' field (use --code-field). Fields: {columns}."
        )
    report = ImportReport("org units", line_label="feature", total=len(frame))
    frame = to_target_crs(frame, report)
    known = {code_field, name_field, parent_field, level_field, "geometry"}
    features = []
    for number, record in enumerate(frame.to_dict("records"), start=1):
        features.append(
            OrgFeature(
                line=number,
                code=_text(record.get(code_field)),
                name=_text(record.get(name_field)),
                level=_text(record.get(level_field)) or level,
                parent_code=_text(record.get(parent_field)),
                geom=record["geometry"],
                attrs={k: _plain(v) for k, v in record.items() if k not in known and _plain(v) is not None},
            )
        )
    with store.session() as session:
        upsert_org_units(session, features, report, progress=progress)
    report.seconds = time.perf_counter() - started
    return report


def read_geodata(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file.")
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, … for unreadable files
        raise ImportFileError(f"{path.name}: not readable geodata ({exc}).") from exc


def to_target_crs(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """The frame in EPSG:4490 lon/lat; a file without a CRS must already be lon/lat."""
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ImportFileError("the file has no CRS and its coordinates are not lon/lat: add a .prj.")
        report.warn(0, "the file has no CRS: lon/lat EPSG:4490 assumed.")
        return frame.set_crs(TARGET)
    crs = CRS.from_user_input(frame.crs)
    if crs.equals(TARGET) or crs.equals(WGS84):
        return frame.set_crs(TARGET, allow_override=True)
    datum = crs.datum.name if crs.datum else ""
    via = WGS84 if "1984" in datum else TARGET
    report.warn(0, f"reprojected from {crs.to_string()} ({crs.name}) to EPSG:4490.")
    return frame.to_crs(via).set_crs(TARGET, allow_override=True)


def _text(value: Any) -> str | None:
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _plain(value: Any) -> Any:
    """A JSON-safe Python value from a pandas cell; missing values become None."""
    if value is None or (not isinstance(value, list | dict | tuple) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
