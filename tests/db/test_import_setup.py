"""Importing departments, people and devices: keys, lookups, row errors, idempotence."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from test_import_support import add_territory, write_csv

from gridwatch.db.imports.report import ImportFileError
from gridwatch.db.imports.setup_tables import import_setup
from gridwatch.db.models import Device, GridAssignment, OrgUnit, Person
from gridwatch.db.store import Store


def test_departments_and_people(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    departments = write_csv(
        tmp_path / "d.csv",
        [
            "code,name,level,org_code,phone",
            "SZ,市政园林局,district,,0592-1",
            "JD,街道城管科,street,350203001,",
            "X,坏,nation,,",
        ],
    )
    report = import_setup(store, "departments", departments)
    assert report.inserted == 2 and [(e.line, "nation" in e.reason) for e in report.errors] == [(4, True)]

    people = write_csv(
        tmp_path / "p.csv",
        [
            "username,name,phone,department_code,roles,grid_codes",
            "zhang,张三,138,SZ,受理员；dispatcher,",
            'li,李四,,JD,grid_worker,"35020300100101,35020300100102"',
            "wang,王五,,NOPE,grid_worker,",
            "zhao,赵六,,,pilot,",
            "qian,钱七,,,grid_worker,99999999999999",
        ],
        encoding="gb18030",
    )
    report = import_setup(store, "people", people)
    assert report.inserted == 2
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [4, 5, 6]
    assert "NOPE" in reasons[4] and "pilot" in reasons[5] and "99999999999999" in reasons[6]
    with store.session() as s:
        zhang = s.scalar(select(Person).where(Person.username == "zhang"))
        assert zhang is not None and zhang.role_names == {"acceptor", "dispatcher"}
        assert len(s.scalars(select(GridAssignment)).all()) == 2
    again = import_setup(store, "people", people)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)

    fewer = write_csv(
        tmp_path / "p2.csv",
        [
            "username,name,phone,department_code,roles,grid_codes",
            "li,李四,,JD,grid_worker;acceptor,35020300100102",
        ],
    )
    assert import_setup(store, "people", fewer).updated == 1
    with store.session() as s:
        assert [a.grid_id for a in s.scalars(select(GridAssignment))] == [
            s.scalar(select(OrgUnit.id).where(OrgUnit.code == "35020300100102"))
        ]


def test_devices_from_xlsx_grid_by_point_and_speaker_link(store: Store, tmp_path: Path) -> None:
    add_territory(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "code",
            "kind",
            "subtype",
            "name",
            "lon",
            "lat",
            "stream_url",
            "address",
            "protocol",
            "heading",
            "speaker_code",
            "grid_code",
        ]
    )
    sheet.append(
        ["CAM1", "摄像头", None, "路口", 118.015, 24.41, "rtsp://127.0.0.1/cam1", None, None, 90, "SPK1"]
    )
    sheet.append(["SPK1", "loudspeaker", None, "音柱", 118.015, 24.41, None, "127.0.0.1:5004", "rtp-pcmu"])
    sheet.append(["CAM2", "camera", None, "远处", 200, 24.41])
    sheet.append(["CAM3", "camera", None, "方向", 118.0, 24.41, None, None, None, 400])
    sheet.append(["CAM4", "drone", None, "?", 118.0, 24.41])
    book.save(tmp_path / "devices.xlsx")
    report = import_setup(store, "devices", tmp_path / "devices.xlsx")
    assert report.inserted == 2 and sorted(e.line for e in report.errors) == [4, 5, 6]
    with store.session() as s:
        cam = s.scalar(select(Device).where(Device.code == "CAM1"))
        east = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "35020300100102"))
        speaker = s.scalar(select(Device.id).where(Device.code == "SPK1"))
        assert cam is not None and cam.kind == "camera" and cam.grid_id == east and cam.speaker_id == speaker
    again = import_setup(store, "devices", tmp_path / "devices.xlsx")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_unknown_table_and_missing_columns(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="unknown table"):
        import_setup(store, "cameras", tmp_path / "x.csv")
    with pytest.raises(ImportFileError, match="missing column"):
        import_setup(store, "people", write_csv(tmp_path / "p.csv", ["user,name", "a,b"]))
