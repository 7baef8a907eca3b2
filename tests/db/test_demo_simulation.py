"""The demo keeps living: new cases, cases moving through the workflow, grid workers walking their grid."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from shapely import contains_xy
from sqlalchemy import func, select

from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.simulate import DemoSimulation
from gridwatch.db.models import Case, CaseEvent, GridAssignment, OrgUnit, Person, Position
from gridwatch.db.store import Store, utcnow
from gridwatch.db.workflow import SUPER_ROLES


def test_ticks_report_advance_and_walk(sqlite_store: Store) -> None:
    seed_demo(sqlite_store, cases=60, seed=3)
    with sqlite_store.session() as s:
        cases_before = s.scalar(select(func.count(Case.id))) or 0
        events_before = s.scalar(select(func.count(CaseEvent.id))) or 0
        positions_before = s.scalar(select(func.count(Position.id))) or 0
    sim = DemoSimulation(sqlite_store, seed=7, new_case_chance=1.0, advance_per_tick=3)
    reports = [sim.tick() for _ in range(3)]
    assert sum(len(r.reported) for r in reports) == 3
    assert sum(len(r.advanced) for r in reports) >= 3
    with sqlite_store.session() as s:
        assert s.scalar(select(func.count(Case.id))) == cases_before + 3
        assert (s.scalar(select(func.count(CaseEvent.id))) or 0) > events_before + 3
        new_positions = s.execute(
            select(Position.lon, Position.lat, OrgUnit.geom)
            .join(GridAssignment, GridAssignment.person_id == Position.person_id)
            .join(OrgUnit, OrgUnit.id == GridAssignment.grid_id)
            .where(Position.id > positions_before)
        ).all()
    assert new_positions and all(contains_xy(g, lon, lat) for lon, lat, g in new_positions)


Row = tuple[str, int, str, str | None, str, str | None]


def _trail_actors(store: Store, case_nos: set[str]) -> list[Row]:
    """(case number, event id, action, from state, actor's username, role) of every event of these cases,
    read through the store's own trail (`Store.events`)."""
    out = []
    with store.session() as session:
        for case_no in sorted(case_nos):
            for event in store.events(session, case_no):
                person = session.get(Person, event.actor_id)
                assert person is not None
                out.append((case_no, event.id, event.action, event.from_state, person.username, event.role))
    return out


def test_each_step_is_taken_by_the_person_whose_role_takes_it(sqlite_store: Store) -> None:
    """Nobody acts as the demo's admin: a grid worker reports from the grid the point lies in, an acceptor
    takes a citizen's or a hotline's report, the system account a camera's or a sensor's; each later
    step is taken by someone holding a role the workflow table gives that step, a handler only on their
    department's case, a grid worker only on their grid's (docs/DOMAIN.md, db/workflow.py)."""
    seed_demo(sqlite_store, cases=60, seed=3)
    with sqlite_store.session() as s:
        first_new_event = (s.scalar(select(func.max(CaseEvent.id))) or 0) + 1
    sim = DemoSimulation(sqlite_store, seed=11, new_case_chance=1.0, advance_per_tick=8)
    reported: set[str] = set()
    touched: set[str] = set()
    for _ in range(60):
        tick = sim.tick()
        reported.update(tick.reported)
        touched.update(case_no for case_no, _ in tick.advanced)
    trail = _trail_actors(sqlite_store, reported | touched)
    simulated = [row for row in trail if row[0] in reported or row[1] >= first_new_event]
    with sqlite_store.session() as s:
        workflow = sqlite_store.workflow(s)
        people = {p.username: p for p in s.scalars(select(Person))}
        roles = {name: frozenset(p.role_names) for name, p in people.items()}
        grids: dict[str, set[int]] = {}
        for person_id, grid_id in s.execute(select(GridAssignment.person_id, GridAssignment.grid_id)):
            grids.setdefault(s.get(Person, person_id).username, set()).add(grid_id)  # type: ignore[union-attr]
        cases = {c.case_no: c for c in s.scalars(select(Case).where(Case.case_no.in_(reported | touched)))}
        for case_no, _, action, before, actor, role in simulated:
            case = cases[case_no]
            assert actor != "admin", (case_no, action)
            if action == "report":
                if case.source == "grid_worker":
                    assert case.grid_id in grids.get(actor, set()), (case_no, actor)
                elif case.source in ("video", "sensor"):
                    assert "system" in roles[actor], (case_no, actor)
                else:
                    assert "acceptor" in roles[actor] and not roles[actor] & SUPER_ROLES, (case_no, actor)
                continue
            assert before is not None
            _, acting = workflow.step(case_no, before, action, roles[actor])  # raises if not allowed
            assert acting == role and acting not in SUPER_ROLES, (case_no, action, actor, role)
            if acting == "handler":
                assert people[actor].department_id == case.department_id, (case_no, action, actor)
            if acting == "grid_worker":
                assert case.grid_id in grids.get(actor, set()), (case_no, action, actor)
    steps = {"report", "register", "dispatch", "accept", "feedback", "send_check", "check_pass", "close"}
    assert {row[2] for row in simulated} >= steps
    assert {cases[c].source for c in reported} == {"grid_worker", "citizen", "hotline", "video", "sensor"}
    assert len({row[4] for row in simulated}) > 10  # the crew shares the work, not one person per role


def test_a_seeded_simulation_repeats_itself(sqlite_store: Store, tmp_path: Path) -> None:
    """The same seed on the same store takes the same steps by the same people (the picks come from the
    simulation's seeded generator, not from the database's random())."""
    now = utcnow()  # one moment for both runs: the case numbers carry its day
    seed_demo(sqlite_store, cases=60, seed=3, now=now)
    sqlite_store.dispose()
    path = Path(sqlite_store.engine.url.database or "")
    copies = []
    for n in (1, 2):
        shutil.copy(path, tmp_path / f"copy{n}.sqlite")
        copies.append(Store(f"sqlite:///{tmp_path / f'copy{n}.sqlite'}"))
    runs = []
    for store in copies:
        sim = DemoSimulation(store, seed=5, new_case_chance=1.0, advance_per_tick=5)
        seen: set[str] = set()
        for minute in range(20):
            tick = sim.tick(now + timedelta(minutes=minute))
            seen.update(tick.reported)
            seen.update(case_no for case_no, _ in tick.advanced)
        runs.append([(c, a, who) for c, _, a, _, who, _ in _trail_actors(store, seen)])
        store.dispose()
    assert runs[0] == runs[1] and len(runs[0]) > 20
