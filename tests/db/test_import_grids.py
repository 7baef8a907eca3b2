"""Importing the org tree from geodata and from the org table: CRS, repairs, overlaps, upper levels."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box
from sqlalchemy import select
from test_import_support import write_csv

from gridwatch.db.imports.grids import import_grids
from gridwatch.db.imports.report import ImportFileError
from gridwatch.db.imports.setup_tables import import_setup
from gridwatch.db.models import OrgUnit
from gridwatch.db.store import Store


def tree() -> list[dict[str, object]]:
    """A street, a community and two touching grids, with levels in one file (children listed first)."""
    return [
        {
            "code": "35020300100101",
            "name": "网格一",
            "level": "grid",
            "geometry": box(118.0, 24.4, 118.01, 24.42),
        },
        {
            "code": "35020300100102",
            "name": "网格二",
            "level": "网格",
            "geometry": box(118.01, 24.4, 118.02, 24.42),
        },
        {
            "code": "350203001001",
            "name": "社区",
            "level": "community",
            "geometry": box(118.0, 24.4, 118.02, 24.43),
        },
        {"code": "350203001", "name": "街道", "level": "street", "geometry": box(117.9, 24.3, 118.1, 24.5)},
    ]


def units(store: Store) -> dict[str, OrgUnit]:
    with store.session() as s:
        found = {u.code: u for u in s.scalars(select(OrgUnit))}
        for u in found.values():
            _ = u.parent
        return found


@pytest.mark.parametrize(("epsg", "suffix"), [(3857, ".shp"), (4547, ".gpkg")])
def test_projected_file_is_reprojected_and_levels_nest(
    store: Store, tmp_path: Path, epsg: int, suffix: str
) -> None:
    path = tmp_path / f"tree{suffix}"
    gpd.GeoDataFrame(tree(), crs=4490).to_crs(epsg).to_file(path)
    report = import_grids(store, path)
    assert report.ok and report.inserted == 4
    assert any(f"EPSG:{epsg}" in w.reason for w in report.warnings)
    assert any("not covered by any grid" in w.reason for w in report.warnings)  # the community's top strip
    found = units(store)
    grid = found["35020300100101"]
    assert grid.parent is not None and grid.parent.code == "350203001001"  # parent from the code prefix
    assert found["350203001001"].parent.code == "350203001"  # type: ignore[union-attr]
    assert grid.geom is not None
    assert shapely.equals_exact(
        shapely.normalize(grid.geom.geoms[0]),
        shapely.normalize(box(118.0, 24.4, 118.01, 24.42)),
        tolerance=1e-7,
    )
    again = import_grids(store, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


def test_bow_tie_repaired_and_overlap_rejected_with_both_codes(store: Store, tmp_path: Path) -> None:
    bow_tie = Polygon([(118.0, 24.42), (118.01, 24.43), (118.01, 24.42), (118.0, 24.43)])
    features = [
        *tree(),
        {"code": "35020300100103", "name": "蝴蝶", "level": "grid", "geometry": bow_tie},
        {
            "code": "35020300100104",
            "name": "重叠",
            "level": "grid",
            "geometry": box(118.005, 24.405, 118.015, 24.415),
        },
        {
            "code": "35020300100105",
            "name": "线",
            "level": "grid",
            "geometry": shapely.LineString([(118, 24), (118.1, 24)]),
        },
    ]
    path = tmp_path / "grids.geojson"
    gpd.GeoDataFrame(features, crs=4326).to_file(path, driver="GeoJSON")
    report = import_grids(store, path)
    errors = {e.line: e.reason for e in report.errors}
    assert sorted(errors) == [6, 7]
    assert "35020300100104" in errors[6] and "35020300100101" in errors[6] and "overlaps" in errors[6]
    assert "no polygonal part" in errors[7]
    assert any(w.line == 5 and "repaired" in w.reason for w in report.warnings)
    repaired = units(store)["35020300100103"].geom
    assert repaired is not None and repaired.is_valid and len(repaired.geoms) == 2
    assert "35020300100104" not in units(store)


def test_one_level_per_file_and_the_org_table(store: Store, tmp_path: Path) -> None:
    street = tmp_path / "street.gpkg"
    gpd.GeoDataFrame(
        [{"CODE": "350203001", "MC": "街道", "geometry": box(117.9, 24.3, 118.1, 24.5)}], crs=4490
    ).to_file(street)
    with pytest.raises(ImportFileError, match="no 'code' field"):
        import_grids(store, street, level="street")
    assert import_grids(store, street, level="street", code_field="CODE", name_field="MC").inserted == 1
    org = write_csv(
        tmp_path / "org.csv",
        [
            "code,name,level,parent_code,wkt",
            f'350203001001,社区,community,350203001,"{box(118.0, 24.4, 118.02, 24.43).wkt}"',
            "35020300100101,网格,grid,,",
            "35020300100102,网格,grid,NOPE,",
            "35020300100103,网格,grid,350203001001,POLYGON((",
        ],
    )
    report = import_setup(store, "org", org)
    assert report.inserted == 2
    assert sorted(e.line for e in report.errors) == [4, 5]
    assert units(store)["35020300100101"].parent.code == "350203001001"  # type: ignore[union-attr]
