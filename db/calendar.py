"""The working calendar: which days are working days and how much working time lies between two moments.

Handling deadlines (处置时限) are counted in working time, so every case stamped in a seed or an import
asks this calendar. The national holidays and adjusted working days (调休) come from `chinese_calendar`,
which only knows the years it was released for; the site's own table wins over it and fills the gap.
Working time is measured on the wall clock of the calendar's time zone (no night shifts: a working
period starts and ends on the same day).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

DEFAULT_WORK_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)

_DAY = timedelta(days=1)


class UnknownCalendarYear(UserWarning):
    """The national holidays of a year are not known, so Monday–Friday is assumed for it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日和调休未知，暂按周一至周五计算工作日；"
            f"请在站点日历中添加 {year} 年的节假日和调休。"
            f" (Public holidays of {year} are not known; Monday–Friday is assumed. "
            f"Add {year}'s holidays and adjusted working days to the site calendar.)"
        )


def require_aware(moment: datetime, name: str) -> None:
    """Refuse naive datetimes: a deadline computed from a guessed time zone is silently wrong by hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def _seconds_of_day(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


class WorkingCalendar:
    """Working days and working hours of one site; immutable apart from its lookup cache."""

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
        self._overrides = dict(overrides or {})
        self.tz = ZoneInfo(tz)
        self._workdays: dict[date, bool] = {}
        self.unknown_years: set[int] = set()

    @property
    def periods(self) -> tuple[tuple[float, float], ...]:
        """The working periods of a day as (start, end) seconds after midnight, in order."""
        return self._periods

    @property
    def seconds_per_day(self) -> float:
        """Working seconds in one working day (7.5 h with the default periods)."""
        return self._seconds_per_day

    def is_workday(self, d: date) -> bool:
        """The site table first, then the national calendar, then Monday–Friday with a warning."""
        cached = self._workdays.get(d)
        if cached is not None:
            return cached
        if d in self._overrides:
            result = self._overrides[d]
        else:
            try:
                result = bool(chinese_calendar.is_workday(d))
            except NotImplementedError:
                result = d.weekday() < 5
                if d.year not in self.unknown_years:
                    self.unknown_years.add(d.year)
                    warnings.warn(UnknownCalendarYear(d.year), stacklevel=2)
        self._workdays[d] = result
        return result

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
