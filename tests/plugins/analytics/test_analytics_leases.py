"""Several `gridwatch serve analytics` processes share the cameras through PostgreSQL leases: killed with
SIGKILL, a process's cameras move to the other, and the lease history shows no camera ever had two
holders at once. The service runs as a person with the role system, never as the owner."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select, text

from gridwatch.db.accounts import add_user
from gridwatch.db.analytics import Leases
from gridwatch.db.models import AnalyticsHold, AnalyticsLease
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store
from gridwatch.plugins.analytics import zones as zone_store
from tests.conftest import PG_URL, pg_url
from tests.plugins.analytics.conftest import STALL_ZONES, add_cameras, stall_video, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.video, pytest.mark.slow]
PASSWORD = "analytics 视频 pass"
LEASE_S = 4.0
CAMERAS = ("C1", "C2", "C3", "C4")


@pytest.fixture
def service_url(pg_store: Store, pg_schema: str, tmp_path: Path) -> Iterator[str]:
    """Four cameras with zones, and the service's own sign-in (role system) as a --db URL."""
    with pg_store.session() as s:
        ensure_reference_data(s)
    video = str(stall_video(tmp_path / "street.mp4"))
    add_cameras(pg_store, {code: video for code in CAMERAS})
    for code in CAMERAS:
        zone_store.save(pg_store, code, STALL_ZONES, actor="admin")
    username = f"gwt_{uuid.uuid4().hex[:8]}_analytics"
    add_user(pg_store, actor="admin", username=username, name="视频分析", roles=["system"], password=PASSWORD)
    url = make_url(pg_url(pg_schema)).set(username=username, password=PASSWORD)
    yield url.render_as_string(hide_password=False)
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


def serve(url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gridwatch", "serve", "analytics", "--db", url, "--lease", str(LEASE_S)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def holders(store: Store) -> dict[str, str | None]:
    with store.session() as s:
        rows = s.execute(
            text(
                "SELECT d.code, l.holder FROM analytics_leases l JOIN devices d ON d.id = l.device_id "
                "WHERE l.expires_at > clock_timestamp()"
            )
        ).all()
    return {code: holder for code, holder in rows}


def video_cases(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(text("SELECT count(*) FROM cases WHERE source = 'video'")) or 0)


def test_a_killed_workers_cameras_move_to_the_other_and_no_camera_ever_has_two_holders(
    pg_store: Store, service_url: str
) -> None:
    first, second = serve(service_url), serve(service_url)
    try:
        # both share the four cameras: two each
        wait_for(
            lambda: len(held := holders(pg_store)) == 4 and sorted(list(held.values()).count(h) for h in
                                                                   set(held.values())) == [2, 2],
            60, "the cameras shared two and two",
        )  # fmt: skip
        wait_for(lambda: video_cases(pg_store) >= 1, 60, "a detection reported by the service's sign-in")
        pids = {h: int(h.split(":")[1]) for h in set(holders(pg_store).values()) if h}
        killed = next(h for h, pid in pids.items() if pid == first.pid)
        survivor = next(h for h in pids if h != killed)
        first.send_signal(signal.SIGKILL)
        first.wait()
        wait_for(
            lambda: holders(pg_store) == dict.fromkeys(CAMERAS, survivor),
            60,
            "every camera with the survivor",
        )
        second.send_signal(signal.SIGTERM)  # a clean stop gives its cameras back at once
        assert second.wait(timeout=60) == 0, second.stderr.read().decode() if second.stderr else ""
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.wait()
    with pg_store.session() as s:
        holds = s.execute(
            select(AnalyticsHold.device_id, AnalyticsHold.holder, AnalyticsHold.started_at,
                   AnalyticsHold.expires_at, AnalyticsHold.ended_at).order_by(AnalyticsHold.device_id,
                                                                              AnalyticsHold.started_at)
        ).all()  # fmt: skip
        assert s.scalar(select(AnalyticsLease.holder).where(AnalyticsLease.holder.is_not(None))) is None
    assert {h.holder for h in holds} == {killed, survivor}
    for previous, following in itertools.pairwise(holds):
        if previous.device_id != following.device_id:
            continue
        end = previous.ended_at or previous.expires_at
        assert end <= following.started_at, f"camera {previous.device_id} had two holders at once"
    # the killed worker's cameras: those it held when killed ended when their leases ran out, unrenewed
    # (cameras it gave back earlier, when the second worker came, ended before their expiry)
    expired = [
        (previous, following)
        for previous, following in itertools.pairwise(holds)
        if previous.device_id == following.device_id
        and previous.holder == killed
        and previous.ended_at == previous.expires_at
    ]
    assert len(expired) == 2
    for previous, following in expired:
        assert following.holder == survivor
        # taken over at the survivor's next renewal after the lease ran out (a third of the lease time)
        assert following.started_at - previous.expires_at < timedelta(seconds=LEASE_S)
    assert all(h.ended_at is not None for h in holds)  # the survivor released at its clean stop
    with pg_store.session() as s:  # the service's own sign-in reported them: its grants suffice
        reporters = (
            s.execute(
                text(
                    "SELECT DISTINCT p.username FROM cases c JOIN people p ON p.id = c.reporter_id "
                    "JOIN detections d ON d.case_id = c.id WHERE c.source = 'video'"
                )
            )
            .scalars()
            .all()
        )
    assert reporters == [make_url(service_url).username]


def test_the_service_refuses_the_owners_connection(pg_store: Store, pg_schema: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gridwatch", "serve", "analytics", "--db", pg_url(pg_schema)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 1
    assert "does not run as the store's owner" in result.stderr.decode()


def test_one_service_with_two_workers_shares_the_cameras_and_a_stop_gives_them_back(
    pg_store: Store, service_url: str
) -> None:
    command = [sys.executable, "-m", "gridwatch", "serve", "analytics", "--db", service_url, "--workers", "2",
               "--lease", str(LEASE_S)]  # fmt: skip
    service = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(
            lambda: len(held := holders(pg_store)) == 4 and sorted(list(held.values()).count(h) for h in
                                                                   set(held.values())) == [2, 2],
            60, "two workers holding two cameras each",
        )  # fmt: skip
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=60) == 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
    with pg_store.session() as s:
        assert s.scalar(select(AnalyticsLease.holder).where(AnalyticsLease.holder.is_not(None))) is None


def test_the_lease_and_zone_tables_refuse_roles_without_the_right(pg_store: Store, pg_schema: str) -> None:
    """Checked as restricted roles with their passwords, through raw SQL that skips the store's checks."""
    from gridwatch.db.accounts import sign_in
    from gridwatch.db.errors import Forbidden
    from gridwatch.plugins.analytics.service import check_signed_in

    with pg_store.session() as s:
        ensure_reference_data(s)
    add_cameras(pg_store, {"C1": "rtsp://127.0.0.1:9/c1"})
    zone_store.save(pg_store, "C1", STALL_ZONES, actor="admin")
    tag = uuid.uuid4().hex[:8]
    users = {role: f"gwt_{tag}_{role}" for role in ("dispatcher", "handler")}
    for role, username in users.items():
        add_user(pg_store, actor="admin", username=username, name=role, roles=[role], password=PASSWORD)
    try:
        dispatcher = sign_in(pg_url(pg_schema), users["dispatcher"], PASSWORD)
        handler = sign_in(pg_url(pg_schema), users["handler"], PASSWORD)
        try:
            with pytest.raises(Forbidden, match="permission denied for table analytics_leases"):
                Leases(dispatcher, "intruder").claim(1)  # only the system role keeps leases
            with (
                pytest.raises(Forbidden, match="permission denied for table camera_zones"),
                handler.session() as s,
            ):
                s.execute(text("UPDATE camera_zones SET zones = '{\"zones\": []}'"))
            with (
                pytest.raises(Forbidden, match="permission denied for table detections"),
                dispatcher.session() as s,
            ):
                s.execute(text("DELETE FROM detections"))
            assert zone_store.save(dispatcher, "C1", STALL_ZONES, actor=users["dispatcher"]) == 2
            with pytest.raises(Forbidden, match=rf"role system; {users['dispatcher']} holds dispatcher \("):
                check_signed_in(dispatcher)  # the service refuses to start as a desk person
        finally:
            dispatcher.dispose()
            handler.dispose()
    finally:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            for username in users.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
        admin.dispose()
