"""What the store publishes for any GIS client, checked in SQL and with GDAL's ogrinfo, signed in as people's
own login roles (never the owner): typed, keyed views under row-level security, the one traffic light,
the grid rules and the `qgis` channel."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import product
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gridwatch.db import deadlines, seeds
from gridwatch.db.imports import org_units
from gridwatch.db.published import LAYERS, publish, published_styles
from gridwatch.db.queries import light_of
from gridwatch.db.store import Store
from gridwatch.layers.qgis_styles import published_styles as generated_styles
from tests.conftest import pg_url
from tests.qgis.conftest import (
    COMMUNITY_1,
    GRID_11,
    GRID_12,
    GRID_21,
    PASSWORD,
    ROOT,
    GisStore,
)

pytestmark = pytest.mark.postgres


def migration() -> ModuleType:
    path = ROOT / "db" / "migrations" / "versions" / "0012_published.py"
    spec = importlib.util.spec_from_file_location("published_0012", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refused(gis: GisStore, who: str, *statements: str) -> tuple[str, str]:
    """Run statements as `who` in one transaction that must be refused: (SQLSTATE, first line)."""
    store = gis.sign_in(who)
    try:
        with pytest.raises(DBAPIError) as caught, store.engine.connect() as conn:
            for sql in statements:
                conn.execute(text(sql))
            conn.commit()
        orig = caught.value.orig
        return str(getattr(orig, "sqlstate", "")), str(orig).splitlines()[0]
    finally:
        store.dispose()


def grid_wkt(gis: GisStore, code: str) -> str:
    with gis.owner.engine.connect() as conn:
        return str(
            conn.execute(text("SELECT ST_AsText(geom) FROM org_units WHERE code = :c"), {"c": code}).scalar()
        )


def box(x0: float, x1: float, y0: float = 24.44, y1: float = 24.48) -> str:
    return f"ST_Multi(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 4490))"


def test_the_views_are_typed_keyed_and_judge_the_caller(gis: GisStore) -> None:
    store = gis.sign_in("h_cgj")
    with store.engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT f_table_name, type, srid FROM geometry_columns "
                "WHERE f_table_schema = current_schema() AND f_table_name LIKE 'gis%' ORDER BY 1"
            )
        ).all()
        options: dict[str, str | None] = dict(
            conn.execute(
                text(
                    "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
                    "WHERE relkind = 'v' AND relnamespace = current_schema()::regnamespace"
                )
            ).all()
        )
        mine = set(conn.execute(text("SELECT case_no FROM gis_cases")).scalars())
        keys = conn.execute(text("SELECT count(*), count(DISTINCT id) FROM gis_org_units")).one()
    store.dispose()
    expected = {"Polygon": "MULTIPOLYGON", "Point": "POINT", "Line": "LINESTRING"}
    assert columns == sorted((view, expected[kind], 4490) for view, kind in LAYERS.items())
    assert set(LAYERS) <= set(options)
    assert all("security_invoker=true" in (o or "").split(",") for o in options.values()), (
        options
    )  # every view
    assert mine == {gis.cases["c1"]}  # CGJ's handler: CGJ's case only, through the view as from the table
    assert keys == (6, 6)
    dispatcher = gis.sign_in("dispatcher")
    with dispatcher.engine.connect() as conn:
        assert set(conn.execute(text("SELECT case_no FROM gis_open_cases")).scalars()) == set(
            gis.cases.values()
        )
    dispatcher.dispose()


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin (installer/test-packages.txt)")
def test_ogrinfo_lists_the_layers_with_their_type_and_srid(gis: GisStore) -> None:
    source = (
        f"PG:host=127.0.0.1 dbname=gridwatch_test user={gis.users['h_cgj']} password='{PASSWORD}' "
        f"schemas={gis.schema} tables={','.join(sorted(LAYERS))}"
    )
    listed = subprocess.run(
        ["ogrinfo", "-ro", "-q", source], capture_output=True, text=True, check=True
    ).stdout
    layers = {line.split(": ", 1)[1] for line in listed.splitlines() if ": " in line}
    assert {"gis_open_cases (Point)", "gis_grids (Multi Polygon)", "gis_tracks (Line String)"} <= layers
    summary = subprocess.run(
        ["ogrinfo", "-ro", "-so", source, "gis_open_cases"], capture_output=True, text=True, check=True
    ).stdout
    assert "Geometry: Point" in summary and "Feature Count: 1" in summary  # row-level security: CGJ's one
    assert 'ID["EPSG",4490]' in summary and "id: Integer" in summary


def test_the_published_styles_are_the_generated_ones_and_only_an_admin_publishes(gis: GisStore) -> None:
    assert published_styles(gis.owner) == generated_styles()
    handler = gis.sign_in("h_cgj")
    with pytest.raises(Exception, match="needs the role admin"):
        publish(handler, generated_styles())
    handler.dispose()
    admin = gis.sign_in("admin")
    done = publish(admin, generated_styles())
    admin.dispose()
    assert done.styles == len(LAYERS) and done.clock_edges > 500


def test_the_constants_in_sql_are_the_stores() -> None:
    sql = migration()
    in_sql = "(" + ", ".join(f"'{s}'" for s in sorted(seeds.OPEN_STATES)) + ")"
    assert in_sql == sql.OPEN_STATES
    assert sql.YELLOW_FROM == deadlines.YELLOW_FROM
    assert sql.OVERLAP_TOLERANCE_M2 == org_units.OVERLAP_TOLERANCE_M2
    assert sql.M_PER_DEGREE == org_units.M_PER_DEGREE


@dataclass(frozen=True)
class Step:
    state: str
    limit_unit: str | None
    stage_started_at: datetime | None
    stage_due_at: datetime | None


def test_the_light_in_sql_is_light_of(gis: GisStore) -> None:
    """`gw_light` against `queries.light_of` for steps on the working and the wall clock, over weekends,
    nights and holidays (2026-10-01 is National Day), at moments before, inside and after the yellow band."""
    with gis.owner.session() as session:
        rules = gis.owner.rules(session)
    starts = [datetime(2026, 9, 30, 1, 30, tzinfo=UTC), datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
              datetime(2026, 11, 30, 2, 0, tzinfo=UTC)]  # fmt: skip
    spans = [timedelta(hours=1), timedelta(hours=9), timedelta(days=3), timedelta(days=9)]
    kinds = [
        ("reported", None),
        ("dispatched", "working_days"),
        ("dispatched", "days"),
        ("handling", "working_hours"),
        ("verifying", None),
        ("closed", None),
        ("suspended", "days"),
    ]
    steps, moments = [], []
    for start, span, (state, unit) in product(starts, spans, kinds):
        steps.append(Step(state, unit, start, start + span))
    fractions = [0.1, 0.5, 0.79, 0.81, 0.9, 0.99, 1.01, 2.0]
    seen = set()
    with gis.owner.engine.connect() as conn:
        for step in steps:
            assert step.stage_started_at and step.stage_due_at
            for f in fractions:
                at = step.stage_started_at + (step.stage_due_at - step.stage_started_at) * f
                moments.append(at)
                sql = conn.execute(
                    text("SELECT gw_light(:state, :unit, :start, :due, :at)"),
                    {"state": step.state, "unit": step.limit_unit, "start": step.stage_started_at,
                     "due": step.stage_due_at, "at": at},
                ).scalar()  # fmt: skip
                python = light_of(rules, step, at)
                assert sql == python, (step, at)
                seen.add(python)
    assert seen == {"green", "yellow", "red", None}


def test_the_views_light_is_the_fixtures(gis: GisStore) -> None:
    with gis.owner.engine.connect() as conn:
        lights: dict[str, str | None] = dict(conn.execute(text("SELECT case_no, light FROM gis_cases")).all())
    assert lights[gis.cases["c1"]] == "red"  # dispatched a month ago


def test_grid_rules_refuse_a_bad_edit_as_a_non_superuser_and_change_nothing(gis: GisStore) -> None:
    before = {code: grid_wkt(gis, code) for code in (GRID_11, GRID_12, GRID_21)}
    state, line = refused(
        gis, "admin", f"UPDATE gis_grids SET geom = {box(118.01, 118.04)} WHERE code = '{GRID_12}'"
    )
    assert state == "GW001"
    assert f"Grid {GRID_12} overlaps grid {GRID_11} of the same community by" in line
    state, line = refused(
        gis, "admin", f"UPDATE gis_grids SET geom = {box(118.07, 118.09)} WHERE code = '{GRID_21}'"
    )
    assert (
        state == "GW001"
        and f"Grid {GRID_21} reaches" in line
        and "outside its community 350203001002" in line
    )
    for bad in ("3502030010010", "3502030010010x", "35020300100102a", "3502030010010-1"):
        state, line = refused(gis, "admin", f"UPDATE gis_grids SET code = '{bad}' WHERE code = '{GRID_12}'")
        assert state == "GW001" and line.startswith(f"Grid code '{bad}' is not well-formed"), line
    state, _line = refused(gis, "h_cgj", f"UPDATE gis_grids SET name = 'x' WHERE code = '{GRID_12}'")
    assert state == "42501"  # a handler edits no grid
    assert {code: grid_wkt(gis, code) for code in before} == before


def test_the_overlap_figure_is_the_imports(gis: GisStore) -> None:
    _state, line = refused(
        gis, "admin", f"UPDATE gis_grids SET geom = {box(118.01, 118.04)} WHERE code = '{GRID_12}'"
    )
    overlap = org_units.area_m2(__import__("shapely").box(118.01, 24.44, 118.02, 24.48))
    assert f"by {overlap:,.0f} m²: grids of a community do not overlap." in line  # as the import says it


def test_good_grid_edits_pass_a_shared_edge_moves_in_one_transaction(gis: GisStore) -> None:
    admin = gis.sign_in("admin")
    with (
        admin.engine.begin() as conn
    ):  # both sides of the shared edge, each overlapping until the other moves
        conn.execute(text(f"UPDATE gis_grids SET geom = {box(118.0, 118.025)} WHERE code = '{GRID_11}'"))
        conn.execute(text(f"UPDATE gis_grids SET geom = {box(118.025, 118.04)} WHERE code = '{GRID_12}'"))
    with admin.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO gis_grids (code, name, parent_id, geom) SELECT '35020300100202', '第2网格', "
                f"id, {box(118.06, 118.08)} FROM org_units WHERE code = '350203001002'"
            )
        )
        conn.execute(text(f"UPDATE gis_grids SET code = '3502030010010AB' WHERE code = '{GRID_21}'"))
    admin.dispose()
    assert grid_wkt(gis, GRID_11).startswith("MULTIPOLYGON(((118 24.44,118 24.48,118.025 24.48")
    with gis.owner.engine.connect() as conn:
        new = conn.execute(
            text("SELECT level, attrs::text FROM org_units WHERE code = '35020300100202'")
        ).one()
    assert tuple(new) == ("grid", "{}")


def test_the_import_path_meets_the_same_rules(gis: GisStore, tmp_path: Path) -> None:
    """A grid file with a grid leaving its community and a badly coded grid: the import names both with
    the database's own sentences and stores the good grid; the database refuses the same grid itself."""
    import geopandas as gpd
    from shapely.geometry import box as shapely_box

    from gridwatch.db.imports.grids import import_grids

    path = tmp_path / "grids.geojson"
    frame = gpd.GeoDataFrame(
        {
            "code": ["35020300100103", "3502030010010x", "35020300100202"],
            "name": ["越界", "坏编码", "好网格"],
            "level": ["grid"] * 3,
            "parent_code": [COMMUNITY_1, COMMUNITY_1, "350203001002"],
        },
        geometry=[
            shapely_box(118.06, 24.44, 118.07, 24.48),  # in community 2's corner
            shapely_box(118.0, 24.47, 118.01, 24.48),
            shapely_box(118.06, 24.44, 118.08, 24.48),
        ],
        crs="EPSG:4490",
    )
    frame.to_file(path, driver="GeoJSON")
    report = import_grids(gis.owner, path)
    reasons = {e.line: e.reason for e in report.errors}
    assert report.inserted == 1 and sorted(reasons) == [1, 2]
    outside = org_units.area_m2(shapely_box(118.06, 24.44, 118.07, 24.48))
    assert reasons[1] == (
        f"Grid 35020300100103 reaches {outside:,.0f} m² outside its community {COMMUNITY_1} (华新社区): "
        "a grid lies inside its community."
    )
    assert reasons[2].startswith("Grid code '3502030010010x' is not well-formed")
    state, line = refused(
        gis,
        "admin",
        "INSERT INTO gis_grids (code, name, parent_id, geom) SELECT '35020300100103', '越界', id, "
        f"{box(118.06, 118.07)} FROM org_units WHERE code = '{COMMUNITY_1}'",
    )
    assert (state, line) == ("GW001", reasons[1])


def test_a_case_reported_at_a_desk_is_announced_on_the_qgis_channel(gis: GisStore) -> None:
    url = f"host=127.0.0.1 dbname=gridwatch_test user={gis.users['h_cgj']} password='{PASSWORD}'"
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("LISTEN qgis")
        desk = gis.sign_in("dispatcher")
        desk.report(
            actor=gis.users["dispatcher"], source="center", category_code="06010", lon=118.01, lat=24.47
        )
        desk.dispose()
        payloads = {n.payload for n in listener.notifies(timeout=2)}
    ours = {p for p in payloads if p.startswith(f"{gis.schema}.")}  # the channel is the whole database's
    assert ours == {f"{gis.schema}.cases"}


def test_gis_publish_on_the_command_line(gis: GisStore, sqlite_store: Store) -> None:
    from sqlalchemy.engine import make_url
    from typer.testing import CliRunner

    import gridwatch.cli  # noqa: F401  (registers the commands)
    from gridwatch.cli.root import app

    runner = CliRunner()
    owner_url = pg_url(gis.schema)
    with gis.owner.engine.begin() as conn:
        conn.execute(text("DELETE FROM layer_styles"))
    as_admin = make_url(owner_url).set(username=gis.users["admin"], password=PASSWORD)
    done = runner.invoke(app, ["gis", "publish", "--db", as_admin.render_as_string(hide_password=False)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Published 7 layer styles and the working clock (")
    assert published_styles(gis.owner) == generated_styles()
    as_handler = make_url(owner_url).set(username=gis.users["h_cgj"], password=PASSWORD)
    refused = runner.invoke(app, ["gis", "publish", "--db", as_handler.render_as_string(hide_password=False)])
    assert refused.exit_code == 1
    assert (
        refused.output.strip()
        == "Publishing the GIS layers' styles needs the role admin (or the store's owner)."
    )
    with gis.owner.engine.begin() as conn:
        conn.execute(text("DELETE FROM layer_styles"))
    upgraded = runner.invoke(app, ["db", "upgrade", "--db", owner_url])  # the owner's upgrade publishes too
    assert upgraded.exit_code == 0 and "Published 7 GIS layer styles and the working clock" in upgraded.output
    assert published_styles(gis.owner) == generated_styles()
    sqlite_upgrade = runner.invoke(app, ["db", "upgrade", "--db", str(sqlite_store.engine.url)])
    assert sqlite_upgrade.exit_code == 0 and "GIS" not in sqlite_upgrade.output
    on_sqlite = runner.invoke(app, ["gis", "publish", "--db", str(sqlite_store.engine.url)])
    assert on_sqlite.exit_code == 1
    assert (
        on_sqlite.output.strip()
        == "GIS layers are published by a PostgreSQL store; an SQLite store has none."
    )


def test_a_calendar_change_moves_the_published_light_with_it(gis: GisStore) -> None:
    """An admin makes a working day a holiday: the published working clock loses that day at once, and
    `gw_light` still says what `light_of` says for a step across it."""
    from datetime import date, time
    from zoneinfo import ZoneInfo

    from gridwatch.db.calendar_admin import Entry, enter

    with gis.owner.session() as session:
        calendar = gis.owner.rules(session).calendar
    day = date.today() + timedelta(days=7)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime.combine(day, time(), tz), datetime.combine(day + timedelta(days=1), time(), tz)

    def edges_that_day() -> int:
        with gis.owner.engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM working_clock WHERE edge >= :a AND edge < :b"),
                {"a": start, "b": end},
            ).scalar()
        return int(found or 0)

    assert edges_that_day() >= 2
    admin = gis.sign_in("admin")
    enter(admin, gis.users["admin"], [Entry(day, False, "临时休假")], "test")
    admin.dispose()
    assert edges_that_day() == 0
    step = Step("dispatched", "working_hours", start - timedelta(days=1), end + timedelta(hours=10))
    with gis.owner.session() as session:
        gis.owner.refresh_calendar(session)  # the owner's handle read the calendar before the change
        rules = gis.owner.rules(session)
        assert not rules.calendar.is_workday(day)
    with gis.owner.engine.connect() as conn:
        for hours in range(0, 60, 3):
            at = start - timedelta(days=1) + timedelta(hours=hours)
            sql = conn.execute(
                text("SELECT gw_light(:s, :u, :a, :d, :at)"),
                {
                    "s": step.state,
                    "u": step.limit_unit,
                    "a": step.stage_started_at,
                    "d": step.stage_due_at,
                    "at": at,
                },
            ).scalar()
            assert sql == light_of(rules, step, at), at
