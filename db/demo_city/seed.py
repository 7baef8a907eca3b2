"""Writing the demo city into a store: everything in one transaction, with multi-row INSERTs.

A store that already has an org tree is refused unless the caller asks to replace it, so demo rows never
mix silently with a site's real ones. On PostgreSQL the per-row change feed stays quiet during the load
and listeners get one "reload everything" notice at commit.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from gridwatch.db.deadlines import Limit, due_at
from gridwatch.db.demo_city import devices as device_maker
from gridwatch.db.demo_city import people as people_maker
from gridwatch.db.demo_city.cases import CaseMaker, DemoCase
from gridwatch.db.demo_city.territory import Territory, build_territory
from gridwatch.db.errors import StoreError
from gridwatch.db.history import ImportContext
from gridwatch.db.imports.bulk import announce_reload, quiet_feed
from gridwatch.db.imports.cases import import_case_rows, parse_case_row
from gridwatch.db.lifecycle import Rules
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
    RoutingRule,
)
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store

DEMO_TABLES: tuple[type[Base], ...] = (
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
"""What `replace` empties, children first: everything but the reference data (categories, rules …)."""

PATROL_POINTS = 50


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
    import_errors: list[str] = field(default_factory=list)


def seed_demo(
    store: Store, *, cases: int = 3000, seed: int = 1, now: datetime | None = None, replace: bool = False
) -> DemoSummary:
    """Build the demo district for `seed` and write it (and `cases` cases up to `now`) in one transaction."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    territory = build_territory(seed)
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
        _Writer(session, store.rules(session), territory, seed, now).write(cases, summary)
        announce_reload(session, "*")
        summary.counts = table_counts(session)
    summary.seconds = time.perf_counter() - started
    return summary


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table the demo fills, parents first: what a summary prints."""
    return {
        t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
        for t in reversed(DEMO_TABLES)
    }


def has_territory(session: Session) -> bool:
    return session.scalar(select(OrgUnit.id).limit(1)) is not None


def _empty(session: Session) -> None:
    """Delete what a previous demo (or site) left.

    TRUNCATE on PostgreSQL: the audit trail's trigger refuses DELETE, and TRUNCATE is the admin's way out.
    """
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(t.__tablename__ for t in DEMO_TABLES)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        return
    session.execute(update(Device).values(speaker_id=None))
    for table in DEMO_TABLES:
        session.execute(delete(table))


class _Writer:
    """Inserts the demo in dependency order, turning codes and usernames into the ids the store gave."""

    def __init__(
        self, session: Session, rules: Rules, territory: Territory, seed: int, now: datetime
    ) -> None:
        self.session = session
        self.rules = rules
        self.territory = territory
        self.seed = seed
        self.now = now
        self.unit_ids: dict[str, int] = {}
        self.department_ids: dict[str, int] = {}
        self.person_ids: dict[str, int] = {}
        self.device_ids: dict[str, int] = {}

    def _insert(
        self, model: type[Base], rows: list[dict[str, Any]], key: str | None = None
    ) -> dict[str, int]:
        """Insert rows; with `key`, return {row[key]: new id} in the rows' order."""
        if not rows:
            return {}
        if key is None:
            self.session.execute(insert(model), rows)
            return {}
        ids = (
            self.session.execute(
                insert(model).returning(model.id, sort_by_parameter_order=True),  # type: ignore[attr-defined]
                rows,
            )
            .scalars()
            .all()
        )
        return {row[key]: i for row, i in zip(rows, ids, strict=True)}

    def write(self, n_cases: int, summary: DemoSummary) -> None:
        self._territory()
        rules = self._organisation()
        devices, components = self._devices()
        self._cases(n_cases, devices, components, rules, summary)

    def _territory(self) -> None:
        for level in ("district", "street", "community", "grid"):
            rows = [
                {
                    "code": u.code,
                    "name": u.name,
                    "level": u.level,
                    "geom": u.geom,
                    "updated_at": self.now,
                    "parent_id": self.unit_ids.get(u.parent_code or ""),
                    "attrs": {"demo": self.seed},
                }
                for u in self.territory.units
                if u.level == level
            ]
            self.unit_ids.update(self._insert(OrgUnit, rows, "code"))

    def _organisation(self) -> list[people_maker.RuleSpec]:
        rng = np.random.default_rng([self.seed, 2])
        depts = people_maker.departments(self.territory)
        self.department_ids = self._insert(
            Department,
            [
                {
                    "code": d.code,
                    "name": d.name,
                    "level": d.level,
                    "phone": d.phone,
                    "updated_at": self.now,
                    "org_unit_id": self.unit_ids.get(d.street_code or ""),
                }
                for d in depts
            ],
            "code",
        )
        rules = people_maker.routing_rules(self.territory)
        self._insert(
            RoutingRule,
            [
                {
                    "position": i,
                    "area_code": r.area_code,
                    "category_code": r.category_code,
                    "department_id": self.department_ids[r.department_code],
                }
                for i, r in enumerate(rules, start=1)
            ],
        )
        staff = people_maker.staff(rng, self.territory, depts)
        # The built-in people (admin, system) exist already: the demo only adds the roles they lack.
        self.person_ids = dict(self.session.execute(select(Person.username, Person.id)).tuples().all())
        held = set(self.session.execute(select(PersonRole.person_id, PersonRole.role)).tuples().all())
        self.person_ids.update(
            self._insert(
                Person,
                [
                    {
                        "username": s.username,
                        "name": s.name,
                        "phone": s.phone,
                        "on_duty": s.on_duty,
                        "active": True,
                        "department_id": self.department_ids.get(s.department_code or ""),
                        "updated_at": self.now,
                    }
                    for s in staff
                    if s.username not in self.person_ids
                ],
                "username",
            )
        )
        self._insert(
            PersonRole,
            [
                {"person_id": self.person_ids[s.username], "role": r}
                for s in staff
                for r in s.roles
                if (self.person_ids[s.username], r) not in held
            ],
        )
        workers = [s for s in staff if s.grid_code]
        since = (self.now - timedelta(days=400)).date().replace(day=1)
        self._insert(
            GridAssignment,
            [
                {
                    "person_id": self.person_ids[s.username],
                    "grid_id": self.unit_ids[s.grid_code or ""],
                    "since": since,
                }
                for s in workers
            ],
        )
        grid_geoms = {g.code: g.geom for g in self.territory.grids}
        track_rng = np.random.default_rng([self.seed, 5])
        self._insert(
            Position,
            [
                {"person_id": self.person_ids[s.username], "at": at, "lon": lon, "lat": lat}
                for s in workers
                for at, lon, lat in people_maker.patrol_track(
                    track_rng, grid_geoms[s.grid_code or ""], self.now, PATROL_POINTS
                )
            ],
        )
        return rules

    def _devices(self) -> tuple[list[device_maker.DeviceSpec], list[device_maker.ComponentSpec]]:
        rng = np.random.default_rng([self.seed, 3])
        placer = device_maker.Placer(self.territory)
        speakers = device_maker.loudspeakers(rng, self.territory, placer)
        cams = device_maker.cameras(rng, self.territory, placer, speakers)
        sensors = device_maker.sensors(rng, placer)
        for group in (speakers, cams, sensors):
            self.device_ids.update(self._insert(Device, [self._device_row(d) for d in group], "code"))
        components = device_maker.components(rng, placer)
        self._insert(
            Component,
            [
                {
                    "code": c.code,
                    "category_code": c.category_code,
                    "lon": c.lon,
                    "lat": c.lat,
                    "grid_id": self.unit_ids[c.grid_code],
                    "status": c.status,
                }
                for c in components
            ],
        )
        return [*speakers, *cams, *sensors], components

    def _device_row(self, d: device_maker.DeviceSpec) -> dict[str, Any]:
        return {
            "code": d.code,
            "kind": d.kind,
            "subtype": d.subtype,
            "name": d.name,
            "lon": d.lon,
            "lat": d.lat,
            "grid_id": self.unit_ids[d.grid_code],
            "online": d.online,
            "stream_url": d.stream_url,
            "address": d.address,
            "protocol": d.protocol,
            "heading": d.heading,
            "speaker_id": self.device_ids.get(d.speaker_code or ""),
            "priority_group": d.priority_group,
            "attrs": d.attrs,
            "version": 1,
            "updated_at": self.now,
        }

    def _cases(
        self,
        n: int,
        devices: list[device_maker.DeviceSpec],
        components: list[device_maker.ComponentSpec],
        rules: list[people_maker.RuleSpec],
        summary: DemoSummary,
    ) -> None:
        maker = CaseMaker(
            self.seed,
            self.territory,
            devices,
            components,
            rules,
            self.rules.calendar,
            list(self.rules.deadline_rules),
        )
        made = maker.make(n, self.now)
        parsed = [parse_case_row(line, c.row, self.rules.calendar.tz) for line, c in enumerate(made, start=2)]
        ctx = ImportContext.load(self.session, self.rules, self.now)
        report = import_case_rows(self.session, parsed, ctx)
        summary.import_errors = [f"line {e.line}: {e.reason}" for e in report.errors]
        if report.errors:
            raise StoreError(
                "The demo's own case rows did not import: " + "; ".join(summary.import_errors[:5])
            )
        self._enrich(made)

    def _enrich(self, made: list[DemoCase]) -> None:
        """What the interchange file has no column for: reporter, device, reworks, extensions, suspensions."""
        ids = dict(
            self.session.execute(
                select(Case.case_no, Case.id).where(Case.case_no.in_([c.row["case_no"] for c in made]))
            )
            .tuples()
            .all()
        )
        grid_worker = {g.code: self.person_ids[f"gw{g.code[6:]}"] for g in self.territory.grids}
        updates, events = [], []
        for case in made:
            case_id = ids[case.row["case_no"]]
            values: dict[str, Any] = {"id": case_id}
            if case.device_code:
                values["device_id"] = self.device_ids[case.device_code]
            if case.row["source"] == "grid_worker" and case.grid_code:
                values["reporter_id"] = grid_worker[case.grid_code]
            extra, history = self._history(case)
            values.update(extra)
            events += [{**e, "case_id": case_id} for e in history]
            if len(values) > 1:
                updates.append(values)
        for keys in sorted({tuple(sorted(u)) for u in updates}):  # one executemany per column set
            self.session.execute(update(Case), [u for u in updates if tuple(sorted(u)) == keys])
        if events:
            self._insert(CaseEvent, events)

    def _history(self, case: DemoCase) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Counters, deadline and events for the reworks, extensions and finished suspensions a case had."""
        kept = case.kept
        actions = [s.action for s in kept]
        reworks = actions.count("check_fail")
        extended = "approve_extension" in actions
        pauses = [
            (a.at, b.at)
            for a, b in itertools.pairwise(kept)
            if a.action == "approve_suspend" and b.action == "resume"
        ]
        if not (reworks or extended or pauses):
            return {}, []
        life = case.life
        assert life.limit is not None
        cal = self.rules.calendar
        dispatched = next(s.at for s in kept if s.action == "dispatch")
        extensions = [Limit(life.extension_hours, "working_hours")] if extended else []
        deadline = due_at(cal, dispatched, life.limit, extensions, pauses)
        values: dict[str, Any] = {
            "rework_count": reworks,
            "deadline_at": deadline,
            "extension_count": int(extended),
            "extension_seconds": life.extension_hours * 3600.0 * extended,
            "suspended_seconds": sum(cal.working_seconds(a, b) for a, b in pauses),
        }
        if kept[-1].to_state == "closed":
            values["close_type"] = "overdue" if kept[-1].at > deadline else "normal"
        states = ["reported", *(s.to_state for s in kept)]
        events = [
            {
                "action": s.action,
                "from_state": states[k],
                "to_state": s.to_state,
                "at": s.at,
                "actor_id": None,
                "role": None,
                "note": _NOTES.get(s.action),
                "data": {"demo": True},
            }
            for k, s in enumerate(kept)
            if s.action in ("check_fail", "approve_extension", "resume")
            or (s.action == "approve_suspend" and k < len(kept) - 1)
        ]
        return values, events


_NOTES = {
    "check_fail": "核查未通过，返工",
    "approve_extension": "同意延期",
    "approve_suspend": "同意挂账",
    "resume": "恢复处置",
}
