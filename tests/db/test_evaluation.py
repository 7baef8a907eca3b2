"""The supervisor's evaluation (issue 13): the metrics of every grouping with a total row, the cases behind
every number, scores by the configured weights, grid workers' figures, daily series, the scope, an
empty period, and a street supervisor's view limited by row-level security (signed in as their role)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, select, text, update

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.errors import InvalidInput
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import CASE_COUNTS, DRILLABLE, GROUP_KEYS, percent
from gridwatch.db.models import (
    CheckIn,
    Department,
    GridAssignment,
    OrgUnit,
    Person,
    PersonRole,
    Rating,
    Setting,
)
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads.evaluation import WORKER_METRICS, Evaluation, drill, evaluate, source_totals
from gridwatch.db.store import Store, utcnow
from tests.conftest import FULL_LOOP, PG_URL, Step, local, pg_url

NOV = (date(2025, 11, 1), date(2025, 11, 30))
STREET, C1, C2 = "350203001", "350203001001", "350203001002"
G1, G2 = C1 + "01", C2 + "01"
X = {G1: 118.105, G2: 118.205}


def territory(store: Store) -> None:
    """A street with two communities of one grid each; the staff's grid worker works grid 1."""
    now = utcnow()
    with store.session() as s:
        street = OrgUnit(code=STREET, name="嘉莲街道", level="street", updated_at=now)
        s.add(street)
        s.flush()
        for i, (community, grid) in enumerate(((C1, G1), (C2, G2)), start=1):
            c = OrgUnit(
                code=community, name=f"社区{i}", level="community", parent_id=street.id, updated_at=now
            )
            s.add(c)
            s.flush()
            x = X[grid] - 0.005
            g = OrgUnit(code=grid, name=f"第{i}网格", level="grid", parent_id=c.id, updated_at=now,
                        geom=MultiPolygon([box(x, 24.46, x + 0.01, 24.47)]))  # fmt: skip
            s.add(g)
            s.flush()
            if i == 1:
                worker = s.scalar(select(Person.id).where(Person.username == "worker"))
                s.add(GridAssignment(person_id=worker, grid_id=g.id, since=date(2025, 1, 1)))
        sz = s.scalar(select(Department.id).where(Department.code == "SZ"))
        s.add(Person(username="sz_handler", name="SZ", department_id=sz, updated_at=now,
                     roles=[PersonRole(role="handler")]))  # fmt: skip


def run(store: Store, steps: Sequence[Step], day: int, grid: str = G1,
        source: str = "grid_worker", category: str = "09006") -> str:  # fmt: skip
    no = store.report(
        actor="worker" if source == "grid_worker" else "acceptor",
        source=source,
        category_code=category,
        lon=X[grid],
        lat=24.465,
        reported_at=local(2025, 11, day, 9, 0),
    ).case_no
    for i, (action, who, kw) in enumerate(steps):
        kw = dict(kw)
        at = kw.pop("at", local(2025, 11, day, 9, 10 + i))
        store.act(no, action, actor=who, inp=ActionInput(at=at, **kw))
    return no


def seed(store: Store) -> dict[str, str]:
    """Cases with known outcomes in November 2025 (the totals the tests below state), ratings, clocks."""
    territory(store)
    cases = {"on_time": run(store, FULL_LOOP, 3)}
    cases["rework"] = run(
        store,
        [*FULL_LOOP[:4], ("send_check", "acceptor", {}), ("check_fail", "worker", {"reason": "未清理"}),
           ("accept", "handler", {}), ("feedback", "handler", {}), ("send_check", "acceptor", {}),
           ("check_pass", "worker", {})],
        4,
        grid=G2,
        category="06010",
    )  # fmt: skip
    late: list[Step] = [(a, w, dict(kw)) for a, w, kw in FULL_LOOP]
    late[3] = ("feedback", "handler", {"at": local(2025, 11, 20, 9, 0)})  # handled after its deadline
    for i in range(4, 7):
        late[i] = (late[i][0], late[i][1], {"at": local(2025, 11, 20, 10, i)})
    late[5] = ("check_pass", "worker", {"at": local(2025, 11, 20, 11, 0)})  # 56 min after send_check: late
    cases["late"] = run(store, late, 5, source="hotline")
    cases["open_late"] = run(store, FULL_LOOP[:3], 6, grid=G2)  # still handling, past its deadline at the end
    rejected: list[Step] = [("send_verify", "acceptor", {}), ("reject", "acceptor", {"reason": "重复"})]
    cases["rejected"] = run(store, rejected, 7, source="citizen")
    cases["extended"] = run(
        store,
        [("register", "leader", {}), ("dispatch", "dispatcher", {"department": "SZ"}),
         ("accept", "sz_handler", {}), ("request_extension", "sz_handler", {"reason": "x", "hours": 4}),
         ("approve_extension", "dispatcher", {})],
        10,
    )  # fmt: skip
    with store.session() as s:
        ids = {
            k: s.scalar(text("SELECT id FROM cases WHERE case_no = :n"), {"n": v}) for k, v in cases.items()
        }
        s.add(Rating(case_id=ids["on_time"], rating="satisfied", rated_at=local(2025, 11, 4)))
        s.add(Rating(case_id=ids["late"], rating="dissatisfied", rated_at=local(2025, 11, 21)))
        worker = s.scalar(select(Person.id).where(Person.username == "worker"))
        for day, status in ((3, "normal"), (4, "late"), (5, "normal")):
            s.add(CheckIn(person_id=worker, kind="on", at=local(2025, 11, day, 8, 20), status=status))
        s.add(CheckIn(person_id=worker, kind="off", at=local(2025, 11, 5, 16, 0), status="early_leave"))
    return cases


@pytest.fixture
def seeded(store: Store, staff: dict[str, str]) -> dict[str, str]:
    return seed(store)


def test_the_totals_are_the_known_figures_in_every_grouping(store: Store, seeded: dict[str, str]) -> None:
    ev = evaluate(store, *NOV)
    for by in GROUP_KEYS:
        t = ev.groups[by].total
        assert (t.reported, t.registered, t.to_handle, t.handled, t.handled_on_time) == (6, 5, 5, 3, 2), by
        assert (t.due_to_close, t.closed, t.closed_on_time, t.reworks, t.extended) == (3, 2, 1, 1, 1), by
        assert (t.overdue_open, t.late, t.rated, t.satisfied) == (2, 3, 2, 1), by  # SZ's extended case too
        for name in CASE_COUNTS:  # the total row is the sum of the rows
            assert getattr(t, name) == sum(getattr(r, name) for r in ev.groups[by].rows), (by, name)
    assert percent(ev.total.handle_rate) == "60.00%" and percent(ev.total.close_on_time_rate) == "33.33%"
    assert percent(ev.total.satisfaction_rate) == "50.00%" and not ev.empty
    streets = {r.key: r.reported for r in ev.groups["street"].rows}
    assert streets == {STREET: 6}
    grids = {r.key: r.reported for r in ev.groups["grid"].rows}
    assert grids == {G1: 4, G2: 2}
    sources = {r.key: r.reported for r in ev.groups["source"].rows}
    assert sources == {"grid_worker": 4, "hotline": 1, "citizen": 1}
    cgj = ev.row("department", "CGJ")
    assert cgj is not None and (cgj.to_handle, cgj.handled, cgj.reworks) == (4, 3, 1)
    assert ev.groups["department"].rows[-1].key == "—"  # the rejected case, never dispatched, last


def test_every_number_drills_down_to_exactly_its_cases(store: Store, seeded: dict[str, str]) -> None:
    ev = evaluate(store, *NOV)
    cells = 0
    for by in ("total", *GROUP_KEYS):
        rows = [ev.total] if by == "total" else list(ev.groups[by].rows)  # type: ignore[index]
        for row in rows:
            for metric in DRILLABLE:
                cases = drill(store, *NOV, by, row.key, metric, as_of=ev.as_of)  # type: ignore[arg-type]
                shown = sum(c.rework_count for c in cases) if metric == "reworks" else len(cases)
                assert shown == getattr(row, metric), (by, row.key, metric)
                assert len({c.id for c in cases}) == len(cases)
                cells += 1
    assert cells > 150
    late = {c.case_no for c in drill(store, *NOV, "department", "CGJ", "late", as_of=ev.as_of)}
    assert late == {seeded["late"], seeded["open_late"]}


def test_grid_workers_figures_and_their_cases(store: Store, seeded: dict[str, str]) -> None:
    ev = evaluate(store, *NOV)
    (worker,) = [w for w in ev.workers if w.username == "worker"]
    # four reports, all registered; checks: on_time, rework (twice: fail then pass), late → 3 cases,
    # on time: the on_time and rework cases (1 min after send_check), not the late one (56 min)
    assert (worker.reports, worker.valid_reports, worker.checked, worker.checked_on_time) == (4, 4, 3, 2)
    assert (worker.days_on, worker.late, worker.early_leave, worker.outside) == (3, 1, 1, 0)
    assert worker.working_days == 20  # November 2025: 20 working days
    assert percent(worker.attendance_rate) == "15.00%" and percent(worker.valid_rate) == "100.00%"
    for metric in WORKER_METRICS:
        assert len(drill(store, *NOV, "worker", "worker", metric)) == getattr(worker, metric), metric
    assert {c.case_no for c in drill(store, *NOV, "worker", "worker", "checked_on_time")} == {
        seeded["on_time"], seeded["rework"]}  # fmt: skip


def test_a_check_after_a_recheck_is_timed_from_the_recheck(store: Store, staff: dict[str, str]) -> None:
    """The closure review sends a checked case back (recheck: checked → checking, a new 30-minute check):
    the worker's second check is on time within 30 minutes of the recheck, however long after the
    send_check, and late past them; a check is timed from the event that started its own checking."""
    territory(store)

    def rechecked(day: int, second_check: tuple[str, int, int]) -> str:
        action, hh, mm = second_check
        steps: list[Step] = [
            *FULL_LOOP[:4],
            ("send_check", "acceptor", {"at": local(2025, 11, day, 10, 0)}),
            ("check_pass", "worker", {"at": local(2025, 11, day, 10, 56)}),  # 56 min: late
            ("recheck", "leader", {"at": local(2025, 11, day, 14, 0), "reason": "照片看不清垃圾是否清走"}),
            (action, "worker", {"at": local(2025, 11, day, hh, mm)}),
        ]
        if action == "check_fail":
            steps[-1][2]["reason"] = "未清理"
        return run(store, steps, day)

    on_time = rechecked(11, ("check_pass", 14, 20))  # 20 min after the recheck, 4 h 20 after send_check
    late = rechecked(12, ("check_fail", 14, 45))  # 45 min after the recheck
    trail = [e.action for e in case_reads.by_number(store, on_time).events]
    assert trail[-4:] == ["send_check", "check_pass", "recheck", "check_pass"]
    (worker,) = [w for w in evaluate(store, *NOV).workers if w.username == "worker"]
    assert (worker.checked, worker.checked_on_time) == (2, 1)
    assert percent(worker.check_on_time_rate) == "50.00%"
    assert {c.case_no for c in drill(store, *NOV, "worker", "worker", "checked")} == {on_time, late}
    assert {c.case_no for c in drill(store, *NOV, "worker", "worker", "checked_on_time")} == {on_time}


def test_the_daily_series_counts_each_day(store: Store, seeded: dict[str, str]) -> None:
    ev = evaluate(store, *NOV)
    assert len(ev.days) == 30 and ev.days[0].day == date(2025, 11, 1)
    by_day = {d.day.day: d for d in ev.days}
    assert sum(d.reported for d in ev.days) == 6 and by_day[3].reported == 1 and by_day[3].closed == 1
    assert by_day[20].handled == 1 and by_day[20].handled_on_time == 0 and by_day[20].closed == 1
    assert by_day[3].handle_on_time_rate == 1.0 and by_day[1].handle_on_time_rate is None
    assert source_totals(ev.days) == {"grid_worker": 4, "citizen": 1, "hotline": 1}


def test_a_day_of_the_series_is_the_same_in_any_period_that_holds_it(
    store: Store, seeded: dict[str, str]
) -> None:
    """Each day's figures read alone or inside a longer period are the month's: a moment belongs to its
    local day, never to the day before or after, also at a period's first and last day (PostgreSQL finds
    the day among the period's local midnights)."""
    month = {d.day: d for d in evaluate(store, *NOV, workers=False).days}
    assert sum(d.reported + d.handled + d.closed for d in month.values()) > 0
    for first, last in ((3, 3), (3, 5), (4, 6), (19, 21), (20, 20)):
        start, end = date(2025, 11, first), date(2025, 11, last)
        days = evaluate(store, start, end, workers=False).days
        assert [d.day for d in days] == [date(2025, 11, n) for n in range(first, last + 1)]
        assert list(days) == [month[d.day] for d in days], (first, last)


def test_scores_follow_the_configured_weights(store: Store, seeded: dict[str, str]) -> None:
    before = {s.code: s for s in evaluate(store, *NOV, series=False).scores}
    assert set(before) == {"CGJ", "SZ"}
    # SZ: handled 0/1, on time 0, rework 0, overdue 1/1, extension 1/1 → 0 + 0 + 20 + 0 + 0 = 20 (E)
    assert before["SZ"].score == pytest.approx(20) and before["SZ"].grade == "E"
    with store.session() as s:
        weights = {"handle": 30, "handle_on_time": 20, "rework": 30, "overdue": 20, "extension": 0}
        s.execute(update(Setting).where(Setting.key == "score_weights").values(value=weights))
    after = evaluate(store, *NOV, series=False)
    assert after.weights["rework"] == 30
    sz = next(s for s in after.scores if s.code == "SZ")
    assert sz.score == pytest.approx(30) and sz.grade == "E"


def test_a_scope_counts_only_the_cases_under_it(store: Store, seeded: dict[str, str]) -> None:
    ev = evaluate(store, *NOV, scope=C2)
    assert ev.scope_name == "社区2"
    assert ev.total.reported == 2 and {r.key for r in ev.groups["grid"].rows} == {G2}
    assert {c.case_no for c in drill(store, *NOV, "total", "", "reported", C2)} == {
        seeded["rework"], seeded["open_late"]}  # fmt: skip
    assert evaluate(store, *NOV, scope=STREET).total.reported == 6


def test_an_empty_period_says_no_cases_and_divides_by_nothing(store: Store, seeded: dict[str, str]) -> None:
    ev: Evaluation = evaluate(store, date(2020, 1, 1), date(2020, 1, 31))
    assert ev.empty and ev.total.reported == 0 and ev.groups["department"].rows == ()
    assert all(getattr(ev.total, rate) is None for rate in ev.total.RATES)
    assert percent(ev.total.handle_rate) == "—" and ev.total.score() is None and ev.scores == ()
    assert drill(store, date(2020, 1, 1), date(2020, 1, 31), "total", "", "late") == ()


def test_bad_input_is_a_clear_error(store: Store, seeded: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="No district, street or community with the code '999'"):
        evaluate(store, *NOV, scope="999")
    with pytest.raises(InvalidInput, match=r"ends .* before it starts"):
        evaluate(store, date(2025, 11, 30), date(2025, 11, 1))
    with pytest.raises(InvalidInput, match="at most 366 days"):
        evaluate(store, date(2024, 1, 1), date(2025, 1, 31))
    with pytest.raises(InvalidInput, match="No cases behind 'score'"):
        drill(store, *NOV, "department", "CGJ", "score")
    with pytest.raises(InvalidInput, match="Cannot group by 'weather'"):
        drill(store, *NOV, "weather", "x", "reported")  # type: ignore[arg-type]
    assert drill(store, *NOV, "department", "NOPE", "reported") == ()  # an unknown key has no cases


PASSWORD = "评价 horse battery"


@pytest.fixture
def street_supervisor(pg_store: Store, pg_schema: str) -> Iterator[tuple[Store, dict[str, str]]]:
    """The seeded dataset on PostgreSQL and a supervisor of community 2 signed in as their own role."""
    now = utcnow()
    with pg_store.session() as s:
        for code, name in (("CGJ", "城管执法局"), ("SZ", "市政园林局")):
            s.add(Department(code=code, name=name, updated_at=now))
        s.flush()
        cgj = s.scalar(select(Department.id).where(Department.code == "CGJ"))
        roles = {"acceptor": "acceptor", "leader": "shift_leader", "dispatcher": "dispatcher",
                 "handler": "handler", "worker": "grid_worker"}  # fmt: skip
        for username, role in roles.items():
            p = Person(username=username, name=username, updated_at=now, roles=[PersonRole(role=role)])
            p.department_id = cgj if username == "handler" else None
            s.add(p)
    cases = seed(pg_store)
    username = f"gwt_{uuid.uuid4().hex[:8]}_sup"
    add_user(pg_store, actor="admin", username=username, name="街道考评", roles=["supervisor"],
             password=PASSWORD, org_unit=C2)  # fmt: skip
    signed = sign_in(pg_url(pg_schema), username, PASSWORD)
    yield signed, cases
    signed.dispose()
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


@pytest.mark.postgres
def test_a_community_supervisor_evaluates_only_what_row_level_security_shows_them(
    street_supervisor: tuple[Store, dict[str, str]], pg_store: Store
) -> None:
    signed, cases = street_supervisor
    mine = evaluate(signed, *NOV)  # no scope asked: the database narrows it
    assert mine.total.reported == 2 and {r.key for r in mine.groups["grid"].rows} == {G2}
    assert {c.case_no for c in drill(signed, *NOV, "total", "", "reported", as_of=mine.as_of)} == {
        cases["rework"], cases["open_late"]}  # fmt: skip
    assert drill(signed, *NOV, "department", "CGJ", "closed_on_time") == ()  # the on-time case is in grid 1
    assert mine.total.rated == 0  # both rated cases lie in community 1
    everything = evaluate(pg_store, *NOV)
    assert everything.total.reported == 6
    assert evaluate(signed, *NOV, scope=C2).total == mine.total


def test_the_evaluation_covers_the_period_given(store: Store, seeded: dict[str, str]) -> None:
    first_half = evaluate(store, date(2025, 11, 1), date(2025, 11, 5))
    assert first_half.total.reported == 3 and len(first_half.days) == 5
    assert first_half.end - first_half.start == timedelta(days=4)
