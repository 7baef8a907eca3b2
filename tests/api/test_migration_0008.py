"""Migration 0008 on a store that already has people: their login roles are granted to gridwatch_service
(the seeded admin and system, who have none, are skipped), and it goes down to 0007 and up again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user
from gridwatch.db.engine import alembic_config, make_engine, upgrade
from gridwatch.db.store import Store
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_people_before_0008_are_granted_to_the_service_and_it_goes_down_and_up(fresh_schema: str) -> None:
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={fresh_schema},public"})
    store = Store(engine=engine)
    username = f"gwt_{uuid.uuid4().hex[:8]}_early"
    try:
        upgrade(engine, "0007")
        add_user(
            store, actor="admin", username=username, name="早", roles=["handler"], password="early secret"
        )

        def granted() -> bool:
            with engine.connect() as conn:
                query = text("SELECT pg_has_role('gridwatch_service', :u, 'MEMBER')")
                return bool(conn.execute(query, {"u": username}).scalar_one())

        def login_create_grants() -> bool:
            with engine.connect() as conn:
                source = conn.execute(
                    text(
                        "SELECT prosrc FROM pg_proc "
                        "WHERE oid = 'gw_login_create(text, text, text[])'::regprocedure"
                    )
                ).scalar_one()
            return "gridwatch_service" in source

        assert (granted(), login_create_grants()) == (False, False)
        upgrade(engine)
        assert (granted(), login_create_grants()) == (True, True)
        command.downgrade(alembic_config(engine), "0007")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('api_tokens')")).scalar_one() is None
        assert login_create_grants() is False
        upgrade(engine)
        assert (granted(), login_create_grants()) == (True, True)
    finally:
        engine.dispose()
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
        admin.dispose()
