"""Importing the work-order interchange file: history rebuilt, bad rows reported by line, idempotent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select, text
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.db.history import CaseRow, ImportContext, build_case
from gridwatch.db.imports.cases import import_case_rows, import_cases
from gridwatch.db.imports.report import ImportFileError
from gridwatch.db.models import Case, CaseEvent, Category, Department, OrgUnit
from gridwatch.db.store import Store
from tests.conftest import PG_URL

SH = ZoneInfo("Asia/Shanghai")
# Monday 2024-05-06; 06010 暴露垃圾 has a 4-working-hour limit: dispatched 09:20 → due 14:50.
CLOSED = (
    "C1,hotline,06010,,垃圾,118.005,24.41,某路,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,"
    "2024-05-06 10:00,2024-05-06 10:30,2024-05-06 11:00,closed"
)
LATE = (
    "C2,citizen,06010,,垃圾,118.015,24.41,,2024-05-06 09:00,2024-05-06 09:10,2024-05-06 09:20,CGJ,"
    "2024-05-06 16:00,2024-05-06 16:30,2024-05-06 17:00,"
)
OPEN = (
    "C3,grid_worker,09006,B,占道,118.5,24.45,,2024-05-06T09:00:00+08:00,2024-05-06 09:05,2024-05-06 09:20,"
    "CGJ,,,,handling"
)


def events_of(store: Store, case_no: str) -> list[str]:
    with store.session() as s:
        case_id = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return list(
            s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        )


def case(store: Store, case_no: str) -> Case:
    with store.session() as s:
        found = s.scalar(select(Case).where(Case.case_no == case_no))
        assert found is not None
        return found


def test_history_deadline_grid_and_reimport(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    path = write_csv(
        tmp_path / "cases.csv", [HEADER + ",hotline_no", CLOSED + ",H-1", LATE + ",", OPEN + ",H-3"]
    )
    report = import_cases(store, path)
    assert report.ok, report.errors
    assert (report.inserted, report.total) == (3, 3)

    assert events_of(store, "C1") == [
        "report",
        "register",
        "dispatch",
        "accept",
        "feedback",
        "send_check",
        "check_pass",
        "close",
    ]
    c1 = case(store, "C1")
    assert c1.state == "closed" and c1.close_type == "normal"
    assert (c1.limit_amount, c1.limit_unit) == (4, "working_hours")
    assert c1.deadline_at == datetime(2024, 5, 6, 14, 50, tzinfo=SH)
    assert c1.reported_at == datetime(2024, 5, 6, 1, 0, tzinfo=UTC)  # bare local time stored as UTC
    assert c1.attrs["hotline_no"] == "H-1"
    with store.session() as s:
        grid, street = (
            s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
            for code in ("35020300100101", "350203001")
        )
    assert (c1.grid_id, c1.street_id, c1.outside_grid) == (grid, street, False)
    assert case(store, "C2").close_type == "overdue"  # closed 17:00 after the 14:50 deadline
    c3 = case(store, "C3")
    assert c3.state == "handling" and c3.outside_grid and c3.grid_id is None  # kept, flagged
    assert c3.stage_started_at == datetime(2024, 5, 6, 9, 20, tzinfo=SH)
    assert c3.stage_due_at == c3.deadline_at == datetime(2024, 5, 8, 9, 20, tzinfo=SH)  # B: 2 working days

    again = import_cases(store, path)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 3, 0)
    with store.session() as s:
        assert s.scalar(select(func.count(CaseEvent.id))) == 8 + 8 + 4


def test_a_later_file_extends_the_trail(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    import_cases(store, write_csv(tmp_path / "a.csv", [HEADER, OPEN]))
    done = OPEN.replace(",,,,handling", ",2024-05-06 15:00,2024-05-06 15:20,2024-05-06 16:00,closed")
    report = import_cases(store, write_csv(tmp_path / "b.csv", [HEADER, done]))
    assert (report.updated, report.inserted) == (1, 0)
    assert events_of(store, "C3") == [
        "report",
        "register",
        "dispatch",
        "accept",
        "feedback",
        "send_check",
        "check_pass",
        "close",
    ]
    assert case(store, "C3").version == 2


def test_bad_rows_are_reported_by_line_and_good_rows_land(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    lines = [
        HEADER,
        CLOSED,  # 2 ok
        CLOSED.replace("C1,", "C9,").replace("118.005,24.41", "24.41,118.005"),  # 3 swapped
        CLOSED.replace("C1,", "C10,").replace("118.005", "nan"),  # 4 NaN
        CLOSED.replace("C1,", "C11,").replace("2024-05-06 11:00", "2024-05-06 09:15"),  # 5 out of order
        CLOSED.replace("C1,", "C12,").replace("2024-05-06 09:10", "yesterday"),  # 6 not a time
        CLOSED,  # 7 duplicate
        CLOSED.replace("C1,", "C13,").replace(",closed", ",handling"),  # 8 status vs times
        CLOSED.replace("C1,", "C14,").replace("2024-05-06 09:20,CGJ", ",CGJ"),  # 9 skipped step
        CLOSED.replace("C1,", ","),  # 10 no case_no
        CLOSED.replace("C1,", "C15,").replace("hotline", "fax"),  # 11 unknown source
        CLOSED.replace("C1,", "C16,"),  # 12 ok
    ]
    report = import_cases(store, write_csv(tmp_path / "bad.csv", lines))
    reasons = {issue.line: issue.reason for issue in report.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "outside China" in reasons[3] and "swapped" in reasons[3]
    assert "finite" in reasons[4]
    assert "out of order" in reasons[5] and "closed_at" in reasons[5]
    assert "ISO 8601" in reasons[6]
    assert "line 2" in reasons[7]
    assert "status 'handling'" in reasons[8]
    assert "dispatched_at is empty" in reasons[9]
    assert "case_no is empty" in reasons[10]
    assert "fax" in reasons[11]
    assert report.inserted == 2 and report.skipped == 9
    with store.session() as s:
        assert sorted(s.scalars(select(Case.case_no))) == ["C1", "C16"]


def test_unknown_codes_refused_unless_create_missing(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    path = write_csv(
        tmp_path / "c.csv", [HEADER, CLOSED.replace(",CGJ,", ",NEWDEPT,").replace(",06010,", ",11001,")]
    )
    refused = import_cases(store, path)
    assert refused.inserted == 0 and refused.errors[0].line == 2
    assert "unknown" in refused.errors[0].reason
    created = import_cases(store, path, create_missing=True)
    assert created.ok and created.inserted == 1
    assert created.created == ["department NEWDEPT", "category 11001"]
    with store.session() as s:
        assert s.scalar(select(Department.name).where(Department.code == "NEWDEPT")) == "NEWDEPT"
        assert s.get(Category, "11001") is not None


def test_gb18030_csv_and_xlsx(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    gb = write_csv(
        tmp_path / "gb.csv", [HEADER, CLOSED.replace("垃圾", "暴露垃圾堆放"), LATE], encoding="gb18030"
    )
    assert import_cases(store, gb).inserted == 2
    assert case(store, "C1").description == "暴露垃圾堆放"

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    row = OPEN.replace("C3,", "X1,").split(",")
    row[8] = datetime(2024, 5, 6, 9, 0)  # a real Excel date cell (no zone: local time)
    row[5], row[6] = 118.005, 24.41  # numbers, not text
    sheet.append(row)
    sheet.append(["X2", "hotline", "06010"])  # line 3: no reported_at
    book.save(tmp_path / "cases.xlsx")
    report = import_cases(store, tmp_path / "cases.xlsx")
    assert report.inserted == 1 and [(e.line, e.reason) for e in report.errors] == [
        (3, "reported_at is empty.")
    ]
    x1 = case(store, "X1")
    assert x1.reported_at == datetime(2024, 5, 6, 9, 0, tzinfo=SH) and not x1.outside_grid


def test_rejected_cancelled_and_self_handled(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    base = "{no},grid_worker,06010,,,118.005,24.41,,2024-05-06 09:00,{reg},,,,,{closed},{status}"
    lines = [
        HEADER,
        base.format(no="R1", reg="", closed="2024-05-06 09:30", status="rejected"),
        base.format(no="V1", reg="2024-05-06 09:10", closed="2024-05-06 09:40", status="cancelled"),
        base.format(no="S1", reg="", closed="2024-05-06 09:50", status=""),
        base.format(no="R2", reg="2024-05-06 09:10", closed="", status="rejected"),
    ]
    report = import_cases(store, write_csv(tmp_path / "r.csv", lines))
    assert [e.line for e in report.errors] == [5]
    assert events_of(store, "R1") == ["report", "reject"]
    assert events_of(store, "V1") == ["report", "register", "void"]
    assert events_of(store, "S1") == ["report", "approve_self_handle"]
    assert case(store, "S1").close_type == "self_handled"


def test_import_case_rows_and_build_case_api(store: Store) -> None:
    add_territory(store)
    at = datetime(2024, 5, 6, 9, 0, tzinfo=SH)
    rows = [
        CaseRow(
            line=i + 1,
            case_no=f"D{i}",
            source="video",
            category_code="09006",
            reported_at=at,
            lon=118.005 + 0.01 * (i % 2),
            lat=24.41,
        )
        for i in range(10)
    ]
    rows.append(
        CaseRow(
            line=11, case_no="D10", source="video", category_code="09006", reported_at=at, dispatched_at=at
        )
    )  # dispatched without registration
    with store.session() as s:
        ctx = ImportContext.load(s, store.rules(s), datetime.now(UTC))
        report = import_case_rows(s, rows, ctx)
        case_obj, events = build_case(rows[0], ctx)
    assert report.inserted == 10 and [e.line for e in report.errors] == [11]
    assert case_obj.state == "reported" and [e.action for e in events] == ["report"]
    assert case_obj.grid_id is not None


def test_unreadable_file_and_missing_column(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        import_cases(store, tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="missing column"):
        import_cases(store, write_csv(tmp_path / "x.csv", ["case_no,source", "1,hotline"]))
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ImportFileError, match="XLSX"):
        import_cases(store, tmp_path / "junk.xlsx")


def test_statistics_after_an_import_touch_only_this_store(pg_store: Store) -> None:
    """Two districts importing into one database at once must not ANALYZE each other's tables: a bare
    ANALYZE did, and two of them deadlocked (seen in CI, two test workers)."""
    with pg_store.engine.connect() as conn:
        mine = str(conn.scalar(text("SELECT current_schema()")))
    other = f"t_other_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)

    def analyses() -> dict[str, int]:
        with admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT schemaname, analyze_count FROM pg_stat_user_tables"
                    " WHERE relname = 'cases' AND schemaname IN (:mine, :other)"
                ),
                {"mine": mine, "other": other},
            )
            return {str(schema): int(count) for schema, count in rows}

    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {other}"))
            conn.execute(text(f"CREATE TABLE {other}.cases AS SELECT g AS id FROM generate_series(1, 50) g"))
        before = analyses()
        pg_store.refresh_statistics()
        after = analyses()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {other} CASCADE"))
        admin.dispose()
    assert after == {mine: before[mine] + 1, other: 0}
