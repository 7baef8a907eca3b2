"""The supervisor's evaluation (考评) of a period: DOMAIN.md's metrics per grouping with a total row,
department scores and grades, grid workers' figures, daily series for the charts, and the cases behind
every number (docs/DOMAIN.md "Metrics").

Every figure is read in one `Store.session()`, so row-level security narrows it to what the signed-in
person may see (a street center's supervisor evaluates their street). The counts come from
`gridwatch.db.metrics` (one definition of each metric); `drill` lists the cases behind a count by the same
condition, so `len(drill(...)) == count` for every cell. Rates are None where their denominator is 0 and an
empty period says so (`Evaluation.empty`), never a division error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from gridwatch.db.errors import InvalidInput
from gridwatch.db.metrics import (
    DRILLABLE,
    GROUP_KEYS,
    GroupKey,
    MetricRow,
    by_period_indexes,
    case_ids_query,
    compute_groups,
    in_scope,
    judged_moment,
    period_bounds,
    score_weights,
    total_row,
    units_under,
)
from gridwatch.db.models import (
    Case,
    CaseEvent,
    CheckIn,
    Department,
    GridAssignment,
    OrgUnit,
    Person,
    PersonRole,
)
from gridwatch.db.store import Store

Grouping = GroupKey | Literal["total", "worker"]
EVALUATION_GROUPS: tuple[GroupKey, ...] = (
    *("department", "street", "grid", "source", "category"),
    *("level", "center"),  # the level and center accountable for a case (docs/LEVELS.md)
)
"""The groupings an evaluation shows unless asked for others (docs/DOMAIN.md "Metrics")."""
WORKER_METRICS = ("reports", "valid_reports", "verified", "verified_on_time", "checked", "checked_on_time")
"""A grid worker's case figures (attendance counts clock records, not cases, and has no drill-down)."""
CHECK_STARTS = ("send_check", "recheck")
"""The transitions into checking (db/seeds.py); each starts a check's clock (lifecycle `_send_check`)."""
MAX_DAYS = 366
"""The longest period one evaluation covers (a year, leap day included)."""


@dataclass(frozen=True)
class Group:
    """One grouping's rows (sorted by key, the "—" row of cases without a value last) and its total."""

    key: GroupKey
    rows: tuple[MetricRow, ...]
    total: MetricRow


@dataclass(frozen=True)
class DepartmentScore:
    """A department's score by the configured weights and its grade; None when nothing was dispatched to
    it."""

    code: str
    name: str
    score: float | None
    grade: str | None


@dataclass(frozen=True)
class WorkerRow:
    """A grid worker's period: reports and how many were valid (registered or self-handled), the verify
    and check steps they did and how many within the step's limit (30 min by default), and attendance
    from clock on/off (days clocked on out of the working days, late, early leave, outside the fence)."""

    username: str
    name: str
    reports: int
    valid_reports: int
    verified: int
    verified_on_time: int
    checked: int
    checked_on_time: int
    days_on: int
    working_days: int
    late: int
    early_leave: int
    outside: int

    @property
    def valid_rate(self) -> float | None:  # 有效上报率
        return self.valid_reports / self.reports if self.reports else None

    @property
    def verify_on_time_rate(self) -> float | None:  # 按时核实率
        return self.verified_on_time / self.verified if self.verified else None

    @property
    def check_on_time_rate(self) -> float | None:  # 按时核查率
        return self.checked_on_time / self.checked if self.checked else None

    @property
    def attendance_rate(self) -> float | None:  # 出勤率
        return min(self.days_on, self.working_days) / self.working_days if self.working_days else None


@dataclass(frozen=True)
class Day:
    """One local day of the period for the charts: reported and closed that day, handled that day and of
    them on time, closed on time, and the day's reports per source."""

    day: date
    reported: int
    closed: int
    handled: int
    handled_on_time: int
    closed_on_time: int
    sources: tuple[tuple[str, int], ...]

    @property
    def handle_on_time_rate(self) -> float | None:
        return self.handled_on_time / self.handled if self.handled else None

    @property
    def close_on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


@dataclass(frozen=True)
class Evaluation:
    """The evaluation of local days [start, end] in a scope (an org-tree code; None: the whole territory),
    judged at `as_of` (pass it to `drill` so open-past-deadline counts and their cases agree)."""

    start: date
    end: date
    scope: str | None
    scope_name: str | None
    as_of: datetime
    tz: str
    weights: Mapping[str, float]
    groups: Mapping[GroupKey, Group]
    scores: tuple[DepartmentScore, ...]
    workers: tuple[WorkerRow, ...]
    days: tuple[Day, ...]
    unit_ids: Mapping[str, int] = field(default_factory=dict)
    """Org-tree code → id, for the street and grid rows (a thematic map keys its grids by id)."""
    scope_units: tuple[int, ...] | None = None
    """The ids of the scope's node and every node under it; None: the whole territory."""

    @property
    def total(self) -> MetricRow:
        """The territory's (or scope's) figures: the total row, the same in every grouping."""
        return self.groups["department"].total

    @property
    def empty(self) -> bool:
        """No case and no rating in the period: show "no cases", not a table of dashes."""
        return self.total.empty

    def row(self, group: Grouping, key: str) -> MetricRow | None:
        if group == "total":
            return self.total
        if group == "worker":
            return None
        return next((r for r in self.groups[group].rows if r.key == key), None)


@dataclass(frozen=True)
class CaseRef:
    """A case behind a number, enough to list it and open its detail (`reads.cases.case_detail`)."""

    id: int
    case_no: str
    state: str
    source: str
    category_code: str
    department: str | None
    reported_at: datetime
    deadline_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    rework_count: int


def evaluate(
    store: Store,
    start: date,
    end: date,
    scope: str | None = None,
    *,
    as_of: datetime | None = None,
    groups: Sequence[GroupKey] = EVALUATION_GROUPS,
    series: bool = True,
    workers: bool = True,
) -> Evaluation:
    """The period's evaluation in one session (row-level security applies to every figure).

    `scope` is an org-tree code (district, street or community); an unknown one is an InvalidInput naming
    it. `series`/`workers` off skip the charts' daily series and the grid workers' figures.
    """
    _check_period(start, end)
    with store.session() as session, ThreadPoolExecutor(1) as beside:
        _interactive(session)
        calendar = store.rules(session).calendar
        tz = str(calendar.tz)
        units, scope_name = _scope(session, scope)
        moment = judged_moment(start, end, tz, as_of)
        # PostgreSQL: the daily series is its own scan of the period; read on a second connection while
        # this one aggregates the tables, the two scans share the server's cores (a query here gets no
        # parallel workers: the row-level security functions are parallel unsafe). SQLite: in turn.
        series_read = (
            beside.submit(_days_read, store, start, end, tz, units) if series and store.is_postgres else None
        )
        rows = compute_groups(
            session, start, end, groups, tz=tz, as_of=moment, calendar=calendar, scope=units
        )
        weights = score_weights(session)
        built = {by: Group(by, tuple(rows[by]), total_row(rows[by])) for by in groups}
        if "department" not in built:  # the total row every evaluation shows
            only = compute_groups(session, start, end, ("department",), tz=tz, as_of=moment, scope=units)
            built["department"] = Group(
                "department", tuple(only["department"]), total_row(only["department"])
            )
        scores = tuple(
            DepartmentScore(r.key, r.name, r.score(weights), r.grade(weights))
            for r in built["department"].rows
            if r.key != "—"
        )
        stage = store.rules(session)
        people = (
            _workers(session, start, end, tz, units, stage.verify_minutes, stage.check_minutes, calendar)
            if workers
            else ()
        )
        if series_read is not None:
            days = series_read.result()
        else:
            days = _days(session, start, end, tz, units) if series else ()
        unit_ids = {r.code: r.id for r in session.execute(select(OrgUnit.id, OrgUnit.code))}
    scope_units = None if units is None else tuple(units)
    return Evaluation(
        start,
        end,
        scope,
        scope_name,
        moment,
        tz,
        weights,
        built,
        scores,
        tuple(people),
        days,
        unit_ids,
        scope_units,
    )


def drill(
    store: Store,
    start: date,
    end: date,
    group: Grouping,
    key: str,
    metric: str,
    scope: str | None = None,
    *,
    as_of: datetime | None = None,
) -> tuple[CaseRef, ...]:
    """The cases behind one number: the row `key` of grouping `group` ("total": the total row, key
    ignored; "worker": a grid worker's username with one of WORKER_METRICS), metric one of DRILLABLE.
    Pass the evaluation's `as_of` so open-past-deadline cases are judged at the same moment.

    For `reworks` the number is the sum of the cases' `rework_count`; for every other metric it is
    the number of cases returned."""
    _check_period(start, end)
    with store.session() as session:
        _interactive(session)
        tz = str(store.rules(session).calendar.tz)
        units, _ = _scope(session, scope)
        if group == "worker":
            if metric not in WORKER_METRICS:
                raise InvalidInput(f"No cases behind '{metric}' of a grid worker: choose one of "
                                   f"{', '.join(WORKER_METRICS)}.")  # fmt: skip
            rules = store.rules(session)
            ids = _worker_cases(session, start, end, tz, units, rules.verify_minutes, rules.check_minutes)
            wanted = sorted(ids.get((key, metric), ()))
            query = select(*REF_COLUMNS).where(Case.id.in_(wanted)).order_by(Case.id)
            return _refs(session, query if wanted else None)
        if metric not in DRILLABLE:
            raise InvalidInput(f"No cases behind '{metric}': choose one of {', '.join(DRILLABLE)}.")
        if group != "total" and group not in GROUP_KEYS:
            raise InvalidInput(
                f"Cannot group by '{group}': choose one of total, worker, {', '.join(GROUP_KEYS)}."
            )
        moment = judged_moment(start, end, tz, as_of)
        query = case_ids_query(
            session, start, end, group, key, metric, tz=tz, as_of=moment, scope=units, columns=REF_COLUMNS
        )
        return _refs(session, query)


def _days_read(store: Store, start: date, end: date, tz: str, units: Sequence[int] | None) -> tuple[Day, ...]:
    """The daily series in a session of its own (read beside the tables, `evaluate`)."""
    with store.session() as session:
        _interactive(session)
        with by_period_indexes(session):  # the reported, handled and closed moments' indexes
            return _days(session, start, end, tz, units)


def _interactive(session: Session) -> None:
    """Settings for this transaction on PostgreSQL, for a read a supervisor waits for (bench/evaluation.py,
    1,000,000 cases):

    - no JIT: compiling the wide aggregate (about 0.3 s) outweighs what it saves;
    - 64 MB work_mem and 4× that for hashing: with the default 4 MB the planner sorted the cases for some
      groupings (one plan read the whole table in department order by index, 3.7 s) and the daily series
      spilled its sort to disk. The groups themselves are few (departments, grids, days), so the memory
      really used stays small; the budget only lets the planner hash them in one pass."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL hash_mem_multiplier = 4"))


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"The period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d}).")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"A period of at most {MAX_DAYS} days, please: {start:%Y-%m-%d}..{end:%Y-%m-%d}.")


def _scope(session: Session, scope: str | None) -> tuple[list[int] | None, str | None]:
    if scope is None:
        return None, None
    units = units_under(session, scope)
    if units is None:
        raise InvalidInput(f"No district, street or community with the code '{scope}'.")
    return units, session.scalar(select(OrgUnit.name).where(OrgUnit.code == scope))


REF_COLUMNS = (
    Case.id, Case.case_no, Case.state, Case.source, Case.category_code, Department.code,
    Case.reported_at, Case.deadline_at, Case.handled_at, Case.closed_at, Case.rework_count,
)  # fmt: skip


def _refs(session: Session, query: Any) -> tuple[CaseRef, ...]:
    """The rows of a query selecting REF_COLUMNS from cases: the department joined on, one read (an
    `id IN (…)` over the cases again made PostgreSQL read the whole table under row-level security)."""
    if query is None:
        return ()
    query = query.outerjoin(Department, Department.id == Case.department_id)
    return tuple(CaseRef(*row) for row in session.execute(query))


# --- grid workers ----------------------------------------------------------------------------------------


def _grid_workers(*columns: Any) -> Select[Any]:
    """`columns` of every person holding the grid_worker role (a role is held once: one row each),
    active or not: a worker's past cases still count to them, the table lists the active ones."""
    return (
        select(*columns)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "grid_worker")
    )


def _worker_cases(
    session: Session,
    start: date,
    end: date,
    tz: str,
    units: Sequence[int] | None,
    verify_minutes: float,
    check_minutes: float,
) -> dict[tuple[str, str], set[int]]:
    """(username, metric) → the cases behind a grid worker's case figures.

    Reports: cases they reported in the period (valid: registered or self-handled). Checks: their
    check_pass/check_fail events in the period, on time when within `check_minutes` of the event that
    started that check, the latest send_check or recheck before it (a recheck starts a new check, and
    its own deadline, as a send_check does). Verifies: cases sent to verify in the period in one of
    their grids, done at the next event after send_verify (their on-site photos, or the registration or
    rejection that followed), on time within `verify_minutes`."""
    lo, hi = period_bounds(start, end, tz)
    workers: dict[int, str] = {
        r.id: r.username for r in session.execute(_grid_workers(Person.id, Person.username))
    }
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    if not workers:
        return out
    scoped = in_scope(units)
    reports = select(Case.id, Case.reporter_id, Case.registered_at, Case.close_type).where(
        Case.reporter_id.in_(list(workers)), Case.reported_at >= lo, Case.reported_at < hi, scoped
    )
    for case_id, reporter, registered_at, close_type in session.execute(reports):
        name = workers[reporter or 0]
        out[(name, "reports")].add(case_id)
        if registered_at is not None or close_type == "self_handled":
            out[(name, "valid_reports")].add(case_id)
    sent = aliased(CaseEvent)
    stage_start = (  # the check's own stage: send_check, or recheck after a doubted closure
        select(func.max(sent.at))
        .where(sent.case_id == CaseEvent.case_id, sent.action.in_(CHECK_STARTS), sent.at <= CaseEvent.at)
        .scalar_subquery()
    )
    checks = (
        select(CaseEvent.case_id, CaseEvent.actor_id, CaseEvent.at, stage_start)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.action.in_(("check_pass", "check_fail")),
            CaseEvent.at >= lo,
            CaseEvent.at < hi,
            CaseEvent.actor_id.in_(list(workers)),
            scoped,
        )
    )
    limit = timedelta(minutes=check_minutes)
    for case_id, actor, at, started in session.execute(checks):
        name = workers[actor or 0]
        out[(name, "checked")].add(case_id)
        if started is not None and at - started <= limit:
            out[(name, "checked_on_time")].add(case_id)
    after = aliased(CaseEvent)
    done = (
        select(func.min(after.at))
        .where(after.case_id == CaseEvent.case_id, after.at > CaseEvent.at, after.action != "send_verify")
        .scalar_subquery()
    )
    verifies = (
        select(CaseEvent.case_id, Case.grid_id, CaseEvent.at, done)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action == "send_verify", CaseEvent.at >= lo, CaseEvent.at < hi, scoped)
    )
    assigned: dict[int, list[int]] = defaultdict(list)
    for person_id, grid_id in session.execute(
        select(GridAssignment.person_id, GridAssignment.grid_id).where(
            GridAssignment.person_id.in_(list(workers))
        )
    ):
        assigned[grid_id].append(person_id)
    limit = timedelta(minutes=verify_minutes)
    for case_id, case_grid, at, done_at in session.execute(verifies):
        for person_id in assigned.get(case_grid, []) if case_grid is not None else []:
            if done_at is None:
                continue  # still on site: not yet a verify to count
            out[(workers[person_id], "verified")].add(case_id)
            if done_at - at <= limit:
                out[(workers[person_id], "verified_on_time")].add(case_id)
    return out


def _workers(
    session: Session,
    start: date,
    end: date,
    tz: str,
    units: Sequence[int] | None,
    verify_minutes: float,
    check_minutes: float,
    calendar: Any,
) -> list[WorkerRow]:
    """Every grid worker (in the scope: assigned a grid under it) with their figures, by username."""
    query = _grid_workers(Person.id, Person.username, Person.name).where(Person.active.is_(True))
    if units is not None:
        mine = select(GridAssignment.person_id).where(GridAssignment.grid_id.in_(list(units)))
        query = query.where(Person.id.in_(mine))
    people = session.execute(query.order_by(Person.username)).all()
    if not people:
        return []
    cases = _worker_cases(session, start, end, tz, units, verify_minutes, check_minutes)
    lo, hi = period_bounds(start, end, tz)
    zone = ZoneInfo(tz)
    on_days: dict[int, set[date]] = defaultdict(set)
    statuses: dict[tuple[int, str], int] = defaultdict(int)
    clocks = select(CheckIn.person_id, CheckIn.kind, CheckIn.at, CheckIn.status).where(
        CheckIn.at >= lo, CheckIn.at < hi, CheckIn.person_id.in_([p.id for p in people])
    )
    for person_id, kind, at, status in session.execute(clocks):
        if kind == "on":
            on_days[person_id].add(at.astimezone(zone).date())
        statuses[(person_id, status)] += 1
    working = sum(1 for i in range((end - start).days + 1) if calendar.is_workday(start + timedelta(days=i)))
    return [
        WorkerRow(
            p.username,
            p.name,
            **{m: len(cases.get((p.username, m), ())) for m in WORKER_METRICS},
            days_on=len(on_days[p.id]),
            working_days=working,
            late=statuses[(p.id, "late")],
            early_leave=statuses[(p.id, "early_leave")],
            outside=statuses[(p.id, "outside")],
        )
        for p in people
    ]


# --- daily series ---------------------------------------------------------------------------------------


def _local_day(session: Session, column: Any, tz: str, lo: datetime) -> ColumnElement[Any]:
    """The local calendar day of a stored moment, in SQL: PostgreSQL by the zone's rules; SQLite (naive UTC
    text) by the zone's offset at the period's start (Asia/Shanghai keeps one offset all year)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(tz, column))
    offset = lo.utcoffset() or timedelta()
    return func.date(column, f"{int(offset.total_seconds())} seconds")


def _days(session: Session, start: date, end: date, tz: str, units: Sequence[int] | None) -> tuple[Day, ...]:
    """Per local day: reported (and per source), closed, handled and handled on time (by the day it
    happened), closed on time."""
    lo, hi = period_bounds(start, end, tz)
    scoped = in_scope(units)
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    sources: dict[date, dict[str, int]] = defaultdict(dict)

    def on_time(column: Any) -> ColumnElement[int]:
        late = and_(Case.deadline_at.is_not(None), column <= Case.deadline_at)
        return func.coalesce(func.sum(case((late, 1), else_=0)), 0)

    if session.get_bind().dialect.name == "postgresql":
        _days_in_one_scan(session, start, end, tz, scoped, counts, sources)
    else:  # one query per moment, each an index range over the period (migration 0013)
        reported = _local_day(session, Case.reported_at, tz, lo).label("day")
        query = select(reported, Case.source, func.count()).where(
            Case.reported_at >= lo, Case.reported_at < hi, scoped
        )
        for day, source, n in session.execute(query.group_by(reported, Case.source)):
            d = _as_date(day)
            counts["reported"][d] += int(n)
            sources[d][str(source)] = int(n)
        for name, column in (("handled", Case.handled_at), ("closed", Case.closed_at)):
            day = _local_day(session, column, tz, lo).label("day")
            query = select(day, func.count(), on_time(column)).where(column >= lo, column < hi, scoped)
            for when, n, in_time in session.execute(query.group_by(day)):
                counts[name][_as_date(when)] += int(n)
                counts[f"{name}_on_time"][_as_date(when)] += int(in_time)
    out = []
    for i in range((end - start).days + 1):
        d = start + timedelta(days=i)
        out.append(
            Day(
                d,
                counts["reported"][d],
                counts["closed"][d],
                counts["handled"][d],
                counts["handled_on_time"][d],
                counts["closed_on_time"][d],
                tuple(sorted(sources[d].items())),
            )
        )
    return tuple(out)


def _days_in_one_scan(
    session: Session,
    start: date,
    end: date,
    tz: str,
    scoped: ColumnElement[bool],
    counts: dict[str, dict[date, int]],
    sources: dict[date, dict[str, int]],
) -> None:
    """PostgreSQL: the three daily counts from one read of the period's cases (GROUPING SETS over the
    reported day and source, the handled day, the closed day): a quarter of a year is a quarter of the
    store, which the planner reads in full once rather than three times.

    A moment's local day is its bucket among the period's local midnights (`width_bucket` over their
    instants, computed here by the zone's rules, daylight saving included): a binary search per moment
    instead of a time-zone conversion, and a moment outside the period falls in bucket 0 or after the
    last day, so a day's group counts its cases without a range test per count."""
    zone = ZoneInfo(tz)
    n = (end - start).days + 1
    midnights = [datetime.combine(start + timedelta(days=i), time(), zone) for i in range(n + 1)]
    lo, hi = midnights[0], midnights[-1]
    edges = bindparam("midnights", midnights, type_=ARRAY(DateTime(timezone=True)))

    def in_period(column: Any) -> ColumnElement[bool]:
        return and_(column >= lo, column < hi)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rday, hday, cday = (
        func.width_bucket(c, edges) for c in (Case.reported_at, Case.handled_at, Case.closed_at)
    )
    on_time_h = and_(Case.deadline_at.is_not(None), Case.handled_at <= Case.deadline_at)
    on_time_c = and_(Case.deadline_at.is_not(None), Case.closed_at <= Case.deadline_at)
    query = (
        select(
            rday,
            Case.source,
            hday,
            cday,
            func.grouping(rday, Case.source),
            func.grouping(hday),
            func.count(),
            count(on_time_h),
            count(on_time_c),
        )
        .where(
            or_(in_period(Case.reported_at), in_period(Case.handled_at), in_period(Case.closed_at)), scoped
        )
        .group_by(func.grouping_sets(tuple_(rday, Case.source), tuple_(hday), tuple_(cday)))
    )
    days = {i + 1: start + timedelta(days=i) for i in range(n)}  # bucket → day; 0 and n + 1: outside
    for (
        r_bucket,
        source,
        h_bucket,
        c_bucket,
        not_reported,
        not_handled,
        n_cases,
        h_ok,
        c_ok,
    ) in session.execute(query):
        if not not_reported:
            if r_bucket in days:
                counts["reported"][days[r_bucket]] += int(n_cases)
                sources[days[r_bucket]][str(source)] = int(n_cases)
        elif not not_handled:
            if h_bucket in days:
                counts["handled"][days[h_bucket]] += int(n_cases)
                counts["handled_on_time"][days[h_bucket]] += int(h_ok)
        elif c_bucket in days:
            counts["closed"][days[c_bucket]] += int(n_cases)
            counts["closed_on_time"][days[c_bucket]] += int(c_ok)


def _as_date(value: Any) -> date:
    """A day from SQL: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def source_totals(days: Sequence[Day]) -> dict[str, int]:
    """Reports per source over the days, the largest first (a chart's legend order)."""
    totals: dict[str, int] = defaultdict(int)
    for d in days:
        for source, n in d.sources:
            totals[source] += n
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))
