"""The working calendar of a year: 2026 from the published notice, 2027 estimated from the law."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import chinese_calendar
import pytest

from gridwatch.db.calendar import UnknownCalendarYear, WorkingCalendar
from gridwatch.db.holidays_law import estimated_holidays, statutory_holidays
from tests.calendar_support import library_until_2026  # noqa: F401
from tests.conftest import local


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def test_2026_follows_the_published_notice() -> None:
    """国办发明电〔2025〕7号: Spring Festival 15–23 Feb off, 14 and 28 Feb worked; National Day 1–7 Oct
    off, 20 Sep and 10 Oct worked."""
    cal = WorkingCalendar()
    assert [d for d in days(date(2026, 2, 13), date(2026, 3, 1)) if not cal.is_workday(d)] == days(
        date(2026, 2, 15), date(2026, 2, 23)
    ) + [date(2026, 3, 1)]
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))  # Saturdays worked
    assert [d for d in days(date(2026, 9, 19), date(2026, 10, 11)) if not cal.is_workday(d)] == [
        date(2026, 9, 19),
        *days(date(2026, 9, 25), date(2026, 9, 27)),  # 中秋节 on Friday 25 September, and the weekend
        *days(date(2026, 10, 1), date(2026, 10, 7)),
        date(2026, 10, 11),
    ]
    assert cal.is_workday(date(2026, 9, 20)) and cal.is_workday(date(2026, 10, 10))
    status = cal.status(date(2026, 2, 14))
    assert (status.is_workday, status.source, status.name) == (True, "library", "春节")
    assert cal.year_source(2026) == "library" and not cal.estimated(local(2026, 1, 5), local(2026, 12, 31))


def test_the_law_for_2027() -> None:
    assert [(h.day, h.name) for h in statutory_holidays(2027)] == [
        (date(2027, 1, 1), "元旦"),
        (date(2027, 2, 5), "春节"),  # 除夕
        (date(2027, 2, 6), "春节"),
        (date(2027, 2, 7), "春节"),
        (date(2027, 2, 8), "春节"),
        (date(2027, 4, 5), "清明节"),
        (date(2027, 5, 1), "劳动节"),
        (date(2027, 5, 2), "劳动节"),
        (date(2027, 6, 9), "端午节"),
        (date(2027, 9, 15), "中秋节"),
        (date(2027, 10, 1), "国庆节"),
        (date(2027, 10, 2), "国庆节"),
        (date(2027, 10, 3), "国庆节"),
    ]
    made_up = [(h.day, h.name) for h in estimated_holidays(2027) if h.made_up]
    assert made_up == [
        (date(2027, 2, 9), "春节（补假）"),
        (date(2027, 2, 10), "春节（补假）"),
        (date(2027, 5, 3), "劳动节（补假）"),
        (date(2027, 5, 4), "劳动节（补假）"),
        (date(2027, 10, 4), "国庆节（补假）"),
        (date(2027, 10, 5), "国庆节（补假）"),
    ]


@pytest.mark.parametrize("year", range(2008, 2027))
def test_the_lunar_holidays_match_every_year_the_library_knows(year: int) -> None:
    """Spring Festival (days 1–3), Qingming, Dragon Boat and Mid-autumn as computed from the lunar calendar
    and the solar terms are holidays in every published notice since they became holidays (2008)."""
    lunar = [h for h in statutory_holidays(year) if h.name in ("春节", "清明节", "端午节", "中秋节")]
    new_years_eve = lunar[0]
    assert [h.name for h in lunar].count("春节") == 4
    assert all(chinese_calendar.is_holiday(h.day) for h in lunar if h is not new_years_eve), year


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_of_the_current_law_is_off_in_its_notices(year: int) -> None:
    assert all(chinese_calendar.is_holiday(h.day) for h in statutory_holidays(year))


@pytest.mark.usefixtures("library_until_2026")
def test_an_unknown_year_is_estimated_not_monday_to_friday() -> None:
    cal = WorkingCalendar()
    with pytest.warns(UnknownCalendarYear, match="2027"):
        assert not cal.is_workday(date(2027, 1, 1))  # Friday, 元旦
    assert not any(cal.is_workday(d) for d in days(date(2027, 2, 5), date(2027, 2, 10)))
    assert not cal.is_workday(date(2027, 10, 1)) and cal.is_workday(date(2027, 10, 6))
    assert cal.status(date(2027, 10, 1)).source == "estimate"
    assert cal.year_source(2027) == "estimate"
    # the case: dispatched 2026-12-31 16:00 with one working day is not due on New Year's Day
    assert cal.add_working(local(2026, 12, 31, 16), cal.seconds_per_day) == local(2027, 1, 4, 16)
    assert cal.estimated(local(2026, 12, 31, 16), local(2027, 1, 4, 16))
    assert not cal.estimated(local(2026, 12, 1, 16), local(2026, 12, 31, 16))


@pytest.mark.usefixtures("library_until_2026")
def test_a_year_is_the_sites_once_every_statutory_holiday_is_entered() -> None:
    entered = {h.day: False for h in statutory_holidays(2027)}
    cal = WorkingCalendar(overrides={d: False for d in list(entered)[:-1]})
    assert cal.year_source(2027) == "estimate"  # one day missing: still the estimate, made-up days too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownCalendarYear)
        assert not cal.is_workday(date(2027, 2, 9))
    cal.replace_overrides({**entered, date(2027, 2, 20): True})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a known year warns about nothing
        assert cal.year_source(2027) == "site"
        assert cal.is_workday(date(2027, 2, 9))  # the notice did not make it a holiday
        assert cal.is_workday(date(2027, 2, 20))  # a Saturday worked (调休)
        assert not cal.is_workday(date(2027, 2, 21))
    assert cal.estimated_years == {2027}  # asked about once, before the notice was complete
    assert not cal.estimated(local(2027, 1, 4), local(2027, 12, 31))
