"""The workflow as data: which action may move a case from which state, and who may take it.

The rows live in the `transitions` table (seeded from DOMAIN.md) so a site can tighten them and a database
trigger could check the same rows; this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.errors import Forbidden, InvalidAction
from gridwatch.db.models import Transition

SUPER_ROLES = frozenset({"admin", "system"})
"""Roles that may take any action the workflow allows (imports, simulations, the demo's admin)."""
DECISIONS = ("approve_", "refuse_")


def request_kind(action: str) -> str | None:
    """The pending-request kind an approve/refuse action decides on (`approve_return` → `return`)."""
    for prefix in DECISIONS:
        if action.startswith(prefix):
            return action.removeprefix(prefix)
    return None


def fits_request(action: str, pending: str | None) -> bool:
    """Decisions only on the request that is pending; no new request while one is."""
    kind = request_kind(action)
    if kind is not None:
        return kind == pending
    return not (action.startswith("request_") and pending is not None)


@dataclass(frozen=True)
class Step:
    action: str
    from_state: str
    to_state: str
    roles: frozenset[str]
    needs_reason: bool


class Workflow:
    """The transition table, loaded once per store (reference data changes with a release, not a click)."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self._steps = {(s.action, s.from_state): s for s in steps}

    @classmethod
    def load(cls, session: Session) -> Workflow:
        rows = session.scalars(select(Transition).order_by(Transition.id))
        return cls(
            Step(r.action, r.from_state, r.to_state, frozenset(r.roles.split()), r.needs_reason) for r in rows
        )

    def actions_from(self, state: str, roles: Iterable[str] | None = None) -> list[str]:
        """The actions possible from `state`, for these roles if given, in the table's order."""
        held = set(roles) if roles is not None else None
        seen: list[str] = []
        for (action, from_state), step in self._steps.items():
            if from_state != state or action in seen:
                continue
            if held is None or held & SUPER_ROLES or held & step.roles:
                seen.append(action)
        return seen

    def allowed(self, state: str, roles: Iterable[str], pending: str | None) -> list[str]:
        """What a person holding `roles` may do now on a case in `state` with the `pending` request kind:
        the one answer every desk and the CLI show (`Store.allowed_actions`)."""
        return [a for a in self.actions_from(state, roles) if fits_request(a, pending)]

    def offered(self, roles: Iterable[str]) -> list[tuple[str, bool]]:
        """Every action these roles may take from some state, in the table's order, with whether it
        needs a reason (from any state): the actions a desk offers this person at all."""
        held = set(roles)
        offered: dict[str, bool] = {}
        for (action, _), step in self._steps.items():
            if held & SUPER_ROLES or held & step.roles:
                offered[action] = offered.get(action, False) or step.needs_reason
        return list(offered.items())

    def step(
        self, case_no: str, state: str, action: str, roles: Iterable[str], pending: str | None = None
    ) -> tuple[Step, str]:
        """The step to take and the role it is taken in; raises with what *is* allowed (no decision on a
        request nobody made: the same list as `allowed` for every role)."""
        step = self._steps.get((action, state))
        if step is None:
            possible = [a for a in self.actions_from(state) if fits_request(a, pending)]
            raise InvalidAction(case_no, action, state, possible)
        held = set(roles)
        acting = sorted(held & step.roles) or sorted(held & SUPER_ROLES)
        if not acting:
            need = " or ".join(sorted(step.roles))
            has = ", ".join(sorted(held)) or "no role"
            raise Forbidden(f"'{action}' on case {case_no} needs the role {need}; you hold {has}.")
        return step, acting[0]

    @property
    def actions(self) -> list[str]:
        return sorted({a for a, _ in self._steps})
