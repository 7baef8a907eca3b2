"""The commands that name the store print its URL without the password: seeding the demo, the demo's
"already seeded" hint, and the error when the store already holds a territory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from gridwatch.db.store import Store
from tests.conftest import PG_URL, pg_url


def gridwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400"}  # rich wraps at the terminal width: keep each URL on one line
    return subprocess.run(
        [sys.executable, "-m", "gridwatch", *args], env=env, capture_output=True, text=True, timeout=240
    )


@pytest.mark.slow
def test_demo_and_seed_print_the_store_without_its_password(pg_store: Store, pg_schema: str) -> None:
    url = pg_url(pg_schema)
    password = make_url(PG_URL).password
    assert password, "the test server URL has a password to hide"
    hidden = make_url(url).render_as_string(hide_password=True)
    assert ":***@" in hidden

    seeded = gridwatch("demo", "--no-window", "--cases", "10", "--db", url)
    again = gridwatch("demo", "--no-window", "--db", url)
    refused = gridwatch("seed", "demo", "--cases", "10", "--db", url)

    assert seeded.returncode == 0, seeded.stderr
    assert f"Store: {hidden}" in seeded.stdout
    assert again.returncode == 0, again.stderr
    assert f"rebuild it with: gridwatch seed demo --replace --db {hidden})" in again.stdout
    assert f"Store: {hidden}" in again.stdout
    assert refused.returncode == 1
    assert f"The store at {hidden} already has" in refused.stderr
    for result in (seeded, again, refused):
        assert f":{password}@" not in result.stdout + result.stderr
