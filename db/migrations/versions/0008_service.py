"""service: the field API's tables, and a service role that acts as each person (PostgreSQL)

Tables on both backends: `api_tokens` (a field app's sign-in, hashed, expiring, revocable), `api_keys`
(an Open311 client app's key, hashed, tied to the person its reports are made by) and `ratings` (a
reporter's rating of a closed case).

PostgreSQL also gets `gridwatch_service` (docs/SECURITY.md "The field API"): a NOLOGIN, NOINHERIT group
that every person's login role is granted to. The service logs in as a NOINHERIT login role that is a
member of it, so it holds no privilege of its own, and runs each request's transaction as the person
(`set_config('role', person, true)`, as PostgREST does): the person's row-level security and the case
guard apply to the field exactly as to a desk. Its own bookkeeping (tokens, keys) runs as
`gridwatch_service`, which alone may read and write those two tables. `gw_login_create` now also grants
each new person's role to the service, and the people signed up before this revision are granted here.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GROUPS = ("acceptor", "shift_leader", "dispatcher", "handler", "grid_worker", "supervisor", "admin", "system")


def _login_create(extra: str) -> str:
    """0004's gw_login_create, with `extra` run after the person's group roles are granted."""
    groups = "ARRAY" + str(list(GROUPS)) + "::text[]"
    return f"""CREATE OR REPLACE FUNCTION gw_login_create(username text, verifier text, roles text[])
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
            DECLARE r text;
            BEGIN
              PERFORM gw_login_check(username);
              IF verifier !~ '^SCRAM-SHA-256\\$' THEN
                RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'A password is stored as a SCRAM verifier only.';
              END IF;
              IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = username) THEN
                RAISE EXCEPTION USING ERRCODE = '42710', MESSAGE = format(
                  'A database role named ''%s'' exists already: choose another user name.', username);
              END IF;
              IF cardinality(roles) = 0 OR NOT roles <@ {groups} THEN
                RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format(
                  'Roles must be among %s.', array_to_string({groups}, ', '));
              END IF;
              EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', username, verifier);
              FOREACH r IN ARRAY roles LOOP
                EXECUTE format('GRANT %I TO %I', 'gridwatch_' || r, username);
              END LOOP;{extra}
            END $$"""


GRANT_TO_SERVICE = """
              EXECUTE format('GRANT %I TO gridwatch_service', username);"""


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_api_tokens_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_person_id"), "api_tokens", ["person_id"], unique=False)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_api_keys_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("app_name", name=op.f("uq_api_keys_app_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "ratings",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ratings_case_id_cases")),
        sa.ForeignKeyConstraint(["rated_by_id"], ["people.id"], name=op.f("fk_ratings_rated_by_id_people")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_ratings")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()


def _postgres_upgrade() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    # cluster-wide, like 0004's group roles: create it unless another store on this cluster did
    op.execute(
        """DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridwatch_service') THEN
                CREATE ROLE gridwatch_service NOLOGIN NOINHERIT;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"""
    )
    op.execute(_login_create(GRANT_TO_SERVICE).format(schema=schema))
    # the people who signed up before this revision: their login roles, members of gridwatch_desk (asked of
    # the joined role's oid: a person without a login role, such as the seeded admin, must not be asked)
    op.execute(
        """DO $$ DECLARE r text; BEGIN
              FOR r IN SELECT p.username FROM people p JOIN pg_roles g ON g.rolname = p.username
                       WHERE pg_has_role(g.oid, 'gridwatch_desk', 'MEMBER')
                         AND NOT g.rolsuper AND NOT g.rolcreaterole LOOP
                EXECUTE format('GRANT %I TO gridwatch_service', r);
              END LOOP;
            END $$"""
    )
    # the service's bookkeeping: only it reads the hashes (no desk needs them)
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO gridwatch_service")
    op.execute("REVOKE ALL ON api_tokens, api_keys FROM gridwatch_desk")
    op.execute("GRANT SELECT, INSERT, UPDATE ON api_tokens, api_keys TO gridwatch_service")
    op.execute("GRANT SELECT ON people, person_roles, categories TO gridwatch_service")
    op.execute("GRANT USAGE ON SEQUENCE api_tokens_id_seq, api_keys_id_seq TO gridwatch_service")
    op.execute("GRANT INSERT, UPDATE ON ratings TO gridwatch_desk")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
        op.execute(_login_create("").format(schema=schema))
        op.execute("REVOKE ALL ON people, person_roles, categories FROM gridwatch_service")
        op.execute(f"REVOKE ALL ON SCHEMA {schema} FROM gridwatch_service")
    op.drop_table("ratings")
    op.drop_table("api_keys")
    op.drop_index(op.f("ix_api_tokens_person_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
