"""Importing cases from the work-order interchange file (hotline transfers, an older system's history).

`import_case_rows` is the fast path every bulk loader uses (this file import, the demo city): rows are
planned in plain Python, located in grids in one vectorized call per chunk and written with multi-row
INSERTs, never one ORM flush per case.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from gridwatch.db.errors import InvalidInput
from gridwatch.db.history import (
    IMPORT_MARK,
    CasePlan,
    CaseRow,
    ImportContext,
    check_row,
    differences,
    plan_case,
)
from gridwatch.db.imports.bulk import announce_reload, insert_rows, is_postgres, quiet_feed, reserve_ids
from gridwatch.db.imports.report import ImportReport, Progress, RowProblem
from gridwatch.db.imports.tables import Cell, moment, number, read_table, text
from gridwatch.db.models import Case, CaseEvent, Category, Department
from gridwatch.db.seeds import SOURCES
from gridwatch.db.store import Store
from gridwatch.db.validation import DateWindow

INTERCHANGE_COLUMNS = (
    "case_no",
    "source",
    "category_code",
    "urgency",
    "description",
    "lon",
    "lat",
    "address",
    "reported_at",
    "registered_at",
    "dispatched_at",
    "department_code",
    "handled_at",
    "checked_at",
    "closed_at",
    "status",
)
OPTIONAL_TIMES = ("accepted_at", "suspended_at")
"""Read when present (not part of the interchange standard): when the department accepted, when suspended."""
REQUIRED = ("case_no", "source", "category_code", "reported_at")
CHUNK = 5000
CASES: Table = Case.__table__  # type: ignore[assignment]
EVENTS: Table = CaseEvent.__table__  # type: ignore[assignment]

SOURCE_ALIASES = {
    "网格员上报": "grid_worker",
    "监督员上报": "grid_worker",
    "公众举报": "citizen",
    "随手拍": "citizen",
    "12345": "hotline",
    "热线转办": "hotline",
    "视频智能识别": "video",
    "视频": "video",
    "物联感知": "sensor",
    "上级转办": "superior",
    "坐席发现": "center",
}
STATUS_ALIASES = {
    "已上报": "reported",
    "待受理": "reported",
    "核实中": "verifying",
    "已立案": "registered",
    "不予立案": "rejected",
    "不予受理": "rejected",
    "已派遣": "dispatched",
    "处置中": "handling",
    "挂账": "suspended",
    "已处置": "handled",
    "核查中": "checking",
    "已核查": "checked",
    "待结案": "checked",
    "已结案": "closed",
    "结案": "closed",
    "已作废": "cancelled",
    "作废": "cancelled",
}
URGENCY_ALIASES = {"紧急": "A", "重要": "B", "普通": "C"}


def import_cases(
    store: Store,
    path: Path,
    *,
    create_missing: bool = False,
    tz: str = "Asia/Shanghai",
    progress: Progress | None = None,
) -> ImportReport:
    """Import an interchange CSV/XLSX file: one transaction, bad rows reported, good rows landed."""
    started = time.perf_counter()
    table = read_table(Path(path))
    table.require(REQUIRED)
    report = table.new_report("cases")
    zone = ZoneInfo(tz)
    rows: list[CaseRow] = []
    for line, cells in table.rows:
        try:
            rows.append(parse_case_row(line, cells, zone))
        except RowProblem as exc:
            report.error(line, str(exc))
    with store.session() as session:
        ctx = ImportContext.load(session, store.rules(session), datetime.now(UTC))
        import_case_rows(session, rows, ctx, create_missing=create_missing, report=report, progress=progress)
    store.refresh_statistics()
    report.seconds = time.perf_counter() - started
    return report


def parse_case_row(line: int, cells: dict[str, Cell], tz: ZoneInfo) -> CaseRow:
    """One interchange row as a CaseRow; unknown columns go to `attrs` as text."""
    case_no = text(cells, "case_no")
    category = text(cells, "category_code")
    reported = moment(cells, "reported_at", tz)
    for name, value in (("case_no", case_no), ("category_code", category), ("reported_at", reported)):
        if value is None:
            raise RowProblem(f"{name} is empty.")
    assert case_no is not None and category is not None and reported is not None
    source = text(cells, "source")
    source = SOURCE_ALIASES.get(source or "", source)
    if source is None:
        raise RowProblem(f"source is empty; sources: {', '.join(SOURCES)}.")
    status = text(cells, "status")
    status = STATUS_ALIASES.get(status or "", status.lower() if status else None)
    urgency = text(cells, "urgency")
    known = set(INTERCHANGE_COLUMNS) | set(OPTIONAL_TIMES)
    attrs: dict[str, Any] = {}
    for key in cells:
        if key and key not in known:
            value = text(cells, key)
            if value is not None:
                attrs[key] = value
    return CaseRow(
        line=line,
        case_no=case_no,
        source=source,
        category_code=category,
        reported_at=reported,
        urgency=URGENCY_ALIASES.get(urgency or "", urgency.upper() if urgency else None),
        description=text(cells, "description") or "",
        lon=number(cells, "lon"),
        lat=number(cells, "lat"),
        address=text(cells, "address"),
        department_code=text(cells, "department_code"),
        **{
            name: moment(cells, name, tz)
            for name in (
                "registered_at",
                "dispatched_at",
                "accepted_at",
                "handled_at",
                "checked_at",
                "closed_at",
                "suspended_at",
            )
        },
        status=status,
        attrs=attrs,
    )


def import_case_rows(
    session: Session,
    rows: Sequence[CaseRow],
    ctx: ImportContext,
    *,
    create_missing: bool = False,
    report: ImportReport | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Insert new cases, update changed imported ones, leave identical ones alone; inside `session`'s
    transaction (the caller commits). Rows that cannot land are errors in the report, by `row.line`."""
    report = report or ImportReport("cases", total=len(rows))
    quiet_feed(session)
    rows = _drop_duplicates(_checked(rows, ctx, report), report)
    if create_missing:
        _create_missing(session, rows, ctx, report)
    done = report.total - len(rows)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        _import_chunk(session, chunk, ctx, report)
        done += len(chunk)
        if progress is not None:
            progress(done, report.total)
    announce_reload(session, "cases")
    return report


def _checked(rows: Sequence[CaseRow], ctx: ImportContext, report: ImportReport) -> list[CaseRow]:
    """Rows within the limits (lengths, codes, dates): before anything, even a missing code, is created."""
    window = ctx.window or DateWindow.default(ctx.now)
    kept = []
    for row in rows:
        try:
            check_row(row, window)
        except RowProblem as exc:
            report.error(row.line, str(exc))
            continue
        kept.append(row)
    return kept


def _drop_duplicates(rows: Sequence[CaseRow], report: ImportReport) -> list[CaseRow]:
    first: dict[str, int] = {}
    kept = []
    for row in rows:
        if row.case_no in first:
            report.error(row.line, f"case_no '{row.case_no}' already appears on line {first[row.case_no]}.")
            continue
        first[row.case_no] = row.line
        kept.append(row)
    return kept


def _create_missing(
    session: Session, rows: Sequence[CaseRow], ctx: ImportContext, report: ImportReport
) -> None:
    """Create the departments and categories the rows name but the store lacks (named by their code)."""
    now = datetime.now(UTC)
    for code in sorted({r.department_code for r in rows if r.department_code} - set(ctx.department_ids)):
        department = Department(code=code, name=code, level="district", updated_at=now)
        session.add(department)
        session.flush()
        ctx.department_ids[code] = department.id
        report.created.append(f"department {code}")
    for code in sorted({r.category_code for r in rows} - set(ctx.category_urgency)):
        parent = code[:2] if len(code) > 2 and code[:2] in ctx.category_urgency else None
        kind = "component" if code[:2] in ("01", "02", "03", "04", "05") else "event"
        session.add(Category(code=code, name=code, kind=kind, parent_code=parent, default_urgency="C"))
        ctx.category_urgency[code] = "C"
        report.created.append(f"category {code}")
    session.flush()


def _import_chunk(
    session: Session, rows: Sequence[CaseRow], ctx: ImportContext, report: ImportReport
) -> None:
    places = ctx.places(list(rows))
    plans: list[tuple[CaseRow, CasePlan]] = []
    for row, place in zip(rows, places, strict=True):
        try:
            plans.append((row, plan_case(row, ctx, place)))
        except (RowProblem, InvalidInput) as exc:
            report.error(row.line, str(exc))
    if not plans:
        return
    columns = [CASES.c[k] for k in plans[0][1].values]
    query = select(CASES.c.id, CASES.c.version, *columns).where(
        CASES.c.case_no.in_([p.values["case_no"] for _, p in plans])
    )
    stored = {r["case_no"]: r for r in session.connection().execute(query).mappings()}
    fresh: list[CasePlan] = []
    candidates: list[tuple[CaseRow, CasePlan, dict[str, Any]]] = []
    for row, plan in plans:
        old = stored.get(plan.values["case_no"])
        if old is None:
            fresh.append(plan)
        elif not (old["attrs"] or {}).get(IMPORT_MARK):
            report.error(
                row.line,
                f"case {row.case_no} exists and is worked in gridwatch: an import does not overwrite it.",
            )
        elif differences(plan.values, dict(old)):
            candidates.append((row, plan, dict(old)))
        else:
            report.count("unchanged")
    trails = _trails(session, [old["id"] for _, _, old in candidates])
    changed = [
        (plan, old)
        for row, plan, old in candidates
        if _may_update(row, plan, old, trails[old["id"]], ctx, report)
    ]
    _insert(session, fresh, ctx.now)
    report.inserted += len(fresh)
    _update(session, changed, trails, ctx.now)
    report.updated += len(changed)


Trail = list[tuple[str, str, datetime, dict[str, Any]]]


def _trails(session: Session, ids: list[int]) -> dict[int, Trail]:
    """The events of these cases, oldest first: (action, to_state, at, data)."""
    trails: dict[int, Trail] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        for case_id, action, to_state, at, data in session.execute(
            select(CaseEvent.case_id, CaseEvent.action, CaseEvent.to_state, CaseEvent.at, CaseEvent.data)
            .where(CaseEvent.case_id.in_(ids[start : start + CHUNK]))
            .order_by(CaseEvent.id)
        ):
            trails[case_id].append((action, to_state, at, data or {}))
    return trails


def _may_update(
    row: CaseRow, plan: CasePlan, old: dict[str, Any], trail: Trail, ctx: ImportContext, report: ImportReport
) -> bool:
    """An imported case may follow its file only while nobody worked it in gridwatch: a desk's step is
    never rewound. The same row read again is "unchanged"; a row saying something new is refused."""
    worked = [(action, at) for action, _, at, data in trail if not data.get(IMPORT_MARK)]
    if not worked:
        return True
    if plan.values["attrs"][IMPORT_MARK] == old["attrs"].get(IMPORT_MARK):
        report.count("unchanged")
        return False
    action, at = worked[-1]
    report.error(
        row.line,
        f"case {row.case_no} was worked in gridwatch after its import (last: {action} at "
        f"{at.astimezone(ctx.rules.calendar.tz):%Y-%m-%d %H:%M}): the file's changes are not applied.",
    )
    return False


def _insert(session: Session, plans: list[CasePlan], now: datetime) -> None:
    if not plans:
        return
    values = [{**p.values, "version": 1, "updated_at": now} for p in plans]
    if is_postgres(session):
        ids = reserve_ids(session, CASES, len(plans))
        insert_rows(session, CASES, [{"id": i, **v} for i, v in zip(ids, values, strict=True)])
    else:  # RETURNING matched by case_no: ordered RETURNING would make SQLite insert row by row
        by_no: dict[str, int] = dict(
            session.connection().execute(insert(CASES).returning(CASES.c.case_no, CASES.c.id), values).all()
        )
        ids = [by_no[v["case_no"]] for v in values]
    insert_rows(
        session, EVENTS, [{**e, "case_id": i} for i, p in zip(ids, plans, strict=True) for e in p.events]
    )


def _update(
    session: Session, changed: list[tuple[CasePlan, dict[str, Any]]], trails: dict[int, Trail], now: datetime
) -> None:
    """Apply a changed row: new columns, and the trail extended (events are never rewritten)."""
    if not changed:
        return
    session.connection().execute(
        update(CASES).where(CASES.c.id == bindparam("case_id")),
        [
            {**p.values, "case_id": old["id"], "version": old["version"] + 1, "updated_at": now}
            for p, old in changed
        ],
    )
    events: list[dict[str, Any]] = []
    for plan, old in changed:
        have = [step[:3] for step in trails[old["id"]]]
        planned = [(e["action"], e["to_state"], e["at"]) for e in plan.events]
        if planned[: len(have)] == have:
            events += [{**e, "case_id": old["id"]} for e in plan.events[len(have) :]]
        else:  # the source system rewrote history: record that, keep the old trail
            events.append(
                {
                    "case_id": old["id"],
                    "action": "reimport",
                    "from_state": old["state"],
                    "to_state": plan.values["state"],
                    "at": now,
                    "actor_id": None,
                    "role": None,
                    "note": "The imported file changed this case's earlier steps.",
                    "data": {IMPORT_MARK: True, "changed": differences(plan.values, old)},
                }
            )
    insert_rows(session, EVENTS, events)
