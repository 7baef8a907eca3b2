"""Rebuilding a case's event trail from the milestone times an older system exported.

An interchange row says when a case was reported, registered, dispatched, handled, checked and closed,
and what state it is in now. The case store keeps every step as an event, so an imported case is given
the trail the workflow would have written, with the deadline the site's rules give it: metrics and the
traffic light then treat imported and live cases alike. A row whose times contradict each other is a
`RowProblem` (reported with its line), never a guess.

Every imported case carries a fingerprint of what its row said (`attrs["imported"]`). A case worked at a
desk after its import is never rewound by a file: re-importing the same row leaves it alone, and a row
that says something new about it is refused with its line (docs/IMPORT.md).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.deadlines import due_at, pick_limit
from gridwatch.db.errors import InvalidInput
from gridwatch.db.imports.report import RowProblem
from gridwatch.db.lifecycle import HOUR, Rules
from gridwatch.db.models import Case, CaseEvent, Category, Department
from gridwatch.db.routing import GridLocator, Place
from gridwatch.db.seeds import SOURCES, STATES
from gridwatch.db.validation import (
    DateWindow,
    check_choice,
    check_point,
    check_text,
    check_urgency,
    check_values,
    column_limit,
)

MILESTONES = (
    "reported_at",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "checked_at",
    "closed_at",
)

# How far along each state is: the last milestone it needs, and which later ones it must not have.
_REACHED = {
    "reported": None,
    "verifying": None,
    "registered": "registered_at",
    "dispatched": "dispatched_at",
    "handling": "dispatched_at",
    "suspended": "dispatched_at",
    "handled": "handled_at",
    "checking": "handled_at",
    "checked": "checked_at",
    "closed": "closed_at",
}
_LADDER = ("registered_at", "dispatched_at", "handled_at", "checked_at", "closed_at")
_INFERRED = {
    None: "reported",
    "registered_at": "registered",
    "dispatched_at": "handling",
    "handled_at": "handled",
    "checked_at": "checked",
    "closed_at": "closed",
}
IMPORT_MARK = "imported"
"""Key set in `Case.attrs` of imported cases (to the row's fingerprint): only those may be updated by a
later import, and only while nobody worked them in gridwatch; also marks the events an import wrote."""
DERIVED = frozenset(
    (
        "grid_id",
        "street_id",
        "outside_grid",
        "department_id",
        "suggested_department_id",
        "limit_amount",
        "limit_unit",
        "deadline_at",
        "close_type",
        "stage_started_at",
        "stage_due_at",
        "attrs",
    )
)
"""Case columns computed by the store (or store ids): not part of what a row says."""


@dataclass
class CaseRow:
    """One interchange row, parsed: aware datetimes, floats, canonical state names."""

    line: int
    case_no: str
    source: str
    category_code: str
    reported_at: datetime
    urgency: str | None = None
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    department_code: str | None = None
    registered_at: datetime | None = None
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    handled_at: datetime | None = None
    checked_at: datetime | None = None
    closed_at: datetime | None = None
    suspended_at: datetime | None = None
    status: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportContext:
    """What rebuilding cases needs from the store, read once per import transaction."""

    session: Session
    rules: Rules
    department_ids: dict[str, int]
    category_urgency: dict[str, str]
    now: datetime
    locator: GridLocator = field(default_factory=GridLocator)
    window: DateWindow | None = None
    """Accepted dates; the default window around `now` when None."""

    @classmethod
    def load(cls, session: Session, rules: Rules, now: datetime) -> ImportContext:
        return cls(
            session=session,
            rules=rules,
            department_ids=dict(session.execute(select(Department.code, Department.id)).all()),
            category_urgency=dict(
                session.execute(select(Category.code, Category.default_urgency)).all()
            ),
            now=now,
            window=DateWindow.load(session, now),
        )

    def places(self, rows: list[CaseRow]) -> list[Place]:
        """Grid and street of every row at once (vectorized); rows without a point are outside."""
        import numpy as np

        lon = np.array([np.nan if r.lon is None else r.lon for r in rows], dtype=np.float64)
        lat = np.array([np.nan if r.lat is None else r.lat for r in rows], dtype=np.float64)
        return self.locator.locate_many(self.session, lon, lat)


@dataclass
class CasePlan:
    """A case's column values and its events' values (without `case_id`), ready for a bulk insert."""

    values: dict[str, Any]
    events: list[dict[str, Any]]


def build_case(row: CaseRow, ctx: ImportContext, place: Place | None = None) -> tuple[Case, list[CaseEvent]]:
    """The case and its event trail as (unsaved) ORM objects; `place` is looked up when not given."""
    plan = plan_case(row, ctx, place if place is not None else ctx.places([row])[0])
    return Case(**plan.values), [CaseEvent(**e) for e in plan.events]


def check_row(row: CaseRow, window: DateWindow) -> None:
    """The limits of gridwatch.db.validation, checked before anything of the row is written (a code too
    long for its column would otherwise abort the whole PostgreSQL transaction)."""
    try:
        check_text("case_no", row.case_no, column_limit(Case, "case_no") or 0)
        check_text("category_code", row.category_code, column_limit(Category, "code") or 0)
        check_text("department_code", row.department_code, column_limit(Department, "code") or 0)
        check_choice("source", [row.source], SOURCES)
        check_choice("status", [row.status] if row.status else [], STATES)
        check_urgency(row.urgency)
        check_values(Case, {"description": row.description, "address": row.address, "attrs": row.attrs})
        for name in (*MILESTONES, "suspended_at"):
            window.check(name, getattr(row, name))
    except InvalidInput as exc:
        raise RowProblem(str(exc)) from None


def plan_case(row: CaseRow, ctx: ImportContext, place: Place) -> CasePlan:
    """Column values and events for one row; raises RowProblem when the row contradicts itself."""
    check_row(row, ctx.window or DateWindow.default(ctx.now))
    _check_order(row, ctx)
    if (row.lon is None) != (row.lat is None):
        raise RowProblem("lon and lat must both be given or both be empty.")
    try:
        check_point(row.lon, row.lat)
    except InvalidInput as exc:
        raise RowProblem(str(exc)) from None
    urgency = row.urgency or ctx.category_urgency.get(row.category_code)
    if urgency is None:
        raise RowProblem(f"unknown category_code '{row.category_code}'.")
    department_id = None
    if row.department_code is not None:
        department_id = ctx.department_ids.get(row.department_code)
        if department_id is None:
            raise RowProblem(f"unknown department_code '{row.department_code}'.")
    trail, state = _trail(row)
    values: dict[str, Any] = {
        "case_no": row.case_no,
        "source": row.source,
        "category_code": row.category_code,
        "urgency": urgency,
        "description": row.description,
        "address": row.address,
        "lon": row.lon,
        "lat": row.lat,
        "grid_id": place.grid_id,
        "street_id": place.street_id,
        "outside_grid": place.outside,
        "state": state,
        "department_id": department_id if row.dispatched_at else None,
        "suggested_department_id": None if row.dispatched_at else department_id,
        "reported_at": row.reported_at,
        "registered_at": row.registered_at,
        "dispatched_at": row.dispatched_at,
        "accepted_at": (row.accepted_at or row.dispatched_at) if state != "dispatched" else None,
        "handled_at": row.handled_at,
        "checked_at": row.checked_at,
        "closed_at": row.closed_at,
        "limit_amount": None,
        "limit_unit": None,
        "deadline_at": None,
        "close_type": None,
        "suspended_since": row.suspended_at if state == "suspended" else None,
    }
    values["attrs"] = {**row.attrs, IMPORT_MARK: fingerprint(values, row)}
    if row.dispatched_at is not None:
        if department_id is None:
            raise RowProblem("dispatched_at is given but department_code is empty: dispatched to whom?")
        limit = pick_limit(ctx.rules.deadline_rules, row.category_code, urgency)
        values.update(
            limit_amount=limit.amount,
            limit_unit=limit.unit,
            deadline_at=due_at(ctx.rules.calendar, row.dispatched_at, limit),
        )
    if state == "closed":
        values["close_type"] = _close_type(row, values["deadline_at"])
    values.update(_stage(row, state, values["deadline_at"], trail[-1][3], ctx.rules))
    events = [
        {
            "action": action,
            "from_state": before,
            "to_state": after,
            "at": at,
            "actor_id": None,
            "role": None,
            "note": None,
            "data": _event_data(action, row),
        }
        for action, before, after, at in trail
    ]
    return CasePlan(values, events)


def _event_data(action: str, row: CaseRow) -> dict[str, Any]:
    if action == "dispatch":
        return {IMPORT_MARK: True, "department": row.department_code}
    return {IMPORT_MARK: True}


def _close_type(row: CaseRow, deadline: datetime | None) -> str:
    if row.dispatched_at is None:
        return "self_handled"
    assert row.closed_at is not None and deadline is not None
    return "overdue" if row.closed_at > deadline else "normal"


def _check_order(row: CaseRow, ctx: ImportContext) -> None:
    """Milestones that are given must not go back in time."""
    tz = ctx.rules.calendar.tz
    previous: tuple[str, datetime] | None = None
    for name in MILESTONES:
        moment = getattr(row, name)
        if moment is None:
            continue
        if previous is not None and moment < previous[1]:
            raise RowProblem(
                f"times out of order: {name} {moment.astimezone(tz):%Y-%m-%d %H:%M} is before "
                f"{previous[0]} {previous[1].astimezone(tz):%Y-%m-%d %H:%M}."
            )
        previous = (name, moment)
    if row.suspended_at is not None and (row.dispatched_at is None or row.suspended_at < row.dispatched_at):
        raise RowProblem("suspended_at must be after dispatched_at.")


Step = tuple[str, str | None, str, datetime]


def _trail(row: CaseRow) -> tuple[list[Step], str]:
    """The workflow steps the milestones imply, and the final state."""
    status = row.status
    given = [name for name in _LADDER if getattr(row, name) is not None]
    trail: list[Step] = [("report", None, "reported", row.reported_at)]

    def step(action: str, to: str, at: datetime) -> None:
        trail.append((action, trail[-1][2], to, at))

    if status in ("rejected", "cancelled") or (status in (None, "closed") and given == ["closed_at"]):
        return _finished_early(row, status, given, trail, step)
    for earlier, later in itertools.pairwise(_LADDER):
        if getattr(row, later) is not None and getattr(row, earlier) is None:
            raise RowProblem(f"{later} is given but {earlier} is empty: a step cannot be skipped.")
    reached = given[-1] if given else None
    if status is None:
        status = _INFERRED[reached]
    elif _REACHED[status] != reached:
        needs = _REACHED[status]
        raise RowProblem(
            f"status '{status}' does not match the times: it needs {needs or 'no time after reported_at'}"
            f"{' as the last one' if needs else ''}, but the last time given is {reached or 'reported_at'}."
        )
    if status == "verifying":
        step("send_verify", "verifying", row.reported_at)
    if row.registered_at:
        step("register", "registered", row.registered_at)
    if row.dispatched_at:
        step("dispatch", "dispatched", row.dispatched_at)
        if status != "dispatched":
            step("accept", "handling", row.accepted_at or row.dispatched_at)
    if status == "suspended":
        if row.suspended_at is None:
            raise RowProblem("status 'suspended' needs a suspended_at column (when the clock was stopped).")
        step("approve_suspend", "suspended", row.suspended_at)
    if row.handled_at:
        step("feedback", "handled", row.handled_at)
    if status == "checking":
        step("send_check", "checking", row.handled_at)  # type: ignore[arg-type]
    if row.checked_at:
        step("send_check", "checking", row.checked_at)
        step("check_pass", "checked", row.checked_at)
    if row.closed_at:
        step("close", "closed", row.closed_at)
    return trail, status


def _finished_early(
    row: CaseRow,
    status: str | None,
    given: list[str],
    trail: list[Step],
    step: Callable[[str, str, datetime], None],
) -> tuple[list[Step], str]:
    """Rejected (never registered), cancelled (registered, never dispatched) and self-handled cases."""
    late = [n for n in ("dispatched_at", "handled_at", "checked_at") if n in given]
    if late:
        raise RowProblem(
            f"a {status or 'self-handled'} case cannot have {late[0]} (it was never dispatched)."
        )
    if status == "rejected":
        if row.registered_at:
            raise RowProblem("a rejected case (不予立案) cannot have registered_at.")
        step("reject", "rejected", row.closed_at or row.reported_at)
        return trail, "rejected"
    if status == "cancelled":
        if row.registered_at is None:
            raise RowProblem("a cancelled (作废) case needs registered_at: only registered cases are voided.")
        step("register", "registered", row.registered_at)
        step("void", "cancelled", row.closed_at or row.registered_at)
        return trail, "cancelled"
    assert row.closed_at is not None  # the caller only sends closed rows here
    step("approve_self_handle", "closed", row.closed_at)
    return trail, "closed"


def _stage(
    row: CaseRow, state: str, deadline: datetime | None, last_at: datetime, rules: Rules
) -> dict[str, Any]:
    """The current step's start and due time, as the live workflow would have left them."""
    if state in ("reported", "registered"):
        due = rules.calendar.add_working(row.reported_at, rules.register_dispatch_working_hours * HOUR)
        return {"stage_started_at": row.reported_at, "stage_due_at": due}
    if state == "verifying":
        return {
            "stage_started_at": last_at,
            "stage_due_at": last_at + timedelta(minutes=rules.verify_minutes),
        }
    if state in ("dispatched", "handling"):
        return {"stage_started_at": row.dispatched_at, "stage_due_at": deadline}
    if state == "checking":
        return {"stage_started_at": last_at, "stage_due_at": last_at + timedelta(minutes=rules.check_minutes)}
    if state in ("suspended", "handled", "checked"):
        return {"stage_started_at": last_at, "stage_due_at": None}
    return {"stage_started_at": None, "stage_due_at": None}


def fingerprint(values: Mapping[str, Any], row: CaseRow) -> str:
    """A digest of what the row says about its case (not what the store computed from it): equal for
    the same row read again, from the original file or from an export, in this store or another."""
    facts = {k: v for k, v in values.items() if k not in DERIVED}
    facts.update(department_code=row.department_code, attrs=row.attrs)
    text = json.dumps(
        facts,
        sort_keys=True,
        ensure_ascii=False,
        default=lambda v: v.astimezone(UTC).isoformat() if isinstance(v, datetime) else str(v),
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def differences(planned: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """Columns whose planned value differs from the stored one (a re-import changes nothing if empty)."""
    return [k for k, v in planned.items() if k in stored and stored[k] != v]
