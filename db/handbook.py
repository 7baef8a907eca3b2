"""The disposal handbook (指挥手册): per category, what counts as handled and what the feedback must carry.

A row covers a category code or a 2-digit class; the most specific row wins. The time limit is not stored
here: the handling clock has one source, `deadline_rules`, and an import's limit column writes the
category's rule there. The feedback (`lifecycle._feedback`) refuses a case whose standard asks for more
after-photos than are attached; migration 0009's guard refuses the same on PostgreSQL.
A site imports its own handbook from a spreadsheet (`gridwatch handbook import FILE`, docs/LEVELS.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.errors import Forbidden, InvalidInput
from gridwatch.db.models import Category, DeadlineRuleRow, HandbookEntry
from gridwatch.db.spreadsheet import restore

if TYPE_CHECKING:
    from gridwatch.db.store import Store

UNITS = ("working_hours", "working_days", "hours", "days")

# (category, standard, responsible department kind, photos before, photos after): the twelve areas of the
# Xiamen handbook. A site's own import sets how many photos its standards ask for (none by default here,
# so a store without a handbook of its own keeps its feedback as it was).
HANDBOOK: tuple[tuple[str, str, str, int, int], ...] = (
    ("01", "设施完好、功能恢复，现场无安全隐患", "市政设施养护单位", 0, 0),
    ("01001", "井盖复位或更换，盖座平稳无响动，周边无沉陷", "供水公司", 0, 0),
    ("01037", "路灯恢复亮灯，灯杆灯具完好，线路无裸露", "路灯管理所", 0, 0),
    ("02", "交通设施完好、标志标线清晰可辨", "交警大队", 0, 0),
    ("03", "环卫设施完好、清洁，摆放整齐", "环卫中心", 0, 0),
    ("04", "绿地、树木恢复，无缺株、无倒伏、无枯死", "园林绿化部门", 0, 0),
    ("06", "路面、绿地见本色，无暴露垃圾、无积存杂物", "环卫中心", 0, 0),
    ("06042", "垃圾清运完毕，容器周边无散落垃圾", "环卫中心", 0, 0),
    ("07", "违规广告、招牌拆除或规范设置，墙面恢复", "城管执法部门", 0, 0),
    ("08", "工地围挡规范、出入口冲洗到位，无扬尘、无带泥上路", "住建部门", 0, 0),
    ("09", "占道、乱停、游商等现象消除，街面恢复通行秩序", "城管执法部门", 0, 0),
    ("10", "隐患消除，现场处置完毕并留存记录", "属地街道", 0, 0),
)

HEADERS = {
    "category": ("category", "类别", "类别代码", "category_code"),
    "standard": ("standard", "处置标准", "结案标准"),
    "limit": ("limit", "时限", "处置时限"),
    "unit": ("unit", "时限单位", "单位"),
    "department_kind": ("department_kind", "责任部门", "责任部门类别"),
    "photos_before": ("photos_before", "处置前照片"),
    "photos_after": ("photos_after", "处置后照片"),
}
"""The spreadsheet's column names (English or Chinese), in any order; category and standard are required."""


@dataclass(frozen=True)
class HandbookRow:
    """One imported row, checked; `line` is the spreadsheet's line for messages."""

    line: int
    category_code: str
    standard: str
    department_kind: str | None
    photos_before: int
    photos_after: int
    limit_amount: float | None
    limit_unit: str | None


def ensure_handbook(session: Session) -> int:
    """Add the seeded rows a store is missing (never overwriting a site's own); return how many."""
    have = set(session.scalars(select(HandbookEntry.category_code)))
    known = set(session.scalars(select(Category.code)))
    now = datetime.now(UTC)
    added = 0
    for code, standard, kind, before, after in HANDBOOK:
        if code not in have and code in known:
            session.add(
                HandbookEntry(
                    category_code=code,
                    standard=standard,
                    department_kind=kind,
                    photos_before=before,
                    photos_after=after,
                    updated_at=now,
                )
            )
            added += 1
    return added


def entry_for(session: Session, category_code: str) -> HandbookEntry | None:
    """The handbook row that covers a category: its own, else its 2-digit class's."""
    codes = [category_code, category_code[:2]] if len(category_code) > 2 else [category_code]
    rows = {
        r.category_code: r
        for r in session.scalars(select(HandbookEntry).where(HandbookEntry.category_code.in_(codes)))
    }
    return next((rows[c] for c in codes if c in rows), None)


def missing_photos(session: Session, case_no: str, category_code: str, after: int) -> str | None:
    """Why a feedback with `after` after-photos falls short of the handbook's standard, or None."""
    entry = entry_for(session, category_code)
    if entry is None or after >= entry.photos_after:
        return None
    return (
        f"Case {case_no}: the handbook's standard for {entry.category_code} needs {entry.photos_after} "
        f"after-photo(s) with the feedback; {after} attached."
    )


def read_file(path: Path) -> list[dict[str, Any]]:
    """The rows of a handbook spreadsheet (.xlsx or .csv, UTF-8 with or without BOM) as header → cell."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.active
        if sheet is None:
            raise InvalidInput(f"{path}: the workbook has no sheet.")
        lines = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = [list(r) for r in csv.reader(f)]
    else:
        raise InvalidInput(f"{path}: a handbook is read from .xlsx or .csv.")
    if not lines:
        raise InvalidInput(f"{path}: the file is empty.")
    header = [str(h or "").strip() for h in lines[0]]
    return [
        dict(zip(header, line, strict=False)) for line in lines[1:] if any(c not in (None, "") for c in line)
    ]


def _cell(raw: dict[str, Any], key: str) -> Any:
    for name in HEADERS[key]:
        value = raw.get(name)
        if value not in (None, ""):
            return restore(value.strip()) if isinstance(value, str) else value
    return None


def check_rows(session: Session, raw_rows: Sequence[dict[str, Any]]) -> list[HandbookRow]:
    """Every row checked before any is written; the first bad one is named with its line."""
    known = set(session.scalars(select(Category.code)))
    rows = []
    for line, raw in enumerate(raw_rows, start=2):
        code = _cell(raw, "category")
        code = str(code) if code is not None else None
        if code is None or code not in known:
            raise InvalidInput(
                f"Handbook line {line}: unknown category '{code or ''}'. Nothing was imported: use a code "
                "of the site's category list."
            )
        standard = _cell(raw, "standard")
        if not standard:
            raise InvalidInput(f"Handbook line {line} ({code}): the standard is empty. Nothing was imported.")
        counts = []
        for key in ("photos_before", "photos_after"):
            value = _cell(raw, key)
            try:
                count = int(value) if value is not None else 0
            except (TypeError, ValueError):
                count = -1
            if not 0 <= count <= 20:
                raise InvalidInput(f"Handbook line {line} ({code}): {key} must be 0 to 20, not '{value}'.")
            counts.append(count)
        amount, unit = _cell(raw, "limit"), _cell(raw, "unit")
        if amount is not None:
            try:
                amount = float(amount)
            except (TypeError, ValueError):
                amount = -1.0
            if not 0 < amount <= 1000 or unit not in UNITS:
                raise InvalidInput(
                    f"Handbook line {line} ({code}): a limit is a positive number with a unit among "
                    f"{', '.join(UNITS)} (got '{_cell(raw, 'limit')}' '{unit or ''}')."
                )
        kind = _cell(raw, "department_kind")
        rows.append(
            HandbookRow(
                line,
                code,
                str(standard)[:2000],
                str(kind)[:100] if kind else None,
                photos_before=counts[0],
                photos_after=counts[1],
                limit_amount=amount,
                limit_unit=unit,
            )
        )
    return rows


def write_rows(session: Session, rows: Iterable[HandbookRow]) -> int:
    """Write checked rows (replacing a category's row) and their limits into `deadline_rules`."""
    now = datetime.now(UTC)
    written = 0
    for row in rows:
        entry = session.get(HandbookEntry, row.category_code) or HandbookEntry(
            category_code=row.category_code
        )
        entry.standard, entry.department_kind = row.standard, row.department_kind
        entry.photos_before, entry.photos_after, entry.updated_at = row.photos_before, row.photos_after, now
        session.add(entry)
        if row.limit_amount is not None:
            rule = session.scalar(
                select(DeadlineRuleRow).where(
                    DeadlineRuleRow.category_code == row.category_code, DeadlineRuleRow.urgency.is_(None)
                )
            ) or DeadlineRuleRow(category_code=row.category_code, urgency=None)
            rule.amount, rule.unit = row.limit_amount, row.limit_unit or "working_days"
            session.add(rule)
        written += 1
    session.flush()
    return written


def import_file(store: Store, path: Path, *, actor: str) -> int:
    """Import a handbook spreadsheet as `actor` (an admin): every row checked first, then all written in
    one transaction; the store's rules are read again so the new limits apply to the next dispatch."""
    raw = read_file(path)
    with store.session() as session:
        person = store.actor(session, actor)
        if "admin" not in person.roles:
            raise Forbidden(f"Only an admin imports the handbook; {actor} is not one.")
        written = write_rows(session, check_rows(session, raw))
    store.reload_rules()
    return written
