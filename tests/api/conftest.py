"""A served field API for the tests: uvicorn on 127.0.0.1 (a free port) in front of a store, on SQLite and
on PostgreSQL, where the service signs in as its own NOINHERIT login role (a member of gridwatch_service)
and every person is a login role of their own (docs/SECURITY.md)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
import uvicorn
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, text

from gridwatch.api.app import create_app
from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from gridwatch.db.accounts import add_user
from gridwatch.db.models import Department, OrgUnit
from gridwatch.db.store import Store, utcnow
from tests.conftest import PG_URL

PASSWORD = "field secret 马"
GRID = "35020300100101"
IN_GRID = (118.105, 24.465)
"""A point inside the worker's grid."""
PEOPLE = {
    "worker": (["grid_worker"], {"grids": [GRID]}),
    "h_cgj": (["handler"], {"department": "CGJ"}),
    "h_sz": (["handler"], {"department": "SZ"}),
    "leader": (["acceptor", "shift_leader", "dispatcher"], {}),
    "app": (["acceptor"], {}),
    "intake": (["system"], {}),
}


@dataclass
class Field:
    """A served store: its URL, the people (short name → user name), the owner's handle for checks."""

    base: str
    owner: Store
    service: Service
    users: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def token(self, who: str) -> str:
        if who not in self.tokens:
            if self.owner.is_postgres:
                answer = requests.post(
                    self.url("/api/v1/sign-in"),
                    json={"username": self.users[who], "password": PASSWORD},
                    timeout=10,
                )
                assert answer.status_code == 200, answer.text
                self.tokens[who] = answer.json()["token"]
            else:  # an SQLite store has no passwords: `gridwatch token add`
                self.tokens[who] = bookkeeping.issue_token(self.owner, self.users[who]).token
        return self.tokens[who]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(who)}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """uvicorn serving an app in a thread of the test process, on a free port of 127.0.0.1."""

    def __init__(self, service: Service, **app_options: float) -> None:
        self.port = free_port()
        app = create_app(service, **app_options)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _territory(owner: Store) -> None:
    now = utcnow()
    with owner.session() as s:
        for code in ("CGJ", "SZ"):
            s.add(Department(code=code, name=code, updated_at=now))
        street = OrgUnit(code="350203001", name="街道", level="street", updated_at=now)
        s.add(street)
        s.flush()
        community = OrgUnit(
            code="350203001001", name="社区", level="community", parent_id=street.id, updated_at=now
        )
        s.add(community)
        s.flush()
        grid = MultiPolygon([box(118.1, 24.46, 118.11, 24.47)])
        s.add(
            OrgUnit(
                code=GRID, name="第1网格", level="grid", parent_id=community.id, geom=grid, updated_at=now
            )
        )


@pytest.fixture
def served(store: Store) -> Iterator[Field]:
    """The API served over `store` (both backends), with a person of each kind."""
    _territory(store)
    tag = uuid.uuid4().hex[:8]
    users = {}
    for short, (roles, scope) in PEOPLE.items():
        username = f"gwt_{tag}_{short}" if store.is_postgres else short
        password = PASSWORD if store.is_postgres else None
        add_user(store, actor="admin", username=username, name=short, roles=roles, password=password, **scope)
        users[short] = username
    admin = create_engine(PG_URL) if store.is_postgres else None
    service_store = store
    login = f"gwt_{tag}_svc"
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {login} LOGIN NOINHERIT PASSWORD 'service secret'"))
            conn.execute(text(f"GRANT gridwatch_service TO {login}"))
        with store.engine.connect() as conn:
            path = str(conn.exec_driver_sql("SHOW search_path").scalar_one()).replace(" ", "")
        url = store.engine.url.set(username=login, password="service secret")
        url = url.update_query_dict({"options": f"-csearch_path={path}"})
        service_store = Store(url.render_as_string(hide_password=False))
    service = Service(service_store)
    try:
        with Served(service) as base:
            yield Field(base, store, service, users)
    finally:
        service.close()
        if admin is not None:
            service_store.dispose()
            with admin.begin() as conn:
                for username in [*users.values(), login]:
                    conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
            admin.dispose()
