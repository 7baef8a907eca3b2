"""People's sign-ins: who may open a desk, with which roles, and how a desk signs in.

On PostgreSQL every person who uses a desk or the CLI is a LOGIN role of the same name, member of one
group role per gridwatch role (`gridwatch_dispatcher` …), with a SCRAM password; the database's own
functions (migration 0004) create, re-password and disable them, for admins only (docs/SECURITY.md).
The `people` row and its roles say the same for the desk's Python checks and for SQLite, where one
workstation has no passwords: the person is chosen, not authenticated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from gridwatch.db.engine import StoreUnavailable
from gridwatch.db.errors import Forbidden, InvalidInput, NotFound, SignInFailed, StoreError
from gridwatch.db.missing import no_department
from gridwatch.db.models import Department, GridAssignment, OrgUnit, Person, PersonRole
from gridwatch.db.seeds import ROLES
from gridwatch.db.store import Store

USERNAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
"""A PostgreSQL role name that needs no quoting: the same rule as the database's gw_login_check."""
MIN_PASSWORD = 8
SCRAM = re.compile(r"SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+")


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    roles: tuple[str, ...]
    department: str | None
    grids: tuple[str, ...]
    active: bool


def check_username(username: str) -> None:
    if not USERNAME.fullmatch(username):
        raise InvalidInput(
            f"User name '{username}': use lower-case letters, digits and _ (a letter or _ first, 63 at most)."
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password has at least {MIN_PASSWORD} characters.")


def _require_admin(store: Store, session: Session, actor: str) -> None:
    roles = store.actor(session, actor).roles
    if not roles & {"admin", "system"}:
        raise Forbidden(f"Managing users needs the role admin; '{actor}' holds {', '.join(sorted(roles))}.")


def _verifier(session: Session, username: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier libpq makes (PQencryptPasswordConn): the password never travels in clear
    and never lands in the server's statement log."""
    pgconn = session.connection().connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    return bytes(pgconn.encrypt_password(password.encode(), username.encode(), b"scram-sha-256")).decode()


def add_user(
    store: Store,
    *,
    actor: str,
    username: str,
    name: str,
    roles: Sequence[str],
    password: str | None = None,
    department: str | None = None,
    grids: Sequence[str] = (),
    org_unit: str | None = None,
) -> Account:
    """A person with their roles (and on PostgreSQL their sign-in), in one transaction."""
    check_username(username)
    unknown = sorted(set(roles) - set(ROLES))
    if not roles or unknown:
        raise InvalidInput(f"Unknown role {', '.join(unknown) or '(none given)'}. Roles: {', '.join(ROLES)}.")
    if store.is_postgres:
        if password is None:
            raise InvalidInput("On PostgreSQL a user needs a password (--password-stdin, or the prompt).")
        check_password(password)
    with store.session() as session:
        _require_admin(store, session, actor)
        if session.scalar(select(Person.id).where(Person.username == username)) is not None:
            raise InvalidInput(f"A person with the user name '{username}' exists already.")
        person = Person(
            username=username,
            name=name,
            department_id=_department_id(session, department),
            org_unit_id=_org_unit_ids(session, [org_unit])[0] if org_unit else None,
            updated_at=datetime.now(UTC),
            roles=[PersonRole(role=r) for r in dict.fromkeys(roles)],
        )
        session.add(person)
        session.flush()
        since = datetime.now(UTC).date()
        for grid_id in _org_unit_ids(session, grids, level="grid"):
            session.add(GridAssignment(person_id=person.id, grid_id=grid_id, since=since))
        if store.is_postgres and password is not None:
            session.execute(
                text("SELECT gw_login_create(:u, :v, :r)"),
                {"u": username, "v": _verifier(session, username, password), "r": list(dict.fromkeys(roles))},
            )
    return _accounts(store, username)[0]


def set_password(store: Store, *, actor: str, username: str, password: str) -> None:
    _on_postgres(store, "passwords")
    check_password(password)
    with store.session() as session:
        if username != store.whoami():  # a person may always change their own password
            _require_admin(store, session, actor)
        store.person(session, username)
        if username == store.whoami():
            verifier = _verifier(session, username, password)
            if not SCRAM.fullmatch(verifier):
                raise StoreError("libpq made no SCRAM verifier: the password was not changed.")
            session.connection().exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")
        else:
            session.execute(
                text("SELECT gw_login_alter(:u, :v, NULL)"),
                {"u": username, "v": _verifier(session, username, password)},
            )


def disable_user(store: Store, *, actor: str, username: str) -> None:
    """The person can no longer sign in or act; their history stays, with their name on it."""
    with store.session() as session:
        _require_admin(store, session, actor)
        person = store.person(session, username)
        person.active = False
        person.updated_at = datetime.now(UTC)
        if store.is_postgres:
            session.execute(text("SELECT gw_login_alter(:u, NULL, false)"), {"u": username})
    store.forget_actor(username)


def list_users(store: Store) -> list[Account]:
    return _accounts(store, None)


def _accounts(store: Store, username: str | None) -> list[Account]:
    with store.session() as session:
        query = select(Person).order_by(Person.username)
        if username is not None:
            query = query.where(Person.username == username)
        people = session.scalars(query).all()
        departments = dict(session.execute(select(Department.id, Department.code)).all())
        grids: dict[int, list[str]] = {}
        for person_id, code in session.execute(
            select(GridAssignment.person_id, OrgUnit.code)
            .join(OrgUnit, OrgUnit.id == GridAssignment.grid_id)
            .order_by(OrgUnit.code)
        ):
            grids.setdefault(person_id, []).append(code)
        return [
            Account(
                p.username,
                p.name,
                tuple(sorted(r.role for r in p.roles)),
                departments.get(p.department_id) if p.department_id else None,
                tuple(grids.get(p.id, ())),
                p.active,
            )
            for p in people
        ]


def _on_postgres(store: Store, what: str) -> None:
    if not store.is_postgres:
        raise InvalidInput(
            f"An SQLite store is one workstation's and has no {what}: the person is chosen at start. "
            "Sign-ins with passwords need the shared PostgreSQL store."
        )


def _department_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    found = session.scalar(select(Department.id).where(Department.code == code))
    if found is None:
        raise no_department(session, code)
    return int(found)


def _org_unit_ids(session: Session, codes: Sequence[str | None], level: str | None = None) -> list[int]:
    wanted = [c for c in codes if c]
    query = select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(wanted))
    if level is not None:
        query = query.where(OrgUnit.level == level)
    found = dict(session.execute(query).all())
    missing = [c for c in wanted if c not in found]
    if missing:
        raise NotFound(f"No {level or 'org unit'} with code {', '.join(missing)}.")
    return [found[c] for c in wanted]


def sign_in(url: str, username: str, password: str) -> Store:
    """A store handle signed in as `username`: the connection is that person's own database role."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        raise InvalidInput("Sign-in with a password is for the shared PostgreSQL store.")
    store = Store(target.set(username=username, password=password).render_as_string(hide_password=False))
    try:
        if store.whoami() is None:
            raise SignInFailed(
                f"'{username}' is the store's owner account, not a person: sign in as yourself.",
                "not_a_person",
            )
        with store.session() as session:
            store.actor(session, username)
    except NotFound as exc:
        store.dispose()
        raise SignInFailed(
            f"'{username}' signs in to the database but is no active person of this store.", "not_a_person"
        ) from exc
    except (StoreError, StoreUnavailable):
        store.dispose()
        raise
    return store
