"""The store API enforces the workflow of DOMAIN.md on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Connection, create_engine, event, select, text
from sqlalchemy.orm import Session

from gridwatch.db.errors import Conflict, Forbidden, InvalidAction, InvalidInput, NotFound
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import CaseEvent, Department, OrgUnit, RoutingRule
from gridwatch.db.store import MAX_ATTACHMENT_BYTES, NewAttachment, Store, utcnow
from tests.conftest import FULL_LOOP, PG_URL, local

LON, LAT = 118.09, 24.47


def new_case(store: Store, **kw: object) -> str:
    args = {
        "actor": "worker",
        "source": "grid_worker",
        "category_code": "06010",
        "lon": LON,
        "lat": LAT,
        "description": "暴露垃圾",
        "reported_at": local(2025, 11, 3, 9, 0),
    }
    args.update(kw)
    return store.report(**args).case_no  # type: ignore[arg-type]


def act(store: Store, case_no: str, action: str, actor: str, **kw: object) -> None:
    store.act(case_no, action, actor=actor, inp=ActionInput(**kw))  # type: ignore[arg-type]


def test_whole_loop_leaves_one_event_per_step(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    steps = FULL_LOOP  # the whole loop, register to close
    t = local(2025, 11, 3, 9, 10)
    for i, (action, who, kw) in enumerate(steps):
        act(store, no, action, who, at=t + timedelta(minutes=10 * i), **kw)
    with store.session() as s:
        case = store.case(s, no)
        events = store.events(s, no)
        assert case.state == "closed" and case.close_type == "normal" and case.version == 8
        assert [e.action for e in events] == ["report"] + [a for a, _, _ in steps]
        assert [e.role for e in events][1:] == [
            "shift_leader",
            "dispatcher",
            "handler",
            "handler",
            "acceptor",
            "grid_worker",
            "shift_leader",
        ]
        assert events[-1].from_state == "checked" and events[-1].to_state == "closed"
        # 暴露垃圾 has a 4-working-hour limit: dispatched Mon 09:20 → due 14:50 (lunch 12:00–13:30 excluded)
        assert case.deadline_at is not None
        assert case.deadline_at.astimezone(local(2025, 1, 1).tzinfo) == local(2025, 11, 3, 14, 50)


def test_invalid_action_names_what_is_allowed(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    with pytest.raises(InvalidAction) as err:
        act(store, no, "close", "leader")
    assert "reported" in str(err.value) and "register" in str(err.value) and "reject" in str(err.value)


def test_role_is_checked(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    with pytest.raises(Forbidden, match="shift_leader"):
        act(store, no, "register", "worker")


def test_reason_required_for_reject(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    with pytest.raises(InvalidInput, match="reason"):
        act(store, no, "reject", "acceptor")
    act(store, no, "reject", "acceptor", reason="重复上报")
    with store.session() as s:
        assert store.case(s, no).state == "rejected"


def test_stale_version_is_a_conflict_naming_who_and_nothing_is_overwritten(
    store: Store, staff: dict[str, str]
) -> None:
    no = new_case(store)
    act(store, no, "register", "leader", expected_version=1)
    with pytest.raises(Conflict) as err:
        act(store, no, "dispatch", "dispatcher", department="CGJ", expected_version=1)
    assert "Leader" in str(err.value) and "version 2" in str(err.value)
    with store.session() as s:
        case = store.case(s, no)
        assert case.state == "registered" and case.version == 2 and case.department_id is None


def test_unknown_case_and_person(store: Store, staff: dict[str, str]) -> None:
    with pytest.raises(NotFound, match="No case numbered '42'"):
        act(store, "42", "register", "leader")
    no = new_case(store)
    with pytest.raises(NotFound, match="nobody"):
        act(store, no, "register", "nobody")


def test_out_of_range_coordinates_are_refused(store: Store, staff: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="swapped"):
        new_case(store, lon=LAT, lat=LON)
    with pytest.raises(InvalidInput, match="numbers"):
        new_case(store, lon=float("nan"))


def test_extension_and_suspension_move_the_deadline(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store, category_code="09006")  # 占道经营: urgency C = 4 working days
    act(store, no, "register", "leader", at=local(2025, 11, 3, 9, 0))
    act(store, no, "dispatch", "dispatcher", department="CGJ", at=local(2025, 11, 3, 9, 0))
    act(store, no, "accept", "handler", at=local(2025, 11, 3, 9, 30))
    with store.session() as s:
        assert store.case(s, no).deadline_at == local(2025, 11, 7, 9, 0)  # Mon 09:00 + 4 × 7.5 h
    act(store, no, "request_extension", "handler", reason="需要协调", hours=7.5, at=local(2025, 11, 4, 9))
    with pytest.raises(InvalidInput, match="no pending return request"):
        act(store, no, "approve_return", "dispatcher")
    act(store, no, "approve_extension", "dispatcher", at=local(2025, 11, 4, 10))
    with store.session() as s:
        case = store.case(s, no)
        assert case.deadline_at == local(2025, 11, 10, 9, 0) and case.extension_count == 1
    act(store, no, "request_suspend", "handler", reason="等待产权单位", at=local(2025, 11, 4, 11))
    act(store, no, "approve_suspend", "dispatcher", at=local(2025, 11, 5, 9, 0))
    act(store, no, "resume", "dispatcher", at=local(2025, 11, 5, 13, 30))  # 3 working hours paused
    with store.session() as s:
        case = store.case(s, no)
        assert case.state == "handling" and case.deadline_at == local(2025, 11, 10, 12, 0)


def test_rework_counts_and_keeps_the_clock(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    for action, who, kw in FULL_LOOP[:5]:  # up to send_check
        act(store, no, action, who, **kw)
    with store.session() as s:
        due = store.case(s, no).deadline_at
    act(store, no, "check_fail", "worker", reason="仍有垃圾")
    with store.session() as s:
        case = store.case(s, no)
        assert case.state == "dispatched" and case.rework_count == 1 and case.deadline_at == due


def test_closure_review_sends_a_checked_case_back_to_an_on_site_check(
    store: Store, staff: dict[str, str]
) -> None:
    no = new_case(store)
    t = local(2025, 11, 3, 9, 10)
    steps = FULL_LOOP[:-1]  # checked on site, not yet closed
    for i, (action, who, kw) in enumerate(steps):
        act(store, no, action, who, at=t + timedelta(minutes=10 * i), **kw)
    with pytest.raises(InvalidInput, match="needs a reason"):
        act(store, no, "recheck", "leader")
    with pytest.raises(Forbidden):
        act(store, no, "recheck", "acceptor", reason="照片不清")
    act(store, no, "recheck", "leader", reason="照片不清", at=local(2025, 11, 3, 11, 0))
    with store.session() as s:
        case = store.case(s, no)
        assert (case.state, case.rework_count, case.version) == ("checking", 0, 8)
        # a new 30-minute check clock, like send_check's
        assert case.stage_due_at == local(2025, 11, 3, 11, 30)
        assert store.events(s, no)[-1].note == "照片不清"
    act(store, no, "check_pass", "worker")
    act(store, no, "close", "leader")


def test_point_outside_every_grid_is_kept_in_the_center_queue(store: Store, staff: dict[str, str]) -> None:
    now = utcnow()
    with store.session() as s:
        grid = OrgUnit(
            code="35020300100101",
            name="第1网格",
            level="grid",
            geom=MultiPolygon([box(118.08, 24.46, 118.10, 24.48)]),
            updated_at=now,
        )
        s.add(grid)
        cgj = s.scalar(select(Department.id).where(Department.code == "CGJ"))
        s.add(RoutingRule(position=1, area_code="350203", category_code="06", department_id=cgj))
    inside = new_case(store)
    outside = new_case(store, lon=118.2, lat=24.6)
    with store.session() as s:
        a, b = store.case(s, inside), store.case(s, outside)
        assert a.grid_id is not None and not a.outside_grid and a.suggested_department_id == cgj
        assert b.grid_id is None and b.outside_grid and b.suggested_department_id is None
    act(store, inside, "register", "leader")
    act(store, inside, "dispatch", "dispatcher")  # the suggested department
    act(store, outside, "register", "leader")
    with pytest.raises(InvalidInput, match="--department"):
        act(store, outside, "dispatch", "dispatcher")


def test_machine_repeats_merge_into_one_case(store: Store, staff: dict[str, str]) -> None:
    first = new_case(store, source="video", merge_key="cam-117/09006/zone-1")
    again = new_case(
        store, source="video", merge_key="cam-117/09006/zone-1", reported_at=local(2025, 11, 3, 9, 10)
    )
    later = new_case(
        store, source="video", merge_key="cam-117/09006/zone-1", reported_at=local(2025, 11, 3, 11, 0)
    )
    assert first == again != later
    with store.session() as s:
        assert store.case(s, first).merged_count == 1
        assert [e.action for e in store.events(s, first)] == ["report", "merge"]


def test_attachments_are_hashed_deduplicated_and_size_limited(store: Store, staff: dict[str, str]) -> None:
    photo = NewAttachment("before.jpg", b"\xff\xd8jpeg" * 100, mime="image/jpeg")
    no = store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=LON, lat=LAT, attachments=[photo]
    ).case_no
    again = store.attach(no, photo, actor="worker")
    assert again.size == len(photo.data) and len(again.sha256) == 64
    with pytest.raises(InvalidInput, match="MB"):
        store.attach(no, NewAttachment("huge.mp4", b"0" * (MAX_ATTACHMENT_BYTES + 1)), actor="worker")


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_postgres_refuses_to_rewrite_history(store: Store, staff: dict[str, str]) -> None:
    no = new_case(store)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE case_events SET note = 'x'"))
    with store.session() as s:
        assert s.scalar(select(CaseEvent.note).where(CaseEvent.case_id == store.case(s, no).id)) == "暴露垃圾"


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_dropped_connection_is_retried_once_and_loses_nothing(store: Store, staff: dict[str, str]) -> None:
    """The server drops the connection just after the action took it from the pool (too late for the
    pool's look at it): the action runs once more on a fresh connection, and happens once."""
    no = new_case(store)
    killer = create_engine(PG_URL)
    dropped: list[int] = []

    def drop_once(_session: Session, _transaction: object, connection: Connection) -> None:
        if not dropped:
            dropped.append(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            with killer.connect() as conn:  # returns when the server process has ended
                ended = conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": dropped[0]})
                assert ended.scalar_one()

    event.listen(store._sessions, "after_begin", drop_once)
    try:
        act(store, no, "register", "leader")
    finally:
        event.remove(store._sessions, "after_begin", drop_once)
        killer.dispose()
    assert len(dropped) == 1
    with store.session() as s:
        assert store.case(s, no).state == "registered"
        assert [e.action for e in store.events(s, no)] == ["report", "register"]


def test_a_handler_acts_only_on_their_departments_cases(store: Store, staff: dict[str, str]) -> None:
    """On SQLite too (no row-level security there): the store's own check, with one clear line."""
    ours, theirs = new_case(store), new_case(store)
    for no, department in ((ours, "CGJ"), (theirs, "SZ")):
        act(store, no, "register", "leader")
        act(store, no, "dispatch", "dispatcher", department=department)
    with pytest.raises(Forbidden, match=f"Case {theirs} is not with your department"):
        act(store, theirs, "accept", "handler")
    act(store, ours, "accept", "handler")
    with store.session() as s:
        assert (store.case(s, ours).state, store.case(s, theirs).state) == ("handling", "dispatched")
