"""The handling clock on real dates: National Day 2025-10-01..08, working Sunday 2025-09-28."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import (
    DEFAULT_URGENCY_LIMITS,
    DeadlineRule,
    Limit,
    due_at,
    fraction_used,
    on_time,
    pick_limit,
    traffic_light,
)

SH = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_limit_seconds(cal: WorkingCalendar) -> None:
    assert Limit(2, "working_days").seconds(cal) == 2 * 7.5 * 3600
    assert Limit(4, "working_hours").seconds(cal) == 4 * 3600
    assert Limit(3, "hours").seconds(cal) == 3 * 3600
    assert Limit(1, "days").seconds(cal) == 86400
    assert Limit(1, "working_days").is_working and not Limit(1, "days").is_working


def test_bad_limits_rejected() -> None:
    with pytest.raises(ValueError, match="working_hours"):
        Limit(1, "weeks")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        Limit(-1, "hours")


RULES = [
    DeadlineRule(Limit(4, "working_hours"), category_code="06010"),
    DeadlineRule(Limit(2, "working_hours"), category_code="06012"),
    DeadlineRule(Limit(3, "working_hours"), category_code="06", urgency="A"),
    DeadlineRule(Limit(1, "working_hours"), category_code="06010", urgency="A"),
    DeadlineRule(Limit(3, "working_days"), urgency="B"),
    DeadlineRule(Limit(6, "working_days")),
]


@pytest.mark.parametrize("rules", [RULES, RULES[::-1]], ids=["listed", "reversed"])
@pytest.mark.parametrize(
    ("category", "urgency", "expected"),
    [
        ("06010", "A", Limit(1, "working_hours")),  # category + urgency beats category only
        ("06010", "C", Limit(4, "working_hours")),
        ("06012", "A", Limit(2, "working_hours")),  # a longer prefix beats a shorter one with urgency
        ("06036", "A", Limit(3, "working_hours")),
        ("09001", "B", Limit(3, "working_days")),  # urgency only
        ("09001", "A", Limit(6, "working_days")),  # a rule naming neither
    ],
)
def test_pick_limit_precedence(
    rules: list[DeadlineRule], category: str, urgency: str, expected: Limit
) -> None:
    assert pick_limit(rules, category, urgency) == expected


def test_pick_limit_defaults_and_unknown_urgency() -> None:
    assert pick_limit([], "09001", "C") == DEFAULT_URGENCY_LIMITS["C"] == Limit(4, "working_days")
    assert pick_limit(RULES[:5], "09001", "A") == Limit(1, "working_days")
    tie = [DeadlineRule(Limit(5, "hours"), "09"), DeadlineRule(Limit(7, "hours"), "09")]
    assert pick_limit(tie, "09001", "A") == Limit(5, "hours")  # equally specific: the first listed
    with pytest.raises(ValueError, match="A, B, C"):
        pick_limit(RULES, "09001", "D")
    with pytest.raises(ValueError, match="A, B, C"):
        DeadlineRule(Limit(1, "hours"), urgency="X")


def test_working_day_limit_over_national_day(cal: WorkingCalendar) -> None:
    # 7 working hours left on 09-30, the last half hour on 10-09
    assert due_at(cal, sh(2025, 9, 30, 9), Limit(1, "working_days")) == sh(2025, 10, 9, 9)


def test_calendar_limit_runs_through_holidays(cal: WorkingCalendar) -> None:
    assert due_at(cal, sh(2025, 9, 30, 9), Limit(24, "hours")) == sh(2025, 10, 1, 9)
    assert due_at(cal, sh(2025, 9, 30, 9), Limit(2, "days")) == sh(2025, 10, 2, 9)


def test_deadline_in_the_start_time_zone(cal: WorkingCalendar) -> None:
    due = due_at(cal, datetime(2025, 9, 22, 1, tzinfo=UTC), Limit(4, "working_hours"))
    assert due.tzinfo is UTC and due == sh(2025, 9, 22, 14, 30)


def test_extensions_add_time_in_their_own_unit(cal: WorkingCalendar) -> None:
    start, limit = sh(2025, 9, 22, 9), Limit(4, "working_hours")
    assert due_at(cal, start, limit) == sh(2025, 9, 22, 14, 30)
    assert due_at(cal, start, limit, extensions=[Limit(1, "working_hours")]) == sh(2025, 9, 22, 15, 30)
    assert due_at(cal, start, limit, extensions=[Limit(1, "working_days")]) == sh(2025, 9, 23, 14, 30)
    assert due_at(cal, start, limit, extensions=[Limit(2, "hours")]) == sh(2025, 9, 22, 16, 30)
    twice = [Limit(3, "working_hours"), Limit(1, "working_hours")]
    assert due_at(cal, start, limit, extensions=twice) == sh(2025, 9, 23, 9, 30)


def test_suspension_is_excluded(cal: WorkingCalendar) -> None:
    start, limit = sh(2025, 9, 22, 9), Limit(4, "working_hours")
    assert due_at(cal, start, limit, suspensions=[(sh(2025, 9, 22, 10), sh(2025, 9, 22, 11))]) == sh(
        2025, 9, 22, 15, 30
    )
    # over lunch only the working 1.5 h of 11:00–14:00 are excluded
    assert due_at(cal, start, limit, suspensions=[(sh(2025, 9, 22, 11), sh(2025, 9, 22, 14))]) == sh(
        2025, 9, 22, 16
    )
    outside = [(sh(2025, 9, 21, 10), sh(2025, 9, 22, 8)), (sh(2025, 9, 23, 9), sh(2025, 9, 24, 9))]
    assert due_at(cal, start, limit, suspensions=outside) == sh(2025, 9, 22, 14, 30)
    overlapping = [
        (sh(2025, 9, 22, 10), sh(2025, 9, 22, 10, 30)),
        (sh(2025, 9, 22, 9, 30), sh(2025, 9, 22, 11)),
    ]
    assert due_at(cal, start, limit, suspensions=overlapping) == sh(2025, 9, 22, 16)


def test_suspension_in_calendar_units(cal: WorkingCalendar) -> None:
    suspensions = [(sh(2025, 9, 30, 12), sh(2025, 9, 30, 14))]
    assert due_at(cal, sh(2025, 9, 30, 9), Limit(24, "hours"), suspensions=suspensions) == sh(2025, 10, 1, 11)


def test_open_suspension_counts_up_to_now(cal: WorkingCalendar) -> None:
    start, limit = sh(2025, 9, 22, 9), Limit(4, "working_hours")
    suspensions = [(sh(2025, 9, 22, 10), None)]
    assert due_at(cal, start, limit, suspensions=suspensions, now=sh(2025, 9, 22, 11)) == sh(
        2025, 9, 22, 15, 30
    )
    with pytest.raises(ValueError, match="open suspension"):
        due_at(cal, start, limit, suspensions=suspensions)
    with pytest.raises(ValueError, match="ends before"):
        due_at(cal, start, limit, suspensions=[(sh(2025, 9, 22, 11), sh(2025, 9, 22, 10))])


def test_naive_start_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(cal, datetime(2025, 9, 22, 9), Limit(1, "hours"))
    with pytest.raises(ValueError, match="timezone-aware"):
        on_time(datetime(2025, 9, 22, 9), sh(2025, 9, 22, 9))


@pytest.mark.parametrize(
    ("share", "light"), [(0.79, "green"), (0.80, "yellow"), (1.00, "yellow"), (1.01, "red")]
)
def test_traffic_light_thresholds_wall_clock(cal: WorkingCalendar, share: float, light: str) -> None:
    start = sh(2025, 9, 30, 9)
    due = due_at(cal, start, Limit(10, "hours"))
    now = start + share * 10 * HOUR
    assert fraction_used(cal, start, due, now, working=False) == pytest.approx(share)
    assert traffic_light(cal, start, due, now, working=False) == light


@pytest.mark.parametrize(
    ("share", "light"), [(0.79, "green"), (0.80, "yellow"), (1.00, "yellow"), (1.01, "red")]
)
def test_traffic_light_thresholds_working_time(cal: WorkingCalendar, share: float, light: str) -> None:
    start, limit = sh(2025, 9, 30, 9), Limit(1, "working_days")
    due = due_at(cal, start, limit)
    now = cal.add_working(start, share * limit.seconds(cal))
    assert fraction_used(cal, start, due, now, working=True) == pytest.approx(share)
    assert traffic_light(cal, start, due, now, working=True) == light


def test_working_clock_stands_still_over_the_holiday(cal: WorkingCalendar) -> None:
    start, limit = sh(2025, 9, 30, 9), Limit(1, "working_days")
    due = due_at(cal, start, limit)
    assert fraction_used(cal, start, due, sh(2025, 10, 5, 12), working=True) == pytest.approx(7 / 7.5)
    assert traffic_light(cal, start, due, sh(2025, 10, 5, 12), working=True) == "yellow"


def test_suspended_time_is_not_used(cal: WorkingCalendar) -> None:
    start = sh(2025, 9, 22, 9)
    suspensions = [(sh(2025, 9, 22, 10), sh(2025, 9, 22, 15))]
    due = due_at(cal, start, Limit(4, "working_hours"), suspensions=suspensions)
    now = sh(2025, 9, 22, 16)  # 1 h before and 1 h after the suspension
    assert fraction_used(cal, start, due, now, working=True, suspensions=suspensions) == pytest.approx(0.5)
    nested = [*suspensions, (sh(2025, 9, 22, 11), sh(2025, 9, 22, 12))]
    assert fraction_used(cal, start, due, now, working=True, suspensions=nested) == pytest.approx(0.5)
    # counting the suspended time too: 5.5 of 7.5 working hours
    assert fraction_used(cal, start, due, now, working=True) == pytest.approx(5.5 / 7.5)


def test_on_time(cal: WorkingCalendar) -> None:
    due = sh(2025, 9, 22, 17, 30)
    assert on_time(due, due)
    assert on_time(due.astimezone(UTC), due)
    assert not on_time(due + timedelta(microseconds=1), due)
