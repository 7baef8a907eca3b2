"""DOMAIN.md's metrics, computed by SQL on both backends, checked against cases with known outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import MetricRow, compute, percent
from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.store import Store, utcnow
from tests.conftest import FULL_LOOP, Step, local


def run(store: Store, steps: Sequence[Step], day: int, category: str = "09006") -> str:
    no = store.report(
        actor="worker",
        source="grid_worker",
        category_code=category,
        lon=118.09,
        lat=24.47,
        reported_at=local(2025, 11, day, 9, 0),
    ).case_no
    for i, (action, who, kw) in enumerate(steps):
        kw = dict(kw)
        at = kw.pop("at", local(2025, 11, day, 9, 10 + i))
        store.act(no, action, actor=who, inp=ActionInput(at=at, **kw))  # type: ignore[arg-type]
    return no


def test_department_metrics_from_known_cases(store: Store, staff: dict[str, str]) -> None:
    run(store, FULL_LOOP, 3)  # on time, closed
    run(
        store,
        [
            *FULL_LOOP[:4],
            ("send_check", "acceptor", {}),
            ("check_fail", "worker", {"reason": "未清理"}),
            ("accept", "handler", {}),
            ("feedback", "handler", {}),
            ("send_check", "acceptor", {}),
            ("check_pass", "worker", {}),
        ],
        4,
    )  # one rework, checked, not closed
    late = [dict(s[2]) for s in FULL_LOOP]
    late_steps = [(a, w, kw) for (a, w, _), kw in zip(FULL_LOOP, late, strict=True)]
    late_steps[3] = ("feedback", "handler", {"at": local(2025, 11, 20, 9, 0)})  # handled after its deadline
    for i in range(4, 7):
        late_steps[i] = (late_steps[i][0], late_steps[i][1], {"at": local(2025, 11, 20, 10, i)})
    run(store, late_steps, 5)
    run(store, FULL_LOOP[:3], 6)  # still handling, deadline passed by the end of the period
    run(store, [("reject", "acceptor", {"reason": "重复"})], 7)
    with store.session() as s:  # SZ's own handler: a handler acts on their department's cases
        sz_id = s.scalar(select(Department.id).where(Department.code == "SZ"))
        s.add(Person(username="sz_handler", name="SZ", department_id=sz_id, updated_at=utcnow(),
                     roles=[PersonRole(role="handler")]))  # fmt: skip
    run(
        store,
        [
            ("register", "leader", {}),
            ("dispatch", "dispatcher", {"department": "SZ"}),
            ("accept", "sz_handler", {}),
            ("request_extension", "sz_handler", {"reason": "x", "hours": 4}),
            ("approve_extension", "dispatcher", {}),
        ],
        10,
    )
    with store.session() as s:
        rows = {r.key: r for r in compute(s, date(2025, 11, 1), date(2025, 11, 30))}
    cgj, sz = rows["CGJ"], rows["SZ"]
    assert (cgj.to_handle, cgj.handled, cgj.handled_on_time) == (4, 3, 2)
    assert (cgj.due_to_close, cgj.closed, cgj.closed_on_time) == (3, 2, 1)
    assert (cgj.reworks, cgj.overdue_open, cgj.extended) == (1, 1, 0)
    assert percent(cgj.handle_rate) == "75.00%" and percent(cgj.close_on_time_rate) == "33.33%"
    assert (sz.to_handle, sz.extended, percent(sz.extension_rate)) == (1, 1, "100.00%")
    unrouted = rows["—"]
    assert unrouted.reported == 1 and unrouted.to_handle == 0  # the rejected case, never dispatched
    assert sum(r.reported for r in rows.values()) == 6 and sum(r.registered for r in rows.values()) == 5
    assert cgj.grade() in "ABCDE" and cgj.as_dict()["handle_rate"] == "75.00%"


@pytest.mark.parametrize("by", ["street", "grid", "source", "category"])
def test_every_grouping_runs(store: Store, staff: dict[str, str], by: str) -> None:
    run(store, FULL_LOOP, 3)
    with store.session() as s:
        rows = compute(s, date(2025, 11, 1), date(2025, 11, 30), by)  # type: ignore[arg-type]
    assert sum(r.reported for r in rows) == 1


def test_unknown_grouping_is_a_clear_error(store: Store) -> None:
    with store.session() as s, pytest.raises(ValueError, match="department"):
        compute(s, date(2025, 11, 1), date(2025, 11, 30), "weather")  # type: ignore[arg-type]


def test_score_and_grade_follow_the_published_rule() -> None:
    row = MetricRow("X", "x", 10, 10, 0, 10, 10, 10, 10, 10, 10, 0, 0, 0)
    assert row.score() == 100 and row.grade() == "A"
    row = MetricRow("Y", "y", 10, 10, 0, 10, 5, 2, 5, 5, 2, 1, 2, 3)
    # 0.5×30 + 0.2×20 + (1−0.2)×20 + (1−0.3)×20 + (1−0.2)×10 = 15 + 4 + 16 + 14 + 8 = 57
    assert row.score() == pytest.approx(57) and row.grade() == "D"
