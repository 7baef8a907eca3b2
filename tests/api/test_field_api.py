"""The field app's API served by uvicorn, through a real HTTP client, on both backends: sign-in, a report
with a photo and its retry, my tasks, a handler's actions, positions and clock on/off."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import cv2
import numpy as np
import requests
from sqlalchemy import select

from gridwatch.db import field as bookkeeping
from gridwatch.db.feed import Change, ChangeFeed
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Person, Position
from gridwatch.db.reads import cases as case_reads
from tests.api.conftest import IN_GRID, Field
from tests.conftest import local


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    """A real JPEG of a plain colour (the store sniffs what the bytes are)."""
    ok, data = cv2.imencode(".jpg", np.full((size[1], size[0], 3), (30, 30, 200), np.uint8))
    assert ok
    return bytes(data)


def report(served: Field, who: str = "worker", key: str | None = None, **fields: object) -> requests.Response:
    form = {"category": "06010", "lon": IN_GRID[0], "lat": IN_GRID[1], "description": "井盖破损", **fields}
    headers = served.auth(who) | ({"Idempotency-Key": key} if key else {})
    return requests.post(
        served.url("/api/v1/reports"),
        data=form,
        files=[("photos", ("scene.jpg", jpeg(), "image/jpeg"))],
        headers=headers,
        timeout=10,
    )


def test_a_worker_reports_with_a_photo_and_a_retry_is_the_same_case(served: Field) -> None:
    first = report(served, key="phone-1-report-7")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["state"], body["version"], body["outside_grid"], body["attachments"]) == (
        "reported",
        1,
        False,
        1,
    )
    again = report(served, key="phone-1-report-7")
    assert again.status_code == 201 and again.json()["case_no"] == body["case_no"]
    found = case_reads.by_number(served.owner, body["case_no"])
    assert [e.action for e in found.events] == ["report"]
    assert [(a.kind, a.mime) for a in found.attachments] == [("before", "image/jpeg")]
    assert found.case.source == "grid_worker"
    other = report(served, key="phone-1-report-8")
    assert other.json()["case_no"] != body["case_no"]


def test_my_tasks_and_a_handlers_actions_through_the_store(served: Field) -> None:
    case_no = report(served).json()["case_no"]
    owner, leader = served.owner, served.users["leader"]
    owner.act(case_no, "register", actor=leader)
    owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
    tasks = requests.get(served.url("/api/v1/tasks"), headers=served.auth("h_cgj"), timeout=10)
    assert tasks.status_code == 200
    assert [(t["case_no"], t["kind"], t["state"]) for t in tasks.json()] == [
        (case_no, "handle", "dispatched")
    ]
    assert tasks.json()[0]["deadline_at"] is not None
    none = requests.get(served.url("/api/v1/tasks"), headers=served.auth("h_sz"), timeout=10)
    assert none.json() == []
    accept = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=served.auth("h_cgj"), timeout=10
    )
    assert accept.status_code == 200, accept.text
    assert (accept.json()["state"], accept.json()["version"]) == ("handling", 4)
    feedback = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/feedback"),
        data={"note": "已更换井盖"},
        files=[("photos", ("after.jpg", jpeg((80, 60)), "image/jpeg"))],
        headers=served.auth("h_cgj"),
        timeout=10,
    )
    assert feedback.status_code == 200, feedback.text
    found = case_reads.by_number(served.owner, case_no)
    assert [e.action for e in found.events] == ["report", "register", "dispatch", "accept", "feedback"]
    assert sorted(a.kind for a in found.attachments) == ["after", "before"]
    assert found.events[-1].note == "已更换井盖"
    longer = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/request_extension"),
        data={"reason": "材料未到", "hours": "8"},
        headers=served.auth("h_cgj"),
        timeout=10,
    )
    assert longer.status_code == 409
    assert longer.json()["error"].startswith(
        f"Case {case_no} is 'handled': 'request_extension' is not possible now."
    )


def test_positions_and_clock_on_inside_and_outside_the_geofence(served: Field) -> None:
    fixes = [{"at": f"2026-12-01T01:00:{s:02d}+00:00", "lon": 118.105, "lat": 24.465} for s in range(10)]
    stored = requests.post(
        served.url("/api/v1/positions"), json={"positions": fixes}, headers=served.auth("worker"), timeout=10
    )
    assert stored.status_code == 200 and stored.json() == {"stored": 10}
    with served.owner.session() as session:
        rows = session.execute(
            select(Position.at, Position.lon, Position.lat)
            .join(Person, Person.id == Position.person_id)
            .where(Person.username == served.users["worker"])
            .order_by(Position.at)
        ).all()
    assert [(r.at.replace(tzinfo=UTC), r.lon, r.lat) for r in rows] == [
        (datetime(2026, 12, 1, 1, 0, s, tzinfo=UTC), 118.105, 24.465) for s in range(10)
    ]
    inside = requests.post(
        served.url("/api/v1/clock/on"),
        json={"lon": IN_GRID[0], "lat": IN_GRID[1]},
        headers=served.auth("worker"),
        timeout=10,
    )
    assert inside.status_code == 200, inside.text
    assert (inside.json()["kind"], inside.json()["grid"]) == ("on", "35020300100101")  # its status: below
    outside = requests.post(
        served.url("/api/v1/clock/off"),
        json={"lon": 118.3, "lat": 24.5},
        headers=served.auth("worker"),
        timeout=10,
    )
    assert (outside.json()["status"], outside.json()["grid"]) == ("outside", None)


def test_a_case_file_with_its_trail_photos_and_the_persons_actions(served: Field) -> None:
    case_no = report(served).json()["case_no"]
    leader = served.users["leader"]
    served.owner.act(case_no, "send_verify", actor=leader)
    tasks = requests.get(served.url("/api/v1/tasks"), headers=served.auth("worker"), timeout=10).json()
    assert [(t["case_no"], t["kind"]) for t in tasks] == [(case_no, "verify")]
    file = requests.get(served.url(f"/api/v1/cases/{case_no}"), headers=served.auth("leader"), timeout=10)
    assert file.status_code == 200, file.text
    body = file.json()
    assert (body["state"], body["version"], body["source"]) == ("verifying", 2, "grid_worker")
    assert [e["action"] for e in body["events"]] == ["report", "send_verify"]
    assert body["allowed_actions"] == ["register", "reject"]
    (photo,) = body["attachments"]
    got = requests.get(
        served.url(f"/api/v1/cases/{case_no}/attachments/{photo['id']}"),
        headers=served.auth("worker"),
        timeout=10,
    )
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg" and got.content == jpeg()
    found = requests.post(
        served.url(f"/api/v1/cases/{case_no}/photos"),
        files=[
            ("photos", ("site.jpg", jpeg((90, 70)), "image/jpeg")),
            ("photos", ("same.jpg", jpeg(), "image/jpeg")),
        ],
        headers=served.auth("worker"),
        timeout=10,
    )
    assert found.status_code == 201, found.text
    assert found.json()["attachments"][1] == photo["id"]  # the scene photo again: stored once
    missing = requests.get(
        served.url(f"/api/v1/cases/{case_no}/attachments/999999"), headers=served.auth("worker"), timeout=10
    )
    assert missing.status_code == 404


def test_a_handler_asks_for_more_time_with_a_reason_and_hours(served: Field) -> None:
    case_no = report(served).json()["case_no"]
    leader, handler = served.users["leader"], served.users["h_cgj"]
    served.owner.act(case_no, "register", actor=leader)
    served.owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
    served.owner.act(case_no, "accept", actor=handler)
    url = served.url(f"/api/v1/cases/{case_no}/actions/request_extension")
    no_reason = requests.post(url, data={"hours": "8"}, headers=served.auth("h_cgj"), timeout=10)
    assert no_reason.status_code == 400
    asked = requests.post(
        url,
        data={"hours": "8", "reason": "材料未到", "expected_version": "4"},
        headers=served.auth("h_cgj"),
        timeout=10,
    )
    assert asked.status_code == 200, asked.text
    assert (asked.json()["state"], asked.json()["version"]) == ("handling", 5)
    stale = requests.post(
        url,
        data={"hours": "8", "reason": "再延", "expected_version": "4"},
        headers=served.auth("h_cgj"),
        timeout=10,
    )
    assert stale.status_code == 409 and "Your change was not saved" in stale.json()["error"]
    found = case_reads.by_number(served.owner, case_no)
    pending = dict(found.case.pending_request or {})
    assert (pending["kind"], pending["reason"], pending["hours"]) == ("extension", "材料未到", 8.0)


def test_the_desk_is_told_of_a_phones_report(served: Field) -> None:
    """The change feed carries a phone's report to a listening desk (how fast: bench/feed.py)."""
    feed = ChangeFeed(served.owner)
    try:
        feed.poll(0.05)  # connected and listening, as a desk is
        started = time.monotonic()
        case_no = report(served).json()["case_no"]
        seen: list[Change] = []
        while not seen and time.monotonic() - started < 30:
            seen = [c for c in feed.poll(0.1) if c.table == "cases"]
        found = case_reads.by_number(served.owner, case_no)
        assert seen == [Change("cases", found.case.id, 1)]
        assert found.case.source == "grid_worker"
    finally:
        feed.close()


def test_clock_status_follows_the_working_hours_and_the_geofence(served: Field) -> None:
    worker = served.users["worker"]
    moments = [
        ("on", local(2026, 12, 1, 8, 20), IN_GRID, "normal"),  # a Tuesday; work starts 08:30
        ("on", local(2026, 12, 1, 8, 45), IN_GRID, "late"),
        ("off", local(2026, 12, 1, 17, 0), IN_GRID, "early_leave"),  # work ends 17:30
        ("off", local(2026, 12, 1, 17, 40), IN_GRID, "normal"),
        ("on", local(2026, 12, 5, 10, 0), IN_GRID, "normal"),  # a Saturday
        ("on", local(2026, 12, 1, 8, 20), (118.3, 24.5), "outside"),
    ]
    got = [
        bookkeeping.clock(served.owner, worker, kind, *where, at=at).status for kind, at, where, _ in moments
    ]
    assert got == [status for *_, status in moments]
