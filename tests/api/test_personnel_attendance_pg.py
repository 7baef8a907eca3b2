"""The desk's personnel layer reads today's attendance as the signed-in person: a handler's desk on
PostgreSQL (its own role, not the owner) loads the layer with the late worker's ring and minute."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridwatch.db import field as bookkeeping
from gridwatch.ui.map.data import load_personnel
from tests.api.conftest import IN_GRID, Field

TZ = ZoneInfo("Asia/Shanghai")


def next_workday_at_930(served: Field) -> datetime:
    """09:30 on the next working day from today (the worker's grid is theirs from today on)."""
    with served.owner.session() as session:
        calendar = served.owner.rules(session).calendar
    day = datetime.now(TZ).date() + timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 30), TZ)


@pytest.mark.parametrize("store", ["postgres", "sqlite"], indirect=True)
def test_a_desk_role_loads_the_layer_with_a_late_workers_ring(served: Field) -> None:
    worker = served.users["worker"]
    late = next_workday_at_930(served)
    clocked = bookkeeping.clock(served.owner, worker, "on", *IN_GRID, at=late)
    assert clocked.status == "late"
    bookkeeping.add_positions(served.owner, worker, [(late + timedelta(minutes=5), *IN_GRID)])
    desk = served.service.as_person(served.users["h_cgj"])
    data = load_personnel(desk, now=late + timedelta(hours=1))
    ids = data.points.ids.tolist()
    assert len(ids) == 1
    assert (int(data.attendance[0]), int(data.clock_minute[0])) == (1, 9 * 60 + 30)
