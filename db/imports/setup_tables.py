"""Importing a site's setup tables (CSV or XLSX): org tree, departments, people and devices.

Columns are documented in docs/IMPORT.md. Each row is keyed (code, or username for people) so a file
can be imported again after an edit: changed rows are updated, identical ones left alone. Rows that name
something unknown (a department, a grid, a role) are reported with their line and skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.errors import InvalidInput
from gridwatch.db.imports.bulk import announce_reload, quiet_feed
from gridwatch.db.imports.org_units import OrgFeature, upsert_org_units
from gridwatch.db.imports.report import ImportFileError, ImportReport, Progress, RowProblem
from gridwatch.db.imports.tables import Cell, Table, number, read_table, split_list, text
from gridwatch.db.models import Base, Department, Device, GridAssignment, OrgUnit, Person, PersonRole
from gridwatch.db.routing import GridLocator
from gridwatch.db.seeds import ROLES
from gridwatch.db.store import Store
from gridwatch.db.validation import check_point, check_values

KINDS = ("org", "departments", "people", "devices")
ROLE_ALIASES = {
    "受理员": "acceptor",
    "值班长": "shift_leader",
    "派遣员": "dispatcher",
    "处置人员": "handler",
    "部门处置人员": "handler",
    "网格员": "grid_worker",
    "监督员": "grid_worker",
    "考核人员": "supervisor",
    "领导": "supervisor",
    "管理员": "admin",
}
DEVICE_KINDS = {
    "camera": "camera",
    "摄像头": "camera",
    "摄像机": "camera",
    "loudspeaker": "loudspeaker",
    "speaker": "loudspeaker",
    "喇叭": "loudspeaker",
    "音柱": "loudspeaker",
    "sensor": "sensor",
    "传感器": "sensor",
}
TRUE = {"1", "true", "yes", "y", "是", "在线", "在职"}
FALSE = {"0", "false", "no", "n", "否", "离线", "离职"}

Row = dict[str, Cell]


def import_setup(store: Store, kind: str, path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Import one setup table; `kind` is org, departments, people or devices."""
    if kind not in KINDS:
        raise ImportFileError(f"unknown table '{kind}': expected one of {', '.join(KINDS)}.")
    started = time.perf_counter()
    table = read_table(Path(path))
    report = table.new_report(kind)
    with store.session() as session:
        quiet_feed(session)
        IMPORTERS[kind](session, table, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _org(session: Session, table: Table, report: ImportReport, progress: Progress | None) -> None:
    table.require(("code", "name", "level"))
    features = []
    for line, row in table.rows:
        wkt = text(row, "wkt")
        try:
            geom = shapely.from_wkt(wkt) if wkt else None
        except shapely.errors.GEOSException as exc:
            report.error(line, f"wkt is not readable WKT ({exc}).")
            continue
        features.append(
            OrgFeature(
                line, text(row, "code"), text(row, "name"), text(row, "level"), text(row, "parent_code"), geom
            )
        )
    upsert_org_units(session, features, report, progress=progress)


def _departments(session: Session, table: Table, report: ImportReport, progress: Progress | None) -> None:
    table.require(("code", "name"))
    orgs = dict(session.execute(select(OrgUnit.code, OrgUnit.id)).all())

    def values(row: Row) -> dict[str, Any]:
        level = (text(row, "level") or "district").lower()
        if level not in ("street", "district"):
            raise RowProblem(f"level '{level}' is not street or district.")
        return {
            "name": _required(row, "name"),
            "level": level,
            "phone": text(row, "phone"),
            "org_unit_id": _lookup(orgs, text(row, "org_code"), "org_code"),
        }

    _upsert_rows(session, table, report, progress, Department, "code", values)
    announce_reload(session, "departments")


def _people(session: Session, table: Table, report: ImportReport, progress: Progress | None) -> None:
    table.require(("username", "name"))
    departments = dict(session.execute(select(Department.code, Department.id)).all())
    grids = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.level == "grid")).all())
    assignments: dict[str, set[int]] = {}

    def values(row: Row) -> dict[str, Any]:
        roles = [ROLE_ALIASES.get(r, r.lower()) for r in split_list(text(row, "roles"))]
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise RowProblem(f"unknown role(s) {', '.join(unknown)}; roles: {', '.join(ROLES)}.")
        username = _required(row, "username")
        grid_codes = split_list(text(row, "grid_codes"))
        assignments[username] = {grids[c] for c in grid_codes if _lookup(grids, c, "grid_codes")}
        return {
            "name": _required(row, "name"),
            "phone": text(row, "phone"),
            "department_id": _lookup(departments, text(row, "department_code"), "department_code"),
            "active": _flag(row, "active", True),
            "roles": sorted(set(roles)),
        }

    people = _upsert_rows(session, table, report, progress, Person, "username", values, _set_roles)
    session.flush()
    _assign_grids(session, {people[u].id: grid_ids for u, grid_ids in assignments.items() if u in people})
    announce_reload(session, "people")


def _set_roles(person: Base, roles: list[str]) -> bool:
    assert isinstance(person, Person)
    if person.role_names == set(roles):
        return False
    person.roles = [PersonRole(role=r) for r in roles]
    return True


def _assign_grids(session: Session, wanted: dict[int, set[int]]) -> None:
    """Make each listed person's grids exactly the file's, keeping `since` of assignments that stay."""
    for assignment in session.scalars(select(GridAssignment).where(GridAssignment.person_id.in_(wanted))):
        if assignment.grid_id in wanted[assignment.person_id]:
            wanted[assignment.person_id].discard(assignment.grid_id)
        else:
            session.delete(assignment)
    today = date.today()
    session.add_all(
        GridAssignment(person_id=p, grid_id=g, since=today) for p, grids in wanted.items() for g in grids
    )


def _devices(session: Session, table: Table, report: ImportReport, progress: Progress | None) -> None:
    table.require(("code", "kind", "name", "lon", "lat"))
    grids = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.level == "grid")).all())
    speakers: dict[str, str] = {}
    by_point = _grids_by_point(session, table)

    def values(row: Row) -> dict[str, Any]:
        kind = DEVICE_KINDS.get((text(row, "kind") or "").lower())
        if kind is None:
            raise RowProblem(f"kind '{text(row, 'kind') or ''}' is not camera, loudspeaker or sensor.")
        lon, lat = number(row, "lon"), number(row, "lat")
        if lon is None or lat is None:
            raise RowProblem("lon and lat are required.")
        try:
            check_point(lon, lat)
        except InvalidInput as exc:
            raise RowProblem(str(exc)) from None
        heading = number(row, "heading")
        if heading is not None and not 0 <= heading <= 360:
            raise RowProblem(f"heading {heading} is not a direction in degrees (0–360).")
        speaker = text(row, "speaker_code")
        if speaker:
            speakers[_required(row, "code")] = speaker
        return {
            "kind": kind,
            "subtype": text(row, "subtype"),
            "name": _required(row, "name"),
            "lon": lon,
            "lat": lat,
            "grid_id": _lookup(grids, text(row, "grid_code"), "grid_code") or by_point.get(id(row)),
            "stream_url": text(row, "stream_url"),
            "address": text(row, "address"),
            "protocol": text(row, "protocol"),
            "heading": heading,
            "priority_group": text(row, "priority_group"),
            "online": _flag(row, "online", True),
        }

    devices = _upsert_rows(session, table, report, progress, Device, "code", values, bump_version=True)
    session.flush()
    _link_speakers(session, devices, speakers, table, report)
    announce_reload(session, "devices")


def _grids_by_point(session: Session, table: Table) -> dict[int, int]:
    """The grid holding each row's point (keyed by the row's id), found for all rows in one call."""
    points = []
    for _, row in table.rows:
        try:
            lon, lat = number(row, "lon"), number(row, "lat")
        except RowProblem:
            continue
        if lon is not None and lat is not None:
            points.append((id(row), lon, lat))
    if not points:
        return {}
    places = GridLocator().locate_many(
        session, np.array([p[1] for p in points]), np.array([p[2] for p in points])
    )
    return {key: place.grid_id for (key, _, _), place in zip(points, places, strict=True) if place.grid_id}


def _link_speakers(
    session: Session, devices: dict[str, Device], speakers: dict[str, str], table: Table, report: ImportReport
) -> None:
    """Point cameras at their loudspeakers once every device of the file exists."""
    lines = {text(row, "code"): line for line, row in table.rows}
    stored = dict(session.execute(select(Device.code, Device.id)).all())
    for code, speaker in speakers.items():
        if code not in devices:
            continue
        speaker_id = stored.get(speaker)
        if speaker_id is None:
            report.warn(
                lines.get(code, 0), f"{code}: speaker_code {speaker} is not a known device; not linked."
            )
        else:
            devices[code].speaker_id = speaker_id


def _upsert_rows(
    session: Session,
    table: Table,
    report: ImportReport,
    progress: Progress | None,
    model: type[Any],
    key: str,
    values: Callable[[Row], dict[str, Any]],
    set_roles: Callable[[Base, list[str]], bool] | None = None,
    *,
    bump_version: bool = False,
) -> dict[str, Any]:
    """Insert or update one ORM row per table row by `key`; return the landed objects by key."""
    stored = {getattr(obj, key): obj for obj in session.scalars(select(model))}
    landed: dict[str, Any] = {}
    first: dict[str, int] = {}
    now = datetime.now(UTC)
    for done, (line, row) in enumerate(table.rows, start=1):
        try:
            code = _required(row, key)
            if code in first:
                raise RowProblem(f"{key} {code} already appears on line {first[code]}.")
            first[code] = line
            fields = values(row)
            check_values(model, {key: code, **fields})
        except (RowProblem, InvalidInput) as exc:
            report.error(line, str(exc))
            continue
        roles = fields.pop("roles", None)
        obj = stored.get(code)
        if obj is None:
            obj = model(**{key: code}, **fields, updated_at=now)
            if roles is not None and set_roles is not None:
                set_roles(obj, roles)
            session.add(obj)
            report.count("inserted")
        else:
            changed = [k for k, v in fields.items() if getattr(obj, k) != v]
            for k in changed:
                setattr(obj, k, fields[k])
            if roles is not None and set_roles is not None and set_roles(obj, roles):
                changed.append("roles")
            if changed:
                obj.updated_at = now
                if bump_version:
                    obj.version += 1
            report.count("updated" if changed else "unchanged")
        landed[code] = obj
        if progress is not None and done % 500 == 0:
            progress(done, report.total)
    if progress is not None:
        progress(report.total, report.total)
    return landed


def _required(row: Row, column: str) -> str:
    value = text(row, column)
    if value is None:
        raise RowProblem(f"{column} is empty.")
    return value


def _lookup(codes: dict[str, int], code: str | None, column: str) -> int | None:
    if code is None:
        return None
    if code not in codes:
        raise RowProblem(f"{column}: unknown code '{code}'.")
    return codes[code]


def _flag(row: Row, column: str, default: bool) -> bool:
    value = (text(row, column) or "").lower()
    if not value:
        return default
    if value in TRUE or value in FALSE:
        return value in TRUE
    raise RowProblem(f"{column} '{value}' is not yes/no (1/0, true/false, 是/否).")


IMPORTERS: dict[str, Callable[[Session, Table, ImportReport, Progress | None], None]] = {
    "org": _org,
    "departments": _departments,
    "people": _people,
    "devices": _devices,
}
