"""`gridwatch user …` and the CLI's actor: on PostgreSQL the user the command signed in as, never `--as`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of
from tests.conftest import PG_URL

runner = CliRunner()
PASSWORD = "secret-pass-1"


def as_user(url: str, username: str, password: str) -> str:
    return make_url(url).set(username=username, password=password).render_as_string(hide_password=False)


@pytest.fixture
def login_name(pg_store: Store) -> Iterator[str]:
    name = f"gwt_{uuid.uuid4().hex[:8]}"
    yield name
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


def test_an_admin_adds_a_user_who_then_acts_as_themselves(pg_store: Store, login_name: str) -> None:
    with pg_store.session() as s:
        ensure_reference_data(s)
    owner_url = url_of(pg_store)
    added = runner.invoke(
        app,
        ["user", "add", login_name, "--name", "张三", "--role", "shift_leader", "--role", "acceptor",
         "--password-stdin", "--db", owner_url],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output.strip() == f"added {login_name} (张三): acceptor, shift_leader"
    listed = runner.invoke(app, ["user", "list", "--json", "--db", owner_url])
    mine = [u for u in json.loads(listed.output) if u["username"] == login_name]
    assert mine == [
        {"username": login_name, "name": "张三", "roles": ["acceptor", "shift_leader"], "department": None,
         "grids": [], "active": True}
    ]  # fmt: skip

    signed_in = as_user(owner_url, login_name, PASSWORD)
    report = [
        "case",
        "report",
        "--category",
        "06010",
        "--lon",
        "118.09",
        "--lat",
        "24.47",
        "--description",
        "垃圾",
    ]
    done = runner.invoke(app, [*report, "--json", "--db", signed_in])
    assert done.exit_code == 0, done.output
    case_no = json.loads(done.output)["case_no"]
    with pg_store.session() as s:
        events = pg_store.events(s, case_no)
        reporter = pg_store.person(s, login_name)
        assert [(e.action, e.actor_id) for e in events] == [("report", reporter.id)]

    other = runner.invoke(app, [*report, "--as", "admin", "--db", signed_in])
    assert other.exit_code == 1
    assert f"You are signed in to the store as '{login_name}': --as admin is not taken" in other.output

    wrong = runner.invoke(app, ["cases", "list", "--db", as_user(owner_url, login_name, "not the password")])
    assert wrong.exit_code == 1 and wrong.output.strip() == "Wrong user name or password."

    disabled = runner.invoke(app, ["user", "disable", login_name, "--db", owner_url])
    assert disabled.exit_code == 0, disabled.output
    refused = runner.invoke(app, ["cases", "list", "--db", signed_in])
    assert refused.exit_code == 1
    assert refused.output.strip() == f"The sign-in '{login_name}' is disabled. Ask an administrator."


def test_on_sqlite_a_user_has_no_password_and_only_an_admin_adds_one(sqlite_store: Store) -> None:
    with sqlite_store.session() as s:
        ensure_reference_data(s)
    url = sqlite_store.url
    added = runner.invoke(
        app, ["user", "add", "zhangsan", "--name", "张三", "--role", "dispatcher", "--db", url]
    )
    assert added.exit_code == 0, added.output
    passwd = runner.invoke(app, ["user", "passwd", "zhangsan", "--password-stdin", "--db", url], input="x\n")
    assert passwd.exit_code == 1
    assert "An SQLite store is one workstation's and has no passwords" in passwd.output
    refused = runner.invoke(
        app, ["user", "add", "lisi", "--name", "李四", "--role", "admin", "--as", "zhangsan", "--db", url]
    )
    assert refused.exit_code == 1
    assert "Managing users needs the role admin; 'zhangsan' holds dispatcher." in refused.output
    unknown = runner.invoke(app, ["user", "add", "lisi", "--name", "李四", "--role", "boss", "--db", url])
    assert unknown.exit_code == 1 and "Unknown role boss. Roles: acceptor, shift_leader" in unknown.output
