"""One definition of overdue per step (docs/DEADLINES.md): the filter, the light, the countdown and the
metrics count the same cases, on both backends; a suspended case is never overdue while it waits."""

from __future__ import annotations

from datetime import date

import pytest

from gridwatch.db import metrics
from gridwatch.db.errors import Conflict
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.queries import CaseFilter, light_of, list_cases, paused_until, time_left
from gridwatch.db.store import Store
from tests.conftest import local


def _report(store: Store, minute: int, hour: int = 9) -> str:
    return store.report(
        actor="worker",
        source="grid_worker",
        category_code="06010",
        lon=118.09,
        lat=24.47,
        reported_at=local(2025, 11, 3, hour, minute),
    ).case_no


def test_every_step_past_its_limit_is_overdue_and_a_suspended_case_is_not(
    store: Store, staff: dict[str, str]
) -> None:
    registered = _report(store, 0)  # registered 09:01: dispatch due within 1 working hour, 10:01
    store.act(registered, "register", actor="leader", inp=ActionInput(at=local(2025, 11, 3, 9, 1)))
    verifying = _report(store, 2)  # sent to verify 09:03: due 09:33
    store.act(verifying, "send_verify", actor="acceptor", inp=ActionInput(at=local(2025, 11, 3, 9, 3)))
    suspended = _report(store, 4)  # 暴露垃圾, 4 working hours from 09:10: due 14:40, suspended at 10:00
    store.act(suspended, "register", actor="leader", inp=ActionInput(at=local(2025, 11, 3, 9, 5)))
    store.act(
        suspended,
        "dispatch",
        actor="dispatcher",
        inp=ActionInput(department="CGJ", at=local(2025, 11, 3, 9, 10)),
    )
    store.act(suspended, "accept", actor="handler", inp=ActionInput(at=local(2025, 11, 3, 9, 20)))
    store.act(
        suspended,
        "request_suspend",
        actor="handler",
        inp=ActionInput(reason="待雨停", at=local(2025, 11, 3, 9, 30)),
    )
    store.act(suspended, "approve_suspend", actor="dispatcher", inp=ActionInput(at=local(2025, 11, 3, 10)))
    handling = _report(store, 6)  # dispatched 09:12: due 14:42, still running at 16:00 → overdue
    store.act(handling, "register", actor="leader", inp=ActionInput(at=local(2025, 11, 3, 9, 7)))
    store.act(
        handling,
        "dispatch",
        actor="dispatcher",
        inp=ActionInput(department="CGJ", at=local(2025, 11, 3, 9, 12)),
    )
    fresh = _report(store, 30, hour=15)  # reported 15:30: registered and dispatched by 16:30, not overdue
    store.act(fresh, "register", actor="leader", inp=ActionInput(at=local(2025, 11, 3, 15, 50)))

    now = local(2025, 11, 3, 16)
    with store.session() as s:
        rules = store.rules(s)
        overdue = sorted(c.case_no for c, *_ in list_cases(s, CaseFilter(overdue_at=now)))
        assert overdue == sorted([registered, verifying, handling])
        for no in (registered, verifying, handling, suspended, fresh):
            case = store.case(s, no)
            left = time_left(rules, case, now)
            red = light_of(rules, case, now) == "red"
            assert red == (no in overdue), no
            assert (left is not None and left[0] < 0) == (no in overdue), no
        assert time_left(rules, store.case(s, suspended), now) is None  # no clock, so not overdue
        rows = metrics.compute(s, date(2025, 11, 3), date(2025, 11, 3), as_of=now)
    assert sum(r.overdue_open for r in rows) == 1  # the handling step: `handling`, not the suspended one


def test_a_working_clock_says_when_it_resumes(store: Store, staff: dict[str, str]) -> None:
    no = _report(store, 0, hour=17)
    with store.session() as s:
        rules, case = store.rules(s), store.case(s, no)
        # reported Monday 17:00: 30 of its working hour left at the 17:30 close; the night stops the clock
        assert paused_until(rules, case, local(2025, 11, 3, 22)) == local(2025, 11, 4, 8, 30)
        assert time_left(rules, case, local(2025, 11, 3, 22)) == (1800.0, True)
        assert paused_until(rules, case, local(2025, 11, 4, 8, 40)) is None  # running again


def test_a_stale_version_names_the_time_on_the_desks_clock(
    store: Store, staff: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "America/New_York")  # a workstation in another zone
    time.tzset()
    try:
        no = _report(store, 0)
        changed = store.act(no, "send_verify", actor="acceptor")
        with pytest.raises(Conflict) as refused:
            store.act(no, "register", actor="leader", inp=ActionInput(expected_version=1))
        shanghai = changed.updated_at.astimezone(store_zone(store))
        assert f"at {shanghai:%Y-%m-%d %H:%M:%S} (version 2" in str(refused.value)
    finally:
        monkeypatch.undo()
        time.tzset()


def store_zone(store: Store):  # type: ignore[no-untyped-def]
    with store.session() as s:
        return store.rules(s).calendar.tz
