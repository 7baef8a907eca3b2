"""security: database roles, row-level security, the case guard and append-only tables (PostgreSQL)

Both backends get the columns the guard needs (cases.last_action, case_events.case_version, a report's
client key, a person's org-tree node) and `case_departments`, every department a case was ever
dispatched to, kept by a trigger. PostgreSQL also gets (docs/SECURITY.md):
- one NOLOGIN group role per gridwatch role (`gridwatch_dispatcher` …), all members of `gridwatch_desk`,
  which holds the grants every desk needs; people sign in as LOGIN roles that are members of them;
- row-level security (FORCE) on cases, their events and attachments, by department, grids and org tree;
- a guard trigger: a case changes only by a legal transition for the caller's group roles, one version at
  a time, in the caller's own name, and (checked at commit) with the event of that version in its trail;
- append-only attachments and talk records (case_events already were), and no UPDATE/DELETE/TRUNCATE
  grant on them for any desk role;
- SECURITY DEFINER functions an admin uses to create, re-password and disable login roles.
The migrating role owns every table; no desk role owns one or is a superuser.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GROUPS = ("acceptor", "shift_leader", "dispatcher", "handler", "grid_worker", "supervisor", "admin", "system")
SEES_ALL = ("acceptor", "shift_leader", "dispatcher", "supervisor", "admin", "system")
SUPER = ("admin", "system")  # the workflow's super roles: imports, the simulation, services

CASE_VISIBLE = """(
    (SELECT gw_sees_all())
    OR grid_id = ANY ((SELECT gw_visible_grids())::integer[])
    OR reporter_id = (SELECT gw_person_id())
    OR department_id = (SELECT gw_department())
    OR id IN (SELECT cd.case_id FROM case_departments cd WHERE cd.department_id = (SELECT gw_department()))
)"""
CASE_OF_ROW = "EXISTS (SELECT 1 FROM cases c WHERE c.id = {table}.case_id)"


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("org_unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_people_org_unit_id_org_units"), "org_units", ["org_unit_id"], ["id"])
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("last_action", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_cases_client_key"), ["client_key"])
        batch_op.create_index(op.f("ix_cases_reporter_id"), ["reporter_id"], unique=False)
        open_states = (
            "('checked', 'checking', 'dispatched', 'handled', 'handling', 'registered', 'reported', "
            "'suspended', 'verifying')"
        )
        batch_op.create_index(
            "ix_cases_open_department", ["department_id", "reported_at", "id"], unique=False,
            postgresql_where=sa.text(f"state IN {open_states}"), sqlite_where=sa.text(f"state IN {open_states}"),
        )
    with op.batch_alter_table("case_events") as batch_op:
        batch_op.add_column(sa.Column("case_version", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_case_events_case_version", ["case_id", "case_version"])
    op.create_table(
        "case_departments",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_departments_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_case_departments_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("department_id", "case_id", name=op.f("pk_case_departments")),
    )
    op.execute(
        "INSERT INTO case_departments (department_id, case_id) "
        "SELECT DISTINCT department_id, id FROM cases WHERE department_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        for when in ("INSERT", "UPDATE OF department_id"):
            name = "cases_departments_" + when.split()[0].lower()
            op.execute(
                f"""CREATE TRIGGER {name} AFTER {when} ON cases WHEN NEW.department_id IS NOT NULL
                    BEGIN INSERT OR IGNORE INTO case_departments (department_id, case_id)
                          VALUES (NEW.department_id, NEW.id); END"""
            )


def _postgres_upgrade() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    path = f"SET search_path = {schema}, pg_temp"
    # Group roles are cluster-wide: create the missing ones (several stores may share one cluster).
    for role in ("desk", *GROUPS):
        op.execute(
            f"""DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridwatch_{role}') THEN
                    CREATE ROLE gridwatch_{role} NOLOGIN;
                  END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"""
        )
    for role in GROUPS:
        op.execute(f"GRANT gridwatch_desk TO gridwatch_{role}")

    # Who is calling: the login (or SET ROLE) role, its people row, its group roles.
    op.execute(
        f"""CREATE FUNCTION gw_is_owner() RETURNS boolean LANGUAGE sql STABLE {path} AS $$
              SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'cases'::regclass),
                                 'MEMBER') $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_has(role text) RETURNS boolean LANGUAGE sql STABLE {path} AS $$
              SELECT pg_has_role(current_user, 'gridwatch_' || role, 'MEMBER') $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_person_id() RETURNS integer LANGUAGE sql STABLE {path} AS $$
              SELECT id FROM people WHERE username = current_user AND active $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_department() RETURNS integer LANGUAGE sql STABLE {path} AS $$
              SELECT department_id FROM people WHERE username = current_user AND active $$"""
    )
    center = " OR ".join(f"gw_has('{r}')" for r in SEES_ALL)
    op.execute(
        f"""CREATE FUNCTION gw_sees_all() RETURNS boolean LANGUAGE sql STABLE {path} AS $$
              SELECT gw_is_owner() OR (
                EXISTS (SELECT 1 FROM people WHERE username = current_user AND active AND org_unit_id IS NULL)
                AND ({center})) $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_visible_grids() RETURNS integer[] LANGUAGE sql STABLE {path} AS $$
              WITH RECURSIVE me AS (SELECT id, org_unit_id FROM people WHERE username = current_user AND active),
              tree AS (SELECT o.id, o.level FROM org_units o JOIN me ON o.id = me.org_unit_id
                       UNION ALL
                       SELECT c.id, c.level FROM org_units c JOIN tree t ON c.parent_id = t.id)
              SELECT coalesce(array_agg(DISTINCT id), '{{}}') FROM (
                SELECT id FROM tree WHERE level = 'grid'
                UNION ALL
                SELECT g.grid_id FROM grid_assignments g JOIN me ON g.person_id = me.id) AS grids $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_held_roles() RETURNS text LANGUAGE sql STABLE {path} AS $$
              SELECT coalesce(string_agg(r, ', ' ORDER BY r), 'no role')
              FROM unnest(ARRAY{list(GROUPS)}::text[]) AS r WHERE gw_has(r) $$"""
    )

    # The case guard: the same rules and messages as the store's Python path (gridwatch.db.workflow).
    trusted = " OR ".join(["gw_is_owner()", *(f"gw_has('{r}')" for r in SUPER)])
    op.execute(
        f"""CREATE FUNCTION gw_case_guard() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            DECLARE step record; allowed text;
            BEGIN
              IF {trusted} THEN RETURN NEW; END IF;
              IF TG_OP = 'INSERT' THEN
                IF NEW.state <> 'reported' OR NEW.version <> 1 OR NEW.last_action IS DISTINCT FROM 'report' THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'A new case starts as ''reported'' at version 1 (the store''s report); refused: ''%s''.',
                    NEW.state);
                END IF;
                IF NEW.reporter_id IS DISTINCT FROM gw_person_id() THEN
                  RAISE EXCEPTION USING ERRCODE = '42501',
                    MESSAGE = 'A case is reported in your own name: reporter_id must be you.';
                END IF;
                RETURN NEW;
              END IF;
              IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s changes only through the store''s action path: its version goes from %s to %s, '
                  'not to %s.', OLD.case_no, OLD.version, OLD.version + 1, NEW.version);
              END IF;
              IF (NEW.id, NEW.case_no, NEW.source, NEW.reported_at, NEW.reporter_id, NEW.client_key)
                 IS DISTINCT FROM (OLD.id, OLD.case_no, OLD.source, OLD.reported_at, OLD.reporter_id,
                                   OLD.client_key) THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s: its number, source, reporter and report time never change.', OLD.case_no);
              END IF;
              IF NEW.updated_by_id IS DISTINCT FROM gw_person_id() THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format(
                  'Case %s: a change is made in your own name (updated_by_id must be you).', OLD.case_no);
              END IF;
              IF NEW.last_action = 'merge' AND NEW.state = OLD.state THEN RETURN NEW; END IF;
              SELECT t.to_state, t.roles INTO step FROM transitions t
               WHERE t.action = NEW.last_action AND t.from_state = OLD.state;
              IF NOT FOUND THEN
                SELECT coalesce(string_agg(a.action, ', ' ORDER BY a.first), 'none (the case is finished)')
                  INTO allowed
                  FROM (SELECT action, min(id) AS first FROM transitions WHERE from_state = OLD.state
                        GROUP BY action) AS a;
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s is ''%s'': ''%s'' is not possible now. Allowed from ''%s'': %s.',
                  OLD.case_no, OLD.state, coalesce(NEW.last_action, '(no action)'), OLD.state, allowed);
              END IF;
              IF step.to_state <> NEW.state THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s: ''%s'' moves a case from ''%s'' to ''%s'', not to ''%s''.',
                  OLD.case_no, NEW.last_action, OLD.state, step.to_state, NEW.state);
              END IF;
              IF NOT EXISTS (SELECT 1 FROM unnest(string_to_array(step.roles, ' ')) AS r WHERE gw_has(r)) THEN
                SELECT string_agg(r, ' or ' ORDER BY r) INTO allowed
                  FROM unnest(string_to_array(step.roles, ' ')) AS r;
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format(
                  '''%s'' on case %s needs the role %s; you hold %s.',
                  NEW.last_action, OLD.case_no, allowed, gw_held_roles());
              END IF;
              RETURN NEW;
            END $$"""
    )
    op.execute(
        """CREATE TRIGGER cases_guard BEFORE INSERT OR UPDATE ON cases
           FOR EACH ROW EXECUTE FUNCTION gw_case_guard()"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_case_event_written() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            BEGIN
              IF {trusted} THEN RETURN NULL; END IF;
              IF NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = NEW.id AND case_version = NEW.version) THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s version %s was written without its event: every change is recorded in the trail.',
                  NEW.case_no, NEW.version);
              END IF;
              RETURN NULL;
            END $$"""
    )
    op.execute(
        """CREATE CONSTRAINT TRIGGER cases_event_written AFTER INSERT OR UPDATE ON cases
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gw_case_event_written()"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_case_departments() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
            BEGIN
              IF NEW.department_id IS NOT NULL THEN
                INSERT INTO case_departments (department_id, case_id) VALUES (NEW.department_id, NEW.id)
                ON CONFLICT DO NOTHING;
              END IF;
              RETURN NULL;
            END $$"""
    )
    op.execute(
        """CREATE TRIGGER cases_departments AFTER INSERT OR UPDATE OF department_id ON cases
           FOR EACH ROW EXECUTE FUNCTION gw_case_departments()"""
    )

    # Append-only: the audit trail already was; attachments and talk records join it.
    op.execute(
        """CREATE OR REPLACE FUNCTION gridwatch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION USING ERRCODE = '42501',
             MESSAGE = format('%s is append-only: %s is not allowed', TG_TABLE_NAME, TG_OP); END $$"""
    )
    for table in ("attachments", "talk_records"):
        op.execute(
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION gridwatch_append_only()"""
        )

    # Row-level security, forced on the owner too (its functions see everything: gw_sees_all).
    for table in ("cases", "case_events", "attachments"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cases_read ON cases FOR SELECT USING {CASE_VISIBLE}")
    op.execute(f"CREATE POLICY cases_update ON cases FOR UPDATE USING {CASE_VISIBLE}")
    op.execute("CREATE POLICY cases_insert ON cases FOR INSERT WITH CHECK (true)")  # the guard checks
    for table in ("case_events", "attachments"):
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({CASE_OF_ROW.format(table=table)})")
    op.execute(
        f"""CREATE POLICY case_events_insert ON case_events FOR INSERT WITH CHECK (
              {CASE_OF_ROW.format(table='case_events')}
              AND ((SELECT {trusted}) OR actor_id = (SELECT gw_person_id())))"""
    )
    op.execute(
        f"CREATE POLICY attachments_insert ON attachments FOR INSERT WITH CHECK ({CASE_OF_ROW.format(table='attachments')})"
    )
    # Nobody but the owner may even try to rewrite the trail (no grant); the owner's attempt must reach
    # the append-only trigger and be refused aloud, not match 0 rows in silence.
    for table in ("case_events", "attachments"):
        op.execute(f"CREATE POLICY {table}_rewrite ON {table} FOR UPDATE USING (true)")
        op.execute(f"CREATE POLICY {table}_remove ON {table} FOR DELETE USING (true)")

    # Grants: what every desk may do, and what only an admin or a service may.
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO gridwatch_desk")
    op.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO gridwatch_desk")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO gridwatch_desk")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO gridwatch_desk")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO gridwatch_desk")
    op.execute("GRANT INSERT ON cases, case_events, attachments, talk_records, positions, check_ins TO gridwatch_desk")
    op.execute("GRANT UPDATE ON cases TO gridwatch_desk")
    op.execute("GRANT INSERT, UPDATE, DELETE ON speaker_locks, wall_states, wall_presets TO gridwatch_desk")
    op.execute(
        "GRANT INSERT, UPDATE ON people, departments, org_units, devices, components, categories, "
        "deadline_rules, settings, transitions TO gridwatch_admin"
    )
    op.execute(
        "GRANT INSERT, UPDATE, DELETE ON person_roles, grid_assignments, routing_rules, calendar_days "
        "TO gridwatch_admin"
    )
    op.execute("GRANT UPDATE ON devices, people TO gridwatch_system")  # online state, on duty
    for fn in ("gw_is_owner()", "gw_has(text)", "gw_person_id()", "gw_department()", "gw_sees_all()",
               "gw_visible_grids()", "gw_held_roles()"):
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO gridwatch_desk")

    # Sign-in accounts: only an admin creates, re-passwords and disables them, and only gridwatch roles.
    groups = "ARRAY" + str(list(GROUPS)) + "::text[]"
    op.execute(
        f"""CREATE FUNCTION gw_login_check(username text) RETURNS void LANGUAGE plpgsql {path} AS $$
            BEGIN
              IF username !~ '^[a-z_][a-z0-9_]{{0,62}}$' THEN
                RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format(
                  'User name ''%s'': use lower-case letters, digits and _ (a letter or _ first, 63 at most).',
                  username);
              END IF;
            END $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_login_create(username text, verifier text, roles text[])
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
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
              END LOOP;
            END $$"""
    )
    member = "pg_has_role(username, 'gridwatch_desk', 'MEMBER')"
    op.execute(
        f"""CREATE FUNCTION gw_login_alter(username text, verifier text, enabled boolean)
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
            BEGIN
              PERFORM gw_login_check(username);
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = username) OR NOT {member}
                 OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = username AND (rolsuper OR rolcreaterole)) THEN
                RAISE EXCEPTION USING ERRCODE = '42704', MESSAGE = format(
                  'No gridwatch sign-in named ''%s''.', username);
              END IF;
              IF verifier IS NOT NULL THEN
                EXECUTE format('ALTER ROLE %I PASSWORD %L', username, verifier);
              END IF;
              IF enabled IS NOT NULL THEN
                EXECUTE format('ALTER ROLE %I %s', username, CASE WHEN enabled THEN 'LOGIN' ELSE 'NOLOGIN' END);
              END IF;
            END $$"""
    )
    for fn in ("gw_login_create(text, text, text[])", "gw_login_alter(text, text, boolean)"):
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO gridwatch_admin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE SELECT ON TABLES FROM gridwatch_desk")
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE USAGE, SELECT ON SEQUENCES FROM gridwatch_desk")
        for table in ("cases", "case_events", "attachments"):
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for policy, table in (("cases_read", "cases"), ("cases_update", "cases"), ("cases_insert", "cases"),
                              ("case_events_read", "case_events"), ("case_events_insert", "case_events"),
                              ("attachments_read", "attachments"), ("attachments_insert", "attachments"),
                              ("case_events_rewrite", "case_events"), ("case_events_remove", "case_events"),
                              ("attachments_rewrite", "attachments"), ("attachments_remove", "attachments")):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        for trigger, table in (("cases_guard", "cases"), ("cases_event_written", "cases"),
                               ("cases_departments", "cases"), ("attachments_append_only", "attachments"),
                               ("talk_records_append_only", "talk_records")):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM gridwatch_desk, gridwatch_admin, gridwatch_system")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM gridwatch_desk")
        op.execute(f"REVOKE ALL ON SCHEMA {schema} FROM gridwatch_desk")
        for fn in ("gw_login_alter(text, text, boolean)", "gw_login_create(text, text, text[])",
                   "gw_login_check(text)", "gw_case_departments()", "gw_case_event_written()",
                   "gw_case_guard()", "gw_held_roles()", "gw_visible_grids()", "gw_sees_all()",
                   "gw_department()", "gw_person_id()", "gw_has(text)", "gw_is_owner()"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    else:
        op.execute("DROP TRIGGER IF EXISTS cases_departments_insert")
        op.execute("DROP TRIGGER IF EXISTS cases_departments_update")
    op.drop_table("case_departments")
    with op.batch_alter_table("case_events") as batch_op:
        batch_op.drop_constraint("uq_case_events_case_version", type_="unique")
        batch_op.drop_column("case_version")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index(op.f("ix_cases_reporter_id"))
        batch_op.drop_index("ix_cases_open_department")
        batch_op.drop_constraint(op.f("uq_cases_client_key"), type_="unique")
        batch_op.drop_column("client_key")
        batch_op.drop_column("last_action")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_constraint(op.f("fk_people_org_unit_id_org_units"), type_="foreignkey")
        batch_op.drop_column("org_unit_id")
