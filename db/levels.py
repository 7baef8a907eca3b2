"""Centers on the org tree (街呼区应, docs/LEVELS.md): which center holds a case and where it may go next.

Any district, street or community node can run a center (`centers`). A case's `holder_id` names the center
holding it (None: the top center). It moves one center at a time: `dispatch_down` to the next center below
the holder, `hand_back` (with a reason) and `escalate` (吹哨, with a reason) to the next center above; a
grid worker escalates a case they reported to the lowest center over its grid. Every hop goes through
`Store.act` (so it is one versioned write with its event), and the PostgreSQL guard of migration 0009
refuses the same hops with the same messages for a client that skipped this check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from gridwatch.db.errors import Forbidden, InvalidInput, NotFound
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, CaseEvent, Center, Department, OrgUnit
from gridwatch.db.validation import check_action, check_text, column_limit

if TYPE_CHECKING:
    from gridwatch.db.store import Store

HOPS = ("dispatch_down", "hand_back", "escalate")
"""The actions that move a case between centers; only they change `cases.holder_id`."""
HELD_ACTIONS = (*HOPS, "dispatch")
"""Actions only the staff of the holding center take (the workflow's super roles excepted)."""
TOP = "the top center"
LEVELS = ("grid", "community", "street", "district", "top")
"""Where a case can be closed, lowest first: "小事不出网格，大事不出社区，难事不出街道" as shares."""


class ActsAt(Protocol):
    """What the hop check needs of the person acting (the store's `Actor`)."""

    @property
    def roles(self) -> frozenset[str]: ...
    @property
    def org_unit_id(self) -> int | None: ...


@dataclass(frozen=True)
class CenterRef:
    """A center as messages and the event trail name it; `id` None is the top center."""

    id: int | None
    code: str | None
    name: str
    level: str

    def __str__(self) -> str:
        return TOP if self.id is None else f"{self.name} ({self.code})"


def center_ref(session: Session, unit_id: int | None) -> CenterRef:
    if unit_id is None:
        return CenterRef(None, None, TOP, "top")
    row = session.execute(
        select(OrgUnit.code, Center.name, OrgUnit.level)
        .join(Center, Center.org_unit_id == OrgUnit.id)
        .where(OrgUnit.id == unit_id)
    ).one()
    return CenterRef(unit_id, row.code, row.name, row.level)


def ancestors(session: Session, unit_id: int) -> list[int]:
    """The org-tree nodes above `unit_id`, nearest first (the tree is a few levels deep)."""
    out: list[int] = []
    parent = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == unit_id))
    while parent is not None and parent not in out:
        out.append(parent)
        parent = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == parent))
    return out


def _skeleton(session: Session) -> tuple[dict[int, int | None], set[int]]:
    """The tree above the grids (districts, streets, communities: hundreds of rows, not the grids'
    thousands) and the centers, read in two queries, so a walk up costs no more."""
    parents: dict[int, int | None] = {
        i: p for i, p in session.execute(select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.level != "grid"))
    }
    return parents, set(session.scalars(select(Center.org_unit_id)))


def _upper(parents: dict[int, int | None], centers: set[int], parent: int | None) -> int | None:
    seen: set[int] = set()
    while parent is not None and parent not in centers and parent not in seen:
        seen.add(parent)
        parent = parents.get(parent)
    return parent


def upper_center(session: Session, unit_id: int) -> int | None:
    """The nearest center strictly above `unit_id`; None: the top center."""
    parent = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == unit_id))
    return _upper(*_skeleton(session), parent)


def center_of(session: Session, unit_id: int | None) -> int | None:
    """The center a person at org node `unit_id` works for: that node if it runs one, else the nearest
    center above it; None (the top) for a person without a node, or with no center above theirs."""
    if unit_id is None:
        return None
    parents, centers = _skeleton(session)
    if unit_id in centers:
        return unit_id
    parent = parents[unit_id] if unit_id in parents else upper_parent(session, unit_id)
    return _upper(parents, centers, parent)


def upper_parent(session: Session, unit_id: int) -> int | None:
    return session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == unit_id))


def centers_below(session: Session, holder: int | None) -> list[CenterRef]:
    """The centers a case held by `holder` may be dispatched down to (the next center on each branch)."""
    parents, centers = _skeleton(session)
    rows = session.execute(
        select(Center.org_unit_id, OrgUnit.code, Center.name, OrgUnit.level)
        .join(OrgUnit, OrgUnit.id == Center.org_unit_id)
        .order_by(OrgUnit.code)
    ).all()
    return [CenterRef(*r) for r in rows if _upper(parents, centers, parents.get(r[0])) == holder]


def _center_by_code(session: Session, code: str) -> int:
    unit = session.scalar(
        select(Center.org_unit_id).join(OrgUnit, OrgUnit.id == Center.org_unit_id).where(OrgUnit.code == code)
    )
    if unit is None:
        known = ", ".join(
            session.scalars(
                select(OrgUnit.code).join(Center, Center.org_unit_id == OrgUnit.id).order_by(OrgUnit.code)
            )
        )
        raise NotFound(f"No center at org code '{code}'. Centers: {known or 'none yet'}.")
    return unit


def escalates_from_grid(case: Case, roles: frozenset[str]) -> bool:
    """A grid worker's escalation of a case still at the grid (reported, held by nobody below the top)."""
    return case.holder_id is None and case.state == "reported" and "grid_worker" in roles


def check_hop(session: Session, case: Case, action: str, actor: ActsAt, inp: ActionInput) -> ActionInput:
    """Judge a hop (or a dispatch) against the tree and the trail; the input with the hop's from/to centers
    in its event data. Raises Forbidden (not the holding center's staff) or InvalidInput (a target outside
    the holder's subtree, a loop without a reason, an escalation from the top)."""
    # the codes are judged before a query uses them (a NUL byte is a DataError on PostgreSQL)
    check_action(reason=inp.reason, note=inp.note, department=inp.department, category_code=inp.category_code)
    check_text("center", inp.center, column_limit(OrgUnit, "code") or 0)
    trusted = bool(actor.roles & {"admin", "system"})
    from_grid = action == "escalate" and escalates_from_grid(case, actor.roles)
    holder = center_ref(session, case.holder_id)
    if not trusted and not from_grid and center_of(session, actor.org_unit_id) != case.holder_id:
        raise Forbidden(f"Case {case.case_no} is held by {holder}: only its own center's staff {action} it.")
    if action == "dispatch":
        if not trusted:
            _check_department(session, case, inp)
        return inp
    if action == "dispatch_down":
        if not inp.center:
            below = ", ".join(f"{c.code} {c.name}" for c in centers_below(session, case.holder_id))
            raise InvalidInput(
                f"Name the center to dispatch down to (--center CODE): {below or 'none below'}."
            )
        target = _center_by_code(session, inp.center)
        if upper_center(session, target) != case.holder_id:
            there = center_ref(session, target)
            if case.holder_id is not None and case.holder_id not in ancestors(session, target):
                raise InvalidInput(
                    f"Case {case.case_no}: {there} is not under {holder}: a center dispatches down only "
                    "inside its own part of the tree."
                )
            step = center_ref(session, upper_center(session, target))
            raise InvalidInput(
                f"Case {case.case_no}: dispatch to {step} first: {there} is below it (a case goes down one "
                "center at a time)."
            )
        if not (inp.reason and inp.reason.strip()) and handed_back_by(session, case.id, target):
            raise InvalidInput(
                f"Case {case.case_no}: {center_ref(session, target)} handed this case back; dispatching it "
                "there again needs a reason (--reason)."
            )
        to: int | None = target
    elif from_grid:
        to = upper_center(session, case.grid_id) if case.grid_id is not None else None
        if to is None:
            raise InvalidInput(
                f"Case {case.case_no}: no center runs above its grid; it is already with {TOP}."
            )
    else:
        if case.holder_id is None:
            where = "escalate to" if action == "escalate" else "hand it back to"
            raise InvalidInput(f"Case {case.case_no} is at {TOP}: there is no level above to {where}.")
        to = upper_center(session, case.holder_id)
    there = center_ref(session, to)
    data = {
        "from_center": holder.code,
        "from_center_id": holder.id,
        "to_center": there.code,
        "to_center_id": there.id,
    }
    return replace(inp, data={**inp.data, **data})


def on_the_line(session: Session, unit_id: int | None, holder: int | None) -> bool:
    """Whether a department working for org node `unit_id` (None: the whole territory's) serves a case held
    by `holder`: the holder's own node, the nodes above it (a community center calls on its street's
    城管中队), the nodes below it; never another branch (street A's center does not order street B's
    crews: it escalates, and the center above dispatches). The top center's line is the whole tree."""
    if unit_id is None or holder is None or unit_id == holder:
        return True
    return unit_id in ancestors(session, holder) or holder in ancestors(session, unit_id)


def departments_for(session: Session, holder: int | None) -> list[Department]:
    """The departments a case held by `holder` may be dispatched to, by code."""
    rows = session.scalars(select(Department).order_by(Department.code))
    return [d for d in rows if on_the_line(session, d.org_unit_id, holder)]


def _check_department(session: Session, case: Case, inp: ActionInput) -> None:
    """Refuse a dispatch to a department off the holder's line (the same rule and message as migration
    0016's guard). An unknown code is left to the dispatch step, which says which codes exist."""
    if inp.department:
        department = session.scalar(select(Department).where(Department.code == inp.department))
    elif case.suggested_department_id is not None:
        department = session.get(Department, case.suggested_department_id)
    else:
        department = None
    if department is None or on_the_line(session, department.org_unit_id, case.holder_id):
        return
    works_for = session.execute(
        select(OrgUnit.name, OrgUnit.code).where(OrgUnit.id == department.org_unit_id)
    ).one()
    raise InvalidInput(
        f"Case {case.case_no}: {department.name} ({department.code}) works for {works_for.name} "
        f"({works_for.code}), outside {center_ref(session, case.holder_id)}'s part of the tree: dispatch "
        "to a department of this center or of a level above or below it, or escalate the case."
    )


def handed_back_by(session: Session, case_id: int, center: int) -> bool:
    """Whether `center` once handed this case back (the trail says so)."""
    events = session.scalars(
        select(CaseEvent.data).where(CaseEvent.case_id == case_id, CaseEvent.action == "hand_back")
    )
    return any((data or {}).get("from_center_id") == center for data in events)


def accountable_center() -> ColumnElement[Any]:
    """The center a case's figures count for: the one holding it when its deadline passed (recorded by
    the first action after that moment, `lifecycle._lateness`), else the one holding it now. None: top."""
    return case((Case.late_at.is_not(None), Case.late_center_id), else_=Case.holder_id)


CENTER_KEY: ColumnElement[Any] = func.coalesce(accountable_center(), 0)
"""`report metrics --by center`'s key: the accountable center's org id, 0 for the top center."""
SELF_HANDLED_KEY = -1
LEVEL_KEY: ColumnElement[Any] = case((Case.close_type == "self_handled", SELF_HANDLED_KEY), else_=CENTER_KEY)
"""`--by level`'s raw key: -1 for a grid worker's self-handling (the grid level), else `CENTER_KEY`; the
metrics name each center by its org level and add up the centers of one level (`level_of`). A plain
column expression, so a scan of a million cases groups by it without a lookup per case."""


def level_of(key: int, levels: dict[int, str]) -> str:
    """The level a `LEVEL_KEY` value stands for: grid, community, street, district or top."""
    if key == SELF_HANDLED_KEY:
        return "grid"
    return levels.get(key, "top")


def add_center(session: Session, code: str, name: str, phone: str | None = None) -> bool:
    """Make the org-tree node `code` (a district, street or community) run a center; False if it did.

    The caller checks who may (an admin); on PostgreSQL the database grants it to admins only."""
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise NotFound(f"No org-tree node with code '{code}'.")
    if unit.level not in ("district", "street", "community"):
        raise InvalidInput(f"'{code}' is a {unit.level}: a center runs at a district, street or community.")
    if session.get(Center, unit.id) is not None:
        return False
    session.add(Center(org_unit_id=unit.id, name=name, phone=phone, updated_at=datetime.now(UTC)))
    session.flush()
    return True


def add_center_as(store: Store, code: str, name: str, *, actor: str) -> bool:
    """`gridwatch center add`: an admin makes an org-tree node run a center (False if it already did)."""
    with store.session() as session:
        if "admin" not in store.actor(session, actor).roles:
            raise Forbidden(f"Only an admin adds a center; {actor} is not one.")
        return add_center(session, code, name)


def feasible(session: Session, case: Case, actor: ActsAt, actions: list[str]) -> list[str]:
    """The actions the workflow allows, less the hops the tree rules out now: a held action by someone
    not at the holding center, a hand-back or escalation from the top, a dispatch down with no center
    below (what a desk enables and `case show` lists; `check_hop` judges the one taken)."""
    trusted = bool(actor.roles & {"admin", "system"})
    mine = center_of(session, actor.org_unit_id) if set(actions) & set(HELD_ACTIONS) else None
    out = []
    for action in actions:
        if action in HELD_ACTIONS:
            from_grid = action == "escalate" and escalates_from_grid(case, actor.roles)
            if not trusted and not from_grid and mine != case.holder_id:
                continue
            if action == "dispatch_down" and not centers_below(session, case.holder_id):
                continue
            top = action in ("hand_back", "escalate") and case.holder_id is None
            if top and (not from_grid or case.grid_id is None or upper_center(session, case.grid_id) is None):
                continue
        out.append(action)
    return out
