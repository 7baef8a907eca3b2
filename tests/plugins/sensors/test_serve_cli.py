"""`gridwatch serve sensors` as its own process, signed in as a person holding the role system (never the
owner), against the real Mosquitto: its alarm is a case in that person's name."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, select, text

from gridwatch.db.accounts import add_user
from gridwatch.db.models import Case, Person
from gridwatch.db.sensors import ensure_devices, payload
from gridwatch.db.store import Store
from tests.conftest import PG_URL, pg_url
from tests.plugins.sensors.test_service import BROKER, FLEET, Publisher, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PASSWORD = "sensors 密码 ok"


def gridwatch(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "400", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "gridwatch", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def sensor_login(pg_store: Store) -> Iterator[str]:
    username = f"gwt_{uuid.uuid4().hex[:8]}_sensors"
    add_user(
        pg_store, actor="admin", username=username, name="传感器服务", roles=["system"], password=PASSWORD
    )
    yield username
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


def test_the_service_runs_as_a_system_person(pg_store: Store, pg_schema: str, sensor_login: str) -> None:
    ensure_devices(pg_store, FLEET)
    url = pg_url(pg_schema).replace("gridwatch:gridwatch@", f"{sensor_login}:{quote(PASSWORD)}@")
    prefix = f"gwtest/{uuid.uuid4().hex[:10]}"
    proc = gridwatch("serve", "sensors", "--db", url, "--broker", BROKER, "--topic", f"{prefix}/+",
                     "--client-id", f"gwtest-{uuid.uuid4().hex[:8]}", "--session-hours", "0.02")  # fmt: skip
    pub = Publisher(BROKER, prefix)
    try:
        alarm = payload("smoke", 1, at=datetime.now(UTC))

        def delivered() -> bool:  # until the service has subscribed, a message finds nobody: send it again
            pub.send("YG0001", alarm)  # the same reading each time: stored once, one alarm
            return _count_cases(pg_store) > 0

        wait_for(delivered, 60, "the case")
        time.sleep(1.0)
        assert _count_cases(pg_store) == 1
    finally:
        pub.close()
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    with pg_store.session() as session:
        reporter = session.scalar(select(Person.username).join(Case, Case.reporter_id == Person.id))
    assert reporter == sensor_login
    assert f"as {sensor_login}" in out
    assert PASSWORD not in out and quote(PASSWORD) not in out


def _count_cases(store: Store) -> int:
    with store.session() as session:
        return len(session.scalars(select(Case.id)).all())


def test_the_owner_and_a_desk_are_refused(pg_store: Store, pg_schema: str) -> None:
    proc = gridwatch("serve", "sensors", "--db", pg_url(pg_schema), "--broker", BROKER)
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 1
    assert "does not run as the store's owner" in out
    assert "--role system" in out
    dispatcher = f"gwt_{uuid.uuid4().hex[:8]}_disp"
    add_user(
        pg_store, actor="admin", username=dispatcher, name="调度", roles=["dispatcher"], password=PASSWORD
    )
    try:
        url = pg_url(pg_schema).replace("gridwatch:gridwatch@", f"{dispatcher}:{quote(PASSWORD)}@")
        proc = gridwatch("serve", "sensors", "--db", url, "--broker", BROKER)
        out = proc.communicate(timeout=120)[0]
        assert proc.returncode == 1
        assert f"{dispatcher} holds dispatcher" in " ".join(out.split())
    finally:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{dispatcher}"'))
        admin.dispose()


def test_a_desk_reads_the_readings_and_only_the_service_writes_them(
    pg_store: Store, pg_schema: str, sensor_login: str
) -> None:
    """Checked as the restricted roles themselves: a dispatcher's desk charts readings but cannot forge
    one or an alarm; the service's person can write both."""
    from gridwatch.db.accounts import sign_in
    from gridwatch.db.errors import Forbidden
    from gridwatch.db.reads import sensors as sensor_reads
    from gridwatch.db.sensors import Reading, SensorIngest

    ensure_devices(pg_store, FLEET)
    dispatcher = f"gwt_{uuid.uuid4().hex[:8]}_disp"
    add_user(
        pg_store, actor="admin", username=dispatcher, name="调度", roles=["dispatcher"], password=PASSWORD
    )
    try:
        service = sign_in(pg_url(pg_schema), sensor_login, PASSWORD)
        SensorIngest(service).ingest([Reading("YY0001", datetime.now(UTC), 1.5, True, True)])
        t = datetime.now(UTC) - timedelta(minutes=5)
        for start in (0, 60):  # a smoke alarm, cleared, again: merged under the case guard
            on, off = t + timedelta(seconds=start), t + timedelta(seconds=start + 10)
            SensorIngest(service).ingest([Reading("YG0001", on, 1.0), Reading("YG0001", off, 0.0)])
        with pg_store.session() as session:
            merged, version = session.execute(select(Case.merged_count, Case.version)).one()
        assert (merged, version) == (1, 2)
        desk = sign_in(pg_url(pg_schema), dispatcher, PASSWORD)
        info = sensor_reads.sensor(desk, "YY0001")
        assert info is not None and info.value == 1.5
        assert sensor_reads.series(desk, info.id).raw == 1
        with pytest.raises(Forbidden):
            SensorIngest(desk).ingest([Reading("YY0001", datetime.now(UTC), 9.0, False, True)])
        with pytest.raises(Forbidden), desk.session() as session:
            session.execute(text("INSERT INTO sensor_alarms (device_id, rule, started_at, raised_at) "
                                 "VALUES (1, 'x', now(), now())"))  # fmt: skip
        service.dispose()
        desk.dispose()
    finally:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{dispatcher}"'))
        admin.dispose()
