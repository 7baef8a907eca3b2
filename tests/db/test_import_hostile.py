"""Files from a hostile or careless site (issue 10): each costs the rows it must, never the store's data,
on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import box
from sqlalchemy import func, select
from test_import_support import HEADER, add_territory, write_csv

from gridwatch.db.imports.cases import import_cases
from gridwatch.db.imports.grids import import_grids
from gridwatch.db.imports.report import ImportFileError
from gridwatch.db.imports.setup_tables import import_setup
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, CaseEvent, Department, Device, OrgUnit, Person
from gridwatch.db.store import Store
from gridwatch.db.validation import MAX_TEXT

# Registered, not yet dispatched (Monday 2024-05-06).
REGISTERED = "R1,hotline,06010,,垃圾,118.005,24.41,某路,2024-05-06 09:00,2024-05-06 09:10,,,,,,"


def row(case_no: str, **cells: str) -> str:
    """An interchange row (registered) with some cells replaced by name."""
    values = dict(zip(HEADER.split(","), REGISTERED.split(","), strict=True))
    values.update(case_no=case_no, **cells)
    return ",".join(values.values())


def snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.session() as s:
        return [
            (c.case_no, c.state, c.version, c.department_id, c.deadline_at, c.description)
            for c in s.scalars(select(Case).order_by(Case.case_no))
        ]


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_reimporting_the_file_never_rewinds_a_case_worked_at_a_desk(
    store: Store, staff: dict[str, str], tmp_path: Path
) -> None:
    """Item 1: imported as registered, then dispatched and accepted in gridwatch; the same file again is
    "unchanged", and a file that changed the row is refused for that case with its line."""
    path = write_csv(tmp_path / "cases.csv", [HEADER, REGISTERED, row("R2")])
    assert import_cases(store, path).inserted == 2
    store.act("R1", "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    store.act("R1", "accept", actor="handler")
    worked = snapshot(store)
    events = count(store, CaseEvent)

    again = import_cases(store, path)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 2, 0)
    assert snapshot(store) == worked and count(store, CaseEvent) == events
    with store.session() as s:
        r1 = store.case(s, "R1")
        assert (r1.state, r1.version) == ("handling", 3)
        assert [e.action for e in store.events(s, "R1")] == ["report", "register", "dispatch", "accept"]

    changed = write_csv(
        tmp_path / "changed.csv",
        [HEADER, REGISTERED.replace("垃圾", "垃圾满溢"), row("R2", description="新")],
    )
    report = import_cases(store, changed)
    assert (report.updated, report.skipped) == (1, 1)  # R2 was never worked: it follows its file
    assert report.errors[0].line == 2
    assert report.errors[0].reason.startswith(
        "case R1 was worked in gridwatch after its import (last: accept at 2"
    ) and report.errors[0].reason.endswith("the file's changes are not applied.")
    with store.session() as s:
        r1 = store.case(s, "R1")
        assert (r1.state, r1.description, r1.version) == ("handling", "垃圾", 3)
        assert store.case(s, "R2").description == "新"


def test_an_unterminated_quote_costs_its_own_line_only(store: Store, tmp_path: Path) -> None:
    """Item 2: six rows, the third opens a quote it never closes: five land, line 4 is reported."""
    add_territory(store)
    lines = [HEADER] + [row(f"Q{i}") for i in range(1, 7)]
    lines[3] = row("Q3", description='"垃圾 满溢')
    report = import_cases(store, write_csv(tmp_path / "quote.csv", lines))
    assert (report.total, report.inserted, report.skipped) == (6, 5, 1)
    assert report.errors[0].line == 4
    assert report.errors[0].reason.startswith(
        'a quote (") opened on this line is never closed: the cell would run to the end of the file.'
    )
    with store.session() as s:
        assert sorted(s.scalars(select(Case.case_no))) == ["Q1", "Q2", "Q4", "Q5", "Q6"]

    # A quoted cell that legitimately spans lines still lands, and its lines are not counted twice.
    multi = [HEADER, row("M1", description='"第一行\n第二行"'), row("M2")]
    report = import_cases(store, write_csv(tmp_path / "multi.csv", multi))
    assert (report.total, report.inserted, report.skipped) == (2, 2, 0)
    extra = [HEADER, row("X1", address="厦门市,思明区"), row("X2")]  # an unquoted comma shifts the row
    report = import_cases(store, write_csv(tmp_path / "extra.csv", extra))
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "17 cells but the header has 16 columns (an unquoted comma?).")
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("9999-12-31", "reported_at 9999-12-31 is outside the accepted dates 2000-01-01 to"),
        ("0001-01-01", "reported_at 0001-01-01 is outside the accepted dates 2000-01-01 to"),
        ("1999-12-31 23:00", "reported_at 1999-12-31 is outside"),
    ],
)
def test_extreme_dates_cost_their_row(store: Store, tmp_path: Path, cell: str, message: str) -> None:
    """Item 4: no OverflowError for the file, no BC timestamp in PostgreSQL; the row says why."""
    add_territory(store)
    lines = [HEADER, row("D1"), row("D2", reported_at=cell, registered_at=""), row("D3")]
    report = import_cases(store, write_csv(tmp_path / "dates.csv", lines))
    assert (report.inserted, report.skipped) == (2, 1)
    assert report.errors[0].line == 3 and report.errors[0].reason.startswith(message)
    late = [HEADER, row("D4", closed_at="9999-12-31", status="")]
    assert (
        import_cases(store, write_csv(tmp_path / "late.csv", late))
        .errors[0]
        .reason.startswith("closed_at 9999-12-31 is outside")
    )


def test_lengths_nul_bytes_and_urgency_cost_their_row_on_both_backends(store: Store, tmp_path: Path) -> None:
    """Items 6 and 7: the same per-row messages on SQLite and PostgreSQL; good rows land."""
    add_territory(store)
    lines = [
        HEADER,
        row("L1"),
        row("L2", address="路" * 500),
        row("L3", description="垃圾\x00满溢"),
        row("L4", urgency="AB"),
        row("L5", urgency="Z"),
        row("L6", description="x" * (MAX_TEXT + 1)),
        row("L" * 40),
        row("L8", description="y" * 200_000),  # past the csv module's default field limit
        row("L9", category_code="0" * 11),
        row("L10"),
    ]
    report = import_cases(store, write_csv(tmp_path / "long.csv", lines), create_missing=True)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "address is 500 characters long; the limit is 200."),
        (4, "description contains a NUL byte (\\x00), which no text field may hold."),
        (5, "urgency 'AB' is not A (紧急), B (重要) or C (普通)."),
        (6, "urgency 'Z' is not A (紧急), B (重要) or C (普通)."),
        (7, "description is 20,001 characters long; the limit is 20,000."),
        (8, "case_no is 40 characters long; the limit is 32."),
        (9, "description is 200,000 characters long; the limit is 20,000."),
        (10, "category_code is 11 characters long; the limit is 10."),
    ]
    assert (report.inserted, report.total) == (2, 10)
    assert report.created == []  # the refused row's category was not created


def test_setup_tables_refuse_long_names_per_row(store: Store, tmp_path: Path) -> None:
    """Item 6: a 300-character name aborted a whole PostgreSQL import."""
    people = write_csv(
        tmp_path / "people.csv",
        [
            "username,name,roles",
            "u1,王五,handler",
            "u2," + "名" * 300 + ",handler",
            "u3\x00,李四,",
            "u4,赵六,",
        ],
    )
    report = import_setup(store, "people", people)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "name is 300 characters long; the limit is 100."),
        (4, "username contains a NUL byte (\\x00), which no text field may hold."),
    ]
    with store.session() as s:
        assert sorted(s.scalars(select(Person.username).where(Person.username.like("u%")))) == ["u1", "u4"]
    devices = write_csv(
        tmp_path / "devices.csv",
        [
            "code,kind,name,lon,lat,address",
            "CAM1,camera,北门,118.005,24.41,",
            "CAM2,camera,南门,118.005,24.41," + "a" * 500,
        ],
    )
    report = import_setup(store, "devices", devices)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "address is 500 characters long; the limit is 200.")
    ]
    assert count(store, Device) == 1
    departments = write_csv(tmp_path / "d.csv", ["code,name", "D" * 33 + ",太长", "SZ,市政"])
    assert import_setup(store, "departments", departments).errors[0].reason == (
        "code is 33 characters long; the limit is 32."
    )
    assert count(store, Department) == 1


def _geojson(path: Path, features: list[tuple[str, list[list[float]]]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": code, "level": "grid"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                    for code, ring in features
                ],
            }
        )
    )
    return path


def _square(x: float, y: float, d: float) -> list[list[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def test_grids_at_absurd_coordinates_are_refused_and_the_store_keeps_working(
    store: Store, tmp_path: Path
) -> None:
    """Item 3: 1e300, NaN, swapped lon/lat and Paris are refused with the reason; reports still work."""
    add_territory(store)
    path = _geojson(
        tmp_path / "grids.geojson",
        [
            ("35020300100201", _square(118.02, 24.40, 0.01)),  # fine (beside community 001: its street's)
            ("G1E300", _square(1e300, 1e300, 1e299)),
            ("GSWAP", _square(24.40, 118.02, 0.01)),
            ("GPARIS", _square(2.35, 48.85, 0.01)),
            ("GNAN", [[118.0, 24.4], [float("nan"), 24.4], [118.01, 24.41], [118.0, 24.4]]),
        ],
    )
    report = import_grids(store, path)
    reasons = {e.line: e.reason for e in report.errors}
    assert report.inserted == 1 and sorted(reasons) == [2, 3, 4, 5]
    assert (
        reasons[2]
        == "G1E300: the geometry (lon 1e+300–1.1e+300, lat 1e+300–1.1e+300) lies outside China's extent."
    )
    assert reasons[3].endswith("lies outside China's extent (latitude and longitude swapped?).")
    assert reasons[4] == "GPARIS: the geometry (lon 2.35–2.36, lat 48.85–48.86) lies outside China's extent."
    assert reasons[5] == "GNAN: the geometry has coordinates that are not numbers (NaN or infinite)."
    case = store.report(actor="system", source="sensor", category_code="06010", lon=118.025, lat=24.405)
    with store.session() as s:
        assert s.scalar(select(OrgUnit.code).where(OrgUnit.id == case.grid_id)) == "35020300100201"


def test_grids_far_from_the_sites_districts_are_refused(store: Store, tmp_path: Path) -> None:
    """Item 3: with the district imported, a grid in another city (Beijing) is outside the territory."""
    from gridwatch.db.imports.org_units import OrgFeature, upsert_org_units
    from gridwatch.db.imports.report import ImportReport

    features = [
        OrgFeature(1, "350203", "思明区", "district", None, box(118.0, 24.4, 118.2, 24.5)),
        OrgFeature(2, "35020300100101", "网格一", "grid", None, box(118.0, 24.4, 118.01, 24.42)),
        OrgFeature(3, "11010100100101", "北京网格", "grid", None, box(116.39, 39.9, 116.4, 39.91)),
    ]
    report = ImportReport("org", total=3)
    with store.session() as session:
        upsert_org_units(session, features, report)
    assert report.inserted == 2
    assert [(e.line, e.reason) for e in report.errors] == [
        (
            3,
            "11010100100101: lies outside the site's territory (its districts span lon 118.0000–118.2000, "
            "lat 24.4000–24.5000).",
        )
    ]


def test_big5_and_cp1252_files(store: Store, tmp_path: Path) -> None:
    """Item 9: Big5 is read as Big5 (no mojibake); cp1252 is refused with the reason, nothing imported."""
    add_territory(store)
    big5 = write_csv(
        tmp_path / "big5.csv", [HEADER, row("B1", description="占道經營，影響通行", address="臺北路")], "big5"
    )
    assert import_cases(store, big5).inserted == 1
    with store.session() as s:
        b1 = store.case(s, "B1")
        assert (b1.description, b1.address) == ("占道經營，影響通行", "臺北路")
    short = write_csv(tmp_path / "gb.csv", ["code,name", "D1,城管局"], "gb18030")  # ambiguous: GB18030 wins
    import_setup(store, "departments", short)
    with store.session() as s:
        assert s.scalar(select(Department.name).where(Department.code == "D1")) == "城管局"
    western = write_csv(
        tmp_path / "cp1252.csv",
        [
            HEADER,
            row("W1", description="Müller café crème", address="Straße")
            .replace("垃圾", "x")
            .replace("某路", "y"),
        ],
        "cp1252",
    )
    with pytest.raises(ImportFileError, match=r"cp1252.csv: not UTF-8, GB18030 or Big5 text \(it looks like"):
        import_cases(store, western)
    assert count(store, Case) == 1


def test_formula_cells_survive_an_export_and_come_back_unchanged(store: Store, tmp_path: Path) -> None:
    """Item 11 (round trip): the export neutralises, the import restores; the store is unchanged."""
    from gridwatch.db.exports import export

    add_territory(store)
    texts = ['=HYPERLINK(""http://x"",""y"")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "'=already", "ok"]
    lines = [HEADER] + [row(f"F{i}", description=f'"{t}"') for i, t in enumerate(texts)]
    assert import_cases(store, write_csv(tmp_path / "f.csv", lines)).inserted == len(texts)
    before = snapshot(store)
    out = tmp_path / "out.csv"
    export(store, "cases", out)
    assert import_cases(store, out).unchanged == len(texts)
    assert snapshot(store) == before
    with store.session() as s:
        assert s.scalar(select(Case.description).where(Case.case_no == "F0")) == '=HYPERLINK("http://x","y")'
