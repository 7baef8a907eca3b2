"""What each workflow action does to a case besides changing its state.

Every action ends in one versioned UPDATE (`… WHERE version = :seen`) plus one event row, in one
transaction: two dispatchers acting on the same case cannot both win, and the loser learns who won.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule, Limit, pick_limit
from gridwatch.db.errors import Conflict, InvalidInput
from gridwatch.db.handbook import missing_photos
from gridwatch.db.missing import no_department
from gridwatch.db.models import Attachment, Case, CaseEvent, Department, Person, Setting
from gridwatch.db.validation import DateWindow, check_action
from gridwatch.db.workflow import Step

MINUTE = 60.0
SITE_ZONE = "Asia/Shanghai"
"""The zone when the site has not set `work_hours.tz` (as `Store.rules`)."""
HOUR = 3600.0


@dataclass
class ActionInput:
    """What a user supplies with an action; which fields matter depends on the action."""

    department: str | None = None  # dispatch: department code (default: the suggested one)
    center: str | None = None  # dispatch_down: the org code of the center below (docs/LEVELS.md)
    reason: str | None = None
    hours: float | None = None  # extension request: working hours asked for
    category_code: str | None = None  # register: the category fixed at registration
    urgency: str | None = None  # register: A/B/C
    note: str | None = None
    at: datetime | None = None
    expected_version: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rules:
    """The site's rules an action needs: calendar, deadline rules and stage limits."""

    calendar: WorkingCalendar
    deadline_rules: Sequence[DeadlineRule]
    register_dispatch_working_hours: float = 1.0
    verify_minutes: float = 30.0
    check_minutes: float = 30.0


def case_limit(case: Case) -> Limit:
    if case.limit_amount is None or case.limit_unit is None:
        raise InvalidInput(f"Case {case.case_no} has no handling limit: it was never dispatched.")
    return Limit(case.limit_amount, case.limit_unit)  # type: ignore[arg-type]


def handling_deadline(rules: Rules, limit: Limit, start: datetime, extra: float = 0.0) -> datetime:
    """Dispatch time + limit + `extra` (approved extensions and suspended time, which does not count)."""
    if limit.is_working:
        return rules.calendar.add_working(start, limit.seconds(rules.calendar) + extra)
    return start + timedelta(seconds=limit.seconds(rules.calendar) + extra)


class Dispatchable(Protocol):
    """What the handling deadline of a dispatch depends on: a table row or the store's frozen case row."""

    @property
    def category_code(self) -> str: ...
    @property
    def urgency(self) -> str: ...
    @property
    def extension_seconds(self) -> float: ...
    @property
    def suspended_seconds(self) -> float: ...


def dispatch_deadline(rules: Rules, case: Dispatchable, at: datetime) -> tuple[Limit, datetime]:
    """The limit and deadline a dispatch of `case` at `at` records: the one computation the store's
    dispatch writes and the dispatch dialog previews, so the preview is exactly what gets stored."""
    limit = pick_limit(rules.deadline_rules, case.category_code, case.urgency)
    return limit, handling_deadline(rules, limit, at, case.extension_seconds + case.suspended_seconds)


def _elapsed(rules: Rules, case: Case, start: datetime, end: datetime) -> float:
    """Time between two moments in the case's limit units: working seconds or wall seconds."""
    if case.limit_unit is not None and case.limit_unit.startswith("working"):
        return rules.calendar.working_seconds(start, end)
    return (end - start).total_seconds()


Effect = Callable[[Session, Case, ActionInput, datetime, Rules], dict[str, Any]]


def _register(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    out: dict[str, Any] = {"registered_at": at}
    if inp.category_code:
        out["category_code"] = inp.category_code
    if inp.urgency:
        if inp.urgency not in ("A", "B", "C"):
            raise InvalidInput(f"Urgency must be A (紧急), B (重要) or C (普通), not '{inp.urgency}'.")
        out["urgency"] = inp.urgency
    return out


def _send_verify(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    return {"stage_started_at": at, "stage_due_at": at + timedelta(minutes=rules.verify_minutes)}


def _dispatch(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    department_id = case.suggested_department_id
    if inp.department:
        department_id = session.scalar(select(Department.id).where(Department.code == inp.department))
        if department_id is None:
            raise no_department(session, inp.department)
    if department_id is None:
        raise InvalidInput(
            f"Case {case.case_no} has no suggested department: choose one (--department CODE)."
        )
    out: dict[str, Any] = {"department_id": department_id, "escalated": False, **_clock(case, at, rules)}
    out["stage_started_at"] = at
    return out


def _clock(case: Case, at: datetime, rules: Rules) -> dict[str, Any]:
    """The handling clock a dispatch (to a department or down to a center) leaves running: started by the
    first one, kept by every later hop (docs/LEVELS.md); a return approved by the center stops it."""
    if case.deadline_at is not None and case.limit_amount is not None:
        return {"stage_due_at": case.deadline_at}
    limit, deadline = dispatch_deadline(rules, case, at)
    out: dict[str, Any] = {
        "limit_amount": limit.amount,
        "limit_unit": limit.unit,
        "deadline_at": deadline,
        "stage_due_at": deadline,
    }
    if case.dispatched_at is None:
        out["dispatched_at"] = at
    return out


def _hop(escalated: bool, starts_clock: bool) -> Effect:
    """dispatch_down / hand_back / escalate: the holder becomes the center `levels.check_hop` chose (in the
    event's data), and the deadline is carried along, never restarted."""

    def effect(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
        if "to_center_id" not in inp.data:
            raise InvalidInput(f"Case {case.case_no}: a hop between centers goes through the store's act.")
        out: dict[str, Any] = {"holder_id": inp.data["to_center_id"], "escalated": escalated}
        if starts_clock:
            out.update(_clock(case, at, rules), stage_started_at=at)
        deadline = out.get("deadline_at", case.deadline_at)
        inp.data["deadline"] = deadline.isoformat() if deadline is not None else None
        return out

    return effect


def _request(kind: str) -> Effect:
    def effect(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
        if kind == "extension" and (inp.hours is None or inp.hours <= 0):
            raise InvalidInput("An extension request needs the working hours asked for (--hours N, N > 0).")
        return {
            "pending_request": {"kind": kind, "at": at.isoformat(), "reason": inp.reason, "hours": inp.hours}
        }

    return effect


def _pending(case: Case, kind: str) -> dict[str, Any]:
    request = case.pending_request or {}
    if request.get("kind") != kind:
        raise InvalidInput(f"Case {case.case_no} has no pending {kind} request to decide on.")
    return request


def _refuse(kind: str) -> Effect:
    def effect(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
        _pending(case, kind)
        return {"pending_request": None}

    return effect


def _approve_return(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    _pending(case, "return")
    due = rules.calendar.add_working(at, rules.register_dispatch_working_hours * HOUR)
    return {
        "pending_request": None,
        "department_id": None,
        "deadline_at": None,
        "stage_started_at": at,
        "stage_due_at": due,
    }


def _shift(rules: Rules, case: Case, seconds: float, at: datetime) -> datetime:
    """The deadline moved later by `seconds` of the case's own clock (working or wall time)."""
    base = case.deadline_at or at
    if case_limit(case).is_working:
        return rules.calendar.add_working(base, seconds)
    return base + timedelta(seconds=seconds)


def _approve_extension(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    added = float(_pending(case, "extension")["hours"]) * HOUR
    deadline = _shift(rules, case, added, at)
    return {
        "pending_request": None,
        "extension_seconds": case.extension_seconds + added,
        "extension_count": case.extension_count + 1,
        "deadline_at": deadline,
        "stage_due_at": deadline,
    }


def _approve_suspend(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    _pending(case, "suspend")
    return {"pending_request": None, "suspended_since": at, "stage_due_at": None}


def _resume(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    paused = _elapsed(rules, case, case.suspended_since or at, at)
    deadline = _shift(rules, case, paused, at)
    return {
        "suspended_since": None,
        "suspended_seconds": case.suspended_seconds + paused,
        "deadline_at": deadline,
        "stage_due_at": deadline,
    }


def _feedback(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    after = session.scalar(
        select(func.count(Attachment.id)).where(Attachment.case_id == case.id, Attachment.kind == "after")
    )
    refusal = missing_photos(session, case.case_no, case.category_code, int(after or 0))
    if refusal is not None:
        raise InvalidInput(refusal)
    return {"handled_at": at, "stage_started_at": at, "stage_due_at": None}


def _send_check(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    return {"stage_started_at": at, "stage_due_at": at + timedelta(minutes=rules.check_minutes)}


def _check_pass(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    return {"checked_at": at, "stage_started_at": at, "stage_due_at": None}


def _check_fail(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    # A rework keeps the original clock running: the deadline stays where it was.
    return {"rework_count": case.rework_count + 1, "stage_started_at": at, "stage_due_at": case.deadline_at}


def _close(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    # Overdue closing (超期结案) as the metrics count it: closed after the handling deadline.
    late = case.deadline_at is not None and at > case.deadline_at
    return {"closed_at": at, "close_type": "overdue" if late else "normal", "stage_due_at": None}


def _self_handled(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    _pending(case, "self_handle")
    return {"pending_request": None, "closed_at": at, "close_type": "self_handled", "stage_due_at": None}


def _finish(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    return {"stage_due_at": None, "pending_request": None}


def _accept(session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules) -> dict[str, Any]:
    return {"accepted_at": at}


RECOMPUTE_DEADLINE = "recompute_deadline"
"""Not a workflow step: the store writes it when a calendar change moves a running deadline."""


def running_deadline(session: Session, case: Case, rules: Rules) -> datetime:
    """The handling deadline on the calendar as it is now.

    The clock runs from the first dispatch (to a department or down to a center) since the last return
    the center approved (a re-dispatch after a return restarts it; a hop between centers does not);
    approved extensions and suspended time were added to it in the clock's own units, and working time
    adds up, so one addition of their sum lands where the actions did one by one.
    """
    returned = session.scalar(
        select(func.max(CaseEvent.at)).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "approve_return"
        )
    )
    starts = select(func.min(CaseEvent.at)).where(
        CaseEvent.case_id == case.id, CaseEvent.action.in_(("dispatch", "dispatch_down"))
    )
    start = (
        session.scalar(starts.where(CaseEvent.at >= returned) if returned is not None else starts)
        or case.dispatched_at
    )
    if start is None:
        raise InvalidInput(f"Case {case.case_no} has no handling clock: it was never dispatched.")
    return handling_deadline(rules, case_limit(case), start, case.extension_seconds + case.suspended_seconds)


def _recompute_deadline(
    session: Session, case: Case, inp: ActionInput, at: datetime, rules: Rules
) -> dict[str, Any]:
    deadline = running_deadline(session, case, rules)
    out: dict[str, Any] = {"deadline_at": deadline}
    if case.stage_due_at is not None and case.stage_due_at == case.deadline_at:
        out["stage_due_at"] = deadline  # the step's due time is the handling deadline (not while suspended)
    return out


EFFECTS: dict[str, Effect] = {
    "send_verify": _send_verify,
    "register": _register,
    "reject": _finish,
    "void": _finish,
    "request_self_handle": _request("self_handle"),
    "approve_self_handle": _self_handled,
    "refuse_self_handle": _refuse("self_handle"),
    "dispatch": _dispatch,
    "dispatch_down": _hop(escalated=False, starts_clock=True),
    "hand_back": _hop(escalated=False, starts_clock=False),
    "escalate": _hop(escalated=True, starts_clock=False),
    "accept": _accept,
    "request_return": _request("return"),
    "approve_return": _approve_return,
    "refuse_return": _refuse("return"),
    "request_extension": _request("extension"),
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse("extension"),
    "request_suspend": _request("suspend"),
    "approve_suspend": _approve_suspend,
    "refuse_suspend": _refuse("suspend"),
    "resume": _resume,
    "feedback": _feedback,
    "send_check": _send_check,
    "recheck": _send_check,
    "check_pass": _check_pass,
    "check_fail": _check_fail,
    "close": _close,
    RECOMPUTE_DEADLINE: _recompute_deadline,
}


def site_zone(session: Session) -> ZoneInfo:
    """The command center's time zone (the site calendar's, setting `work_hours.tz`): every time a user
    reads is on this clock, whatever the machine's own zone (docs/DEADLINES.md)."""
    hours = session.scalar(select(Setting.value).where(Setting.key == "work_hours")) or {}
    return ZoneInfo(hours.get("tz", SITE_ZONE))


def conflict_for(session: Session, case_no: str, expected: int) -> Conflict:
    """Describe who changed the case since `expected`, read fresh from the store."""
    row = session.execute(
        select(Case.version, Case.updated_at, Person.name)
        .outerjoin(Person, Person.id == Case.updated_by_id)
        .where(Case.case_no == case_no)
        .execution_options(populate_existing=True)
    ).one()
    return Conflict(case_no, expected, row.version, row.name, row.updated_at, site_zone(session))


def apply_step(
    session: Session,
    case: Case,
    step: Step,
    role: str,
    actor_id: int,
    inp: ActionInput,
    rules: Rules,
    now: datetime,
) -> None:
    """Apply one workflow step to `case` with optimistic locking and write its event."""
    if step.needs_reason and not (inp.reason and inp.reason.strip()):
        raise InvalidInput(f"'{step.action}' needs a reason (--reason).")
    check_action(reason=inp.reason, note=inp.note, department=inp.department, category_code=inp.category_code)
    if inp.at is not None:  # a year-1 time would break the deadline arithmetic below
        DateWindow.load(session, now).check("at", inp.at)
    seen = case.version
    at = inp.at or now
    changes = _lateness(case, at) | EFFECTS[step.action](session, case, inp, at, rules)
    if changes.get("deadline_at") is not None and changes["deadline_at"] >= at:
        changes.update(late_at=None, late_center_id=None, late_department_id=None)  # on time again
    changes.update(
        state=step.to_state, version=seen + 1, last_action=step.action, updated_at=now, updated_by_id=actor_id
    )
    details = {
        "department": inp.department,
        "hours": inp.hours,
        "category_code": inp.category_code,
        "urgency": inp.urgency,
        **inp.data,
    }
    event = {
        "action": step.action,
        "from_state": case.state,
        "to_state": step.to_state,
        "actor_id": actor_id,
        "role": role,
        "at": at,
        "note": inp.reason or inp.note,
        "data": {k: v for k, v in details.items() if v is not None},
        "case_version": seen + 1,
    }
    write = _write_in_one_statement if session.get_bind().dialect.name == "postgresql" else _write_in_two
    if not write(session, case.id, seen, changes, event):
        raise conflict_for(session, case.case_no, seen)
    for key, value in changes.items():  # the row as written, without reading it back
        set_committed_value(case, key, value)


def _lateness(case: Case, at: datetime) -> dict[str, Any]:
    """Who held the case when its deadline passed, written by the first action after that moment: the
    holder changes only by an action, so the holder before it is the holder at the crossing (the
    evaluation attributes the lateness there, docs/LEVELS.md)."""
    if case.deadline_at is None or case.late_at is not None or at <= case.deadline_at:
        return {}
    return {
        "late_at": case.deadline_at,
        "late_center_id": case.holder_id,
        "late_department_id": case.department_id,
    }


CASES: Table = Case.__table__  # type: ignore[assignment]
EVENTS: Table = CaseEvent.__table__  # type: ignore[assignment]


def _write_in_two(
    session: Session, case_id: int, seen: int, changes: dict[str, Any], event: dict[str, Any]
) -> bool:
    moved = session.execute(
        update(CASES).where(CASES.c.id == case_id, CASES.c.version == seen).values(**changes)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(insert(EVENTS).values(case_id=case_id, **event))
    return True


def _write_in_one_statement(
    session: Session, case_id: int, seen: int, changes: dict[str, Any], event: dict[str, Any]
) -> bool:
    """PostgreSQL: the versioned UPDATE and its event in one round trip (a data-modifying CTE).

    The event row is inserted only if the UPDATE matched, so a stale version writes nothing at all.
    """
    moved = (
        update(CASES)
        .where(CASES.c.id == case_id, CASES.c.version == seen)
        .values(**changes)
        .returning(CASES.c.id)
        .cte("moved")
    )
    values = [literal(v, type_=EVENTS.c[k].type) for k, v in event.items()]
    logged = session.execute(
        insert(EVENTS).from_select(["case_id", *event], select(moved.c.id, *values)).returning(EVENTS.c.id)
    )
    return len(logged.all()) == 1
