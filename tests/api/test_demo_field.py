"""The demo's field (app/api/demo_field.py): simulated phones that go through the served HTTP API as the
people themselves, so the loop closes in the demo without a second machine."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import requests

from gridwatch.api.demo_field import (
    DEMO_PASSWORD,
    DESK_DIRECT,
    DESK_SOURCES,
    DESK_STEPS,
    FieldSimulation,
    scene,
)
from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from gridwatch.db.demo_city.simulate import DemoSimulation
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads import field as field_reads
from gridwatch.db.store import utcnow
from tests.api.conftest import Field, Served


def reads_today(served: Field) -> list[field_reads.AttendanceDay]:
    with served.owner.session() as session:
        calendar = served.owner.rules(session).calendar
    day = utcnow().astimezone(calendar.tz).date()
    return field_reads.attendance(served.owner, day, day)


def events(served: Field, case_no: str) -> list[tuple[str, str | None]]:
    found = case_reads.by_number(served.owner, case_no)
    return [(e.action, e.actor_name) for e in found.events]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_demo_field_reports_through_http_and_the_crew_closes_the_loop(served: Field) -> None:
    key = bookkeeping.add_api_key(served.service.keeper, "demo citizen app", served.users["app"])
    with Served(Service(served.owner, demo_password=DEMO_PASSWORD)) as base:
        wrong = requests.post(
            base + "/api/v1/sign-in", json={"username": served.users["worker"], "password": "x"}, timeout=10
        )
        assert wrong.status_code == 401
        phones = FieldSimulation(
            base, served.owner, app_key=key, seed=3, report_chance=1, citizen_chance=1, clock_chance=1
        )
        tick = phones.tick()
        assert [source for _, source in tick.reported] == ["grid_worker", "citizen"]
        assert [who for who, _ in tick.clocked] == ["worker"]  # once a day: the next tick does not
        assert tick.clocked[0][1] in ("normal", "late")  # by the wall clock the test runs at
        assert phones.tick().clocked == []
        today = reads_today(served)
        assert [(d.username, d.status) for d in today] == [("worker", tick.clocked[0][1])]
        for case_no, source in tick.reported:
            found = case_reads.by_number(served.owner, case_no)
            assert found.case.source == source
            assert found.case.state == "reported"
            assert [(a.kind, a.mime) for a in found.attachments] == [("before", "image/jpeg")]
            full = case_reads.by_id(served.owner, found.case.id, data_of=("before",))
            assert full is not None and full.attachments[0].data == scene(fixed=False)
            picture = cv2.imdecode(np.frombuffer(full.attachments[0].data, np.uint8), cv2.IMREAD_COLOR)
            assert picture.shape == (360, 480, 3)
        worker_case = tick.reported[0][0]
        assert events(served, worker_case) == [("report", "worker")]

        # The desk registers and dispatches to CGJ; the crew's phone then accepts and feeds back.
        leader = served.users["leader"]
        served.owner.act(worker_case, "register", actor=leader)
        served.owner.act(worker_case, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
        citizen_case = tick.reported[1][0]
        served.owner.act(citizen_case, "send_verify", actor=leader)  # a citizen's report is verified first
        quiet = FieldSimulation(
            base, served.owner, seed=3, report_chance=0, citizen_chance=0, tasks_per_tick=5
        )
        assert sorted(quiet.tick().done) == sorted([(worker_case, "accept"), (citizen_case, "verify_photo")])
        assert events(served, citizen_case) == [("report", "app"), ("send_verify", "leader")]
        verified = case_reads.by_number(served.owner, citizen_case)
        assert [(a.kind, a.filename) for a in verified.attachments] == [
            ("before", "photo.jpg"),
            ("before", "verify.jpg"),
        ]
        served.owner.act(citizen_case, "register", actor=leader)
        assert quiet.tick().done == [(worker_case, "feedback")]
        served.owner.act(worker_case, "send_check", actor=leader)
        assert field_reads.waiting_field_work(served.owner) == [
            field_reads.FieldWork(worker_case, "check", "checking", served.users["worker"])
        ]
        assert quiet.tick().done == [(worker_case, "check_pass")]
        found = case_reads.by_number(served.owner, worker_case)
        assert found.case.state == "checked"
        assert events(served, worker_case) == [
            ("report", "worker"),
            ("register", "leader"),
            ("dispatch", "leader"),
            ("accept", "h_cgj"),
            ("feedback", "h_cgj"),
            ("send_check", "leader"),
            ("check_pass", "worker"),
        ]
        assert [(a.kind, a.filename) for a in found.attachments] == [
            ("before", "scene.jpg"),
            ("after", "after.jpg"),
            ("after", "check.jpg"),
        ]
        phones.close()
        quiet.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_desk_registers_a_workers_report_and_sends_a_citizens_to_verify(served: Field) -> None:
    """With the field through the API, the demo's desk simulation keeps only the desk's steps: a grid
    worker's report is registered directly, a citizen's is sent to verify (docs/DOMAIN.md)."""
    key = bookkeeping.add_api_key(served.service.keeper, "demo citizen app", served.users["app"])
    with Served(Service(served.owner, demo_password=DEMO_PASSWORD)) as base:
        phones = FieldSimulation(base, served.owner, app_key=key, seed=5, report_chance=1, citizen_chance=1)
        (worker_case, _), (citizen_case, _) = phones.tick().reported
        phones.close()
    desk = DemoSimulation(
        served.owner,
        seed=1,
        new_case_chance=0,
        advance_per_tick=10,
        steps=DESK_STEPS,
        sources=DESK_SOURCES,
        direct_sources=DESK_DIRECT,
    )
    assert sorted(desk.tick().advanced) == sorted([(worker_case, "register"), (citizen_case, "send_verify")])
    # (the worker's case waits: this territory has no routing rule to dispatch it by)
    assert desk.tick().advanced == [(citizen_case, "register")]
