"""Exports: every format writes, and the CSV formats import back with nothing changed."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import select
from test_import_cases import CLOSED, LATE, OPEN
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.db.errors import InvalidInput
from gridwatch.db.exports import export
from gridwatch.db.imports.cases import import_cases
from gridwatch.db.imports.grids import import_grids
from gridwatch.db.imports.setup_tables import import_setup
from gridwatch.db.models import Case, CaseEvent
from gridwatch.db.store import Store


def snapshot(store: Store) -> list[tuple[object, ...]]:
    """What an import decides about cases, comparable across stores (ids left out)."""
    with store.session() as s:
        cases = s.scalars(select(Case).order_by(Case.case_no)).all()
        return [
            (
                c.case_no,
                c.state,
                c.category_code,
                c.urgency,
                c.lon,
                c.lat,
                c.reported_at,
                c.dispatched_at,
                c.accepted_at,
                c.closed_at,
                c.deadline_at,
                c.close_type,
                c.outside_grid,
                c.attrs,
                tuple(
                    s.scalars(
                        select(CaseEvent.action).where(CaseEvent.case_id == c.id).order_by(CaseEvent.id)
                    )
                ),
            )
            for c in cases
        ]


def test_cases_round_trip_through_the_interchange_csv(
    store: Store, tmp_path: Path, sqlite_template_copy: Store
) -> None:
    add_territory(store)
    source = write_csv(
        tmp_path / "in.csv", [HEADER + ",工单来源", CLOSED + ",12345", LATE + ",", OPEN + ",网格"]
    )
    assert import_cases(store, source).inserted == 3
    out = tmp_path / "out.csv"
    assert export(store, "cases", out) == 3
    assert import_cases(store, out).unchanged == 3  # same store: nothing changes

    other = sqlite_template_copy  # another store: the same cases come out
    add_territory(other)
    assert import_cases(other, out).inserted == 3
    assert snapshot(other) == snapshot(store)


@pytest.fixture
def sqlite_template_copy(sqlite_template: Path, tmp_path: Path) -> Store:
    import shutil

    path = tmp_path / "other.sqlite"
    shutil.copy(sqlite_template, path)
    return Store(f"sqlite:///{path}")


def test_geodata_and_device_exports(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    import_cases(store, write_csv(tmp_path / "in.csv", [HEADER, CLOSED, OPEN]))
    devices = write_csv(
        tmp_path / "d.csv",
        [
            "code,kind,name,lon,lat,heading,speaker_code",
            "CAM1,camera,路口,118.015,24.41,90,SPK1",
            "SPK1,loudspeaker,音柱,118.015,24.41,,",
        ],
    )
    assert import_setup(store, "devices", devices).inserted == 2

    for what, count in (("grids", 4), ("cases", 2), ("devices", 2)):
        for suffix in (".gpkg", ".geojson"):
            path = tmp_path / f"{what}{suffix}"
            assert export(store, what, path) == count
            frame = gpd.read_file(path)
            assert len(frame) == count
            assert frame.crs.to_epsg() == (4326 if suffix == ".geojson" else 4490)
    cases = gpd.read_file(tmp_path / "cases.gpkg")
    assert set(cases["state"]) == {"closed", "handling"} and "deadline_at" in cases.columns

    assert export(store, "devices", tmp_path / "devices.csv") == 2
    assert import_setup(store, "devices", tmp_path / "devices.csv").unchanged == 2
    assert export(store, "grids", tmp_path / "grids.csv") == 4
    assert import_setup(store, "org", tmp_path / "grids.csv").unchanged == 4
    assert import_grids(store, tmp_path / "grids.geojson").unchanged == 4
    assert import_grids(store, tmp_path / "grids.gpkg").unchanged == 4

    with pytest.raises(InvalidInput, match="format"):
        export(store, "cases", tmp_path / "cases.shp")
