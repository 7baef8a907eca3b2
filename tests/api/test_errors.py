"""Bad input through the served API gets one clear answer and loses nothing: 413, 400 naming the fields,
401 for a missing, expired or revoked token, 403 from the database's own refusal, 503 with Retry-After
while the store is unreachable (the retry then makes one case), 429 for a burst from one person."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, text

from gridwatch.api.service import MAX_BODY, Service, pooled
from gridwatch.db import field as bookkeeping
from gridwatch.db.accounts import disable_user
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads import field as reads
from gridwatch.db.store import MAX_ATTACHMENT_BYTES, Store
from tests.api.conftest import IN_GRID, Field, Served
from tests.api.test_field_api import jpeg, report
from tests.conftest import PG_URL


def test_an_oversized_photo_or_body_is_413_and_nothing_is_saved(served: Field) -> None:
    big = jpeg() + b"\x00" * (MAX_ATTACHMENT_BYTES + 1 - len(jpeg()))
    answer = requests.post(
        served.url("/api/v1/reports"),
        data={"category": "06010", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        files=[("photos", ("big.jpg", big, "image/jpeg"))],
        headers=served.auth("worker"),
        timeout=30,
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "'big.jpg' is over 20 MB, the limit of one photo."
    declared = requests.post(
        served.url("/api/v1/reports"),
        data=b"x" * (MAX_BODY + 1),
        headers=served.auth("worker") | {"Content-Type": "application/octet-stream"},
        timeout=30,
    )
    assert declared.status_code == 413
    assert declared.json()["error"] == "The request is over 32 MB; send fewer or smaller photos."

    def chunks():  # no Content-Length: counted while it streams in
        for _ in range(MAX_BODY // 2**20 + 1):
            yield b"y" * 2**20

    streamed = requests.post(
        served.url("/api/v1/positions"), data=chunks(), headers=served.auth("worker"), timeout=30
    )
    assert streamed.status_code == 413
    assert reads.requests(served.owner) == []


def test_a_file_that_is_not_an_image_and_missing_fields_are_400_naming_them(served: Field) -> None:
    answer = requests.post(
        served.url("/api/v1/reports"),
        data={"lon": "east", "description": "x"},
        headers=served.auth("worker"),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "Missing or malformed: category, lon, lat.",
        "fields": ["category", "lon", "lat"],
    }
    exe = requests.post(
        served.url("/api/v1/reports"),
        data={"category": "06010", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        files=[("photos", ("scene.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg"))],
        headers=served.auth("worker"),
        timeout=10,
    )
    assert exe.status_code == 400 and "scene.jpg" in exe.json()["error"]
    swapped = report(served, lon=24.465, lat=118.105)
    assert swapped.status_code == 400
    assert swapped.json()["error"] == (
        "Coordinates lon=24.465, lat=118.105 are outside China's extent (latitude and longitude swapped?)."
    )
    assert reads.requests(served.owner) == []


def test_a_point_outside_the_territory_is_kept_and_flagged(served: Field) -> None:
    answer = report(served, lon=116.4, lat=39.9)
    assert answer.status_code == 201 and answer.json()["outside_grid"] is True


def test_no_token_an_expired_and_a_revoked_token_are_401(served: Field) -> None:
    none = requests.get(served.url("/api/v1/tasks"), timeout=10)
    assert none.status_code == 401 and none.headers["WWW-Authenticate"] == "Bearer"
    assert (
        none.json()["error"] == "Sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/sign-in)."
    )
    expired = bookkeeping.issue_token(served.service.keeper, served.users["worker"], timedelta(seconds=-1))
    old = requests.get(
        served.url("/api/v1/tasks"), headers={"Authorization": f"Bearer {expired.token}"}, timeout=10
    )
    assert old.status_code == 401
    assert old.json()["error"] == "The token is unknown, expired or revoked: sign in again."
    headers = served.auth("worker")
    assert requests.get(served.url("/api/v1/tasks"), headers=headers, timeout=10).status_code == 200
    assert requests.post(served.url("/api/v1/sign-out"), headers=headers, timeout=10).status_code == 204
    assert requests.get(served.url("/api/v1/tasks"), headers=headers, timeout=10).status_code == 401
    handler = served.auth("h_cgj")
    disable_user(served.owner, actor="admin", username=served.users["h_cgj"])
    assert requests.get(served.url("/api/v1/tasks"), headers=handler, timeout=10).status_code == 401


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_wrong_password_is_401(served: Field) -> None:
    wrong = requests.post(
        served.url("/api/v1/sign-in"),
        json={"username": served.users["worker"], "password": "not it"},
        timeout=10,
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "Wrong user name or password."


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_database_refuses_a_handler_without_the_role_and_hides_another_departments_case(
    served: Field,
) -> None:
    case_no = report(served).json()["case_no"]
    leader = served.users["leader"]
    served.owner.act(case_no, "register", actor=leader)
    served.owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
    other = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=served.auth("h_sz"), timeout=10
    )
    assert other.status_code == 404  # row-level security: SZ's handler does not see CGJ's case
    # The people table still says handler (the store's own check passes); the database role lost it.
    login = served.users["h_cgj"]
    served.auth("h_cgj")
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"GRANT gridwatch_desk TO {login}"))
        conn.execute(text(f"REVOKE gridwatch_handler FROM {login}"))
    admin.dispose()
    refused = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=served.auth("h_cgj"), timeout=10
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == f"'accept' on case {case_no} needs the role handler; you hold no role."


def test_a_burst_from_one_person_is_429_with_retry_after(served: Field) -> None:
    limited = Service(served.service.store, rate=1.0, burst=3.0)
    with Served(limited) as base:
        headers = served.auth("worker")
        codes = [
            requests.get(base + "/api/v1/tasks", headers=headers, timeout=10).status_code for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        late = requests.get(base + "/api/v1/tasks", headers=headers, timeout=10)
        assert late.status_code == 429 and late.headers["Retry-After"] == "1"
        other = requests.get(base + "/api/v1/tasks", headers=served.auth("h_cgj"), timeout=10)
        assert other.status_code == 200
    guess = {"username": served.users["leader"], "password": "guess"}
    tries = [requests.post(served.url("/api/v1/sign-in"), json=guess, timeout=10) for _ in range(6)]
    wrong = 401 if served.owner.is_postgres else 400  # SQLite: no passwords to sign in with
    assert [t.status_code for t in tries] == [wrong] * 5 + [429]
    assert tries[-1].headers["Retry-After"] == "5"


class Cable:
    """A TCP forwarder to PostgreSQL that can be unplugged: the store becomes unreachable, then comes back."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.plugged = True
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.plugged:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", 5432))
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def unplug(self) -> None:
        self.plugged = False
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.open.clear()

    def close(self) -> None:
        self.unplug()
        self.listener.close()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_store_down_is_503_with_retry_after_and_the_retry_makes_one_case(served: Field) -> None:
    cable = Cable()
    url = served.service.store.engine.url.set(port=cable.port)
    through = Store(url.render_as_string(hide_password=False))
    try:
        with Served(Service(through)) as base:
            headers = served.auth("worker") | {"Idempotency-Key": f"retry-{uuid.uuid4()}"}
            form = {"category": "06010", "lon": IN_GRID[0], "lat": IN_GRID[1]}
            first = requests.post(base + "/api/v1/reports", data=form, headers=headers, timeout=20)
            assert first.status_code == 201, first.text
            cable.unplug()
            down = requests.post(base + "/api/v1/reports", data=form, headers=headers, timeout=20)
            assert down.status_code == 503 and down.headers["Retry-After"] == "5"
            assert down.json()["error"] == "The case store is unreachable; nothing was saved. Retry later."
            cable.plugged = True
            again = requests.post(base + "/api/v1/reports", data=form, headers=headers, timeout=20)
            assert again.status_code == 201 and again.json()["case_no"] == first.json()["case_no"]
    finally:
        through.dispose()
        cable.close()
    assert [r.case_no for r in reads.requests(served.owner)] == [first.json()["case_no"]]


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_every_connection_busy_is_503_with_retry_after_and_nothing_saved(served: Field) -> None:
    """The service's fixed pool (app/api/service.py POOL): a request that finds every connection taken
    for the pool's wait is told to retry, and writes nothing; once one is free, the retry makes the case."""
    tight = pooled(served.service.store.url, size=1, wait=0.3)
    try:
        with Served(Service(tight)) as base:
            headers = served.auth("worker") | {"Idempotency-Key": f"busy-{uuid.uuid4()}"}
            form = {"category": "06010", "lon": IN_GRID[0], "lat": IN_GRID[1]}
            assert requests.get(base + "/api/v1/tasks", headers=headers, timeout=20).json() == []
            deadline = time.monotonic() + 10
            while tight.engine.pool.checkedout() != 1:  # type: ignore[attr-defined]
                assert time.monotonic() < deadline, "the revocation watch took no connection"
                time.sleep(0.02)
            with tight.engine.connect():  # the requests' one connection, held by another request's work
                busy = requests.post(base + "/api/v1/reports", data=form, headers=headers, timeout=20)
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
            assert busy.json()["error"] == "The service is busy; nothing was saved. Retry later."
            assert reads.requests(served.owner) == []
            again = requests.post(base + "/api/v1/reports", data=form, headers=headers, timeout=20)
            assert again.status_code == 201, again.text
    finally:
        tight.dispose()
    assert [r.case_no for r in reads.requests(served.owner)] == [again.json()["case_no"]]


def test_a_body_that_stops_arriving_is_408_and_frees_the_worker(served: Field) -> None:
    with Served(served.service, body_timeout=0.5) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            head = (
                "POST /api/v1/positions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {served.token('worker')}\r\nContent-Length: 1000\r\n\r\n"
            )
            slow.sendall(head.encode() + b'{"positions": [')
            started = time.monotonic()
            answer = slow.recv(65536).decode()
            waited = time.monotonic() - started
            while not answer.rstrip().endswith("}"):  # the body may come in a packet of its own
                answer += slow.recv(65536).decode()
        assert answer.startswith("HTTP/1.1 408"), answer
        assert '"error":"The request body stopped arriving for 0.5 s."' in answer
        assert 0.4 < waited < 5
        assert (
            requests.get(base + "/api/v1/tasks", headers=served.auth("worker"), timeout=10).status_code == 200
        )


def _refused_within(url: str, headers: dict[str, str], seconds: float = 3.0) -> float:
    """Seconds until the request is 401 (a remembered credential forgotten), failing after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if requests.get(url, headers=headers, timeout=10).status_code == 401:
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"{url} still answered after {seconds} s")


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_remembered_token_or_key_revoked_elsewhere_or_its_person_disabled_stops_working(
    served: Field,
) -> None:
    """The service remembers who a token signs in (no lookup per request), and forgets when a revocation
    is announced by another process (here: the owner's command-line handle) or the person is disabled."""
    tasks = served.url("/api/v1/tasks")
    worker = served.auth("worker")
    assert requests.get(tasks, headers=worker, timeout=10).status_code == 200
    assert requests.get(tasks, headers=worker, timeout=10).status_code == 200  # remembered now
    bookkeeping.revoke_token(bookkeeping.keeper(served.owner), served.token("worker"))
    assert _refused_within(tasks, worker) < 3
    handler = served.auth("h_cgj")
    assert requests.get(tasks, headers=handler, timeout=10).status_code == 200
    disable_user(served.owner, actor="admin", username=served.users["h_cgj"])
    assert _refused_within(tasks, handler) < 3
    key = bookkeeping.add_api_key(served.service.keeper, "revoked app", served.users["app"])
    listed = served.url(f"/open311/v2/requests.json?api_key={key}")
    assert requests.get(listed, timeout=10).status_code == 200
    bookkeeping.revoke_api_key(bookkeeping.keeper(served.owner), "revoked app")
    assert _refused_within(listed, {}) < 3
    short = bookkeeping.issue_token(served.service.keeper, served.users["leader"], timedelta(seconds=1.5))
    bearer = {"Authorization": f"Bearer {short.token}"}
    assert requests.get(tasks, headers=bearer, timeout=10).status_code == 200
    time.sleep(1.6)
    expired = requests.get(tasks, headers=bearer, timeout=10)
    assert expired.status_code == 401
    assert expired.json()["error"] == "The token is unknown, expired or revoked: sign in again."


def test_a_handler_acting_on_another_departments_case_is_refused(served: Field) -> None:
    """SZ's handler on CGJ's case: hidden by row-level security on PostgreSQL (404), refused by the store's
    same line on SQLite (403); CGJ's handler on a case CGJ once had and returned, now SZ's: still visible to
    them on PostgreSQL, and refused (403), nothing changed."""
    case_no = report(served).json()["case_no"]
    leader = served.users["leader"]
    served.owner.act(case_no, "register", actor=leader)
    served.owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
    other = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=served.auth("h_sz"), timeout=10
    )
    if served.owner.is_postgres:
        assert other.status_code == 404
    else:
        assert other.status_code == 403
        assert other.json()["error"] == (
            f"Case {case_no} is not with your department: a handler acts on their department's cases."
        )
    cgj = served.auth("h_cgj")
    returned = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/request_return"),
        data={"reason": "不属于本部门"},
        headers=cgj,
        timeout=10,
    )
    assert returned.status_code == 200, returned.text
    served.owner.act(case_no, "approve_return", actor=leader)
    served.owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="SZ"))
    before = case_reads.by_number(served.owner, case_no).case.version
    again = requests.post(served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=cgj, timeout=10)
    assert again.status_code == 403
    assert again.json()["error"] == (
        f"Case {case_no} is not with your department: a handler acts on their department's cases."
    )
    assert case_reads.by_number(served.owner, case_no).case.version == before
    accepted = requests.post(
        served.url(f"/api/v1/cases/{case_no}/actions/accept"), headers=served.auth("h_sz"), timeout=10
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "handling"
