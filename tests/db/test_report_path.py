"""A report writes the same rows on both backends: PostgreSQL places, routes and numbers the case inside
its INSERT (two statements per report, Store._report_postgres), SQLite through the ORM and the shapely
index. And simultaneous retries of one report (the same client key) make one case."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import cv2
import numpy as np
import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import select, text

from gridwatch.db.errors import InvalidInput
from gridwatch.db.models import Attachment, Case, CaseEvent, Category, Department, OrgUnit, RoutingRule
from gridwatch.db.store import NewAttachment, Store
from gridwatch.db.validation import check_attachment


def jpeg(seed: int, side: int = 40) -> bytes:
    """A JPEG of noise: as incompressible as a street photo."""
    image = np.random.default_rng(seed).integers(0, 255, (side, side, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return bytes(data)


def territory(store: Store) -> dict[str, int]:
    """A street > community > grid, and routing rules where only the fourth applies to 06010 there."""
    now = datetime.now(UTC)
    with store.session() as s:
        street = OrgUnit(code="350203001", name="街道", level="street", updated_at=now)
        s.add(street)
        s.flush()
        community = OrgUnit(
            code="350203001001", name="社区", level="community", parent_id=street.id, updated_at=now
        )
        s.add(community)
        s.flush()
        grid = OrgUnit(
            code="35020300100101",
            name="网格",
            level="grid",
            parent_id=community.id,
            geom=MultiPolygon([box(118.08, 24.46, 118.10, 24.48)]),
            updated_at=now,
        )
        s.add(grid)
        s.flush()
        cgj, sz = (s.scalar(select(Department.id).where(Department.code == c)) for c in ("CGJ", "SZ"))
        assert cgj is not None and sz is not None
        s.add_all(
            [
                RoutingRule(position=1, area_code="35%", category_code=None, department_id=cgj),  # no LIKE
                RoutingRule(position=2, area_code="3502039", category_code=None, department_id=cgj),
                RoutingRule(position=3, area_code="350203", category_code="07", department_id=cgj),
                RoutingRule(position=4, area_code="", category_code="0601", department_id=sz),
                RoutingRule(position=5, area_code=None, category_code=None, department_id=cgj),
            ]
        )
        return {"street": street.id, "grid": grid.id, "sz": sz, "cgj": cgj}


def test_a_report_with_photos_writes_the_same_rows_on_both_backends(
    store: Store, staff: dict[str, str]
) -> None:
    ids = territory(store)
    first, second = jpeg(1), jpeg(2)
    photos = [
        NewAttachment("a.jpg", first, "before", "image/jpeg"),
        NewAttachment("again.jpg", first, "before", "image/jpeg"),  # the same file: stored once
        NewAttachment("b.jpg", second, "before", "image/jpeg"),
    ]
    at = datetime(2025, 11, 3, 17, 30, tzinfo=UTC)  # 01:30 on the 4th in Asia/Shanghai
    case = store.report(
        actor="worker",
        source="grid_worker",
        category_code="06010",
        lon=118.09,
        lat=24.47,
        description="暴露垃圾",
        address="文园路",
        reported_at=at,
        attachments=photos,
        client_key="phone-1",
    )
    outside = store.report(actor="worker", source="grid_worker", category_code="06010", lon=118.3, lat=24.6)
    nowhere = store.report(actor="worker", source="citizen", category_code="06010", lon=None, lat=None)
    with store.session() as s:
        default_urgency = s.scalar(select(Category.default_urgency).where(Category.code == "06010"))
        row = s.scalar(select(Case).where(Case.client_key == "phone-1"))
        assert row is not None
        for got in (case, row):
            assert got.case_no == f"20251104{got.id:06d}"
            assert (got.grid_id, got.street_id, got.outside_grid) == (ids["grid"], ids["street"], False)
            assert got.suggested_department_id == ids["sz"]
            assert (got.urgency, got.state, got.last_action, got.version) == (
                default_urgency,
                "reported",
                "report",
                1,
            )
            assert (got.description, got.address, got.reported_at, got.stage_started_at) == (
                "暴露垃圾",
                "文园路",
                at,
                at,
            )
            assert got.stage_due_at is not None and got.stage_due_at > at
            assert (got.extension_count, got.rework_count, got.merged_count, got.escalated) == (
                0,
                0,
                0,
                False,
            )
            assert (got.attrs, got.department_id, got.holder_id) == ({}, None, None)
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == row.id)).all()
        assert [(e.action, e.from_state, e.to_state, e.case_version, e.note, e.data) for e in events] == [
            ("report", None, "reported", 1, "暴露垃圾", {"source": "grid_worker"})
        ]
        assert events[0].actor_id == row.reporter_id == row.updated_by_id and events[0].role == "grid_worker"
        kept = s.scalars(select(Attachment).where(Attachment.case_id == row.id).order_by(Attachment.id)).all()
        assert [(a.filename, a.data, a.size, a.event_id, a.kind) for a in kept] == [
            ("a.jpg", first, len(first), events[0].id, "before"),
            ("b.jpg", second, len(second), events[0].id, "before"),
        ]
        for lonely in (outside, nowhere):
            got = s.get(Case, lonely.id)
            assert got is not None
            assert (got.grid_id, got.street_id, got.outside_grid, got.suggested_department_id) == (
                None,
                None,
                True,
                None,
            )


def test_simultaneous_retries_of_one_report_make_one_case(store: Store, staff: dict[str, str]) -> None:
    """The unique client key decides: a retry racing the first attempt answers with its case, never a
    second case and never an error (PostgreSQL's INSERT waits for the first and skips; SQLite's loses on
    the constraint and reads the first case)."""
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def retry() -> None:
        try:
            start.wait()
            case = store.report(
                actor="worker",
                source="grid_worker",
                category_code="06010",
                lon=118.09,
                lat=24.47,
                attachments=[NewAttachment("a.jpg", jpeg(3), "before", "image/jpeg")],
                client_key="phone-race",
            )
            numbers.append(case.case_no)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == 6 and len(set(numbers)) == 1
    with store.session() as s:
        assert s.scalars(select(Case.case_no)).all() == numbers[:1]
        assert len(s.scalars(select(CaseEvent.id)).all()) == 1
        assert len(s.scalars(select(Attachment.id)).all()) == 1


def test_photos_are_stored_without_a_second_compression_and_documents_still_shrink(pg_store: Store) -> None:
    """Migration 0014: lz4 gives up on an already compressed photo at once (pglz tried the whole of it)
    and still compresses a text document."""
    photo = jpeg(4, 160)  # ~60 KB: TOASTed
    document = ("巡查记录 " * 20_000).encode()
    case = pg_store.report(
        actor="admin",
        source="citizen",
        category_code="06010",
        lon=None,
        lat=None,
        attachments=[
            NewAttachment("scene.jpg", photo, "before", "image/jpeg"),
            NewAttachment("notes.txt", document, "document", "text/plain"),
        ],
    )
    with pg_store.session() as s:
        stored = s.execute(
            text("SELECT pg_column_compression(data), data FROM attachments WHERE case_id = :id ORDER BY id"),
            {"id": case.id},
        ).all()
        setting = s.execute(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'attachments'::regclass AND attname = 'data'"
            )
        ).scalar_one()
    assert setting == "l"
    assert [bytes(data) for _, data in stored] == [photo, document]
    assert [how for how, _ in stored] in ([None, "lz4"], ["lz4", "lz4"])  # never pglz


def test_a_long_chinese_text_file_is_text_wherever_the_sniffed_head_cuts_a_character() -> None:
    """The first 4096 bytes end inside a 3-byte character here (4096 = 13 × 315 + 1)."""
    notes = ("巡查记录 " * 400).encode()
    assert check_attachment("notes.txt", "document", notes) == ("notes.txt", "text/plain")
    with pytest.raises(InvalidInput, match="is not a photo"):
        check_attachment("notes.txt", "document", notes[:4000] + b"\x00" + notes[4000:])
