"""feed: every change of a row without a version column is announced, not only its first

The NOTIFY payload's `version` was 0 for positions, people, org units and departments, and the feed
reports each (table, id, version) once, so the second GPS fix of a worker never reached the map. Each
trigger now names the column that moves with every change of its row: `version` where there is one, the
fix's own row id for positions (one row per fix, announced under the person's id), `updated_at` (in
microseconds since the epoch) for the others. db/feed.py reads the same columns when it reconciles.

Revision ID: 0007
Revises: 0005
"""
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

# table: (the id a change is announced under, the column that moves with every change of the row)
FEED = {
    "cases": ("id", "version"),
    "devices": ("id", "version"),
    "wall_states": ("id", "version"),
    "people": ("id", "updated_at"),
    "org_units": ("id", "updated_at"),
    "departments": ("id", "updated_at"),
    "positions": ("person_id", "id"),
}

NOTIFY = """CREATE OR REPLACE FUNCTION gridwatch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE row jsonb; stamp jsonb;
   BEGIN
     IF coalesce(current_setting('gridwatch.quiet', true), '') = 'on' THEN RETURN NULL; END IF;
     row := to_jsonb(NEW);
     stamp := row -> TG_ARGV[1];
     PERFORM pg_notify('gridwatch', json_build_object(
       'schema', TG_TABLE_SCHEMA, 'table', TG_TABLE_NAME, 'id', (row ->> TG_ARGV[0])::bigint,
       'version', CASE jsonb_typeof(stamp)
                    WHEN 'number' THEN (stamp #>> '{}')::bigint
                    WHEN 'string' THEN (extract(epoch FROM (stamp #>> '{}')::timestamptz) * 1000000)::bigint
                    ELSE 0 END)::text);
     RETURN NULL;
   END $$"""

# 0001's function: the row's version column, else 0
NOTIFY_0001 = """CREATE OR REPLACE FUNCTION gridwatch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE row jsonb;
   BEGIN
     IF coalesce(current_setting('gridwatch.quiet', true), '') = 'on' THEN RETURN NULL; END IF;
     row := to_jsonb(NEW);
     PERFORM pg_notify('gridwatch', json_build_object(
       'schema', TG_TABLE_SCHEMA, 'table', TG_TABLE_NAME, 'id', (row ->> TG_ARGV[0])::bigint,
       'version', coalesce((row ->> 'version')::bigint, 0))::text);
     RETURN NULL;
   END $$"""


def _triggers(with_stamp: bool) -> None:
    for table, (key, stamp) in FEED.items():
        args = f"'{key}', '{stamp}'" if with_stamp else f"'{key}'"
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION gridwatch_notify({args})"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY)
        _triggers(with_stamp=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_0001)
        _triggers(with_stamp=False)
