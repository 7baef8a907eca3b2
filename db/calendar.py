"""The working calendar: which days are working days and how much working time lies between two moments.

Handling deadlines (处置时限) are counted in working time, so every case stamped in a seed or an import
asks this calendar. A day is decided, first match wins, by
1. the site's own table (the State Council's notice as the center entered it, docs/CALENDAR.md);
2. `chinese_calendar`, which knows the holidays and adjusted working days (调休) of the years it was
   released for;
3. for a year the library does not know: Monday–Friday, once the site has entered that year's notice (it
   has, when every statutory holiday of the year is in its table as a holiday); until then the estimate
   of `holidays_law` (the statutory holidays and their made-up days) — such a year is *estimated*, and
   so is every deadline that reaches into it.
Working time is measured on the wall clock of the calendar's time zone (no night shifts: a working
period starts and ends on the same day).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar

from gridwatch.db.holidays_law import estimated_holidays, statutory_holidays

DEFAULT_WORK_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)

_DAY = timedelta(days=1)

LIBRARY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}
"""`chinese_calendar` names holidays in English; the notice and the law name them in Chinese."""

Source = Literal["site", "library", "estimate"]
"""Who decided a day: the site's table (or its entered year), the holiday library, or the law's estimate."""


class UnknownCalendarYear(UserWarning):
    """Nobody has entered a year's notice and the library does not know it: its holidays are estimated."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的放假安排未知，暂按《全国年节及纪念日放假办法》估算法定节假日（不含调休）；"
            f"请在站点日历中录入国务院办公厅 {year} 年的放假通知。"
            f" (The holidays of {year} are not known; they are estimated from the national regulation on"
            f" holidays, without adjusted working days. Enter the State Council's notice for {year} in the"
            f" site calendar: gridwatch calendar import FILE.)"
        )


@dataclass(frozen=True)
class DayStatus:
    """How one day counts, who decided it, and the holiday's name where one is known."""

    day: date
    is_workday: bool
    source: Source
    name: str | None

    @property
    def is_standard(self) -> bool:
        """A working Monday–Friday or a free weekend: nothing a notice needs to say."""
        return self.is_workday == (self.day.weekday() < 5)


def require_aware(moment: datetime, name: str) -> None:
    """Refuse naive datetimes: a deadline computed from a guessed time zone is silently wrong by hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def _seconds_of_day(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


class WorkingCalendar:
    """Working days and working hours of one site.

    Immutable apart from its caches and `replace_overrides`, which a store calls when the site's table
    changes so that every holder of the calendar (the queue, the map, the clocks) follows at once.
    """

    def __init__(
        self,
        work_periods: Sequence[tuple[time, time]] = DEFAULT_WORK_PERIODS,
        overrides: Mapping[date, bool] | None = None,
        tz: str = "Asia/Shanghai",
    ) -> None:
        periods = sorted((_seconds_of_day(a), _seconds_of_day(b)) for a, b in work_periods)
        if not periods:
            raise ValueError("a working calendar needs at least one working period")
        for (a, b), (next_a, _) in zip(periods, [*periods[1:], (float("inf"), 0.0)], strict=True):
            if not a < b <= next_a:
                raise ValueError(f"working periods must be non-empty and must not overlap: {work_periods}")
        self._periods: tuple[tuple[float, float], ...] = tuple(periods)
        self._seconds_per_day = sum(b - a for a, b in periods)
        self.tz = ZoneInfo(tz)
        self.estimated_years: set[int] = set()
        """Estimated years this calendar has been asked about (each warned about once)."""
        self.replace_overrides(overrides or {})

    def replace_overrides(self, overrides: Mapping[date, bool]) -> None:
        """Take the site's table anew and forget every day decided with the old one."""
        self._overrides = dict(overrides)
        self._workdays: dict[date, bool] = {}
        self._year_source: dict[int, Source] = {}

    @property
    def overrides(self) -> Mapping[date, bool]:
        """The site's table as this calendar holds it: day → is a working day."""
        return self._overrides

    @property
    def periods(self) -> tuple[tuple[float, float], ...]:
        """The working periods of a day as (start, end) seconds after midnight, in order."""
        return self._periods

    @property
    def seconds_per_day(self) -> float:
        """Working seconds in one working day (7.5 h with the default periods)."""
        return self._seconds_per_day

    def year_source(self, year: int) -> Source:
        """Who knows `year`: the library, the site (its notice is entered), or nobody (estimated)."""
        known = self._year_source.get(year)
        if known is None:
            if _library_knows(year):
                known = "library"
            elif all(self._overrides.get(h.day) is False for h in statutory_holidays(year)):
                known = "site"
            else:
                known = "estimate"
            self._year_source[year] = known
        return known

    def is_known(self, year: int) -> bool:
        """The year's holidays come from the library or the site's notice, not from the estimate."""
        return self.year_source(year) != "estimate"

    def estimated(self, start: datetime, end: datetime) -> bool:
        """Some day from `start` to `end` (local dates, either order) lies in an estimated year."""
        first, last = sorted((start.astimezone(self.tz).year, end.astimezone(self.tz).year))
        return any(not self.is_known(year) for year in range(first, last + 1))

    def is_workday(self, d: date) -> bool:
        """The site table first, then the library, then Monday–Friday or the law's estimate (see above)."""
        cached = self._workdays.get(d)
        if cached is not None:
            return cached
        result = self.status(d).is_workday
        self._workdays[d] = result
        return result

    def status(self, d: date) -> DayStatus:
        """How `d` counts and why; an estimated year is warned about once per calendar."""
        if d in self._overrides:
            return DayStatus(d, self._overrides[d], "site", None)
        source = self.year_source(d.year)
        if source == "library":
            holiday, name = chinese_calendar.get_holiday_detail(d)
            return DayStatus(d, not holiday, "library", LIBRARY_NAMES.get(name, name) if name else None)
        weekday = d.weekday() < 5
        if source == "site":
            return DayStatus(d, weekday, "site", None)
        if d.year not in self.estimated_years:
            self.estimated_years.add(d.year)
            warnings.warn(UnknownCalendarYear(d.year), stacklevel=3)
        name = next((h.name for h in estimated_holidays(d.year) if h.day == d), None)
        return DayStatus(d, weekday and name is None, "estimate", name)

    def add_working(self, start: datetime, seconds: float) -> datetime:
        """The earliest moment by which `seconds` of working time have passed since `start`.

        A result that falls on the end of a working period stays there rather than moving to the next
        period's start, so a limit that ends at 17:30 is due at 17:30.
        """
        require_aware(start, "start")
        if seconds < 0:
            raise ValueError(f"working seconds must not be negative, got {seconds}")
        if seconds == 0:
            return start
        local = start.astimezone(self.tz)
        day = local.date()
        offset = (local - datetime.combine(day, time(), self.tz)).total_seconds()
        remaining = float(seconds)
        while True:
            if self.is_workday(day):
                if offset <= 0 and remaining > self._seconds_per_day:
                    remaining -= self._seconds_per_day
                else:
                    for a, b in self._periods:
                        if offset < b:
                            begin = max(offset, a)
                            if remaining <= b - begin:
                                midnight = datetime.combine(day, time(), self.tz)
                                return (midnight + timedelta(seconds=begin + remaining)).astimezone(
                                    start.tzinfo
                                )
                            remaining -= b - begin
            day += _DAY
            offset = 0.0

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time between two moments; 0 when `end` is not after `start`."""
        require_aware(start, "start")
        require_aware(end, "end")
        if end <= start:
            return 0.0
        first, first_offset = self._local_day_and_offset(start)
        last, last_offset = self._local_day_and_offset(end)
        if first == last:
            return self._working_in_day(first, first_offset, last_offset)
        total = self._working_in_day(first, first_offset, float("inf"))
        day = first + _DAY
        while day < last:
            if self.is_workday(day):
                total += self._seconds_per_day
            day += _DAY
        return total + self._working_in_day(last, 0.0, last_offset)

    def _local_day_and_offset(self, moment: datetime) -> tuple[date, float]:
        local = moment.astimezone(self.tz)
        day = local.date()
        return day, (local - datetime.combine(day, time(), self.tz)).total_seconds()

    def _working_in_day(self, day: date, begin: float, end: float) -> float:
        if not self.is_workday(day):
            return 0.0
        return sum(max(0.0, min(b, end) - max(a, begin)) for a, b in self._periods)


def _library_knows(year: int) -> bool:
    """`chinese_calendar` ships whole years; it raises for any day of a year it was not released for."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True
