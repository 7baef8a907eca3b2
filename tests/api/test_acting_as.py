"""`Store.acting_as`: the service's pooled connection runs each transaction as one person and forgets
them at its end, whether it committed or failed; the service's own login holds no privilege."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gridwatch.db.errors import Forbidden
from gridwatch.db.store import Store
from tests.api.conftest import Field


def who(store: Store) -> tuple[str, int]:
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT current_user, pg_backend_pid()")).one()
    return str(row[0]), int(row[1])


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_pooled_connection_never_carries_a_person_into_the_next_transaction(served: Field) -> None:
    base = served.service.store
    base.engine.dispose()
    base.engine.pool = base.engine.pool.recreate()  # one connection from here on, reused every time
    login, pid = who(base)
    worker, handler = served.users["worker"], served.users["h_cgj"]
    as_worker = base.acting_as(worker)
    with as_worker.session() as session:
        assert session.execute(text("SELECT current_user, pg_backend_pid()")).one() == (worker, pid)
    assert who(base) == (login, pid)
    with pytest.raises(RuntimeError), as_worker.session() as session:
        session.execute(text("SELECT 1"))
        raise RuntimeError("the request failed half-way")
    assert who(base) == (login, pid)
    with base.acting_as(handler).session() as session:
        assert session.execute(text("SELECT current_user")).scalar_one() == handler
    assert (as_worker.whoami(), base.acting_as(handler).whoami()) == (worker, handler)
    assert who(base) == (login, pid)


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_service_login_alone_reads_nothing_and_cannot_become_the_owner(served: Field) -> None:
    base = served.service.store
    with base.engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            conn.execute(text(f"SELECT count(*) FROM {_schema(served)}.cases"))
        assert caught.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
    owner = base.acting_as("gridwatch")
    with (
        pytest.raises(Forbidden, match='permission denied to set role "gridwatch"'),
        owner.session() as session,
    ):
        session.execute(text("SELECT 1"))


def _schema(served: Field) -> str:
    with served.owner.engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_on_sqlite_acting_as_names_the_actor_and_shares_the_rules(served: Field) -> None:
    base = served.service.store
    handle = base.acting_as("worker")
    assert handle.whoami() is None and handle.engine is base.engine
    with handle.session() as session:
        rules = handle.rules(session)
    with base.session() as session:
        assert base.rules(session) is rules
