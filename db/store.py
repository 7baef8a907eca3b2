"""The store API: the one way any client (desktop, CLI, intake services) reads and writes the case store.

Writers go through `report`, `act` and `attach`, which check the workflow and the person's roles, stamp
the event trail, recompute deadlines and bump the case version (optimistic locking).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import time as clock
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import (
    BindParameter,
    Boolean,
    Engine,
    Float,
    Integer,
    TextClause,
    bindparam,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TextualSelect

from gridwatch.db import engine as engines
from gridwatch.db.calendar import DEFAULT_WORK_PERIODS, WorkingCalendar
from gridwatch.db.config import resolve_url
from gridwatch.db.deadlines import DeadlineRule, Limit
from gridwatch.db.errors import Conflict, Forbidden, NotFound, Refused, SignInFailed, StoreError
from gridwatch.db.levels import HELD_ACTIONS, check_hop, feasible
from gridwatch.db.lifecycle import (
    HOUR,
    RECOMPUTE_DEADLINE,
    ActionInput,
    Rules,
    apply_step,
    conflict_for,
    running_deadline,
)
from gridwatch.db.missing import no_person
from gridwatch.db.models import (
    Attachment,
    CalendarDay,
    Case,
    CaseEvent,
    Category,
    DeadlineRuleRow,
    Person,
    PersonRole,
    Setting,
)
from gridwatch.db.routing import GridLocator, suggest_department
from gridwatch.db.validation import MAX_ATTACHMENT_BYTES as MAX_ATTACHMENT_BYTES
from gridwatch.db.validation import DateWindow, check_attachment, check_point, check_report
from gridwatch.db.workflow import Step, Workflow

P = ParamSpec("P")
R = TypeVar("R")


RUNNING_STATES = ("dispatched", "handling", "suspended")
"""States in which the handling clock runs towards `deadline_at`."""


REFUSALS = {"42501": Forbidden, "GW001": Refused}
"""SQLSTATEs of the database's own refusals (docs/SECURITY.md): a missing grant or a row-level-security
check (42501), and the case guard (GW001). A client that skipped the Python checks meets these."""


def refused(exc: DBAPIError) -> StoreError:
    """The database's refusal as one line the user can act on."""
    kind = REFUSALS.get(engines.sqlstate(exc) or "", StoreError)
    line = engines.first_line(exc)
    return kind(line if kind is not StoreError else f"The store refused the operation: {line}")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    data: bytes
    kind: str = "before"
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class MovedDeadline:
    """A running deadline a calendar change moved (docs/CALENDAR.md)."""

    case_no: str
    previous: datetime
    deadline: datetime
    estimated: bool  # the new deadline still rests on an estimated year


@dataclass(frozen=True)
class Actor:
    """The person taking an action, as the workflow needs them."""

    id: int
    username: str
    name: str
    roles: frozenset[str]
    department_id: int | None = None
    org_unit_id: int | None = None  # the center (org-tree node) the person works at; None: the top


@dataclass
class _Cached:
    """What a store handle reads once, shared with the handles `Store.acting_as` makes from it."""

    workflow: Workflow | None = None
    rules: Rules | None = None


ACTOR_TTL = 10.0
"""Seconds a person's roles are remembered by one store handle: a revoked role stops working this soon."""


def once_more_if_disconnected(method: Callable[P, R]) -> Callable[P, R]:
    """Run a write again, once, when it failed only because the server had dropped its connection.

    A connection the server closed while it sat in the pool is replaced before use (engine.py, for reads
    and writes alike); this is for one dropped after the write took it. The failed attempt committed
    nothing (its transaction died with the connection), so nothing is lost or doubled; a second failure is
    reported as the store being unreachable.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except engines.StoreUnavailable as exc:
            cause = exc.__cause__
            if isinstance(cause, DBAPIError) and cause.connection_invalidated:
                return method(*args, **kwargs)
            raise

    return wrapper


def with_client_key(method: Callable[P, R]) -> Callable[P, R]:
    """Give a report its client key before the first attempt, so that a retry carries the same one.

    A retry that raced the first attempt and lost on the key's unique constraint (SQLite; PostgreSQL's
    INSERT skips the conflict itself) runs once more and finds the first case by its key."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs.get("client_key") is None:
            kwargs["client_key"] = uuid.uuid4().hex
        try:
            return method(*args, **kwargs)
        except IntegrityError as exc:
            if "client_key" not in str(exc.orig):
                raise
            return method(*args, **kwargs)

    return wrapper


class Store:
    """A handle on one case store (PostgreSQL+PostGIS or an SQLite file)."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = resolve_url(url) if engine is None else engine.url.render_as_string(hide_password=False)
        self.engine = engine or engines.make_engine(self.url)
        self._sessions = engines.session_factory(self.engine)
        self._cached = _Cached()
        self._role: str | None = None  # set by acting_as: every transaction runs as this role
        self.locator = GridLocator()
        self._actors: dict[str, tuple[float, Actor]] = {}
        self._signed_in: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def upgrade(self) -> None:
        engines.upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction, committed on success; an unreachable server is a StoreUnavailable."""
        try:
            with self._sessions() as session, session.begin():
                if self._role is not None:  # transaction-scoped: the pooled connection forgets it at the end
                    session.execute(text("SELECT set_config('role', :role, true)"), {"role": self._role})
                yield session
        except OperationalError as exc:
            refusal = engines.sign_in_refusal(self.engine, exc)
            if refusal is not None:
                raise SignInFailed(refusal[1], refusal[0]) from exc
            if not engines.is_connection_problem(exc):
                raise refused(exc) from exc
            raise engines.StoreUnavailable(engines.describe_unreachable(self.engine, exc)) from exc
        except DBAPIError as exc:
            if engines.sqlstate(exc) in REFUSALS:
                raise refused(exc) from exc
            raise
        except PoolTimeout as exc:
            raise engines.StoreBusy(f"Every connection to the store stayed busy: {exc}") from exc

    def whoami(self, session: Session | None = None) -> str | None:
        """The person this handle is signed in as on PostgreSQL (their login role), or None where the
        caller names the actor: SQLite (one workstation) and the owner's maintenance connection.
        Asked once per handle, in the caller's session if given (one pooled connection, not two)."""
        if self._signed_in is None:
            who = ""
            if self.is_postgres:
                if session is None:
                    with self.session() as own:
                        return self.whoami(own)
                user, owner = session.execute(text("SELECT current_user, gw_is_owner()")).one()
                who = "" if owner else str(user)
            self._signed_in = who
        return self._signed_in or None

    def acting_as(self, username: str) -> Store:
        """This store acting as `username`: for a service that serves many people over one pool (the field
        API, docs/SECURITY.md). It shares the engine, the cached rules and the remembered actors, so it costs
        no connection and may be made per request. On PostgreSQL every transaction starts with
        `set_config('role', username, true)` (SET LOCAL ROLE): the connection must have signed in as a
        member of that role, and the role ends with the transaction, so a pooled connection never carries
        it into the next request; `whoami` says `username`. On SQLite nothing signs in: the caller names
        the actor, as on any SQLite store."""
        handle = copy.copy(self)
        handle._role = username if self.is_postgres else None
        handle._signed_in = username if self.is_postgres else ""
        return handle

    def dispose(self) -> None:
        self.engine.dispose()

    def refresh_statistics(self) -> None:
        """Let the query planner see a bulk load: without statistics SQLite sorts every open case per page.
        On PostgreSQL only this store's schema: a bare ANALYZE walks every schema of the database, and two
        stores loading at once (two districts' imports, two test workers) deadlocked on each other's tables
        and on PostGIS's spatial_ref_sys."""
        with self.engine.begin() as conn:
            if not self.is_postgres:
                conn.exec_driver_sql("ANALYZE")
                return
            mine = text(
                "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                " WHERE schemaname = current_schema() ORDER BY tablename"
            )
            tables = conn.execute(mine).scalars().all()
            if tables:
                conn.exec_driver_sql("ANALYZE " + ", ".join(tables))

    # --- rules ---------------------------------------------------------------------------------------

    def workflow(self, session: Session) -> Workflow:
        if self._cached.workflow is None:
            self._cached.workflow = Workflow.load(session)
        return self._cached.workflow

    def rules(self, session: Session) -> Rules:
        """The site's calendar and deadline rules, read once per store handle (`reload_rules` to refresh)."""
        if self._cached.rules is None:
            settings = {s.key: s.value for s in session.scalars(select(Setting))}
            hours = settings.get("work_hours", {})
            periods = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in hours.get("periods", [])]
            overrides = {d.day: d.is_workday for d in session.scalars(select(CalendarDay))}
            calendar = WorkingCalendar(
                periods or DEFAULT_WORK_PERIODS, overrides, hours.get("tz", "Asia/Shanghai")
            )
            stage = settings.get("stage_limits", {})
            deadline_rules = [
                DeadlineRule(Limit(r.amount, r.unit), r.category_code, r.urgency)  # type: ignore[arg-type]
                for r in session.scalars(select(DeadlineRuleRow))
            ]
            self._cached.rules = Rules(
                calendar,
                deadline_rules,
                register_dispatch_working_hours=float(stage.get("register_dispatch_working_hours", 1)),
                verify_minutes=float(stage.get("verify_minutes", 30)),
                check_minutes=float(stage.get("check_minutes", 30)),
            )
        return self._cached.rules

    def reload_rules(self) -> None:
        self._cached.rules = None
        self._cached.workflow = None

    def refresh_calendar(self, session: Session) -> bool:
        """Re-read the site's calendar table into the calendar this handle's rules share; True if it changed.

        The calendar object is updated in place, so the queue, the map and the clocks that hold it follow.
        """
        calendar = self.rules(session).calendar
        overrides = {d.day: d.is_workday for d in session.scalars(select(CalendarDay))}
        if overrides == calendar.overrides:
            return False
        calendar.replace_overrides(overrides)
        return True

    def recompute_deadlines(
        self, session: Session, actor: Actor, changed: Mapping[date, bool], why: str, now: datetime
    ) -> list[MovedDeadline]:
        """Move the running deadlines that the `changed` days (day → now a working day) move.

        Each moved case gets a versioned update and a `recompute_deadline` event saying why, like any
        action; a case someone changes meanwhile is read again and recomputed. Call it after
        `refresh_calendar`, in the transaction that changed the table.
        """
        if not changed:
            return []
        rules = self.rules(session)
        tz = rules.calendar.tz
        first = datetime.combine(min(changed), time(), tz)
        after = datetime.combine(max(changed) + timedelta(days=1), time(), tz)
        running = session.scalars(
            select(Case)
            .where(
                Case.state.in_(RUNNING_STATES),
                Case.limit_unit.in_(("working_hours", "working_days")),
                Case.deadline_at >= first,  # a change after the deadline or before the clock moves nothing
                Case.dispatched_at < after,
            )
            .order_by(Case.id)
        ).all()
        moved = []
        for case in running:
            for _attempt in range(3):
                if case.state not in RUNNING_STATES or case.deadline_at is None:
                    break
                previous, deadline = case.deadline_at, running_deadline(session, case, rules)
                if deadline == previous:
                    break
                last = max(previous, deadline).astimezone(tz).date()
                days = sorted(d for d in changed if d <= last)
                said = "; ".join(f"{d} {'working day' if changed[d] else 'holiday'}" for d in days[:10])
                more = f" and {len(days) - 10} more" if len(days) > 10 else ""
                estimated = rules.calendar.estimated(case.dispatched_at or previous, deadline)
                flag = " (estimated calendar)" if estimated else ""
                inp = ActionInput(
                    note=f"{why}: {said}{more}. Deadline {previous.astimezone(tz):%Y-%m-%d %H:%M} → "
                    f"{deadline.astimezone(tz):%Y-%m-%d %H:%M}{flag}",
                    data={
                        "previous": previous.isoformat(),
                        "deadline": deadline.isoformat(),
                        "days": [d.isoformat() for d in days],
                        "estimated": estimated,
                    },
                )
                step = Step(RECOMPUTE_DEADLINE, case.state, case.state, frozenset({"admin"}), False)
                try:
                    apply_step(session, case, step, "admin", actor.id, inp, rules, now)
                except Conflict:
                    session.refresh(case)
                    continue
                moved.append(MovedDeadline(case.case_no, previous, deadline, estimated))
                break
        return moved

    # --- reading -----------------------------------------------------------------------------------------

    def actor(self, session: Session, username: str) -> Actor:
        """Who acts and in which roles, in one query; kept ACTOR_TTL seconds (roles rarely change)."""
        signed_in = self.whoami(session)
        if signed_in is not None and username != signed_in:
            raise Forbidden(f"You are signed in as '{signed_in}': you cannot act as '{username}'.")
        cached = self._actors.get(username)
        if cached is not None and clock.monotonic() - cached[0] < ACTOR_TTL:
            return cached[1]
        rows = session.execute(
            select(
                Person.id,
                Person.name,
                Person.active,
                Person.department_id,
                Person.org_unit_id,
                PersonRole.role,
            )
            .outerjoin(PersonRole, PersonRole.person_id == Person.id)
            .where(Person.username == username)
        ).all()
        if not rows or not rows[0].active:
            raise no_person(session, username)
        roles = frozenset(r.role for r in rows if r.role)
        actor = Actor(rows[0].id, username, rows[0].name, roles, rows[0].department_id, rows[0].org_unit_id)
        self._actors[username] = (clock.monotonic(), actor)
        return actor

    def forget_actor(self, username: str) -> None:
        """Drop a person's remembered roles at once (a disabled user stops acting now, not in ACTOR_TTL)."""
        self._actors.pop(username, None)

    @staticmethod
    def person(session: Session, username: str) -> Person:
        person = session.scalar(select(Person).where(Person.username == username))
        if person is None or not person.active:
            raise no_person(session, username)
        return person

    @staticmethod
    def case(session: Session, case_no: str, *, for_update: bool = False) -> Case:
        query = select(Case).where(Case.case_no == case_no)
        # a NUL byte never names a case, and PostgreSQL would refuse the statement with a traceback
        case = None if "\x00" in case_no else session.scalar(query.with_for_update() if for_update else query)
        if case is None:
            raise NotFound(f"No case numbered '{case_no}'. Check the number (cases list shows them).")
        return case

    def events(self, session: Session, case_no: str) -> Sequence[CaseEvent]:
        case = self.case(session, case_no)
        return session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
        ).all()

    def allowed_actions(self, session: Session, case_no: str, username: str) -> list[str]:
        """The one place that says what a person may do on a case now (state, roles, pending request)."""
        case = self.case(session, case_no)
        pending = (case.pending_request or {}).get("kind")
        person = self.actor(session, username)
        return feasible(
            session, case, person, self.workflow(session).allowed(case.state, person.roles, pending)
        )

    # --- writing -----------------------------------------------------------------------------------------

    @with_client_key
    @once_more_if_disconnected
    def report(
        self,
        *,
        actor: str,
        source: str,
        category_code: str,
        lon: float | None,
        lat: float | None,
        description: str = "",
        urgency: str | None = None,
        address: str | None = None,
        reported_at: datetime | None = None,
        device_id: int | None = None,
        merge_key: str | None = None,
        merge_window: timedelta = timedelta(minutes=30),
        attachments: Sequence[NewAttachment] = (),
        client_key: str | None = None,
    ) -> Case:
        """Open a case (or, for a machine-made repeat with the same `merge_key`, merge into the open one).

        `client_key` names this report for its client (one is made when none is given): a retry of the
        same report (after a lost answer, by the caller or by `once_more_if_disconnected`) returns the
        first case.
        """
        check_report(
            actor=actor,
            source=source,
            category_code=category_code,
            description=description,
            urgency=urgency,
            address=address,
            merge_key=merge_key,
        )
        check_point(lon, lat)
        now = utcnow()
        at = reported_at or now
        with self.session() as session:
            if reported_at is not None:
                DateWindow.load(session, now).check("reported_at", reported_at)
            person = self.actor(session, actor)
            if self.is_postgres and not merge_key and client_key is not None:
                return self._report_postgres(
                    person=person,
                    session=session,
                    source=source,
                    category_code=category_code,
                    lon=lon,
                    lat=lat,
                    description=description,
                    urgency=urgency,
                    address=address,
                    at=at,
                    now=now,
                    device_id=device_id,
                    attachments=attachments,
                    client_key=client_key,
                )
            if client_key is not None:
                first = session.scalar(select(Case).where(Case.client_key == client_key))
                if first is not None:
                    return first
            category = session.get(Category, category_code)
            if category is None:
                raise NotFound(f"No category with code '{category_code}'. Import the site's category list.")
            if merge_key:
                merged = self._merge_repeat(session, merge_key, at - merge_window, person, at, now)
                if merged is not None:
                    return merged
            place = self.locator.locate(session, lon, lat) if lon is not None and lat is not None else None
            rules = self.rules(session)
            day = f"{at.astimezone(rules.calendar.tz):%Y%m%d}"
            # On PostgreSQL the number is known before the INSERT: the case guard lets a desk role write a
            # case once per version, so no second UPDATE may set it (docs/SECURITY.md). SQLite numbers the
            # case after the INSERT, in the same transaction.
            case_id = (
                session.scalar(text("SELECT nextval(pg_get_serial_sequence('cases', 'id'))"))
                if self.is_postgres
                else None
            )
            case = Case(
                id=case_id,
                case_no=f"{day}{case_id:06d}" if case_id else f"T{now.timestamp():.6f}",
                source=source,
                category_code=category_code,
                urgency=urgency or category.default_urgency,
                description=description,
                address=address,
                lon=lon,
                lat=lat,
                grid_id=place.grid_id if place else None,
                street_id=place.street_id if place else None,
                outside_grid=place is None or place.outside,
                suggested_department_id=suggest_department(session, place, category_code) if place else None,
                device_id=device_id,
                reporter_id=person.id,
                state="reported",
                reported_at=at,
                stage_started_at=at,
                stage_due_at=rules.calendar.add_working(at, rules.register_dispatch_working_hours * HOUR),
                merge_key=merge_key,
                client_key=client_key,
                last_action="report",
                version=1,
                updated_at=now,
                updated_by_id=person.id,
                attrs={},
            )
            session.add(case)
            session.flush()
            case.case_no = f"{day}{case.id:06d}"
            role = sorted(person.roles)[0] if person.roles else None
            event = CaseEvent(
                case_id=case.id,
                action="report",
                from_state=None,
                to_state="reported",
                actor_id=person.id,
                role=role,
                at=at,
                note=description or None,
                data={"source": source},
                case_version=1,
            )
            session.add(event)
            session.flush()
            for attachment in attachments:
                self._add_attachment(session, case, event, attachment, now)
            return case

    def _report_postgres(
        self,
        *,
        person: Actor,
        session: Session,
        source: str,
        category_code: str,
        lon: float | None,
        lat: float | None,
        description: str,
        urgency: str | None,
        address: str | None,
        at: datetime,
        now: datetime,
        device_id: int | None,
        attachments: Sequence[NewAttachment],
        client_key: str,
    ) -> Case:
        """A report on PostgreSQL in two statements: the case (numbered, placed in its grid and routed by
        the database as it is inserted), then its event with the photos. A client key already used
        inserts nothing (the unique constraint, also against a simultaneous retry) and returns the first
        case. The same rows and values as the general path below (tests/db/test_report_retry.py)."""
        rules = self.rules(session)
        checked = [(new, *check_attachment(new.filename, new.kind, new.data)) for new in attachments]
        values = {
            "day": f"{at.astimezone(rules.calendar.tz):%Y%m%d}",
            "source": source,
            "category_code": category_code,
            "urgency": urgency,
            "description": description,
            "address": address,
            "lon": lon,
            "lat": lat,
            "located": lon is not None and lat is not None,
            "device_id": device_id,
            "person": person.id,
            "at": at,
            "due": rules.calendar.add_working(at, rules.register_dispatch_working_hours * HOUR),
            "client_key": client_key,
            "now": now,
        }
        case: Case | None = session.scalars(select(Case).from_statement(_INSERT_CASE), values).one_or_none()
        if case is None:
            first = session.scalar(select(Case).where(Case.client_key == client_key))
            if first is not None:
                return first
            if session.get(Category, category_code) is None:
                raise NotFound(f"No category with code '{category_code}'. Import the site's category list.")
            raise StoreError(f"The client key '{client_key}' already names another person's report.")
        event: dict[str, object] = {
            "case_id": case.id,
            "actor": person.id,
            "role": sorted(person.roles)[0] if person.roles else None,
            "at": at,
            "note": description or None,
            "data": {"source": source},
        }
        seen: set[str] = set()
        rows = []
        for new, filename, mime in checked:
            digest = hashlib.sha256(new.data).hexdigest()
            if digest not in seen:  # the same file twice in one report is stored once, as on any case
                seen.add(digest)
                rows.append((new, filename, mime, digest))
        session.execute(_insert_event_with(len(rows)), event | _attachment_values(rows, now))
        return case

    def _merge_repeat(
        self, session: Session, key: str, since: datetime, person: Actor, at: datetime, now: datetime
    ) -> Case | None:
        """Merge a repeat into the open case of its key. Reports of one key take turns (a lock held to
        the end of the transaction), else simultaneous repeats would each find no case and open one."""
        if self.is_postgres:
            session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('gridwatch.merge_key'), hashtext(:key))"),
                {"key": key},
            )
        else:  # SQLite has one write lock: take it now, before reading, not at the first INSERT
            session.execute(update(Case).where(Case.id == -1).values(merged_count=Case.merged_count))
        case = session.scalar(
            select(Case)
            .where(
                Case.merge_key == key, Case.reported_at >= since, Case.state.in_(("reported", "verifying"))
            )
            .order_by(Case.reported_at.desc())
            .limit(1)
            .with_for_update()
        )
        if case is None:
            return None
        seen = case.version  # before the UPDATE: the ORM brings the object up to the new version with it
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(
                merged_count=Case.merged_count + 1,
                version=Case.version + 1,
                last_action="merge",
                updated_at=now,
                updated_by_id=person.id,
            )
        )
        session.add(
            CaseEvent(
                case_id=case.id,
                action="merge",
                from_state=case.state,
                to_state=case.state,
                actor_id=person.id,
                role=None,
                at=at,
                note="repeat alarm merged",
                data={},
                case_version=seen + 1,
            )
        )
        session.flush()
        session.refresh(case)
        return case

    @once_more_if_disconnected
    def act(
        self,
        case_no: str,
        action: str,
        *,
        actor: str,
        inp: ActionInput | None = None,
        attachments: Sequence[NewAttachment] = (),
    ) -> Case:
        """Take one workflow action; raises InvalidAction, Forbidden, Conflict, InvalidInput or NotFound.

        `attachments` are stored in the same transaction, before the step is judged: a feedback's
        after-photos count towards the handbook's standard (docs/LEVELS.md), and a refused step keeps none.
        """
        inp = inp or ActionInput()
        with self.session() as session:
            person = self.actor(session, actor)
            case = self.case(session, case_no)
            if inp.expected_version is not None and inp.expected_version != case.version:
                raise conflict_for(session, case_no, inp.expected_version)  # before judging a stale view
            pending = (case.pending_request or {}).get("kind")
            step, role = self.workflow(session).step(case_no, case.state, action, person.roles, pending)
            if role == "handler" and case.department_id != person.department_id:
                # the same line row-level security draws on PostgreSQL, checked here for SQLite and first
                raise Forbidden(
                    f"Case {case_no} is not with your department: a handler acts on their department's cases."
                )
            if action in HELD_ACTIONS:
                inp = check_hop(session, case, action, person, inp)
            for attachment in attachments:
                self._add_attachment(session, case, None, attachment, utcnow())
            apply_step(session, case, step, role, person.id, inp, self.rules(session), utcnow())
            return case

    @once_more_if_disconnected
    def attach(self, case_no: str, attachment: NewAttachment, *, actor: str) -> Attachment:
        with self.session() as session:
            self.actor(session, actor)
            return self._add_attachment(session, self.case(session, case_no), None, attachment, utcnow())

    @staticmethod
    def _add_attachment(
        session: Session, case: Case, event: CaseEvent | None, new: NewAttachment, now: datetime
    ) -> Attachment:
        filename, mime = check_attachment(new.filename, new.kind, new.data)
        digest = hashlib.sha256(new.data).hexdigest()
        existing = session.scalar(
            select(Attachment).where(Attachment.case_id == case.id, Attachment.sha256 == digest)
        )
        if existing is not None:
            return existing
        attachment = Attachment(
            case_id=case.id,
            event_id=event.id if event else None,
            kind=new.kind,
            filename=filename,
            mime=mime,
            size=len(new.data),
            sha256=digest,
            data=new.data,
            created_at=now,
        )
        session.add(attachment)
        session.flush()
        return attachment

    def count_cases(self, session: Session) -> int:
        return int(session.scalar(select(func.count(Case.id))) or 0)


# --- the report on PostgreSQL in two statements (Store._report_postgres) ----------------------------------

_SET_BY_REPORT = [
    *("id", "case_no", "source", "category_code", "urgency", "description", "address", "lon", "lat"),
    *("grid_id", "street_id", "outside_grid", "suggested_department_id", "device_id", "reporter_id"),
    *("state", "reported_at", "stage_started_at", "stage_due_at", "client_key", "last_action", "version"),
    *("updated_at", "updated_by_id"),
]
_DEFAULTS: dict[str, object] = {  # what the ORM fills in: the columns' Python-side defaults (0, false, {} …)
    c.name: c.default.arg(None) if c.default.is_callable else c.default.arg
    for c in Case.__table__.columns
    if c.default is not None and c.name not in _SET_BY_REPORT
}


def _case_insert() -> TextualSelect:
    """The case row as the general path writes it, with three look-ups done by the database in the same
    statement: the case number (from the id sequence), the grid and street covering the point (as
    GridLocator._locate_postgis), and the department the routing rules suggest (as suggest_department:
    the first rule by position whose area prefixes the grid's code and whose category prefixes the
    case's)."""
    defaults = ", ".join(f":d_{name}" for name in _DEFAULTS)
    sql = f"""
        WITH n AS (SELECT nextval(pg_get_serial_sequence('cases', 'id')) AS id),
        cat AS (SELECT default_urgency FROM categories WHERE code = :category_code),
        place AS (
          SELECT g.id AS grid_id, g.code AS grid_code, s.id AS street_id FROM org_units g
          LEFT JOIN org_units c ON c.id = g.parent_id LEFT JOIN org_units s ON s.id = c.parent_id
          WHERE :located AND g.level = 'grid'
            AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490))
          ORDER BY g.id LIMIT 1)
        INSERT INTO cases ({", ".join([*_SET_BY_REPORT, *_DEFAULTS])})
        SELECT n.id, :day || CASE WHEN n.id < 1000000 THEN lpad(n.id::text, 6, '0') ELSE n.id::text END,
          :source, :category_code, coalesce(:urgency, cat.default_urgency), :description, :address,
          :lon, :lat,
          place.grid_id, place.street_id, place.grid_id IS NULL,
          (SELECT r.department_id FROM routing_rules r
            WHERE place.grid_id IS NOT NULL
              AND (coalesce(r.area_code, '') = ''
                   OR left(coalesce(place.grid_code, ''), length(r.area_code)) = r.area_code)
              AND (coalesce(r.category_code, '') = ''
                   OR left(:category_code, length(r.category_code)) = r.category_code)
            ORDER BY r.position, r.id LIMIT 1),
          :device_id, :person, 'reported', :at, :at, :due, :client_key, 'report', 1, :now, :person
          {", " + defaults if defaults else ""}
        FROM n CROSS JOIN cat LEFT JOIN place ON true
        ON CONFLICT (client_key) DO NOTHING
        RETURNING {", ".join(c.name for c in Case.__table__.columns)}"""
    columns = Case.__table__.columns
    binds: list[BindParameter[Any]] = [
        bindparam("lon", type_=Float()),
        bindparam("lat", type_=Float()),
        bindparam("located", type_=Boolean()),
        bindparam("at", type_=columns.reported_at.type),
        bindparam("due", type_=columns.stage_due_at.type),
        bindparam("now", type_=columns.updated_at.type),
        *(bindparam(f"d_{name}", value, type_=columns[name].type) for name, value in _DEFAULTS.items()),
    ]
    return text(sql).bindparams(*binds).columns(*columns)


_INSERT_CASE = _case_insert()

_ATTACHMENT_FIELDS = ("kind", "filename", "mime", "size", "sha256", "data")


def _insert_event_with(photos: int) -> TextClause:
    """The report's event and its `photos` attachments (linked to the event) in one statement."""
    event = """INSERT INTO case_events (case_id, action, from_state, to_state, actor_id, role, at, note, data,
                                        case_version)
               VALUES (:case_id, 'report', NULL, 'reported', :actor, :role, :at, :note, :data, 1)"""
    columns = CaseEvent.__table__.columns
    binds = [bindparam("at", type_=columns.at.type), bindparam("data", type_=columns.data.type)]
    if not photos:
        return text(event).bindparams(*binds)
    rows = ", ".join(
        "(" + ", ".join(f":{field}_{i}" for field in _ATTACHMENT_FIELDS) + ")" for i in range(photos)
    )
    sql = f"""WITH e AS ({event} RETURNING id)
              INSERT INTO attachments (case_id, event_id, {", ".join(_ATTACHMENT_FIELDS)}, created_at)
              SELECT :case_id, e.id, v.* , :created_at FROM e, (VALUES {rows}) AS v"""
    kept = Attachment.__table__.columns
    for i in range(photos):
        binds += [bindparam(f"size_{i}", type_=Integer()), bindparam(f"data_{i}", type_=kept.data.type)]
    return text(sql).bindparams(*binds, bindparam("created_at", type_=kept.created_at.type))


def _attachment_values(
    rows: Sequence[tuple[NewAttachment, str, str, str]], now: datetime
) -> dict[str, object]:
    values: dict[str, object] = {"created_at": now}
    for i, (new, filename, mime, digest) in enumerate(rows):
        values |= {
            f"kind_{i}": new.kind,
            f"filename_{i}": filename,
            f"mime_{i}": mime,
            f"size_{i}": len(new.data),
            f"sha256_{i}": digest,
            f"data_{i}": new.data,
        }
    return values
