"""People as the sign-in and the desks see them: who is active, in which roles, offered which actions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gridwatch.db.models import Department, Person, PersonRole
from gridwatch.db.store import Store


@dataclass(frozen=True)
class PersonRow:
    """An active person and the roles they hold."""

    person_id: int
    username: str
    name: str
    roles: frozenset[str]
    department_code: str | None = None

    @property
    def queue_department(self) -> str | None:
        """A handler's desk queue is their department's cases; center roles work the whole queue. (Row-level
        security lets a handler see more, e.g. cases their department once had; the queue is their work.)"""
        return self.department_code if "handler" in self.roles and not self.roles & CENTER_ROLES else None


CENTER_ROLES = frozenset({"acceptor", "shift_leader", "dispatcher", "supervisor", "admin", "system"})


@dataclass(frozen=True)
class Offer:
    """An action a desk offers a person (enabled on a case only when `Store.allowed_actions` says so)."""

    action: str
    needs_reason: bool


def active_people(store: Store, username: str | None = None) -> list[PersonRow]:
    """Every active person (or the one with this username), by username, with their roles."""
    query = (
        select(Person.id, Person.username, Person.name, PersonRole.role, Department.code.label("department"))
        .outerjoin(PersonRole, PersonRole.person_id == Person.id)
        .outerjoin(Department, Department.id == Person.department_id)
        .where(Person.active.is_(True))
        .order_by(Person.username, PersonRole.role)
    )
    if username is not None:
        query = query.where(Person.username == username)
    with store.session() as session:
        rows = session.execute(query).all()
    roles: dict[int, set[str]] = {}
    for r in rows:
        roles.setdefault(r.id, set()).update([r.role] if r.role else [])
    seen: dict[int, PersonRow] = {}
    for r in rows:
        seen.setdefault(r.id, PersonRow(r.id, r.username, r.name, frozenset(roles[r.id]), r.department))
    return list(seen.values())


def offered_actions(store: Store, username: str) -> list[Offer]:
    """The workflow actions this person may take in some state, in the workflow's order."""
    with store.session() as session:
        roles = store.actor(session, username).roles
        return [Offer(a, reason) for a, reason in store.workflow(session).offered(roles)]
