"""The demo keeps living: new cases, cases moving through the workflow, grid workers walking their grid."""

from __future__ import annotations

from shapely import contains_xy
from sqlalchemy import func, select

from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.simulate import DemoSimulation
from gridwatch.db.models import Case, CaseEvent, GridAssignment, OrgUnit, Position
from gridwatch.db.store import Store


def test_ticks_report_advance_and_walk(sqlite_store: Store) -> None:
    seed_demo(sqlite_store, cases=60, seed=3)
    with sqlite_store.session() as s:
        cases_before = s.scalar(select(func.count(Case.id)))
        events_before = s.scalar(select(func.count(CaseEvent.id)))
        positions_before = s.scalar(select(func.count(Position.id)))
    sim = DemoSimulation(sqlite_store, seed=7, new_case_chance=1.0, advance_per_tick=3)
    reports = [sim.tick() for _ in range(3)]
    assert sum(len(r.reported) for r in reports) == 3
    assert sum(len(r.advanced) for r in reports) >= 3
    with sqlite_store.session() as s:
        assert s.scalar(select(func.count(Case.id))) == cases_before + 3
        assert s.scalar(select(func.count(CaseEvent.id))) > events_before + 3
        new_positions = s.execute(
            select(Position.lon, Position.lat, OrgUnit.geom)
            .join(GridAssignment, GridAssignment.person_id == Position.person_id)
            .join(OrgUnit, OrgUnit.id == GridAssignment.grid_id)
            .where(Position.id > positions_before)
        ).all()
    assert new_positions and all(contains_xy(g, lon, lat) for lon, lat, g in new_positions)
