"""One demo case's life, step by step, with times a real center would stamp.

Desk steps (accept, register, dispatch, check, close) run on the working calendar; reports come at any
hour; handling takes a fraction of the case's limit (some cases run past it). The whole life is planned
first and then cut at `now`, so recent cases are still open in whatever step they have reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule, Limit, due_at, pick_limit

MINUTE = 60.0
OFF_HOURS_SHARE = 0.08  # desk steps taken by the night duty (值班) outside working hours

PUBLIC_SOURCES = frozenset({"citizen", "hotline"})
MACHINE_SOURCES = frozenset({"video", "sensor"})


@dataclass
class Step:
    at: datetime
    action: str
    to_state: str


@dataclass
class Life:
    """The planned steps of one case and what the import needs to rebuild it."""

    steps: list[Step] = field(default_factory=list)
    limit: Limit | None = None
    deadline: datetime | None = None
    reworks: int = 0
    extension_hours: float = 0.0
    suspensions: list[tuple[datetime, datetime]] = field(default_factory=list)
    returned: bool = False

    def add(self, at: datetime, action: str, to_state: str) -> datetime:
        self.steps.append(Step(at, action, to_state))
        return at

    def cut(self, now: datetime) -> list[Step]:
        return [s for s in self.steps if s.at <= now]


class Planner:
    """Plans lives on one calendar with one set of deadline rules and one seeded generator."""

    def __init__(
        self, rng: np.random.Generator, calendar: WorkingCalendar, rules: list[DeadlineRule]
    ) -> None:
        self.rng = rng
        self.cal = calendar
        self.rules = rules

    def desk(self, t: datetime, low: float, high: float) -> datetime:
        """A desk step `low`–`high` minutes later: working time, or wall time for the night duty."""
        minutes = self.rng.uniform(low, high) * MINUTE
        if self.rng.random() < OFF_HOURS_SHARE:
            return t + timedelta(seconds=minutes)
        return self.cal.add_working(t, minutes)

    def field(self, t: datetime, low: float, high: float) -> datetime:
        """A grid worker's on-site step (verify, check): working time, a little after the request."""
        return self.cal.add_working(t, self.rng.uniform(low, high) * MINUTE)

    def plan(self, source: str, category: str, urgency: str, reported: datetime) -> Life:
        life = Life()
        life.add(reported, "report", "reported")
        r = self.rng.random()
        t = reported
        if source == "grid_worker" and r < 0.15:
            t = life.add(self.desk(t, 5, 30), "request_self_handle", "reported")
            life.add(self.desk(t, 5, 40), "approve_self_handle", "closed")
            return life
        if source in PUBLIC_SOURCES:
            t = life.add(self.desk(t, 3, 25), "send_verify", "verifying")
            t = self.field(t, 8, 45)
            if r < 0.09:
                life.add(t, "reject", "rejected")
                return life
        elif source in MACHINE_SOURCES and r < 0.06:  # a false alarm the acceptor turns down
            life.add(self.desk(t, 3, 30), "reject", "rejected")
            return life
        t = life.add(self.desk(t, 3, 30), "register", "registered")
        if self.rng.random() < 0.02:
            life.add(self.desk(t, 10, 60), "void", "cancelled")
            return life
        slow = self.rng.random() < 0.06
        t = life.add(self.desk(t, 3, 150 if slow else 30), "dispatch", "dispatched")
        dispatched = t
        if self.rng.random() < 0.04:  # wrong department: the handler asks back, the dispatcher agrees
            life.returned = True
            t = life.add(self.field(t, 30, 240), "request_return", "dispatched")
            t = life.add(self.desk(t, 5, 40), "approve_return", "registered")
            t = life.add(self.desk(t, 5, 30), "dispatch", "dispatched")
        t = life.add(self.field(t, 5, 60), "accept", "handling")
        return self._handle(life, category, urgency, dispatched, t)

    def _handle(self, life: Life, category: str, urgency: str, dispatched: datetime, t: datetime) -> Life:
        """Handling takes a share of the limit; some cases get an extension or a suspension on the way."""
        limit = pick_limit(self.rules, category, urgency)
        life.limit = limit
        overdue = self.rng.random() < 0.08
        share = self.rng.uniform(1.05, 2.5) if overdue else min(0.95, self.rng.beta(2.0, 4.0) * 1.2)
        work = Limit(limit.amount * share, limit.unit)
        handled = max(due_at(self.cal, dispatched, work), t + timedelta(minutes=5))
        if self.rng.random() < 0.03:
            start = t + (handled - t) * self.rng.uniform(0.1, 0.9)
            end = self.cal.add_working(start, self.rng.uniform(1, 5) * self.cal.seconds_per_day)
            life.suspensions.append((start, end))
            handled = max(
                due_at(self.cal, dispatched, work, (), life.suspensions), end + timedelta(minutes=5)
            )
        extensions: list[Limit] = []
        if self.rng.random() < 0.05:
            life.extension_hours = float(self.rng.choice([4.0, 8.0, 16.0]))
            extensions.append(Limit(life.extension_hours, "working_hours"))
            before = life.suspensions[0][0] if life.suspensions else handled
            approved = t + (before - t) * self.rng.uniform(0.05, 0.9)
            life.add(t + (approved - t) * self.rng.uniform(0.3, 0.9), "request_extension", "handling")
            t = life.add(approved, "approve_extension", "handling")
        for start, end in life.suspensions:  # asked for after the step before it, approved at `start`
            life.add(start - (start - t) * self.rng.uniform(0.05, 0.5), "request_suspend", "handling")
            life.add(start, "approve_suspend", "suspended")
            life.add(end, "resume", "handling")
        life.deadline = due_at(self.cal, dispatched, limit, extensions, life.suspensions)
        limit_seconds = limit.seconds(self.cal)
        t = life.add(handled, "feedback", "handled")
        while True:
            t = life.add(self.desk(t, 5, 40), "send_check", "checking")
            t = self.field(t, 5, 28)
            if self.rng.random() >= 0.06 or life.reworks >= 2:
                break
            life.reworks += 1
            t = life.add(t, "check_fail", "dispatched")
            t = life.add(self.field(t, 5, 60), "accept", "handling")
            t = life.add(
                self.cal.add_working(t, limit_seconds * self.rng.uniform(0.05, 0.3)), "feedback", "handled"
            )
        t = life.add(t, "check_pass", "checked")
        life.add(self.desk(t, 5, 60), "close", "closed")
        return life
