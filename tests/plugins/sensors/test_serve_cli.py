"""`gridwatch serve sensors` as its own process, signed in as a person holding the role system (never the
owner), against the real Mosquitto: its alarm is a case in that person's name."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
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


def test_the_owner_is_refused(pg_store: Store, pg_schema: str) -> None:
    proc = gridwatch("serve", "sensors", "--db", pg_url(pg_schema), "--broker", BROKER)
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 1
    assert "does not run as the store's owner" in out
    assert "--role system" in out
