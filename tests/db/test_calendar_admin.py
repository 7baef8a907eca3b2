"""Entering the notice through the store moves running deadlines, each with an event; admin only; both
backends."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gridwatch.db.calendar_admin import Entry, check_year, enter, read_notice, year_view
from gridwatch.db.errors import Forbidden, InvalidInput
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import compute
from gridwatch.db.models import CalendarDay, Person
from gridwatch.db.store import Store, utcnow
from tests.calendar_support import NOTICE_2027, allow_scenario_dates, library_until_2026  # noqa: F401
from tests.conftest import local

pytestmark = [
    pytest.mark.filterwarnings("ignore::gridwatch.db.calendar.UnknownCalendarYear"),
    pytest.mark.usefixtures("library_until_2026"),
]
LON, LAT = 118.09, 24.47


@pytest.fixture(autouse=True)
def scenario(store: Store) -> None:
    allow_scenario_dates(store)


def dispatched_case(store: Store, at: object, urgency: str = "A") -> str:
    """A 占道经营 case dispatched at `at` with the urgency's limit (A: one working day)."""
    no = store.report(
        actor="worker", source="grid_worker", category_code="09006", lon=LON, lat=LAT, reported_at=at
    ).case_no  # type: ignore[arg-type]
    store.act(no, "register", actor="leader", inp=ActionInput(urgency=urgency, at=at))  # type: ignore[arg-type]
    store.act(no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ", at=at))  # type: ignore[arg-type]
    return no


def deadline(store: Store, no: str) -> object:
    with store.session() as s:
        return store.case(s, no).deadline_at


def test_an_entered_day_moves_an_open_deadline_with_its_event(store: Store, staff: dict[str, str]) -> None:
    running = dispatched_case(store, local(2026, 12, 31, 16))
    earlier = dispatched_case(store, local(2026, 12, 28, 9))  # due 12-29 09:00: no 2027 day touches it
    finished = dispatched_case(store, local(2026, 12, 31, 16))
    for action, who in (("accept", "handler"), ("feedback", "handler")):
        store.act(finished, action, actor=who)
    assert deadline(store, running) == local(2027, 1, 4, 16)  # 元旦 estimated from the law, not Monday–Friday
    assert deadline(store, earlier) == local(2026, 12, 29, 9)

    change = enter(store, "admin", [Entry(date(2027, 1, 2), True, "元旦调休")], "site")

    assert change.changed == {date(2027, 1, 2): True}
    assert [(m.case_no, m.previous, m.deadline, m.estimated) for m in change.moved] == [
        (running, local(2027, 1, 4, 16), local(2027, 1, 2, 16), True)
    ]
    with store.session() as s:
        case = store.case(s, running)
        assert (case.deadline_at, case.stage_due_at, case.state, case.version) == (
            local(2027, 1, 2, 16),
            local(2027, 1, 2, 16),
            "dispatched",
            4,
        )
        (event,) = [e for e in store.events(s, running) if e.action == "recompute_deadline"]
        admin = s.scalar(select(Person.id).where(Person.username == "admin"))
        assert (event.action, event.from_state, event.to_state, event.role, event.actor_id) == (
            "recompute_deadline",
            "dispatched",
            "dispatched",
            "admin",
            admin,
        )
        assert event.note == (
            "Working calendar changed by 系统管理员 (admin, site): 2027-01-02 working day. "
            "Deadline 2027-01-04 16:00 → 2027-01-02 16:00 (estimated calendar)"
        )
        assert event.data["days"] == ["2027-01-02"] and event.data["estimated"] is True
        assert [e.action for e in store.events(s, earlier)] == ["report", "register", "dispatch"]
        assert store.case(s, finished).deadline_at == local(2027, 1, 4, 16)  # its clock has stopped
        row = s.get(CalendarDay, date(2027, 1, 2))
        assert row is not None
        assert (row.is_workday, row.name, row.source, row.changed_by_id) == (True, "元旦调休", "site", admin)
        assert row.changed_at is not None and abs(row.changed_at - utcnow()) < timedelta(minutes=1)


def test_the_whole_notice_makes_the_year_known(store: Store, staff: dict[str, str], tmp_path: Path) -> None:
    before_spring = dispatched_case(store, local(2027, 2, 4, 9), urgency="C")  # 4 working days
    # 30 working hours: 7 on 02-04; the estimate has 02-05..02-10 off; 02-11, 12 and 15, then 0.5 h
    assert deadline(store, before_spring) == local(2027, 2, 16, 9)
    assert not check_year(store, 2027).known
    notice = tmp_path / "2027.csv"
    notice.write_text(NOTICE_2027, encoding="utf-8")

    change = enter(store, "admin", read_notice(notice), f"import {notice.name}")

    assert change.years == {2027: "site"} and len(change.written) == 34
    # the notice has 02-05..02-13 off and Sunday 02-14 worked: 7 h on 02-04, then 14, 15, 16, then 0.5 h
    assert [(m.case_no, m.deadline) for m in change.moved] == [(before_spring, local(2027, 2, 17, 9))]
    assert change.changed[date(2027, 2, 14)] is True and change.changed[date(2027, 2, 11)] is False
    result = check_year(store, 2027)
    assert (result.known, result.source, result.entered, result.missing) == (True, "site", 34, [])
    source, days = year_view(store, 2027)
    assert source == "site"
    assert [(d.day, d.is_workday, d.entered_by, d.entered_from) for d in days if d.day.month == 2][-2:] == [
        (date(2027, 2, 14), True, "admin", "import 2027.csv"),
        (date(2027, 2, 20), True, "admin", "import 2027.csv"),
    ]
    again = enter(store, "admin", read_notice(notice), "import 2027.csv")  # the same file twice: nothing
    assert (again.written, again.changed, again.moved) == ([], {}, [])


def test_only_an_admin_changes_the_calendar_and_nothing_is_lost(store: Store, staff: dict[str, str]) -> None:
    running = dispatched_case(store, local(2026, 12, 31, 16))
    with pytest.raises(Forbidden, match="needs the role admin; dispatcher holds dispatcher"):
        enter(store, "dispatcher", [Entry(date(2027, 1, 4), False)], "site")
    with store.session() as s:
        assert s.scalars(select(CalendarDay)).all() == []
        assert store.rules(s).calendar.overrides == {}
    assert deadline(store, running) == local(2027, 1, 4, 16)


def test_a_bad_file_enters_nothing_and_says_where(
    store: Store, staff: dict[str, str], tmp_path: Path
) -> None:
    notice = tmp_path / "notice.csv"
    notice.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-02-14,休息,\n")
    with pytest.raises(InvalidInput) as err:
        read_notice(notice)
    assert str(err.value) == (
        "'notice.csv' has 2 bad row(s), nothing was entered: line 3: '2027-02-30' is not a date: day is "
        "out of range for month.; line 4: '休息' is neither holiday nor workday (also understood: 休, 放假, "
        "班, 上班)."
    )
    with pytest.raises(InvalidInput, match="both as a holiday and as a working day"):
        enter(store, "admin", [Entry(date(2027, 1, 4), False), Entry(date(2027, 1, 4), True)], "site")
    with store.session() as s:
        assert s.scalars(select(CalendarDay)).all() == []


def test_an_xlsx_notice_with_the_notices_own_words(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2027, 2, 14), "班", "春节"])
    sheet.append(["2027/2/5..2027/2/6", "休", "春节"])
    book.save(tmp_path / "notice.xlsx")
    assert read_notice(tmp_path / "notice.xlsx") == [
        Entry(date(2027, 2, 14), True, "春节"),
        Entry(date(2027, 2, 5), False, "春节"),
        Entry(date(2027, 2, 6), False, "春节"),
    ]


def test_metrics_say_when_on_time_figures_rest_on_an_estimated_year(
    store: Store, staff: dict[str, str], tmp_path: Path
) -> None:
    dispatched_case(store, local(2026, 12, 31, 16))
    with store.session() as s:
        calendar = store.rules(s).calendar
        rows = compute(s, date(2026, 12, 1), date(2026, 12, 31), calendar=calendar)
        assert [(r.key, r.to_handle, r.estimated_calendar) for r in rows] == [("CGJ", 1, True)]
        assert compute(s, date(2026, 12, 1), date(2026, 12, 31))[0].estimated_calendar is None
    notice = tmp_path / "2027.csv"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    enter(store, "admin", read_notice(notice), "import 2027.csv")
    with store.session() as s:
        rows = compute(s, date(2026, 12, 1), date(2026, 12, 31), calendar=store.rules(s).calendar)
        assert [(r.key, r.estimated_calendar) for r in rows] == [("CGJ", False)]
