"""The org tree (district → street → community → grid) from any source: checked, repaired and upserted.

Shared by the geodata import (`grids.py`) and the org table import (`setup_tables.py`). Geometry is in
EPSG:4490 lon/lat by the time it gets here. Rules from the domain reference: a broken polygon is repaired
(its polygonal part kept) and reported; grids of one community must not overlap (touching edges are
fine; overlaps below a tolerance of area are slivers, not errors); gaps between grids only warn. A polygon
must lie in China's extent, and units below a district near the site's districts (gridwatch.db.validation).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.errors import InvalidInput
from gridwatch.db.imports.bulk import announce_reload, quiet_feed
from gridwatch.db.imports.report import ImportReport, Progress
from gridwatch.db.models import OrgUnit
from gridwatch.db.validation import check_area, check_values

LEVELS = ("district", "street", "community", "grid")
LEVEL_ALIASES = {
    "区": "district",
    "区县": "district",
    "街道": "street",
    "镇": "street",
    "街镇": "street",
    "社区": "community",
    "村": "community",
    "网格": "grid",
}
CODE = re.compile(r"^[0-9A-Za-z]{1,15}$")
GRID_CODE = re.compile(r"^([0-9]{14}|[0-9A-Z]{15})$")
"""A grid's code (docs/DOMAIN.md), as migration 0012's trigger checks it."""
OVERLAP_TOLERANCE_M2 = 1.0
"""Overlap area below which two grids are taken as touching (digitizing slivers)."""
M_PER_DEGREE = 111_320.0
TERRITORY_MARGIN = 0.1
"""Degrees (about 10 km) around the bounds of the site's districts inside which every lower unit lies."""


@dataclass
class OrgFeature:
    """One org unit as read from a file; `line` is its line or feature number there."""

    line: int
    code: str | None
    name: str | None
    level: str | None
    parent_code: str | None = None
    geom: BaseGeometry | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def area_m2(geom: BaseGeometry) -> float:
    """Approximate area of a lon/lat geometry in square metres (plenty for a tolerance)."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area) * M_PER_DEGREE**2 * math.cos(math.radians(lat))


def repair(geom: BaseGeometry) -> tuple[MultiPolygon | None, str | None]:
    """The geometry as a valid MultiPolygon, and a note when it had to be repaired."""
    note = None
    if not geom.is_valid:
        note = f"invalid polygon repaired ({shapely.is_valid_reason(geom)}); its polygonal part was kept"
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon | MultiPolygon) and not p.is_empty]
    polygons = [q for p in parts for q in (p.geoms if isinstance(p, MultiPolygon) else [p])]
    if not polygons:
        return None, note
    return MultiPolygon(polygons), note


def upsert_org_units(
    session: Session,
    features: Sequence[OrgFeature],
    report: ImportReport,
    *,
    overlap_tolerance_m2: float = OVERLAP_TOLERANCE_M2,
    progress: Progress | None = None,
) -> None:
    """Check, then insert or update the features by code, parents before children, in `session`."""
    quiet_feed(session)
    stored = {u.code: u for u in session.scalars(select(OrgUnit))}
    accepted = _inside_territory(_validate(features, report), stored, report)
    accepted.sort(key=lambda f: LEVELS.index(f.level or ""))
    rank = {code: LEVELS.index(u.level) for code, u in stored.items() if u.level in LEVELS}
    rank.update({f.code: LEVELS.index(f.level or "") for f in accepted if f.code})
    accepted = [f for f in accepted if _resolve_parent(f, rank, report)]
    accepted = _reject_overlaps(accepted, stored, report, overlap_tolerance_m2)
    accepted = _reject_outside_community(accepted, stored, report, overlap_tolerance_m2)
    now = datetime.now(UTC)
    done = report.total - len(accepted)
    for feature in accepted:
        _upsert(session, feature, stored, report, now)
        done += 1
        if progress is not None and done % 200 == 0:
            progress(done, report.total)
    session.flush()
    _warn_gaps(stored, {f.code for f in accepted}, report, overlap_tolerance_m2)
    announce_reload(session, "org_units")
    if progress is not None:
        progress(report.total, report.total)


def _validate(features: Sequence[OrgFeature], report: ImportReport) -> list[OrgFeature]:
    seen: dict[str, int] = {}
    out = []
    for f in features:
        level = LEVEL_ALIASES.get(f.level or "", (f.level or "").lower())
        problem = None
        if not f.code or not CODE.match(f.code):
            problem = f"code '{f.code or ''}' must be 1–15 letters or digits."
        elif f.code in seen:
            problem = f"code {f.code} already appears on {report.line_label} {seen[f.code]}."
        elif level not in LEVELS:
            problem = f"level '{f.level or ''}' is not one of {', '.join(LEVELS)}."
        else:
            problem = _check(f, report) or _grid_code_problem(level, f.code)
        if problem:
            report.error(f.line, problem)
            continue
        assert f.code is not None
        seen[f.code] = f.line
        f.level, f.name = level, f.name or f.code
        out.append(f)
    return out


def _check(f: OrgFeature, report: ImportReport) -> str | None:
    """The reason a feature's name or geometry is refused, after repairing what can be repaired."""
    try:
        check_values(OrgUnit, {"name": f.name, "attrs": f.attrs})
        if f.geom is not None:
            check_area(f.geom)
    except InvalidInput as exc:
        return f"{f.code}: {exc}"
    if f.geom is None:
        return None
    f.geom, note = repair(f.geom)
    if f.geom is None:
        return "the geometry has no polygonal part (a point or a line is not an area)."
    if note:
        report.warn(f.line, f"{f.code}: {note}.")
    return None


def _inside_territory(
    accepted: list[OrgFeature], stored: dict[str, OrgUnit], report: ImportReport
) -> list[OrgFeature]:
    """Refuse units below district level far from every district of the site (stored or in this file):
    a grid of another city, or a typo in its coordinates. Without districts there is nothing to judge by."""
    incoming = {f.code for f in accepted}
    districts = [f.geom for f in accepted if f.level == "district" and f.geom is not None] + [
        u.geom
        for u in stored.values()
        if u.level == "district" and u.geom is not None and u.code not in incoming
    ]
    if not districts:
        return accepted
    minx, miny, maxx, maxy = shapely.total_bounds(districts)
    territory = shapely.box(minx, miny, maxx, maxy).buffer(TERRITORY_MARGIN, join_style="mitre")
    kept = []
    for f in accepted:
        if f.level != "district" and f.geom is not None and not territory.contains(f.geom):
            report.error(
                f.line,
                f"{f.code}: lies outside the site's territory (its districts span lon {minx:.4f}–{maxx:.4f}, "
                f"lat {miny:.4f}–{maxy:.4f}).",
            )
        else:
            kept.append(f)
    return kept


def _resolve_parent(f: OrgFeature, rank: dict[str, int], report: ImportReport) -> bool:
    """Give the feature its parent code: the one given, else the longest higher-level code prefixing it."""
    own = LEVELS.index(f.level or "")
    if f.parent_code:
        if f.parent_code not in rank:
            report.error(
                f.line, f"{f.code}: parent {f.parent_code} is neither in the store nor in this file."
            )
            return False
        if rank[f.parent_code] >= own:
            report.error(f.line, f"{f.code}: parent {f.parent_code} is not above a {f.level}.")
            return False
        return True
    assert f.code is not None
    prefixes = [c for c in rank if rank[c] < own and f.code.startswith(c) and c != f.code]
    if prefixes:
        f.parent_code = max(prefixes, key=len)
    elif own > 0:
        report.warn(f.line, f"{f.code}: no parent (give parent_code, or import the upper levels first).")
    return True


def _reject_overlaps(
    accepted: list[OrgFeature], stored: dict[str, OrgUnit], report: ImportReport, tolerance: float
) -> list[OrgFeature]:
    """Drop grids that overlap an earlier grid (stored, or earlier in the file) of the same community."""
    incoming = {f.code for f in accepted}
    pool: list[tuple[str, str | None, BaseGeometry, OrgFeature | None]] = [
        (u.code, u.parent.code if u.parent else None, u.geom, None)
        for u in stored.values()
        if u.level == "grid" and u.geom is not None and u.code not in incoming
    ]
    pool += [(f.code or "", f.parent_code, f.geom, f) for f in accepted if f.level == "grid" and f.geom]
    if len(pool) < 2:
        return accepted
    geoms = np.array([g for _, _, g, _ in pool], dtype=object)
    pairs = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = pairs[:, pairs[0] < pairs[1]]
    rejected: set[int] = set()
    for i, j in sorted(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True), key=lambda p: (p[1], p[0])):
        (code_i, parent_i, geom_i, _), (code_j, parent_j, geom_j, feature_j) = pool[i], pool[j]
        if parent_i != parent_j or i in rejected or j in rejected or feature_j is None:
            continue
        overlap = area_m2(geom_i.intersection(geom_j))
        if overlap > tolerance:
            rejected.add(j)
            report.error(
                feature_j.line,
                f"grid {code_j} overlaps grid {code_i} in community {parent_i or '(none)'} "
                f"by {overlap:,.0f} m².",
            )
    dropped = {id(pool[j][3]) for j in rejected}
    return [f for f in accepted if id(f) not in dropped]


def _grid_code_problem(level: str, code: str) -> str | None:
    """A grid's code is 14 digits or 15 [0-9A-Z] (docs/DOMAIN.md): the same rule and words as the
    database's trigger (migration 0012), which refuses a bad one from any client."""
    if level == "grid" and not GRID_CODE.match(code):
        return (
            f"Grid code '{code}' is not well-formed: 14 digits (street 9 + community 3 + grid 2) "
            "or 15 characters 0-9 A-Z."
        )
    return None


def _reject_outside_community(
    accepted: list[OrgFeature], stored: dict[str, OrgUnit], report: ImportReport, tolerance: float
) -> list[OrgFeature]:
    """Drop grids reaching out of their community (more than `tolerance` m²), as the database would refuse
    them at commit (migration 0012), so the rest of the file still goes in and each is named."""
    incoming = {f.code: f for f in accepted}
    kept = []
    for f in accepted:
        parent_code = f.parent_code
        if f.level != "grid" or f.geom is None or not parent_code:
            kept.append(f)
            continue
        parent = incoming.get(parent_code)
        level, name, area = (
            (parent.level, parent.name, parent.geom)
            if parent is not None
            else (stored[parent_code].level, stored[parent_code].name, stored[parent_code].geom)
            if parent_code in stored
            else (None, None, None)
        )
        outside = area_m2(f.geom.difference(area)) if level == "community" and area is not None else 0.0
        if outside > tolerance:
            report.error(
                f.line,
                f"Grid {f.code} reaches {outside:,.0f} m² outside its community {parent_code} ({name}): "
                "a grid lies inside its community.",
            )
        else:
            kept.append(f)
    return kept


def _upsert(
    session: Session, f: OrgFeature, stored: dict[str, OrgUnit], report: ImportReport, now: datetime
) -> None:
    assert f.code is not None
    parent = stored.get(f.parent_code) if f.parent_code else None
    values: dict[str, Any] = {"name": f.name, "level": f.level, "parent": parent, "attrs": f.attrs}
    unit = stored.get(f.code)
    if unit is None:
        unit = OrgUnit(code=f.code, geom=f.geom, updated_at=now, **values)
        session.add(unit)
        stored[f.code] = unit
        report.count("inserted")
        return
    changed = [k for k, v in values.items() if getattr(unit, k) != v]
    if f.geom is not None and (unit.geom is None or not _same_shape(unit.geom, f.geom)):
        changed.append("geom")
        unit.geom = f.geom
    for key in changed:
        if key != "geom":
            setattr(unit, key, values[key])
    if changed:
        unit.updated_at = now
        report.count("updated")
    else:
        report.count("unchanged")


def _same_shape(a: BaseGeometry, b: BaseGeometry) -> bool:
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9))


def _warn_gaps(
    stored: dict[str, OrgUnit], touched: set[str | None], report: ImportReport, tolerance: float
) -> None:
    """Warn about parts of a community no grid covers, and grids reaching outside their community."""
    children: dict[str, list[OrgUnit]] = {}
    for unit in stored.values():
        if unit.level == "grid" and unit.geom is not None and unit.parent is not None:
            children.setdefault(unit.parent.code, []).append(unit)
    for code, grids in sorted(children.items()):
        community = stored[code]
        if community.geom is None or not (code in touched or any(g.code in touched for g in grids)):
            continue
        union = shapely.union_all([g.geom for g in grids])
        gap = area_m2(community.geom.difference(union))
        if gap > max(tolerance, 1e-4 * area_m2(community.geom)):
            report.warn(0, f"community {code}: {gap:,.0f} m² are not covered by any grid.")
        for grid in grids:
            outside = area_m2(grid.geom.difference(community.geom))  # type: ignore[union-attr]
            if grid.code in touched and outside > tolerance:
                report.warn(0, f"grid {grid.code} reaches {outside:,.0f} m² outside its community {code}.")
