"""A demo case's trail: every planned step as the event the store would have written, with its actor.

Each step is checked against the workflow the store enforces (the seeded transitions: the action from
the state the case is in, to the state the table says, in a role the table allows) and is taken by a
person of the demo's staff who holds that role: the grid's worker reports and checks, a handler of the
case's department accepts and asks, the desk's acceptors, shift leaders and dispatchers take the rest.
A plan that would need an impossible step is refused, so the demo's history is one the store could
have written (issue 9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gridwatch.db.demo_city.people import DEMO_REVIEWER, StaffSpec
from gridwatch.db.demo_city.timeline import Step
from gridwatch.db.errors import StoreError
from gridwatch.db.seeds import TRANSITIONS, TransitionSeed
from gridwatch.db.workflow import request_kind

NOTES = {
    "reject": "重复或不属实，不予立案",
    "void": "重复立案，作废",
    "request_return": "非本部门职责，申请退回",
    "request_extension": "工程量较大，申请延期",
    "request_suspend": "需协调产权单位，申请挂账",
    "check_fail": "核查未通过，返工",
    "approve_extension": "同意延期",
    "approve_suspend": "同意挂账",
    "resume": "恢复处置",
}
MACHINE_SOURCES = frozenset({"video", "sensor"})
_STEPS: dict[tuple[str, str], TransitionSeed] = {(t.action, t.from_state): t for t in TRANSITIONS}


@dataclass(frozen=True)
class Trail:
    """The events of one case, and what the case row says after the last of them."""

    events: list[dict[str, Any]]
    reporter: int
    last_actor: int
    pending: dict[str, Any] | None


class Crew:
    """Who takes which step: the staff by role, handlers by department, workers by grid."""

    def __init__(self, staff: Sequence[StaffSpec], person_ids: Mapping[str, int]) -> None:
        self.by_role: dict[str, list[int]] = {}
        self.handlers: dict[str, list[int]] = {}
        self.workers: dict[str, int] = {}
        for spec in staff:
            if spec.username in ("admin", DEMO_REVIEWER):
                continue  # the admin holds every role, the reviewer reviews; the demo's work is the crew's
            person = person_ids[spec.username]
            for role in spec.roles:
                self.by_role.setdefault(role, []).append(person)
            if spec.department_code and "handler" in spec.roles:
                self.handlers.setdefault(spec.department_code, []).append(person)
            if spec.grid_code:
                self.workers[spec.grid_code] = person
        self.system = person_ids["system"]

    def person(self, role: str, n: int, department: str | None, grid: str | None) -> int:
        """The `n`th case's person in `role` (a rota, so the work spreads over the crew)."""
        if role == "handler" and department is not None and department in self.handlers:
            pool = self.handlers[department]
        elif role == "grid_worker" and grid is not None and grid in self.workers:
            return self.workers[grid]
        else:
            pool = self.by_role.get(role, [])
        if not pool:
            raise StoreError(f"The demo has nobody in the role {role} for its history.")
        return pool[n % len(pool)]


def trail(
    n: int,
    case_no: str,
    source: str,
    department: str | None,
    grid: str | None,
    steps: Sequence[Step],
    crew: Crew,
    extension_hours: float,
) -> Trail:
    """The events of the `n`th demo case (`steps[0]` is its report), each a step the store allows."""
    if source in MACHINE_SOURCES:
        reporter, role = crew.system, "system"
    elif source == "grid_worker" and grid is not None:
        reporter, role = crew.person("grid_worker", n, department, grid), "grid_worker"
    else:
        reporter, role = crew.person("acceptor", n, department, grid), "acceptor"
    events = [_event(steps[0], None, reporter, role, 1, None)]
    state = "reported"
    pending: dict[str, Any] | None = None
    for version, step in enumerate(steps[1:], start=2):
        rule = _STEPS.get((step.action, state))
        if rule is None or rule.to_state != step.to_state:
            raise StoreError(
                f"Demo case {case_no}: '{step.action}' from '{state}' to '{step.to_state}' is not a step of "
                "the workflow; the demo plans only steps the store allows."
            )
        kind = request_kind(step.action)
        if kind is not None and (pending is None or kind != pending["kind"]):
            raise StoreError(f"Demo case {case_no}: '{step.action}' decides a request nobody made.")
        role = rule.roles.split()[0]
        actor = crew.person(role, n, department, grid)
        hours = extension_hours if step.action == "request_extension" else None
        events.append(_event(step, state, actor, role, version, department, hours))
        if step.action.startswith("request_"):
            pending = {
                "kind": step.action.removeprefix("request_"),
                "at": step.at.isoformat(),
                "reason": NOTES.get(step.action),
                "hours": hours,
            }
        elif kind is not None:
            pending = None
        state = step.to_state
    return Trail(events, reporter, events[-1]["actor_id"], pending)


def _event(
    step: Step,
    before: str | None,
    actor: int,
    role: str,
    version: int,
    department: str | None,
    hours: float | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"demo": True}
    if step.action == "dispatch" and department:
        data["department"] = department
    if hours:
        data["hours"] = hours
    return {
        "action": step.action,
        "from_state": before,
        "to_state": step.to_state,
        "at": step.at,
        "actor_id": actor,
        "role": role,
        "note": NOTES.get(step.action),
        "data": data,
        "case_version": version,
    }
