"""The store's read API (`gridwatch.db.reads`) on both backends: each reader returns exactly what a desk,
the wall or the CLI shows, as frozen rows or numpy columns, and the light every one of them shows is
the one rule of `gridwatch.db.deadlines`."""

from __future__ import annotations

import dataclasses
import struct
import zlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import select

from gridwatch.db import wall
from gridwatch.db.deadlines import yellow_times
from gridwatch.db.errors import NotFound
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, Device, OrgUnit, Person, PersonRole, Position, RoutingRule
from gridwatch.db.queries import CaseFilter, clock_is_working, light_of, time_left
from gridwatch.db.reads import case_lists, cases, devices, map, people, reference
from gridwatch.db.reads.people import Offer, PersonRow
from gridwatch.db.reads.reference import Area, Named
from gridwatch.db.store import NewAttachment, Store
from tests.conftest import local

LON, LAT = 118.09, 24.47
GRID = "35020300100101"


@pytest.fixture
def district(store: Store, staff: dict[str, str]) -> Store:
    """A street, a community and one grid around (LON, LAT) routed to CGJ; a camera linked to a
    loudspeaker, a second camera with a sub-stream and a wide view, a sensor."""
    now = datetime.now(UTC)
    with store.session() as s:
        street = OrgUnit(code="350203001", name="鼓浪屿街道", level="street", updated_at=now)
        s.add(street)
        s.flush()
        community = OrgUnit(
            code="350203001001", name="龙头社区", level="community", parent_id=street.id, updated_at=now
        )
        s.add(community)
        s.flush()
        s.add(
            OrgUnit(
                code=GRID,
                name="第1网格",
                level="grid",
                parent_id=community.id,
                geom=MultiPolygon([box(118.08, 24.46, 118.10, 24.48)]),
                updated_at=now,
            )
        )
        cgj = s.scalar(select(Department.id).where(Department.code == "CGJ"))
        assert cgj is not None
        s.add(RoutingRule(position=1, area_code="350203", category_code="0", department_id=cgj))
        speaker = Device(
            code="SPK1", kind="loudspeaker", name="喇叭1", lon=118.091, lat=24.471, updated_at=now
        )
        s.add(speaker)
        s.flush()
        s.add_all(
            [
                Device(
                    code="CAM1",
                    kind="camera",
                    name="摄像机1",
                    lon=118.092,
                    lat=24.472,
                    stream_url="rtsp://cam1/main",
                    speaker_id=speaker.id,
                    heading=90.0,
                    updated_at=now,
                ),
                Device(
                    code="CAM2",
                    kind="camera",
                    name="摄像机2",
                    lon=118.093,
                    lat=24.473,
                    stream_url="rtsp://cam2/main",
                    attrs={"sub_stream_url": "rtsp://cam2/sub", "fov_deg": 90},
                    online=False,
                    updated_at=now,
                ),
                Device(code="SMK1", kind="sensor", name="烟感1", lon=118.094, lat=24.474, updated_at=now),
            ]
        )
    return store


def png() -> bytes:
    """A 1×1 grey PNG: a real photo as far as the store's checks can tell."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\x80"))
        + chunk(b"IEND", b"")
    )


def report(store: Store, category: str = "06010", **kw: object) -> str:
    values: dict[str, object] = {"actor": "worker", "source": "grid_worker", "lon": LON, "lat": LAT}
    values.update(kw)
    return store.report(category_code=category, **values).case_no  # type: ignore[arg-type]


def act(store: Store, no: str, action: str, who: str, **inp: object) -> None:
    store.act(no, action, actor=who, inp=ActionInput(**inp))  # type: ignore[arg-type]


# --- one case ------------------------------------------------------------------------------------------


def test_a_case_file_has_its_names_events_attachments_and_allowed_actions(district: Store) -> None:
    store = district
    no = report(store, reported_at=local(2025, 11, 3, 8, 50), description="路边垃圾", address="中山路1号")
    act(store, no, "register", "leader", at=local(2025, 11, 3, 8, 55))
    act(store, no, "dispatch", "dispatcher", at=local(2025, 11, 3, 9))
    photo = png()
    store.attach(no, NewAttachment("before.png", photo, "before", "image/png"), actor="worker")
    store.attach(no, NewAttachment("notes.txt", b"notes", "document", "text/plain"), actor="worker")

    shown = cases.by_number(store, no, username="handler")
    case = shown.case
    assert (case.case_no, case.state, case.version, case.description, case.address) == (
        no,
        "dispatched",
        3,
        "路边垃圾",
        "中山路1号",
    )
    assert (case.category_code, case.category_name, case.urgency) == ("06010", "暴露垃圾", "C")
    assert (case.grid_code, case.grid_name, case.outside_grid) == (GRID, "第1网格", False)
    assert (case.department_code, case.department_name) == ("CGJ", "城管执法局")
    assert (case.suggested_department_code, case.suggested_department_name) == ("CGJ", "城管执法局")
    assert case.reporter_name == "Worker"
    assert case.deadline_at == case.stage_due_at == local(2025, 11, 3, 14, 30)  # 4 working hours
    assert [(e.action, e.actor_name, e.role, e.to_state) for e in shown.events] == [
        ("report", "Worker", "grid_worker", "reported"),
        ("register", "Leader", "shift_leader", "registered"),
        ("dispatch", "Dispatcher", "dispatcher", "dispatched"),
    ]
    assert [(a.kind, a.filename, a.mime, a.size, a.data) for a in shown.attachments] == [
        ("before", "before.png", "image/png", len(photo), None),
        ("document", "notes.txt", "text/plain", 5, None),
    ]
    assert shown.allowed_actions == ("accept", "request_return")
    assert shown.duplicates == () and shown.devices == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.state = "closed"  # type: ignore[misc]

    photos = cases.by_id(store, case.id, username="dispatcher", data_of=("before",), nearby=True)
    assert photos is not None
    assert [a.data for a in photos.attachments] == [photo, None]  # only the kinds asked for
    assert photos.allowed_actions == ()  # a dispatcher decides a return only once one is requested
    assert [d.code for d in photos.devices] == ["SPK1", "CAM1", "CAM2"]  # nearest first, no sensor
    assert cases.by_id(store, case.id).allowed_actions == ()  # read for nobody
    assert cases.by_id(store, 999_999) is None


def test_allowed_actions_are_the_stores_and_follow_the_pending_request(
    store: Store, staff: dict[str, str]
) -> None:
    no = report(store)
    act(store, no, "register", "leader")
    act(store, no, "dispatch", "dispatcher", department="CGJ")
    act(store, no, "accept", "handler")
    assert cases.by_number(store, no, username="handler").allowed_actions == (
        "request_return",
        "request_extension",
        "request_suspend",
        "feedback",
    )
    act(store, no, "request_extension", "handler", reason="材料未到", hours=4.0)
    as_handler = cases.by_number(store, no, username="handler")
    assert as_handler.allowed_actions == ("feedback",)  # no second request while one waits
    assert dict(as_handler.case.pending_request or {}) == {
        "kind": "extension",
        "at": as_handler.events[-1].at.isoformat(),
        "reason": "材料未到",
        "hours": 4.0,
    }
    assert cases.by_number(store, no, username="dispatcher").allowed_actions == (
        "approve_extension",
        "refuse_extension",
    )
    with store.session() as s:
        assert store.allowed_actions(s, no, "dispatcher") == ["approve_extension", "refuse_extension"]
        assert store.allowed_actions(s, no, "supervisor") == []


def test_a_missing_number_is_not_found_with_the_closest_numbers(store: Store, staff: dict[str, str]) -> None:
    with pytest.raises(NotFound) as empty:
        cases.by_number(store, "20251103000001")
    assert str(empty.value) == "No case numbered '20251103000001'. Check the number (cases list shows them)."
    made = [report(store, reported_at=local(2025, 11, 3, 9, m)) for m in range(5)]
    assert made == [f"2025110300000{i}" for i in range(1, 6)]
    with pytest.raises(NotFound) as short:
        cases.by_number(store, "2025110300003")  # a zero dropped
    assert str(short.value) == (
        "No case numbered '2025110300003'; did you mean 20251103000003, 20251103000004, 20251103000005?"
    )
    with pytest.raises(NotFound) as part:
        cases.by_number(store, "000002")  # the tail of a number is not that number
    assert str(part.value) == (
        "No case numbered '000002'; did you mean 20251103000002, 20251103000001, 20251103000003?"
    )
    assert cases.by_number(store, made[1]).case.case_no == made[1]


def test_briefs_name_the_device_that_saw_the_case(district: Store) -> None:
    store = district
    with store.session() as s:
        camera = s.scalar(select(Device.id).where(Device.code == "CAM1"))
    seen = report(store, "09006", source="video", device_id=camera, address=None, description="占道")
    plain = report(store, "06010", address="中山路")
    by_no = {b.case_no: b for b in cases.briefs(store, [2, 1, 99])}
    assert list(by_no) == [seen, plain]  # in id order, the missing id left out
    brief = by_no[seen]
    assert (brief.source, brief.urgency, brief.address, brief.description) == ("video", "C", None, "占道")
    assert (brief.device_code, brief.device_kind, brief.device_lon, brief.device_lat) == (
        "CAM1",
        "camera",
        118.092,
        24.472,
    )
    assert (by_no[plain].address, by_no[plain].device_code, by_no[plain].lon) == ("中山路", None, LON)
    assert cases.briefs(store, []) == []


# --- lists ----------------------------------------------------------------------------------------------


def test_list_rows_page_by_key_and_patch_by_id(district: Store) -> None:
    store = district
    made = [report(store, urgency="ABC"[i % 3]) for i in range(7)]
    act(store, made[0], "register", "leader")
    act(store, made[0], "dispatch", "dispatcher")
    act(store, made[1], "reject", "acceptor", reason="重复")
    flt = CaseFilter(open_only=True, limit=4)
    first = case_lists.page(store, flt)
    second = case_lists.page(store, dataclasses.replace(flt, offset=4), after=first[-1])
    whole = case_lists.page(store, dataclasses.replace(flt, limit=None))
    assert [r.case_no for r in first + second] == [r.case_no for r in whole] == made[:0:-1][:5] + [made[0]]
    by_due = CaseFilter(open_only=True, limit=3, order=["stage_due_at"])  # nullable: pages by OFFSET
    pages = case_lists.page(store, by_due)
    pages += case_lists.page(store, dataclasses.replace(by_due, offset=3), after=pages[-1])
    assert sorted(r.case_no for r in pages) == sorted(r.case_no for r in whole)
    row = next(r for r in whole if r.case_no == made[0])
    assert (row.state, row.category_name, row.department_code, row.grid_code) == (
        "dispatched",
        "暴露垃圾",
        "CGJ",
        GRID,
    )
    assert (row.description, row.pending_request, row.outside_grid) == ("", None, False)
    with store.session() as s:
        ids = {store.case(s, n).id: n for n in made[:3]}
    patched = case_lists.rows_of(store, CaseFilter(open_only=True), ids)
    assert sorted(r.case_no for r in patched) == sorted([made[0], made[2]])  # the rejected one left the list
    assert case_lists.rows_of(store, CaseFilter(), []) == []


def test_time_left_and_light_on_a_list_row(store: Store, staff: dict[str, str]) -> None:
    """The queue's countdown and light, from a frozen list row: working seconds while on time, wall
    seconds once late, nothing once no clock runs."""
    no = report(store, reported_at=local(2025, 11, 3, 8, 50))
    act(store, no, "register", "leader", at=local(2025, 11, 3, 8, 55))
    act(store, no, "dispatch", "dispatcher", department="CGJ", at=local(2025, 11, 3, 9))
    (row,) = case_lists.page(store, CaseFilter(open_only=True))
    rules = reference.site_rules(store)
    assert time_left(rules, row, local(2025, 11, 3, 11)) == (2 * 3600.0, True)  # lunch excluded
    assert light_of(rules, row, local(2025, 11, 3, 11)) == "green"
    assert time_left(rules, row, local(2025, 11, 3, 15, 30)) == (-3600.0, False)
    assert light_of(rules, row, local(2025, 11, 3, 15, 30)) == "red"
    act(store, no, "accept", "handler")
    act(store, no, "feedback", "handler")
    (handled,) = case_lists.page(store, CaseFilter(open_only=True))
    assert time_left(rules, handled, local(2025, 11, 3, 15)) is None
    assert light_of(rules, handled, local(2025, 11, 3, 15)) is None


# --- the map ----------------------------------------------------------------------------------------


def test_map_columns_of_open_cases_carry_the_one_light_rule(district: Store) -> None:
    store = district
    dispatched = report(store, "09006", reported_at=local(2025, 11, 3, 8, 50))
    act(store, dispatched, "register", "leader", at=local(2025, 11, 3, 8, 55))
    act(store, dispatched, "dispatch", "dispatcher", at=local(2025, 11, 3, 9))
    report(store, "03005", urgency="A", reported_at=local(2025, 11, 3, 10))
    report(store, "06010", lon=None, lat=None)  # no location: not on the map
    rejected = report(store, "06010")
    act(store, rejected, "reject", "acceptor", reason="重复")
    suspended = report(store, "06012")
    act(store, suspended, "register", "leader")
    act(store, suspended, "dispatch", "dispatcher")
    act(store, suspended, "accept", "handler")
    act(store, suspended, "request_suspend", "handler", reason="等待")
    act(store, suspended, "approve_suspend", "dispatcher")

    found = map.open_cases(store)
    order = np.argsort(found.ids)
    assert found.ids[order].tolist() == [1, 2, 5]
    assert found.is_event[order].tolist() == [True, False, True]
    assert found.top_class[order].tolist() == [3, 2, 0]  # 09 → 4th class of events, 03 → 3rd of components
    assert [map.URGENCIES[u] for u in found.urgency[order]] == ["C", "A", "C"]
    last = order[2]
    assert np.isnan([found.started_at[last], found.yellow_at[last], found.due_at[last]]).all()  # suspended
    rules = reference.site_rules(store)
    rows = {r.id: r for r in case_lists.page(store, CaseFilter(open_only=True))}
    for i in order[:2]:
        row = rows[int(found.ids[i])]
        assert row.stage_started_at is not None and row.stage_due_at is not None
        assert found.started_at[i] == pytest.approx(row.stage_started_at.timestamp(), abs=1e-3)
        assert found.due_at[i] == pytest.approx(row.stage_due_at.timestamp(), abs=1e-3)
        working = np.array([clock_is_working(row.state, row.limit_unit)])
        expected = yellow_times(rules.calendar, found.started_at[i : i + 1], found.due_at[i : i + 1], working)
        assert found.yellow_at[i] == pytest.approx(expected[0], abs=1e-3)
        yellow = datetime.fromtimestamp(float(found.yellow_at[i]), UTC)
        assert light_of(rules, row, yellow - timedelta(seconds=1)) == "green"
        assert light_of(rules, row, yellow + timedelta(seconds=1)) == "yellow"
    assert map.open_cases(store, [2, 4]).ids.tolist() == [2]  # a closed case among the ids is dropped
    assert len(map.open_cases(store, [])) == 0

    since = map.reported_since(store, local(2025, 11, 3, 9, 30))
    assert sorted(since.ids.tolist()) == [2, 4, 5]  # located, reported since then, open or not


def test_map_columns_of_areas_devices_and_fixes(district: Store) -> None:
    store = district
    areas = map.org_areas(store)
    assert {level: a.names for level, a in areas.items()} == {
        "street": ["鼓浪屿街道"],
        "community": ["龙头社区"],
        "grid": ["第1网格"],
    }
    assert areas["grid"].geoms[0].bounds == (118.08, 24.46, 118.10, 24.48)
    assert areas["street"].geoms.tolist() == [None]
    found = map.devices(store)
    order = np.argsort(found.ids)
    assert [found.kinds[i] for i in order] == ["loudspeaker", "camera", "camera", "sensor"]
    assert found.online[order].tolist() == [True, True, False, True]
    assert np.array_equal(found.heading[order], [np.nan, 90.0, np.nan, np.nan], equal_nan=True)
    assert np.array_equal(found.fov_deg[order], [np.nan, np.nan, 90.0, np.nan], equal_nan=True)
    assert np.isnan(found.range_m).all()

    t0 = datetime(2025, 11, 3, 1, tzinfo=UTC)
    with store.session() as s:
        worker = s.scalar(select(Person).where(Person.username == "worker"))
        handler = s.scalar(select(Person).where(Person.username == "handler"))
        assert worker is not None and handler is not None
        worker.on_duty = True
        for k in range(3):
            s.add(Position(person_id=worker.id, at=t0 + timedelta(minutes=k), lon=118.0 + k, lat=24.0))
        s.add(Position(person_id=handler.id, at=t0, lon=117.0, lat=23.0))
        ids = (worker.id, handler.id)
    fixes = map.recent_fixes(store, per_person=2)
    got = list(
        zip(
            fixes.person.tolist(),
            fixes.lon.tolist(),
            fixes.rank.tolist(),
            fixes.on_duty.tolist(),
            strict=True,
        )
    )
    # people by id (the handler was added before the worker); a person's fixes oldest first, rank 1 newest
    assert got == [(ids[1], 117.0, 1, False), (ids[0], 119.0, 2, True), (ids[0], 120.0, 1, True)]


# --- people, reference lists, devices ------------------------------------------------------------


def test_people_with_their_roles_and_the_actions_they_are_offered(
    store: Store, staff: dict[str, str]
) -> None:
    with store.session() as s:
        gone = Person(username="retired", name="Retired", active=False, updated_at=datetime.now(UTC))
        gone.roles = [PersonRole(role="dispatcher")]
        two = s.scalar(select(Person).where(Person.username == "leader"))
        assert two is not None
        two.roles.append(PersonRole(role="dispatcher"))
        s.add(gone)
    everyone = people.active_people(store)
    assert [(p.username, p.roles) for p in everyone] == [
        ("acceptor", frozenset({"acceptor"})),
        ("admin", frozenset({"admin"})),
        ("dispatcher", frozenset({"dispatcher"})),
        ("handler", frozenset({"handler"})),
        ("leader", frozenset({"shift_leader", "dispatcher"})),
        ("supervisor", frozenset({"supervisor"})),
        ("system", frozenset({"system"})),
        ("worker", frozenset({"grid_worker"})),
    ]
    (dispatcher,) = people.active_people(store, "dispatcher")
    assert dispatcher == PersonRow(
        dispatcher.person_id, "dispatcher", "Dispatcher", frozenset({"dispatcher"})
    )
    assert people.active_people(store, "retired") == []
    assert people.offered_actions(store, "dispatcher") == [
        Offer("dispatch", False),
        Offer("approve_return", False),
        Offer("refuse_return", True),
        Offer("approve_extension", False),
        Offer("refuse_extension", True),
        Offer("approve_suspend", False),
        Offer("refuse_suspend", True),
        Offer("resume", False),
        Offer("dispatch_down", False),  # centers on the org tree (docs/LEVELS.md)
        Offer("hand_back", True),
        Offer("escalate", True),
    ]
    assert [o.action for o in people.offered_actions(store, "handler")] == [
        "accept",
        "request_return",
        "request_extension",
        "request_suspend",
        "resume",
        "feedback",
    ]
    assert len(people.offered_actions(store, "admin")) == 28  # every action of the workflow


def test_reference_lists_for_dialogs_and_filters(district: Store) -> None:
    store = district
    assert reference.departments(store) == [Named("CGJ", "城管执法局"), Named("SZ", "市政园林局")]
    assert [c.code for c in reference.categories(store, top=True)] == [f"{i:02d}" for i in range(1, 11)]
    leaves = reference.categories(store)
    assert len(leaves) == 20 and (leaves[0].code, leaves[0].name, leaves[0].default_urgency) == (
        "01001",
        "供水井盖",
        "B",
    )
    assert reference.areas(store) == [
        Area("350203001", "鼓浪屿街道", "street"),
        Area("350203001001", "龙头社区", "community"),
    ]
    centre = reference.devices_centre(store)
    assert centre == pytest.approx((118.0925, 24.4725))
    assert reference.site_rules(store).calendar.tz.key == "Asia/Shanghai"


def test_no_devices_no_centre(store: Store) -> None:
    assert reference.devices_centre(store) is None


def test_devices_for_panes_and_the_wall(district: Store) -> None:
    store = district
    camera = devices.device(store, code="CAM1")
    assert camera is not None
    assert (camera.kind, camera.name, camera.online, camera.stream_url) == (
        "camera",
        "摄像机1",
        True,
        "rtsp://cam1/main",
    )
    assert (camera.speaker_code, camera.speaker_name) == ("SPK1", "喇叭1")
    assert devices.device(store, camera.id) == camera
    assert devices.device(store, code="NOPE") is None
    assert [(c.code, c.stream_url, c.sub_stream_url, c.online) for c in devices.cameras(store)] == [
        ("CAM1", "rtsp://cam1/main", None, True),
        ("CAM2", "rtsp://cam2/main", "rtsp://cam2/sub", False),
    ]
    layout = {"screens": [{"tiles": 4, "cameras": ["CAM2", None, "CAM1"]}]}
    wall.save_preset(store, "早高峰", layout)
    wall.save_preset(store, "夜间", {"screens": [{"tiles": 1, "cameras": ["CAM1"]}]})
    assert devices.preset_names(store) == sorted(["早高峰", "夜间"])
    assert devices.preset_layout(store, "早高峰") == layout
    assert devices.preset_layout(store, "none") is None
