"""The working calendar against real 2025 dates: National Day 2025-10-01..08, 调休 on Sunday 2025-09-28."""

import random
import warnings
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridwatch.db.calendar import UnknownCalendarYear, WorkingCalendar
from tests.calendar_support import library_until_2026  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_default_day_is_seven_and_a_half_hours(cal: WorkingCalendar) -> None:
    assert cal.seconds_per_day == 7.5 * 3600


def test_national_day_and_adjusted_working_days(cal: WorkingCalendar) -> None:
    assert cal.is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert not cal.is_workday(date(2025, 9, 27))  # Saturday
    assert not any(cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 10, 9))
    assert cal.is_workday(date(2025, 10, 11))  # Saturday, 调休


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (sh(2025, 9, 22, 11), 2, sh(2025, 9, 22, 14, 30)),  # across the lunch break
        (sh(2025, 9, 22, 10), 2, sh(2025, 9, 22, 12)),  # ends on a period's end, not the next start
        (sh(2025, 9, 22, 12, 30), 1, sh(2025, 9, 22, 14, 30)),  # starts in the lunch break
        (sh(2025, 9, 22, 17), 1, sh(2025, 9, 23, 9)),  # overnight
        (sh(2025, 9, 22, 6), 1, sh(2025, 9, 22, 9, 30)),  # starts before work
        (sh(2025, 9, 19, 16, 30), 2, sh(2025, 9, 22, 9, 30)),  # Friday over the weekend
        (sh(2025, 9, 20, 10), 1, sh(2025, 9, 22, 9, 30)),  # starts on a Saturday
        (sh(2025, 9, 26, 17), 1, sh(2025, 9, 28, 9)),  # Friday into the working Sunday
        (sh(2025, 9, 30, 17), 1, sh(2025, 10, 9, 9)),  # over National Day
        (sh(2025, 9, 22, 8, 30), 7.5, sh(2025, 9, 22, 17, 30)),  # one working day
        (sh(2025, 9, 20, 10), 7.5, sh(2025, 9, 22, 17, 30)),  # a whole day ends at its close
        # four working days from Tuesday 09:00: 7 h left that day, then 10-09, 10-10, Saturday 10-11, Monday
        (sh(2025, 9, 30, 9), 30, sh(2025, 10, 13, 9)),
    ],
)
def test_add_working(cal: WorkingCalendar, start: datetime, hours: float, expected: datetime) -> None:
    assert cal.add_working(start, hours * 3600) == expected
    assert cal.working_seconds(start, expected) == pytest.approx(hours * 3600)


def test_zero_seconds_is_the_start_itself(cal: WorkingCalendar) -> None:
    assert cal.add_working(sh(2025, 9, 20, 10), 0) == sh(2025, 9, 20, 10)


def test_negative_seconds_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working(sh(2025, 9, 22, 9), -1)


def test_result_is_in_the_input_time_zone(cal: WorkingCalendar) -> None:
    due = cal.add_working(datetime(2025, 9, 22, 1, 0, tzinfo=UTC), 3600)  # 09:00 in Shanghai
    assert due.tzinfo is UTC
    assert due == datetime(2025, 9, 22, 2, 0, tzinfo=UTC)


def test_working_seconds(cal: WorkingCalendar) -> None:
    assert cal.working_seconds(sh(2025, 9, 22, 11), sh(2025, 9, 22, 14)) == 1.5 * 3600
    assert cal.working_seconds(sh(2025, 9, 30, 8), sh(2025, 10, 9, 9)) == 8 * 3600
    assert cal.working_seconds(sh(2025, 9, 27, 0), sh(2025, 9, 27, 23)) == 0
    assert cal.working_seconds(sh(2025, 9, 22, 14), sh(2025, 9, 22, 11)) == 0


def test_naive_datetimes_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working(datetime(2025, 9, 22, 9), 60)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.working_seconds(sh(2025, 9, 22, 9), datetime(2025, 9, 22, 10))


def test_site_override_wins_over_the_national_calendar() -> None:
    cal = WorkingCalendar(overrides={date(2025, 9, 22): False, date(2025, 10, 8): True})
    assert not cal.is_workday(date(2025, 9, 22))
    assert cal.add_working(sh(2025, 9, 19, 17), 3600) == sh(2025, 9, 23, 9)
    assert cal.add_working(sh(2025, 9, 30, 17), 3600) == sh(2025, 10, 8, 9)


def test_custom_work_periods() -> None:
    cal = WorkingCalendar(work_periods=[(time(14), time(18)), (time(9), time(12))])
    assert cal.seconds_per_day == 7 * 3600
    assert cal.add_working(sh(2025, 9, 22, 11), 2 * 3600) == sh(2025, 9, 22, 15)


@pytest.mark.parametrize(
    "periods",
    [[], [(time(9), time(9))], [(time(9), time(12)), (time(11), time(14))], [(time(12), time(9))]],
)
def test_bad_work_periods_rejected(periods: list[tuple[time, time]]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(work_periods=periods)


@pytest.mark.usefixtures("library_until_2026")
def test_unknown_year_is_estimated_from_the_law_and_warns_once(cal: WorkingCalendar) -> None:
    with pytest.warns(UnknownCalendarYear, match="2027.*site calendar") as record:
        assert cal.is_workday(date(2027, 1, 4))  # Monday
    assert record[0].message.year == 2027  # type: ignore[union-attr]
    assert cal.estimated_years == {2027}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cal.is_workday(date(2027, 1, 9))  # Saturday, no second warning
        assert cal.is_workday(date(2027, 1, 8))
        assert not cal.is_workday(date(2027, 1, 1))  # 元旦, a Friday, from the law


@pytest.mark.usefixtures("library_until_2026")
def test_one_entered_day_does_not_make_a_year_known() -> None:
    cal = WorkingCalendar(overrides={date(2027, 1, 1): False})  # a Friday
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cal.is_workday(date(2027, 1, 1))
    assert cal.estimated_years == set()
    with pytest.warns(UnknownCalendarYear, match="2027"):
        assert cal.add_working(sh(2026, 12, 31, 17), 3600) == sh(2027, 1, 4, 9)
    assert cal.estimated_years == {2027}


def test_working_seconds_inverts_add_working() -> None:
    cal = WorkingCalendar()
    rng = random.Random(20251001)
    base = sh(2024, 1, 1)
    for _ in range(500):
        start = base + timedelta(seconds=rng.uniform(0, 2.8 * 365 * 86400))
        seconds = rng.choice([rng.uniform(0, 3600), rng.uniform(0, 20 * cal.seconds_per_day)])
        due = cal.add_working(start, seconds)
        assert due >= start
        assert abs(cal.working_seconds(start, due) - seconds) < 1e-6
