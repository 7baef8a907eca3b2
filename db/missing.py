"""The errors for a name that does not exist (a department code, a username) list the names that do, so a
typo is fixed from the message itself (docs/ARCHITECTURE.md: errors are messages a user can act on)."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.errors import NotFound
from gridwatch.db.models import Department, Person

LISTED = 20
"""Up to this many valid names are listed in full; beyond it, the closest ones and where to see them all."""


def _listing(wanted: str, valid: list[str], kind: str, list_command: str | None) -> str:
    if not valid:
        return f"There are no {kind} yet."
    if list_command is None or len(valid) <= LISTED:
        return f"{kind.capitalize()}: {', '.join(valid)}."
    close = difflib.get_close_matches(wanted, valid, n=5, cutoff=0.5)
    nearest = f"Closest: {', '.join(close)}. " if close else ""
    return f"{nearest}{len(valid)} {kind}, e.g. {', '.join(valid[:5])}; all of them: {list_command}."


def no_department(session: Session, code: str) -> NotFound:
    """The error for an unknown department code, naming the codes there are."""
    codes = list(session.scalars(select(Department.code).order_by(Department.code)))
    return NotFound(f"No department with code '{code}'. {_listing(code, codes, 'departments', None)}")


def no_person(session: Session, username: str) -> NotFound:
    """The error for an unknown or disabled username, naming the active ones closest to it."""
    names = list(session.scalars(select(Person.username).where(Person.active).order_by(Person.username)))
    listing = _listing(username, names, "active users", "gridwatch user list")
    return NotFound(f"No active person with username '{username}'. {listing}")
