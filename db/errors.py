"""Errors the store raises, each with a message a dispatcher can act on."""

from __future__ import annotations

from datetime import datetime, tzinfo


class StoreError(Exception):
    """Base of every error the store reports to a user."""


class NotFound(StoreError):
    """An unknown case number, person, department, category or device code."""


class InvalidAction(StoreError):
    """The action is not allowed from the case's current state."""

    def __init__(self, case_no: str, action: str, state: str, allowed: list[str]) -> None:
        self.allowed = allowed
        names = ", ".join(allowed) if allowed else "none (the case is finished)"
        super().__init__(
            f"Case {case_no} is '{state}': '{action}' is not possible now. Allowed from '{state}': {names}."
        )


class Forbidden(StoreError):
    """The person does not hold a role that may take this action."""


class SignInFailed(StoreError):
    """Wrong user name or password, a disabled sign-in, or an account that is not a person's.

    `reason` (wrong_password | disabled | not_a_person) lets a desk say it in the user's language."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Refused(StoreError):
    """The database itself refused a change its rules forbid (docs/SECURITY.md): a client that skipped the
    store's checks, or a change outside the workflow."""


class Conflict(StoreError):
    """Someone else changed the case first; nothing was overwritten."""

    def __init__(
        self,
        case_no: str,
        expected: int,
        current: int,
        by: str | None,
        at: datetime | None,
        tz: tzinfo,
    ) -> None:
        """`tz`: the site's zone (the store's calendar), so every desk reads the same wall-clock time."""
        self.case_no, self.expected, self.current, self.by, self.at = case_no, expected, current, by, at
        when = at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if at else "an unknown time"
        super().__init__(
            f"Case {case_no} was changed by {by or 'another user'} at {when} (version {current}, you had "
            f"version {expected}). Your change was not saved: reload the case and apply it again."
        )


class InvalidInput(StoreError):
    """A value out of range or missing: coordinates, times out of order, a missing reason."""
