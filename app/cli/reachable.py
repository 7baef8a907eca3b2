"""Window commands check the store before Qt starts: an unreachable one ends them with exit code 3, the
same message and code as every other command (README), instead of a window's error box and exit code 1."""

from __future__ import annotations

from gridwatch.cli.root import open_store


def require_reachable(db: str | None) -> None:
    """Connect once to the store `db` names; exit 3 if it cannot be reached, 1 if it refuses."""
    with open_store(db) as store, store.session() as session:
        session.connection()  # a session connects lazily: make it connect now
