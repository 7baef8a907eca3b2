"""The public holidays the national regulation fixes, computable for any year: the estimate of a year
whose State Council notice nobody has entered yet.

《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025) gives every citizen these days off:
元旦 1 January; 春节 New Year's Eve and the first three days of the first lunar month; 清明节 the day of
the Qingming solar term; 劳动节 1 and 2 May; 端午节 the 5th of the 5th lunar month; 中秋节 the 15th of the
8th lunar month; 国庆节 1 to 3 October. Article 6: a holiday that falls on a Saturday or Sunday is made up
on a working day (补假). The yearly notice then moves weekends around these days (调休); that part cannot
be computed, which is why a site enters the notice (docs/CALENDAR.md).

The lunar dates and the solar term come from `lunar_python` (Beijing time, as the notice uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    """One day off and the holiday it belongs to; `made_up` marks a 补假 day for a holiday on a weekend."""

    day: date
    name: str
    made_up: bool = False


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> tuple[Holiday, ...]:
    """The 13 days off the regulation names for `year`, in date order."""
    spring = _lunar(year, 1, 1)
    days = [
        Holiday(date(year, 1, 1), "元旦"),
        *(Holiday(spring + k * _DAY, "春节") for k in range(-1, 3)),
        Holiday(_qingming(year), "清明节"),
        Holiday(date(year, 5, 1), "劳动节"),
        Holiday(date(year, 5, 2), "劳动节"),
        Holiday(_lunar(year, 5, 5), "端午节"),
        Holiday(_lunar(year, 8, 15), "中秋节"),
        *(Holiday(date(year, 10, d), "国庆节") for d in (1, 2, 3)),
    ]
    return tuple(sorted(days, key=lambda h: h.day))


@lru_cache(maxsize=64)
def estimated_holidays(year: int) -> tuple[Holiday, ...]:
    """The statutory days plus one made-up weekday for each that falls on a weekend (Article 6).

    The made-up day is the first weekday after the holiday that is not already off, as the notices
    usually place it (the last statutory day is 3 October, so it never leaves the year).
    """
    statutory = statutory_holidays(year)
    off = {h.day for h in statutory}
    made_up: list[Holiday] = []
    for holiday in statutory:
        if holiday.day.weekday() < 5:
            continue
        candidate = holiday.day + _DAY
        while candidate.weekday() >= 5 or candidate in off:
            candidate += _DAY
        off.add(candidate)
        made_up.append(Holiday(candidate, f"{holiday.name}（补假）", made_up=True))
    return tuple(sorted((*statutory, *made_up), key=lambda h: h.day))
