"""Issue 9, item 8: the demo's history is one the store could have written. Every event of a seeded demo
store, on SQLite and PostgreSQL, is a step of the workflow the store enforces (the transitions table it
reads), from the state the case was in, taken by a person who holds the step's role, in version order,
ending where the case row is; approvals only of requests made; rework only through a new feedback."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import pytest
from sqlalchemy import select

from gridwatch.db.demo_city import seed_demo
from gridwatch.db.models import Case, CaseEvent, PersonRole
from gridwatch.db.store import Store
from gridwatch.db.workflow import SUPER_ROLES, request_kind
from tests.db.test_demo_city import NOW, demo_store  # noqa: F401

pytestmark = pytest.mark.slow


def test_every_demo_event_is_a_workflow_step_with_an_actor(demo_store: Store) -> None:  # noqa: F811
    seed_demo(demo_store, cases=600, seed=5, now=NOW)
    with demo_store.session() as s:
        workflow = demo_store.workflow(s)
        roles: dict[int, set[str]] = defaultdict(set)
        for person_id, role in s.execute(select(PersonRole.person_id, PersonRole.role)):
            roles[person_id].add(role)
        trails: dict[int, list[CaseEvent]] = defaultdict(list)
        for event in s.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.case_version)):
            trails[event.case_id].append(event)
        cases = {c.id: c for c in s.scalars(select(Case))}

        assert len(trails) == len(cases) == 600
        without_actor = [e.id for t in trails.values() for e in t if e.actor_id is None or e.role is None]
        assert without_actor == []
        actions = defaultdict(int)
        for case_id, events in trails.items():
            case = cases[case_id]
            first = events[0]
            assert (first.action, first.from_state, first.to_state) == ("report", None, "reported")
            assert [e.case_version for e in events] == list(range(1, len(events) + 1))
            pending: str | None = None
            for before, event in pairwise(events):
                actions[event.action] += 1
                assert event.at >= before.at, case.case_no
                assert event.from_state == before.to_state, (case.case_no, event.action)
                step, _role = workflow.step(
                    case.case_no, event.from_state, event.action, roles[event.actor_id]
                )
                assert step.to_state == event.to_state, (case.case_no, event.action)
                assert event.role in step.roles and event.role in roles[event.actor_id] - SUPER_ROLES
                kind = request_kind(event.action)
                if kind is not None:
                    assert kind == pending, f"{case.case_no}: {event.action} of a request nobody made"
                    pending = None
                elif event.action.startswith("request_"):
                    assert pending is None, case.case_no
                    pending = event.action.removeprefix("request_")
                if event.action == "check_fail":  # rework: accepted and fed back before the next check
                    later = [e.action for e in events[events.index(event) + 1 :]]
                    if "send_check" in later:
                        assert later.index("feedback") < later.index("send_check"), case.case_no
            assert events[-1].to_state == case.state and len(events) == case.version, case.case_no
            assert (case.pending_request or {}).get("kind") == pending, case.case_no
            assert case.reporter_id == first.actor_id and case.updated_by_id == events[-1].actor_id
            if case.state in ("dispatched", "handling"):  # the step's clock is the handling deadline
                assert case.stage_due_at == case.deadline_at, case.case_no
    # the demo shows the whole workflow, requests and decisions included
    for action in ("request_return", "approve_return", "request_extension", "approve_extension",
                   "request_suspend", "approve_suspend", "resume", "check_fail", "close"):  # fmt: skip
        assert actions[action] > 0, action
