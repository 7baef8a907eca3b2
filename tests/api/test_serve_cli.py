"""`gridwatch serve api` as a process, as README tells a newcomer to run it, and `gridwatch token add`."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.accounts import add_user
from gridwatch.db.store import Store
from tests.api.conftest import free_port

runner = CliRunner()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_api_answers_on_its_port_with_its_openapi_document(sqlite_store: Store, workers: str) -> None:
    add_user(sqlite_store, actor="admin", username="worker", name="网格员", roles=["grid_worker"])
    token = runner.invoke(app, ["token", "add", "worker", "--hours", "1", "--db", sqlite_store.url])
    assert token.exit_code == 0 and len(token.output.split()) == 1
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridwatch",
            "serve",
            "api",
            "--bind",
            f"127.0.0.1:{port}",
            "--db",
            sqlite_store.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                document = requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "gridwatch serve api did not start"
                time.sleep(0.1)
        paths = document.json()["paths"]
        assert {"/api/v1/sign-in", "/api/v1/reports", "/api/v1/tasks", "/open311/v2/requests.{fmt}"} <= set(
            paths
        )
        headers = {"Authorization": f"Bearer {token.output.strip()}"}
        for _ in range(4):  # whichever worker answers knows the token: it is in the store
            assert (
                requests.get(f"http://127.0.0.1:{port}/api/v1/tasks", headers=headers, timeout=5).json() == []
            )
        sign_in = requests.post(
            f"http://127.0.0.1:{port}/api/v1/sign-in", json={"username": "worker", "password": "x"}, timeout=5
        )
        assert sign_in.status_code == 400
        assert sign_in.json()["error"] == (
            "An SQLite store has no passwords: issue a field token with `gridwatch token add USERNAME`."
        )
    finally:
        server.terminate()
        server.wait(10)


def test_a_bad_bind_is_one_line() -> None:
    result = runner.invoke(app, ["serve", "api", "--bind", "8080"])
    assert result.exit_code == 1
    assert result.output.strip() == "--bind '8080': give HOST:PORT, e.g. 127.0.0.1:8080."


def test_a_bad_media_allow_network_is_one_line() -> None:
    result = runner.invoke(app, ["serve", "api", "--media-allow", "intranet"])
    assert result.exit_code == 1
    assert result.output.strip() == "--media-allow 'intranet': give a network, e.g. 10.1.2.0/24."
