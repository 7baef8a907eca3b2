"""Writing the demo city into a store: everything in one transaction, with multi-row INSERTs.

A store that already has an org tree is refused unless the caller asks to replace it, so demo rows never
mix silently with a site's real ones. On PostgreSQL the per-row change feed stays quiet during the load
and listeners get one "reload everything" notice at commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from gridwatch.db.demo_city.levels import LevelsDemo, seed_levels
from gridwatch.db.demo_city.plan import plan_demo
from gridwatch.db.demo_city.writer import DemoWriter
from gridwatch.db.errors import StoreError
from gridwatch.db.imports.bulk import announce_reload, quiet_feed
from gridwatch.db.models import (
    Attachment,
    Base,
    Case,
    CaseEvent,
    CheckIn,
    Component,
    Department,
    Device,
    GridAssignment,
    OrgUnit,
    Person,
    PersonRole,
    Position,
    Rating,
    RoutingRule,
)
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store

DEMO_TABLES: tuple[type[Base], ...] = (
    Rating,
    Attachment,
    CaseEvent,
    Case,
    CheckIn,
    Position,
    GridAssignment,
    PersonRole,
    RoutingRule,
    Component,
    Device,
    Person,
    Department,
    OrgUnit,
)
"""The tables the demo fills, parents last (the summary prints them reversed)."""
REFERENCE_TABLES = frozenset(
    {"categories", "transitions", "deadline_rules", "settings", "calendar_days", "alembic_version"}
)
"""What `replace` keeps: the rules a site configured; everything else is emptied."""


class StoreNotEmpty(StoreError):
    """The store already holds an org tree; seeding would mix demo rows with it."""


@dataclass
class DemoSummary:
    """What `seed_demo` wrote, and where."""

    location: str
    seed: int
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    levels: LevelsDemo | None = None  # the centers and the cases travelling them (docs/LEVELS.md)


def seed_demo(
    store: Store,
    *,
    cases: int = 3000,
    seed: int = 1,
    now: datetime | None = None,
    replace: bool = False,
    progress: Callable[[str], None] = lambda step: None,
    levels: bool = False,
) -> DemoSummary:
    """Build the demo district for `seed` and write it (and `cases` cases up to `now`) in one transaction.

    `progress` hears each of SEED_STEPS as it is done, for a progress bar. `levels`: then add the centers
    on the org tree and run the cases that travel them (`demo_city.levels`, three cases more).
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    summary = DemoSummary(store.engine.url.render_as_string(hide_password=True), seed, now)
    with store.session() as session:
        existing = session.scalar(select(func.count(OrgUnit.id))) or 0
        if existing and not replace:
            raise StoreNotEmpty(
                f"The store at {summary.location} already has {existing} org units (streets, "
                "communities, grids): the demo is not seeded into it. Use another store (--db), or "
                "--replace to delete its territory, people, devices and cases first."
            )
        if replace:
            _empty(session)
            ensure_reference_data(session)  # the built-in people go with the others; bring them back
        quiet_feed(session)
        rules = store.rules(session)
        plan = plan_demo(seed, cases, now, rules.calendar, list(rules.deadline_rules))
        progress("plan")
        DemoWriter(session, rules, plan).write(progress)
        announce_reload(session, "*")
        summary.counts = table_counts(session)
    if levels:
        summary.levels = seed_levels(store, now)
        with store.session() as session:
            summary.counts = table_counts(session)
    store.refresh_statistics()
    progress("statistics")
    summary.seconds = time.perf_counter() - started
    return summary


SEED_STEPS = ("plan", "territory", "organisation", "people", "devices", "cases", "statistics")


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table the demo fills, parents first: what a summary prints."""
    return {
        t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
        for t in reversed(DEMO_TABLES)
    }


def has_territory(session: Session) -> bool:
    return session.scalar(select(OrgUnit.id).limit(1)) is not None


def _empty(session: Session) -> None:
    """Delete what a previous demo (or site) left: every table but the reference data, children first.

    TRUNCATE … CASCADE on PostgreSQL: the audit trail's trigger refuses DELETE, and rows of tables added
    later (talk records, say) that hang on cases or people go with them.
    """
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
        return
    for table in tables:
        session.execute(delete(table))
