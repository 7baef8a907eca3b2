"""Case lists and the traffic light of every open case."""

from __future__ import annotations

from datetime import timedelta

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.queries import CaseFilter, light_of, list_cases
from gridwatch.db.store import Store
from tests.conftest import local


def test_light_follows_the_share_of_the_limit_used(store: Store, staff: dict[str, str]) -> None:
    # 暴露垃圾: 4 working hours, dispatched Monday 09:00 → due 14:30 (lunch 12:00–13:30 excluded)
    no = store.report(
        actor="worker",
        source="grid_worker",
        category_code="06010",
        lon=118.09,
        lat=24.47,
        reported_at=local(2025, 11, 3, 8, 50),
    ).case_no
    store.act(no, "register", actor="leader", inp=ActionInput(at=local(2025, 11, 3, 8, 55)))
    store.act(no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ", at=local(2025, 11, 3, 9)))
    with store.session() as s:
        rules, case = store.rules(s), store.case(s, no)
        assert case.deadline_at == local(2025, 11, 3, 14, 30)
        assert light_of(rules, case, local(2025, 11, 3, 11, 0)) == "green"  # 2 h of 4 used
        assert light_of(rules, case, local(2025, 11, 3, 13, 45)) == "yellow"  # 3.25 h: past 80 %
        assert light_of(rules, case, local(2025, 11, 3, 14, 31)) == "red"
    store.act(no, "accept", actor="handler", inp=ActionInput(at=local(2025, 11, 3, 10)))
    store.act(no, "feedback", actor="handler", inp=ActionInput(at=local(2025, 11, 3, 11)))
    with store.session() as s:
        assert light_of(store.rules(s), store.case(s, no), local(2025, 11, 4, 9)) is None  # no clock runs


def test_filters(store: Store, staff: dict[str, str]) -> None:
    a = store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47
    ).case_no
    b = store.report(
        actor="worker",
        source="hotline",
        category_code="09006",
        lon=118.09,
        lat=24.47,
        description="占道经营 中山路",
    ).case_no
    store.act(b, "reject", actor="acceptor", inp=ActionInput(reason="重复"))
    with store.session() as s:

        def numbers(flt: CaseFilter) -> list[str]:
            return [c.case_no for c, *_ in list_cases(s, flt)]

        assert numbers(CaseFilter(open_only=True)) == [a]
        assert numbers(CaseFilter(sources=["hotline"])) == [b]
        assert numbers(CaseFilter(category_prefix="09")) == [b]
        assert numbers(CaseFilter(text="中山路")) == [b]
        assert numbers(CaseFilter(order=["reported_at"])) == [a, b]
        # overdue per step (docs/DEADLINES.md): the open case's hour to register is long gone in 2030
        assert numbers(CaseFilter(overdue_at=local(2030, 1, 1) + timedelta(days=1))) == [a]
