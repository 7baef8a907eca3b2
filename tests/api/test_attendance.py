"""A grid worker's attendance per day (db/reads/field.py `attendance`): normal, late, early leave and
absent (a working day without a clock-on inside their grids), on both backends, from clocks through the
served API's rules at fixed moments (docs/DOMAIN.md "Grid workers' attendance")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from gridwatch.db import field as bookkeeping
from gridwatch.db.models import GridAssignment
from gridwatch.db.reads import field as reads
from tests.api.conftest import IN_GRID, Field

SITE = ZoneInfo("Asia/Shanghai")
OUTSIDE = (118.3, 24.5)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SITE)


def test_attendance_per_day_is_normal_late_early_leave_or_absent(served: Field) -> None:
    worker = served.users["worker"]
    with served.owner.session() as session:
        session.execute(update(GridAssignment).values(since=date(2026, 11, 23)))
    clocks = [
        ("on", IN_GRID, at(23, 8, 20)),  # Monday: normal
        ("off", IN_GRID, at(23, 17, 40)),
        ("on", IN_GRID, at(24, 9, 10)),  # Tuesday: late (and off on time)
        ("off", IN_GRID, at(24, 17, 40)),
        ("on", IN_GRID, at(25, 8, 20)),  # Wednesday: early leave
        ("off", IN_GRID, at(25, 16, 0)),
        # Thursday: nothing (absent)
        ("on", OUTSIDE, at(27, 8, 20)),  # Friday: only outside the grid: absent, the record flagged
        ("on", IN_GRID, at(29, 10, 0)),  # Sunday, a day off: normal
    ]
    for kind, (lon, lat), moment in clocks:
        bookkeeping.clock(served.owner, worker, kind, lon, lat, at=moment)
    days = reads.attendance(served.owner, date(2026, 11, 23), date(2026, 11, 30), now=at(30, 10, 0))
    mine = [d for d in days if d.username == worker]
    assert [(d.day.day, d.workday, d.status, d.late, d.early_leave, d.outside) for d in mine] == [
        (23, True, "normal", False, False, 0),
        (24, True, "late", True, False, 0),
        (25, True, "early_leave", False, True, 0),
        (26, True, "absent", False, False, 0),
        (27, True, "absent", False, False, 1),
        # Saturday 28th: a day off without a clock is not listed
        (29, False, "normal", False, False, 0),
        # Monday 30th, 10:00: no clock-on yet, but the day is not over: not (yet) absent
    ]
    assert (mine[1].clock_on, mine[1].clock_off) == (at(24, 9, 10), at(24, 17, 40))
    assert mine[3].clock_on is None
    evening = reads.attendance(
        served.owner, date(2026, 11, 30), date(2026, 11, 30), username=worker, now=at(30, 18, 0)
    )
    assert [(d.day, d.status) for d in evening] == [(date(2026, 11, 30), "absent")]
    # Before the person had a grid nothing is owed.
    assert reads.attendance(served.owner, date(2026, 11, 1), date(2026, 11, 22), now=at(30, 18, 0)) == []
    # The evaluation's variant: in its own session, for the people of its scope.
    with served.owner.session() as session:
        calendar = served.owner.rules(session).calendar
        person_id = mine[0].person_id
        scoped = reads.attendance_in(
            session,
            calendar,
            date(2026, 11, 26),
            date(2026, 11, 26),
            person_ids=[person_id],
            now=at(30, 9, 0),
        )
    assert [(d.username, d.status) for d in scoped] == [(worker, "absent")]
    assert all(d.day - date(2026, 11, 23) < timedelta(days=8) for d in days)
