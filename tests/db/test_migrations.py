"""The Alembic history builds exactly the schema the models describe, on both backends, and is repeatable."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gridwatch.db.models import Base
from gridwatch.db.store import Store


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # PostGIS's own table lives in public; the GiST index exists on PostGIS only, so the migration (not the
    # model, which SQLite shares) declares it.
    postgis_only = {("remove_table", "spatial_ref_sys"), ("remove_index", "ix_org_units_geom")}
    ours = [d for d in diff if (d[0], getattr(d[1], "name", None)) not in postgis_only]
    assert ours == []


def test_upgrade_twice_changes_nothing(store: Store) -> None:
    store.upgrade()
    store.upgrade()
    with store.session() as session:
        assert store.workflow(session).actions_from("checked") == ["close", "recheck"]
