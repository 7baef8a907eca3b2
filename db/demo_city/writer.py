"""Inserting a `DemoPlan`: parents first, multi-row INSERTs, codes and usernames turned into ids.

Case rows are planned by the work-order import (`plan_case`), the path real history takes, so imported
and demo cases get their deadlines from the same code; each case's trail is its planned steps through
the store's transitions, with the person who took each (`trail`). What the interchange file has no
column for (reporter, device, reworks, extensions, suspensions, a pending request) is added afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gridwatch.db.deadlines import Limit, due_at
from gridwatch.db.demo_city.cases import DemoCase
from gridwatch.db.demo_city.devices import DeviceSpec
from gridwatch.db.demo_city.plan import DemoPlan
from gridwatch.db.demo_city.ratings import RATED_SHARE, RATED_SOURCES, pick_rating
from gridwatch.db.demo_city.trail import Crew, trail
from gridwatch.db.errors import StoreError
from gridwatch.db.field import check_rating, clock_status
from gridwatch.db.history import ImportContext, plan_case
from gridwatch.db.imports.cases import parse_case_row
from gridwatch.db.imports.report import RowProblem
from gridwatch.db.lifecycle import HOUR, Rules
from gridwatch.db.models import (
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
from gridwatch.db.queries import HANDLING_STEPS

ATTENDANCE_DAYS = 30
"""Days of clock records the demo's grid workers have (today included), for the personnel layer and the
evaluation's attendance."""
LATE_SHARE, ABSENT_SHARE, EARLY_SHARE = 0.1, 0.04, 0.05


class DemoWriter:
    def __init__(self, session: Session, rules: Rules, plan: DemoPlan) -> None:
        self.session = session
        self.rules = rules
        self.plan = plan
        self.now = plan.now
        self.unit_ids: dict[str, int] = {}
        self.department_ids: dict[str, int] = {}
        self.person_ids: dict[str, int] = {}
        self.device_ids: dict[str, int] = {}

    def write(self, progress: Callable[[str], None] = lambda step: None) -> None:
        """Write every table, parents first; `progress` hears the name of each step as it is done."""
        for name, step in (
            ("territory", self._territory),
            ("organisation", self._organisation),
            ("people", self._people),
            ("devices", self._devices),
            ("cases", self._cases),
        ):
            step()
            progress(name)

    def _insert(
        self, model: type[Base], rows: list[dict[str, Any]], key: str | None = None
    ) -> dict[str, int]:
        """Insert rows; with `key`, return {row[key]: new id} in the rows' order."""
        if not rows:
            return {}
        if key is None:
            self.session.execute(insert(model), rows)
            return {}
        returning = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
        ids = self.session.execute(returning, rows).scalars().all()
        return {row[key]: i for row, i in zip(rows, ids, strict=True)}

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
                    "attrs": {"demo": self.plan.seed},
                }
                for u in self.plan.territory.units
                if u.level == level
            ]
            self.unit_ids.update(self._insert(OrgUnit, rows, "code"))

    def _organisation(self) -> None:
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
                for d in self.plan.departments
            ],
            "code",
        )
        self._insert(
            RoutingRule,
            [
                {
                    "position": i,
                    "area_code": r.area_code,
                    "category_code": r.category_code,
                    "department_id": self.department_ids[r.department_code],
                }
                for i, r in enumerate(self.plan.routing, start=1)
            ],
        )

    def _people(self) -> None:
        staff = self.plan.staff
        # The built-in people (admin, system) exist already: the demo only adds the roles they lack.
        self.person_ids = {u: i for u, i in self.session.execute(select(Person.username, Person.id))}
        held = {(p, r) for p, r in self.session.execute(select(PersonRole.person_id, PersonRole.role))}
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
        since = (self.now - timedelta(days=400)).date().replace(day=1)
        self._insert(
            GridAssignment,
            [
                {
                    "person_id": self.person_ids[s.username],
                    "grid_id": self.unit_ids[s.grid_code],
                    "since": since,
                }
                for s in staff
                if s.grid_code
            ],
        )
        self._insert(
            Position,
            [
                {"person_id": self.person_ids[user], "at": at, "lon": lon, "lat": lat}
                for user, track in self.plan.tracks.items()
                for at, lon, lat in track
            ],
        )
        self._check_ins()

    def _check_ins(self) -> None:
        """A month of 打卡 for every grid worker, at the start of today's patrol, judged by the API's own
        rule (`clock_status`): most on time, some late, a few early leaves and absences; today's only up
        to `now`. A separate generator stream, so the rest of the demo does not move."""
        cal = self.rules.calendar
        rng = np.random.default_rng([self.plan.seed, 6])
        (start, _), (_, end) = cal.periods[0], cal.periods[-1]
        today = self.now.astimezone(cal.tz).date()
        days = [today - timedelta(days=n) for n in range(ATTENDANCE_DAYS - 1, -1, -1)]
        rows = []
        for s in self.plan.staff:
            track = self.plan.tracks.get(s.username)
            if not s.grid_code or not track:
                continue
            _, lon, lat = track[0]
            for day in days:
                draw = rng.random(4)
                if not cal.is_workday(day) or draw[0] < ABSENT_SHARE:
                    continue
                midnight = datetime.combine(day, datetime.min.time(), cal.tz)
                late = draw[1] < LATE_SHARE
                on = start + (60 + draw[2] * 40 * 60 if late else -(5 + draw[2] * 20) * 60)
                early = draw[3] < EARLY_SHARE
                off = end + (-(10 + draw[2] * 50) * 60 if early else (draw[3] * 20) * 60)
                for kind, second in (("on", on), ("off", off)):
                    at = midnight + timedelta(seconds=round(second))
                    if at > self.now:
                        break
                    rows.append(
                        {
                            "person_id": self.person_ids[s.username],
                            "grid_id": self.unit_ids[s.grid_code],
                            "kind": kind,
                            "at": at,
                            "lon": lon,
                            "lat": lat,
                            "status": clock_status(cal, kind, at, inside=True),
                        }
                    )
        self._insert(CheckIn, rows)

    def _devices(self) -> None:
        for kind in ("loudspeaker", "camera", "sensor"):  # a camera's loudspeaker must have its id first
            rows = [self._device_row(d) for d in self.plan.devices if d.kind == kind]
            self.device_ids.update(self._insert(Device, rows, "code"))
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
                for c in self.plan.components
            ],
        )

    def _device_row(self, d: DeviceSpec) -> dict[str, Any]:
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

    def _cases(self) -> None:
        """Case rows as the work-order import plans them (`plan_case`, the path real history takes), and
        each case's trail from its planned steps, through the store's transitions, with actors
        (`trail`): not the import's milestone trail, which has no actors and no requests."""
        made = self.plan.cases
        tz = self.rules.calendar.tz
        ctx = ImportContext.load(self.session, self.rules, self.now)
        parsed = [parse_case_row(line, c.row, tz) for line, c in enumerate(made, start=2)]
        values = []
        for row, place in zip(parsed, ctx.places(parsed), strict=True):
            try:
                plan = plan_case(row, ctx, place)
            except (RowProblem, StoreError) as exc:
                raise StoreError(f"The demo's own case row {row.case_no} is not possible: {exc}") from None
            values.append({**plan.values, "version": 1, "updated_at": self.now})
        ids: dict[str, int] = {}
        for start in range(0, len(values), 5_000):  # PostgreSQL takes at most 65,535 parameters a query
            ids.update(self._insert(Case, values[start : start + 5_000], "case_no"))
        self._enrich(made, ids)

    def _enrich(self, made: list[DemoCase], ids: dict[str, int]) -> None:
        """The trail of every case, and what the interchange file has no column for: reporter, device,
        version, reworks, extensions, suspensions, a pending request."""
        crew = Crew(self.plan.staff, self.person_ids)
        updates, events = [], []
        reporters: dict[str, int] = {}
        for n, case in enumerate(made):
            case_id = ids[case.row["case_no"]]
            done = trail(
                n,
                case.row["case_no"],
                case.row["source"],
                case.row.get("department_code"),
                case.grid_code,
                case.kept,
                crew,
                case.life.extension_hours,
            )
            reporters[case.row["case_no"]] = done.reporter
            values: dict[str, Any] = {
                "id": case_id,
                "reporter_id": done.reporter,
                "updated_by_id": done.last_actor,
                "version": len(done.events),
                "last_action": case.kept[-1].action,
                "pending_request": done.pending,
            }
            if case.device_code:
                values["device_id"] = self.device_ids[case.device_code]
            values.update(self._clock(case))
            events += [{**e, "case_id": case_id} for e in done.events]
            updates.append(values)
        for keys in sorted({tuple(sorted(u)) for u in updates}):  # one executemany per column set
            self.session.execute(update(Case), [u for u in updates if tuple(sorted(u)) == keys])
        for start in range(0, len(events), 5_000):
            self._insert(CaseEvent, events[start : start + 5_000])
        self._ratings(made, ids, reporters)

    def _ratings(self, made: list[DemoCase], ids: dict[str, int], reporters: dict[str, int]) -> None:
        """The reporters' ratings of closed citizen and hotline cases (满意 / 基本满意 / 不满意 with a
        comment), some hours after closing and never after `now`; each checked by the rule `field.rate`
        applies (`check_rating`). A separate generator stream, so the cases themselves do not move."""
        rng = np.random.default_rng([self.plan.seed, 7])
        rows = []
        for case in made:
            last = case.kept[-1]
            if case.row["source"] not in RATED_SOURCES or last.to_state != "closed":
                continue
            answered, which, delay, pick = rng.random(4)
            rated_at = last.at + timedelta(hours=2 + delay * 70)
            if answered >= RATED_SHARE or rated_at > self.now:
                continue
            rating, comment = pick_rating(which, pick)
            case_no = case.row["case_no"]
            reporter = reporters[case_no]
            check_rating(case_no, last.to_state, reporter, reporter, rating)
            rows.append(
                {
                    "case_id": ids[case_no],
                    "rating": rating,
                    "comment": comment,
                    "rated_at": rated_at,
                    "rated_by_id": reporter,
                }
            )
        self._insert(Rating, rows)

    def _clock(self, case: DemoCase) -> dict[str, Any]:
        """Counters and deadline for the reworks, extensions and finished suspensions a case had."""
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
            return {}
        limit = case.life.limit
        assert limit is not None  # only dispatched cases rework, extend or pause
        cal = self.rules.calendar
        dispatched = next(s.at for s in kept if s.action == "dispatch")
        hours = case.life.extension_hours if extended else 0.0
        deadline = due_at(cal, dispatched, limit, [Limit(hours, "working_hours")] if hours else [], pauses)
        values: dict[str, Any] = {
            "rework_count": reworks,
            "deadline_at": deadline,
            "extension_count": int(extended),
            "extension_seconds": hours * HOUR,
            "suspended_seconds": sum(cal.working_seconds(a, b) for a, b in pauses),
        }
        if kept[-1].to_state == "closed":
            values["close_type"] = "overdue" if kept[-1].at > deadline else "normal"
        if kept[-1].to_state in HANDLING_STEPS:  # the step runs on the moved deadline (docs/DEADLINES.md)
            values["stage_due_at"] = deadline
        return values
