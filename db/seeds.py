"""Reference data every store starts with: the workflow, the categories and the default deadline rules.

Taken from the domain reference (GB/T 30428 steps, GB/T 47678.5 category codes, the Xiamen rule book's
deadlines). They are rows, not code, so a site edits its own; `ensure_reference_data` only adds what is
missing and never overwrites a site's change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from gridwatch.db.handbook import ensure_handbook
from gridwatch.db.models import (
    Category,
    DeadlineRuleRow,
    HandbookEntry,
    Person,
    PersonRole,
    Setting,
    Transition,
)

STATES = (
    "reported",
    "verifying",
    "registered",
    "rejected",
    "dispatched",
    "handling",
    "suspended",
    "handled",
    "checking",
    "checked",
    "closed",
    "cancelled",
)
OPEN_STATES = frozenset(STATES) - {"rejected", "closed", "cancelled"}
ROLES = ("acceptor", "shift_leader", "dispatcher", "handler", "grid_worker", "supervisor", "admin", "system")
SOURCES = ("grid_worker", "citizen", "hotline", "video", "sensor", "superior", "center")


class TransitionSeed(NamedTuple):
    action: str
    from_state: str
    to_state: str
    roles: str
    needs_reason: bool = False


# Request actions keep the state and leave a pending request that a dispatcher approves or refuses.
TRANSITIONS: tuple[TransitionSeed, ...] = (
    TransitionSeed("send_verify", "reported", "verifying", "acceptor shift_leader"),
    TransitionSeed("register", "reported", "registered", "shift_leader"),
    TransitionSeed("register", "verifying", "registered", "shift_leader"),
    TransitionSeed("reject", "reported", "rejected", "acceptor shift_leader", True),
    TransitionSeed("reject", "verifying", "rejected", "acceptor shift_leader", True),
    TransitionSeed("request_self_handle", "reported", "reported", "grid_worker"),
    TransitionSeed("approve_self_handle", "reported", "closed", "shift_leader"),
    TransitionSeed("refuse_self_handle", "reported", "reported", "shift_leader", True),
    TransitionSeed("dispatch", "registered", "dispatched", "dispatcher"),
    TransitionSeed("void", "registered", "cancelled", "shift_leader", True),
    TransitionSeed("accept", "dispatched", "handling", "handler"),
    TransitionSeed("request_return", "dispatched", "dispatched", "handler", True),
    TransitionSeed("request_return", "handling", "handling", "handler", True),
    TransitionSeed("approve_return", "dispatched", "registered", "dispatcher"),
    TransitionSeed("approve_return", "handling", "registered", "dispatcher"),
    TransitionSeed("refuse_return", "dispatched", "dispatched", "dispatcher", True),
    TransitionSeed("refuse_return", "handling", "handling", "dispatcher", True),
    TransitionSeed("request_extension", "handling", "handling", "handler", True),
    TransitionSeed("approve_extension", "handling", "handling", "dispatcher"),
    TransitionSeed("refuse_extension", "handling", "handling", "dispatcher", True),
    TransitionSeed("request_suspend", "handling", "handling", "handler", True),
    TransitionSeed("approve_suspend", "handling", "suspended", "dispatcher"),
    TransitionSeed("refuse_suspend", "handling", "handling", "dispatcher", True),
    TransitionSeed("resume", "suspended", "handling", "dispatcher handler"),
    TransitionSeed("feedback", "handling", "handled", "handler"),
    TransitionSeed("send_check", "handled", "checking", "acceptor shift_leader"),
    TransitionSeed("check_pass", "checking", "checked", "grid_worker"),
    TransitionSeed("check_fail", "checking", "dispatched", "grid_worker", True),
    TransitionSeed("close", "checked", "closed", "shift_leader"),
    # the closure review doubts the check: a grid worker checks again on site (a new 30-minute clock)
    TransitionSeed("recheck", "checked", "checking", "shift_leader", True),
    # Centers on the org tree (docs/LEVELS.md): the holder changes, the state stays; db/levels.py and the
    # guard of migration 0009 say which center a hop may reach.
    TransitionSeed("dispatch_down", "registered", "registered", "dispatcher"),
    TransitionSeed("hand_back", "registered", "registered", "dispatcher shift_leader", True),
    TransitionSeed("escalate", "reported", "reported", "grid_worker acceptor shift_leader dispatcher", True),
    TransitionSeed("escalate", "registered", "registered", "shift_leader dispatcher", True),
)

# (code, name, kind, default urgency); the parent is the 2-digit prefix.
CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("01", "市政公用设施", "component", "C"),
    ("01001", "供水井盖", "component", "B"),
    ("01002", "污水井盖", "component", "B"),
    ("01037", "路灯", "component", "C"),
    ("02", "交通设施", "component", "C"),
    ("03", "市容环卫设施", "component", "C"),
    ("03005", "垃圾箱", "component", "C"),
    ("04", "园林绿化设施", "component", "C"),
    ("05", "其他设施", "component", "C"),
    ("06", "市容环境", "event", "C"),
    ("06010", "暴露垃圾", "event", "C"),
    ("06012", "道路不洁", "event", "C"),
    ("06036", "乱堆杂物", "event", "C"),
    ("06042", "垃圾满溢", "event", "C"),
    ("07", "宣传广告", "event", "C"),
    ("07001", "非法小广告", "event", "C"),
    ("08", "施工管理", "event", "B"),
    ("08004", "工地扬尘", "event", "B"),
    ("08011", "渣土车未密闭", "event", "B"),
    ("09", "街面秩序", "event", "C"),
    ("09001", "游商", "event", "C"),
    ("09005", "店外经营", "event", "C"),
    ("09006", "占道经营", "event", "C"),
    ("09009", "机动车乱停放", "event", "C"),
    ("09010", "非机动车乱停放", "event", "C"),
    ("10", "其他事件", "event", "C"),
    ("10001", "烟雾火情", "event", "A"),
    ("10002", "高空抛物", "event", "A"),
    ("10003", "油烟超标", "event", "B"),
    ("10004", "私搭乱建", "event", "B"),
)

# (category prefix or None, urgency or None, amount, unit)
DEADLINE_RULES: tuple[tuple[str | None, str | None, float, str], ...] = (
    (None, "A", 1, "working_days"),
    (None, "B", 2, "working_days"),
    (None, "C", 4, "working_days"),
    ("06010", None, 4, "working_hours"),
    ("06012", None, 2, "working_hours"),
    ("10004", None, 4, "working_hours"),
)

BUILT_IN_PEOPLE = (
    ("admin", "系统管理员", "admin"),  # the first login of a fresh store; a site renames or deactivates it
    ("system", "系统服务", "system"),  # intake services, detectors and imports act as this person
)

DEFAULT_SETTINGS: dict[str, dict[str, object]] = {
    "work_hours": {"periods": [["08:30", "12:00"], ["13:30", "17:30"]], "tz": "Asia/Shanghai"},
    "stage_limits": {"register_dispatch_working_hours": 1, "verify_minutes": 30, "check_minutes": 30},
    "score_weights": {"handle": 30, "handle_on_time": 20, "rework": 20, "overdue": 20, "extension": 10},
}


def ensure_reference_data(session: Session) -> int:
    """Add the reference rows a store is missing; return how many were added."""
    added = 0
    have_transitions = {(t.action, t.from_state) for t in session.scalars(select(Transition))}
    for t in TRANSITIONS:
        if (t.action, t.from_state) not in have_transitions:
            session.add(Transition(**t._asdict()))
            added += 1
    have_categories = set(session.scalars(select(Category.code)))
    for code, name, kind, urgency in CATEGORIES:
        if code not in have_categories:
            parent = code[:2] if len(code) > 2 else None
            session.add(
                Category(code=code, name=name, kind=kind, parent_code=parent, default_urgency=urgency)
            )
            added += 1
    session.flush()
    if inspect(session.connection()).has_table(HandbookEntry.__tablename__):  # not below revision 0009
        added += ensure_handbook(session)
    if session.scalar(select(DeadlineRuleRow.id).limit(1)) is None:
        for prefix, level, amount, unit in DEADLINE_RULES:
            session.add(DeadlineRuleRow(category_code=prefix, urgency=level, amount=amount, unit=unit))
            added += 1
    for username, name, role in BUILT_IN_PEOPLE:
        if session.scalar(select(Person.id).where(Person.username == username)) is None:
            session.add(
                Person(
                    username=username, name=name, updated_at=datetime.now(UTC), roles=[PersonRole(role=role)]
                )
            )
            added += 1
    have_settings = set(session.scalars(select(Setting.key)))
    for key, value in DEFAULT_SETTINGS.items():
        if key not in have_settings:
            session.add(Setting(key=key, value=value))
            added += 1
    session.flush()
    return added
