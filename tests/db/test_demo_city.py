"""The demo city: deterministic, the size the seeds describe, a clean nested partition, every case state,
times on the working calendar, and one-transaction seeding on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from gridwatch.cli.root import app
from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule, Limit
from gridwatch.db.demo_city import StoreNotEmpty, seed_demo
from gridwatch.db.demo_city.plan import DemoPlan, plan_demo
from gridwatch.db.demo_city.territory import Territory, build_territory
from gridwatch.db.engine import make_engine
from gridwatch.db.models import Case, CaseEvent, Device, OrgUnit, Person, PersonRole, Position
from gridwatch.db.seeds import DEADLINE_RULES, STATES
from gridwatch.db.store import Store
from tests.conftest import PG_URL

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 17, 15, 20, tzinfo=TZ)  # a Wednesday afternoon
CAL = WorkingCalendar()
RULES = [DeadlineRule(Limit(a, u), c, g) for c, g, a, u in DEADLINE_RULES]  # type: ignore[arg-type]
TIME_COLUMNS = (
    "reported_at",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "checked_at",
    "closed_at",
)
AREA_EPS = 1e-12  # square degrees: ~0.01 m², float noise only


@pytest.fixture(scope="module")
def territory() -> Territory:
    return build_territory(1)


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return plan_demo(1, 3000, NOW, CAL, RULES)


def _geometry_hash(t: Territory) -> str:
    digest = hashlib.sha256()
    for unit in t.units:
        digest.update(unit.code.encode() + shapely.to_wkb(unit.geom))
    return digest.hexdigest()


# --- territory -----------------------------------------------------------------------------------------


def test_same_seed_same_district_other_seed_other_district(territory: Territory) -> None:
    again = build_territory(1)
    assert [u.code for u in again.units] == [u.code for u in territory.units]
    assert _geometry_hash(again) == _geometry_hash(territory)
    assert _geometry_hash(build_territory(2)) != _geometry_hash(territory)


def test_sizes_codes_and_names(territory: Territory) -> None:
    assert territory.district.code == "350203" and territory.district.name == "思明区"
    assert [s.name for s in territory.streets] == ["中华街道", "鹭江街道", "厦港街道"]
    assert [s.code for s in territory.streets] == ["350203001", "350203002", "350203003"]
    assert len(territory.communities) == 15
    assert 125 <= len(territory.grids) <= 135
    per_community = Counter(g.parent_code for g in territory.grids)
    assert all(6 <= n <= 12 for n in per_community.values()), per_community
    for grid in territory.grids:
        assert len(grid.code) == 14 and grid.code.isdigit() and grid.code.startswith(grid.parent_code or "-")
        assert grid.name == f"第{int(grid.code[-2:])}网格"
    for community in territory.communities:
        assert len(community.code) == 12 and community.name.endswith("社区")
    xmin, ymin, xmax, ymax = territory.district.geom.bounds
    assert xmin >= 118.07 and xmax <= 118.16 and ymin >= 24.43 and ymax <= 24.51


def test_outline_is_irregular(territory: Territory) -> None:
    """Real boundaries wiggle: many vertices and far from convex."""
    grid = territory.grids[0].geom
    assert shapely.get_num_coordinates(grid) > 40
    district = territory.district.geom
    assert district.area / district.convex_hull.area < 0.97


def test_grids_partition_their_community_and_never_overlap(territory: Territory) -> None:
    grids = np.asarray([g.geom for g in territory.grids], dtype=object)
    assert shapely.is_valid(grids).all()
    tree = shapely.STRtree(grids)
    left, right = tree.query(grids, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(grids[left[pairs]], grids[right[pairs]]))
    assert overlap.max() < AREA_EPS
    for parent_level, children in (
        (territory.communities, territory.grids),
        (territory.streets, territory.communities),
        ([territory.district], territory.streets),
    ):
        for parent in parent_level:
            kids = [c.geom for c in children if c.parent_code == parent.code]
            assert kids, parent.code
            union = shapely.union_all(kids)
            assert shapely.symmetric_difference(union, parent.geom).area < AREA_EPS
            assert all(parent.geom.buffer(1e-9).covers(k) for k in kids)
    assert all(len(c.geom.geoms) == 1 for c in territory.communities)  # contiguous


# --- case rows -----------------------------------------------------------------------------------------


def test_case_rows_are_deterministic(plan: DemoPlan) -> None:
    again = plan_demo(1, 3000, NOW, CAL, RULES)
    assert [c.row for c in again.cases] == [c.row for c in plan.cases]
    assert [d.code for d in again.devices] == [d.code for d in plan.devices]
    assert again.tracks == plan.tracks
    other = plan_demo(5, 300, NOW, CAL, RULES)
    assert [c.row for c in other.cases[:50]] != [c.row for c in plan.cases[:50]]


def test_every_state_and_source(plan: DemoPlan) -> None:
    states = Counter(c.row["status"] for c in plan.cases)
    assert set(states) == set(STATES), states
    assert states["closed"] > len(plan.cases) * 0.7
    assert set(Counter(c.row["source"] for c in plan.cases)) == {
        "grid_worker",
        "citizen",
        "hotline",
        "video",
        "sensor",
        "superior",
        "center",
    }
    open_rows = [c for c in plan.cases if c.row["status"] not in ("closed", "rejected", "cancelled")]
    recent = [c for c in open_rows if (NOW - datetime.fromisoformat(c.row["reported_at"])).days <= 7]
    assert len(recent) > len(open_rows) * 0.7  # open cases are mostly the last days'


def test_times_are_ordered_and_in_the_window(plan: DemoPlan) -> None:
    for case in plan.cases:
        times = [datetime.fromisoformat(case.row[c]) for c in TIME_COLUMNS if case.row[c]]
        assert times == sorted(times), case.row
        assert (NOW - times[0]).days < 90 and times[-1] <= NOW
        kept = [s.at for s in case.kept]
        assert kept == sorted(kept)


def test_desk_steps_mostly_in_working_hours_reports_any_time(plan: DemoPlan) -> None:
    def working(column: str) -> float:
        """Share of the column's times that lie in working hours (within a minute of working time)."""
        moments = [datetime.fromisoformat(c.row[column]) for c in plan.cases if c.row[column]]
        inside = [
            CAL.working_seconds(m - timedelta(minutes=1), m + timedelta(minutes=1)) > 0 for m in moments
        ]
        return sum(inside) / len(moments)

    assert working("registered_at") > 0.85
    assert working("dispatched_at") > 0.85
    assert working("reported_at") < 0.75  # citizens, the hotline and cameras report around the clock


def test_some_overdue_reworked_extended_suspended(plan: DemoPlan) -> None:
    actions = Counter(s.action for c in plan.cases for s in c.kept)
    assert (
        actions["check_fail"] > 20 and actions["approve_extension"] > 20 and actions["approve_suspend"] > 10
    )
    late = [
        c
        for c in plan.cases
        if c.life.deadline
        and c.row["handled_at"]
        and datetime.fromisoformat(c.row["handled_at"]) > c.life.deadline
    ]
    assert 0.03 < len(late) / len(plan.cases) < 0.2


def test_devices_and_speakers(plan: DemoPlan) -> None:
    kinds = Counter(d.kind for d in plan.devices)
    assert kinds == {"camera": 320, "loudspeaker": 65, "sensor": 50}
    assert Counter(d.subtype for d in plan.devices if d.kind == "sensor") == {"lampblack": 30, "smoke": 20}
    speakers = {d.code: d for d in plan.devices if d.kind == "loudspeaker"}
    assert sorted(int(d.address.split(":")[1]) for d in speakers.values() if d.address) == list(
        range(40001, 40066)
    )
    assert all(
        d.address and d.address.startswith("127.0.0.1:") and d.protocol == "rtp-pcmu"
        for d in speakers.values()
    )
    cameras = [d for d in plan.devices if d.kind == "camera"]
    assert all(d.stream_url == f"demo://camera/{d.code}" and d.heading is not None for d in cameras)
    linked = [d for d in cameras if d.speaker_code]
    assert 0.2 * len(cameras) < len(linked) < len(cameras)
    assert all(d.speaker_code in speakers for d in linked)
    assert len(plan.components) >= 3000
    grids = {g.code: g.geom for g in plan.territory.grids}
    for item in [*plan.devices, *plan.components]:
        assert grids[item.grid_code].covers(shapely.Point(item.lon, item.lat))


def test_patrols_stay_in_their_grid(plan: DemoPlan) -> None:
    grids = {g.code: g.geom for g in plan.territory.grids}
    workers = {s.username: s.grid_code for s in plan.staff if s.grid_code}
    assert len(workers) == len(grids)
    for user, track in plan.tracks.items():
        xy = np.array([(lon, lat) for _, lon, lat in track])
        assert len(track) == 50 and track[-1][0] == NOW
        assert shapely.contains_xy(grids[workers[user] or ""], xy[:, 0], xy[:, 1]).all()


# --- seeding a store -----------------------------------------------------------------------------------


def _pg_schema_url() -> tuple[str, str]:
    """A fresh schema with its own (empty) alembic_version, so the migration runs in it, not in public."""
    schema = f"demo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.execute(
            text(
                f"CREATE TABLE {schema}.alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
    admin.dispose()
    return schema, f"{PG_URL}?options=-csearch_path%3D{schema},public"


@pytest.fixture(params=["sqlite", "postgres"])
def demo_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated empty store of its own: a temporary file, or a schema dropped afterwards."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'demo.sqlite'}")
        store.upgrade()
        yield store
        store.dispose()
        return
    schema, _url = _pg_schema_url()
    store = Store(engine=make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema},public"}))
    try:
        store.upgrade()
        with store.session() as session:
            where = "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'org_units'::regclass"
            assert session.scalar(text(where)) == schema  # not public: see _pg_schema_url
        yield store
    finally:
        store.dispose()
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.mark.slow
def test_seed_writes_everything_and_refuses_a_second_time(demo_store: Store) -> None:
    summary = seed_demo(demo_store, cases=400, seed=3, now=NOW)
    counts = summary.counts
    assert counts["org_units"] == 1 + 3 + 15 + len(build_territory(3).grids)
    assert counts["departments"] == 13 and counts["devices"] == 435 and counts["cases"] == 400
    assert counts["positions"] == 50 * len(build_territory(3).grids)
    with demo_store.session() as s:
        states = set(s.scalars(select(Case.state).distinct()))
        assert states == set(STATES)
        assert s.scalar(select(func.count()).where(Case.outside_grid.is_(True))) >= 3
        assert (
            s.scalar(select(func.count()).where(Case.dispatched_at.is_not(None), Case.deadline_at.is_(None)))
            == 0
        )
        assert s.scalar(select(func.count()).where(Case.rework_count > 0)) > 0
        admin = s.scalar(select(Person).where(Person.username == "admin"))
        assert (
            admin is not None
            and {"admin", "acceptor", "shift_leader", "dispatcher", "handler", "grid_worker", "supervisor"}
            <= admin.role_names
        )
        assert s.scalar(select(func.count()).select_from(Person).where(Person.username == "system")) == 1
        assert (
            s.scalar(select(func.count()).where(Device.kind == "camera", Device.speaker_id.is_not(None))) > 0
        )
        grid = s.scalar(select(OrgUnit).where(OrgUnit.level == "grid").order_by(OrgUnit.code).limit(1))
        assert grid is not None and grid.geom is not None and grid.parent is not None
        assert grid.parent.geom is not None and grid.parent.geom.buffer(1e-9).covers(grid.geom)
        assert s.scalar(select(func.max(Position.at))) == NOW
        ordered = s.execute(
            select(CaseEvent.case_id, CaseEvent.at).order_by(CaseEvent.case_id, CaseEvent.at)
        ).all()
        assert len(ordered) >= 400 * 2
        # numbered as `Store.report` numbers a live case (local day + id), so new cases read like the history
        numbers = s.execute(select(Case.id, Case.case_no, Case.reported_at)).all()
        assert [no for _i, no, _at in numbers] == [
            f"{at.astimezone(TZ):%Y%m%d}{i:06d}" for i, _no, at in numbers
        ]
    with pytest.raises(StoreNotEmpty, match="--replace"):
        seed_demo(demo_store, cases=10, seed=3, now=NOW)
    again = seed_demo(demo_store, cases=200, seed=4, now=NOW, replace=True)
    assert again.counts["cases"] == 200 and again.counts["org_units"] == counts["org_units"] - len(
        build_territory(3).grids
    ) + len(build_territory(4).grids)
    with demo_store.session() as s:
        assert s.scalar(select(func.count()).select_from(PersonRole)) == again.counts["person_roles"]


def test_same_seed_same_rows_in_the_store(tmp_path: Path) -> None:
    def snapshot(path: Path) -> list[tuple[object, ...]]:
        store = Store(f"sqlite:///{path}")
        store.upgrade()
        seed_demo(store, cases=150, seed=9, now=NOW)
        with store.session() as s:
            rows = s.execute(
                select(Case.case_no, Case.state, Case.grid_id, Case.deadline_at, Case.lon).order_by(
                    Case.case_no
                )
            ).all()
            units = s.execute(select(OrgUnit.code, OrgUnit.geom).order_by(OrgUnit.code)).all()
        store.dispose()
        return [tuple(r) for r in rows] + [(c, shapely.to_wkb(g)) for c, g in units]

    assert snapshot(tmp_path / "a.sqlite") == snapshot(tmp_path / "b.sqlite")


# --- command line --------------------------------------------------------------------------------------


def test_cli_seed_demo_and_demo(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.sqlite")
    result = runner.invoke(
        app,
        [
            "seed",
            "demo",
            "--db",
            db,
            "--cases",
            "120",
            "--seed",
            "2",
            "--json",
            "--now",
            "2026-06-17 15:20:00",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # 120 plus the three cases that travel the centers (db/demo_city/levels.py)
    assert data["counts"]["cases"] == 123 and data["now"] == NOW.isoformat()
    refused = runner.invoke(app, ["seed", "demo", "--db", db, "--cases", "10"])
    assert refused.exit_code == 1 and "--replace" in refused.output
    shown = runner.invoke(app, ["demo", "--db", db, "--no-window"])
    assert shown.exit_code == 0 and "already seeded" in shown.output and "123" in shown.output
    fresh = runner.invoke(
        app, ["demo", "--db", str(tmp_path / "fresh.sqlite"), "--cases", "50", "--no-window"]
    )
    assert fresh.exit_code == 0 and "Demo district seeded" in fresh.output, fresh.output


@pytest.mark.parametrize("n", [0, 1, 2])
def test_a_tiny_demo_plans_its_cases(n: int) -> None:
    """`seed demo --cases 0` crashed: fewer human reports than the few placed outside the district."""
    tiny = plan_demo(1, n, NOW, CAL, RULES)
    assert len(tiny.cases) == n
