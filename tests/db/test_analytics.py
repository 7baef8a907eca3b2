"""Video analytics in the store (db/analytics.py): zones per camera, leases, detections as cases, on both
backends; the lease claims under contention on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from gridwatch.db import analytics
from gridwatch.db.analytics import Finding, Leases
from gridwatch.db.errors import Conflict, Forbidden, InvalidInput, NotFound
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import AnalyticsHold, AnalyticsLease, Attachment, Case, Detection, Device
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store

ZONES = {"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0.1, 0.5], [0.5, 0.5], [0.5, 0.9]]}]}
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200
MINUTE = timedelta(minutes=1)


def cameras(store: Store, n: int) -> list[str]:
    now = datetime.now(UTC)
    codes = [f"CAM{i}" for i in range(1, n + 1)]
    with store.session() as s:
        for i, code in enumerate(codes):
            s.add(
                Device(
                    code=code,
                    kind="camera",
                    name=f"摄像机{i + 1}",
                    lon=118.09 + i / 1000,
                    lat=24.47,
                    stream_url=f"rtsp://127.0.0.1:9/{code}",
                    attrs={"sub_stream_url": f"rtsp://127.0.0.1:9/{code}/sub"} if i == 0 else {},
                    updated_at=now,
                )
            )
    return codes


def test_zones_are_kept_per_camera_with_a_version(store: Store, staff: dict[str, str]) -> None:
    cameras(store, 2)
    assert analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher") == 1
    assert analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher", expected_version=1) == 2
    assert reads.zones(store, "CAM1") == reads.CameraZonesRow("CAM1", 2, ZONES)
    assert reads.zones(store, "CAM2") == reads.CameraZonesRow("CAM2", 0, {"zones": []})
    with pytest.raises(Conflict):  # someone saved version 2 meanwhile
        analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher", expected_version=1)
    with pytest.raises(NotFound, match="No camera with code 'NOPE'"):
        analytics.save_zones(store, "NOPE", ZONES, actor="dispatcher")
    with pytest.raises(
        Forbidden, match="needs the role admin, shift_leader or dispatcher; handler holds handler"
    ):
        analytics.save_zones(store, "CAM2", ZONES, actor="handler")
    unknown = {"zones": [{**ZONES["zones"][0], "category": "99999"}]}
    with pytest.raises(InvalidInput, match="Zone 'A': no category '99999' in the store's category list"):
        analytics.save_zones(store, "CAM2", unknown, actor="dispatcher")
    assert reads.zones(store, "CAM2").version == 0  # nothing was written


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"zone": []}, 'Zones are a JSON object {"zones": [...]}.'),
        ({"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0, 0], [1, 1]]}]}, "3 to 64 points"),
        (
            {"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0, 0], [1.5, 1], [0, 1]]}]},
            "each point is [x, y] with x and y fractions (0 to 1) of the frame; got [1.5, 1]",
        ),
        ({"zones": [ZONES["zones"][0], ZONES["zones"][0]]}, "Two zones are named 'A'"),
        ({"zones": [{"name": "", "detector": "occupancy", "polygon": []}]}, "Zone 1 needs a name"),
        (
            {"zones": [{"name": "A", "detector": "x", "polygon": [[0, 0]] * 3, "v": float("nan")}]},
            "plain JSON",
        ),
    ],
)
def test_a_malformed_zones_document_is_refused_and_nothing_changes(
    sqlite_store: Store, document: object, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        analytics.check_zones_shape(document)
    assert message in str(refused.value)


def test_leases_share_cameras_renew_expire_and_release(store: Store, staff: dict[str, str]) -> None:
    for code in cameras(store, 3):
        analytics.save_zones(store, code, ZONES, actor="dispatcher")
    a, b = Leases(store, "worker-a", lease_s=30), Leases(store, "worker-b", lease_s=30)
    assert a.fair_share() == 3
    held = a.claim(2)
    assert [c.code for c in held] == ["CAM1", "CAM2"]
    assert held[0].sub_stream_url == "rtsp://127.0.0.1:9/CAM1/sub" and held[0].zones == ZONES
    assert b.fair_share() == 2  # 3 cameras, 2 live workers
    assert [c.code for c in b.claim(3)] == ["CAM3"]  # held ones are not free
    renewal = a.renew([held[0].device_id, held[1].device_id])
    assert set(renewal.held) == {held[0].device_id, held[1].device_id} and renewal.lost == set()
    with store.session() as s:  # worker-a stopped renewing: its leases ran out
        s.execute(text("UPDATE analytics_leases SET expires_at = :t WHERE holder = 'worker-a'"),
                  {"t": datetime.now(UTC) - timedelta(seconds=1)})  # fmt: skip
    assert [c.code for c in b.claim(3)] == ["CAM1", "CAM2"]
    assert a.renew([held[0].device_id]).lost == {held[0].device_id}  # taken: a must stop watching it
    b.release([held[1].device_id])
    assert [c.code for c in a.claim(3)] == ["CAM2"]
    with store.session() as s:
        holds = s.execute(
            select(AnalyticsHold.holder, AnalyticsHold.generation, AnalyticsHold.ended_at.is_not(None))
            .where(AnalyticsHold.device_id == held[1].device_id)
            .order_by(AnalyticsHold.id)
        ).all()
        assert [tuple(h) for h in holds] == [
            ("worker-a", 1, True),
            ("worker-b", 2, True),
            ("worker-a", 3, False),
        ]


def test_a_camera_that_lost_its_zones_record_is_not_offered(store: Store, staff: dict[str, str]) -> None:
    cameras(store, 1)
    assert Leases(store, "w").claim(5) == []  # no zones, nothing to watch


def finding(at: datetime, confidence: float = 0.8, jpeg: bytes = JPEG) -> Finding:
    return Finding(
        "occupancy", "09006", "A", confidence, (0.1, 0.5, 0.2, 0.3), at - timedelta(seconds=30), at, jpeg
    )


def test_a_detection_is_one_pending_case_and_repeats_merge(store: Store, staff: dict[str, str]) -> None:
    cameras(store, 1)
    analytics.save_zones(store, "CAM1", ZONES, actor="dispatcher")
    (camera,) = Leases(store, "w").claim(1)
    now = datetime.now(UTC)
    first = analytics.record_detection(store, camera, finding(now), actor="system", description="占道经营")
    again = analytics.record_detection(
        store, camera, finding(now + timedelta(seconds=60), 0.9, JPEG + b"1"), actor="system"
    )
    assert first.merged is False and again == analytics.Recorded(first.case_no, True)
    retried = analytics.record_detection(store, camera, finding(now), actor="system")  # same detection again
    assert retried == analytics.Recorded(first.case_no, False)
    with store.session() as s:
        case = s.scalar(select(Case).where(Case.case_no == first.case_no))
        assert (case.state, case.source, case.category_code, case.device_id) == (
            "reported", "video", "09006", camera.device_id
        )  # fmt: skip
        assert (case.merge_key, case.merged_count) == ("video:CAM1:occupancy:A", 1)
        kinds = s.execute(
            select(Attachment.kind, Attachment.filename).where(Attachment.case_id == case.id)
        ).all()
        assert sorted(kinds) == [("snapshot", "A-snapshot.jpg"), ("snapshot", "A-snapshot.jpg")]
        confidences = s.scalars(select(Detection.confidence).where(Detection.case_id == case.id)).all()
        assert sorted(confidences) == [0.8, 0.9]  # the retry added nothing
    machine = reads.machine_case(store, first.case_no)
    assert machine is not None and (machine.detector, machine.zone, machine.camera_code) == (
        "occupancy",
        "A",
        "CAM1",
    )
    assert machine.confidence == max(confidences) and machine.snapshot_id is not None


def test_false_alarms_are_counted_per_camera_and_detector(store: Store, staff: dict[str, str]) -> None:
    cameras(store, 2)
    recorded = []
    for code in ("CAM1", "CAM2"):
        analytics.save_zones(store, code, ZONES, actor="dispatcher")
    held = {c.code: c for c in Leases(store, "w").claim(2)}
    now = datetime.now(UTC)
    for code, minutes in (("CAM1", 60), ("CAM1", 0), ("CAM2", 0)):
        at = now - timedelta(minutes=minutes)
        seen = finding(at, jpeg=JPEG + code.encode())
        one = analytics.record_detection(store, held[code], seen, actor="system", merge_window=MINUTE)
        recorded.append(one)
    assert len({r.case_no for r in recorded}) == 3
    store.act(recorded[0].case_no, "reject", actor="leader", inp=ActionInput(reason=analytics.FALSE_ALARM))
    store.act(recorded[1].case_no, "reject", actor="leader", inp=ActionInput(reason="重复"))
    store.act(recorded[2].case_no, "reject", actor="leader", inp=ActionInput(reason=analytics.FALSE_ALARM))
    assert reads.false_alarms(store) == [
        reads.FalseAlarms("CAM1", "摄像机1", "occupancy", 1, 2),
        reads.FalseAlarms("CAM2", "摄像机2", "occupancy", 1, 1),
    ]
    assert reads.false_alarms(store, "CAM2") == [reads.FalseAlarms("CAM2", "摄像机2", "occupancy", 1, 1)]


@pytest.mark.postgres
def test_concurrent_claims_never_give_one_camera_to_two_workers(pg_store: Store) -> None:
    from gridwatch.db.seeds import ensure_reference_data

    with pg_store.session() as s:
        ensure_reference_data(s)
    now = datetime.now(UTC)
    with pg_store.session() as s:
        for i in range(40):
            s.add(Device(code=f"C{i:03d}", kind="camera", name=f"c{i}", lon=118.0, lat=24.4,
                         stream_url=f"rtsp://x/{i}", updated_at=now))  # fmt: skip
    for i in range(40):
        analytics.save_zones(pg_store, f"C{i:03d}", ZONES, actor="admin")
    got: dict[str, list[str]] = {}
    barrier = threading.Barrier(4)

    def claim(name: str) -> None:
        leases = Leases(pg_store, name)
        barrier.wait()
        got[name] = [c.code for _ in range(5) for c in leases.claim(3)]

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [code for codes in got.values() for code in codes]
    assert len(everything) == len(set(everything)) == 40
    with pg_store.session() as s:
        assert s.scalar(select(AnalyticsLease.holder).where(AnalyticsLease.holder.is_(None))) is None
