"""levels: centers on the org tree, hops between them (dispatch down, hand back, escalate) and the handbook

Both backends get `centers` (the org-tree nodes that run a center), `handbook` (the disposal handbook,
指挥手册) and on cases the holding center, the escalated flag and who held the case when its deadline
passed (docs/LEVELS.md). PostgreSQL also gets (docs/SECURITY.md):
- a second guard on cases (`cases_levels_guard`, after `cases_guard`): for desk roles the holder changes
  only by a hop, a hop or a dispatch is taken by the holding center's own staff, a hop reaches only the
  next center below or above, and a feedback carries the after-photos the handbook asks for;
- a deferred check that a hand-back and an escalation carry a reason in their event, and that a dispatch
  down to a center that once handed the case back says why;
- grants: every desk reads both tables (the schema's default privileges), only an admin writes them.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SUPER = ("admin", "system")
OPEN_STATES = (
    "('checked', 'checking', 'dispatched', 'handled', 'handling', 'registered', 'reported', 'suspended', "
    "'verifying')"
)
HOPS = "('dispatch_down', 'hand_back', 'escalate')"
CASE_COLUMNS = (
    ("holder_id", "INTEGER", "centers (org_unit_id)"),
    ("late_center_id", "INTEGER", "centers (org_unit_id)"),
    ("late_department_id", "INTEGER", "departments (id)"),
)


def upgrade() -> None:
    op.create_table(
        "centers",
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_centers_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("org_unit_id", name=op.f("pk_centers")),
    )
    op.create_table(
        "handbook",
        sa.Column("category_code", sa.String(length=10), nullable=False),
        sa.Column("standard", sa.Text(), nullable=False),
        sa.Column("department_kind", sa.String(length=100), nullable=True),
        sa.Column("photos_before", sa.Integer(), nullable=False),
        sa.Column("photos_after", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_code"], ["categories.code"], name=op.f("fk_handbook_category_code_categories")
        ),
        sa.PrimaryKeyConstraint("category_code", name=op.f("pk_handbook")),
    )
    # Plain ADD COLUMN on both backends: SQLite's batch mode would rebuild `cases` and lose its triggers
    # and the partial index's condition; a column REFERENCES clause is allowed there when the default is NULL.
    for column, kind, target in CASE_COLUMNS:
        op.execute(
            f"ALTER TABLE cases ADD COLUMN {column} {kind} "
            f"CONSTRAINT fk_cases_{column}_{target.split()[0]} REFERENCES {target}"
        )
    op.add_column("cases", sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("cases", sa.Column("late_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_cases_holder_id"), "cases", ["holder_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()


def _postgres_upgrade() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    path = f"SET search_path = {schema}, pg_temp"
    op.execute("GRANT INSERT, UPDATE, DELETE ON centers, handbook TO gridwatch_admin")
    # The tree as the guard reads it: the nodes above a node (nearest first) and the next center above.
    op.execute(
        f"""CREATE FUNCTION gw_ancestors(unit integer) RETURNS integer[] LANGUAGE sql STABLE {path} AS $$
              WITH RECURSIVE up AS (
                SELECT parent_id AS id, 1 AS depth FROM org_units WHERE id = unit
                UNION ALL
                SELECT o.parent_id, up.depth + 1 FROM org_units o JOIN up ON o.id = up.id
                WHERE up.depth < 32)
              SELECT coalesce(array_agg(id ORDER BY depth), '{{}}') FROM up WHERE id IS NOT NULL $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_upper_center(unit integer) RETURNS integer LANGUAGE sql STABLE {path} AS $$
              SELECT a.id FROM unnest(gw_ancestors(unit)) WITH ORDINALITY AS a(id, n)
              JOIN centers c ON c.org_unit_id = a.id ORDER BY a.n LIMIT 1 $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_center_name(unit integer) RETURNS text LANGUAGE sql STABLE {path} AS $$
              SELECT coalesce((SELECT c.name || ' (' || o.code || ')' FROM centers c
                               JOIN org_units o ON o.id = c.org_unit_id WHERE c.org_unit_id = unit),
                              'the top center') $$"""
    )
    trusted = " OR ".join(["gw_is_owner()", *(f"gw_has('{r}')" for r in SUPER)])
    # The same rules and messages as db/levels.py and the handbook check of db/lifecycle.py.
    op.execute(
        f"""CREATE FUNCTION gw_case_levels_guard() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            DECLARE me integer; expected integer; from_grid boolean; need integer; have integer;
                    entry text; verb text;
            BEGIN
              IF {trusted} THEN RETURN NEW; END IF;
              IF NEW.last_action = 'feedback' THEN
                SELECT h.photos_after, h.category_code INTO need, entry FROM handbook h
                 WHERE h.category_code IN (OLD.category_code, left(OLD.category_code, 2))
                 ORDER BY length(h.category_code) DESC LIMIT 1;
                SELECT count(*) INTO have FROM attachments WHERE case_id = OLD.id AND kind = 'after';
                IF coalesce(need, 0) > have THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s: the handbook''s standard for %s needs %s after-photo(s) with the feedback; '
                    '%s attached.', OLD.case_no, entry, need, have);
                END IF;
              END IF;
              IF NEW.last_action NOT IN {HOPS} AND NEW.last_action <> 'dispatch' THEN
                IF NEW.holder_id IS DISTINCT FROM OLD.holder_id THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s changes center only by dispatch_down, hand_back or escalate.', OLD.case_no);
                END IF;
                RETURN NEW;
              END IF;
              -- the center the caller works for: their node if it runs one, else the nearest center above
              SELECT CASE WHEN EXISTS (SELECT 1 FROM centers c WHERE c.org_unit_id = p.org_unit_id)
                          THEN p.org_unit_id ELSE gw_upper_center(p.org_unit_id) END
                INTO me FROM people p WHERE p.username = current_user AND p.active;
              from_grid := NEW.last_action = 'escalate' AND OLD.holder_id IS NULL AND OLD.state = 'reported'
                           AND gw_has('grid_worker');
              IF NOT from_grid AND me IS DISTINCT FROM OLD.holder_id THEN
                RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format(
                  'Case %s is held by %s: only its own center''s staff %s it.',
                  OLD.case_no, gw_center_name(OLD.holder_id), NEW.last_action);
              END IF;
              IF NEW.last_action = 'dispatch' THEN
                IF NEW.holder_id IS DISTINCT FROM OLD.holder_id THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s changes center only by dispatch_down, hand_back or escalate.', OLD.case_no);
                END IF;
                RETURN NEW;
              END IF;
              IF NEW.last_action = 'dispatch_down' THEN
                IF NEW.holder_id IS NULL OR gw_upper_center(NEW.holder_id) IS DISTINCT FROM OLD.holder_id THEN
                  IF NEW.holder_id IS NULL OR (OLD.holder_id IS NOT NULL
                                               AND NOT OLD.holder_id = ANY (gw_ancestors(NEW.holder_id))) THEN
                    RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                      'Case %s: %s is not under %s: a center dispatches down only inside its own part of '
                      'the tree.', OLD.case_no, gw_center_name(NEW.holder_id), gw_center_name(OLD.holder_id));
                  END IF;
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s: dispatch to %s first: %s is below it (a case goes down one center at a time).',
                    OLD.case_no, gw_center_name(gw_upper_center(NEW.holder_id)), gw_center_name(NEW.holder_id));
                END IF;
                RETURN NEW;
              END IF;
              IF from_grid THEN
                expected := gw_upper_center(OLD.grid_id);
                IF OLD.grid_id IS NULL OR expected IS NULL THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s: no center runs above its grid; it is already with the top center.', OLD.case_no);
                END IF;
              ELSE
                IF OLD.holder_id IS NULL THEN
                  verb := CASE WHEN NEW.last_action = 'escalate' THEN 'escalate to' ELSE 'hand it back to' END;
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Case %s is at the top center: there is no level above to %s.', OLD.case_no, verb);
                END IF;
                expected := gw_upper_center(OLD.holder_id);
              END IF;
              IF NEW.holder_id IS DISTINCT FROM expected THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s: ''%s'' moves it from %s to %s, not to %s.', OLD.case_no, NEW.last_action,
                  gw_center_name(OLD.holder_id), gw_center_name(expected), gw_center_name(NEW.holder_id));
              END IF;
              IF NEW.escalated IS DISTINCT FROM (NEW.last_action = 'escalate') THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s: only an escalation flags a case as escalated.', OLD.case_no);
              END IF;
              RETURN NEW;
            END $$"""
    )
    op.execute(
        """CREATE TRIGGER cases_levels_guard BEFORE UPDATE ON cases
           FOR EACH ROW EXECUTE FUNCTION gw_case_levels_guard()"""
    )
    # At commit the hop's event is in the trail: its reason is checked there.
    op.execute(
        f"""CREATE FUNCTION gw_case_hop_reasoned() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            DECLARE why text;
            BEGIN
              IF {trusted} OR NEW.last_action NOT IN {HOPS} THEN RETURN NULL; END IF;
              SELECT btrim(coalesce(note, '')) INTO why FROM case_events
               WHERE case_id = NEW.id AND case_version = NEW.version;
              IF coalesce(why, '') <> '' THEN RETURN NULL; END IF;
              IF NEW.last_action IN ('hand_back', 'escalate') THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  '''%s'' needs a reason (--reason).', NEW.last_action);
              END IF;
              IF EXISTS (SELECT 1 FROM case_events WHERE case_id = NEW.id AND action = 'hand_back'
                           AND (data ->> 'from_center_id')::integer = NEW.holder_id) THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Case %s: %s handed this case back; dispatching it there again needs a reason (--reason).',
                  NEW.case_no, gw_center_name(NEW.holder_id));
              END IF;
              RETURN NULL;
            END $$"""
    )
    op.execute(
        """CREATE CONSTRAINT TRIGGER cases_hop_reasoned AFTER UPDATE ON cases
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gw_case_hop_reasoned()"""
    )
    for fn in ("gw_ancestors(integer)", "gw_upper_center(integer)", "gw_center_name(integer)"):
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO gridwatch_desk")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cases_hop_reasoned ON cases")
        op.execute("DROP TRIGGER IF EXISTS cases_levels_guard ON cases")
        for fn in ("gw_case_hop_reasoned()", "gw_case_levels_guard()", "gw_center_name(integer)",
                   "gw_upper_center(integer)", "gw_ancestors(integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.drop_index(op.f("ix_cases_holder_id"), table_name="cases")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("cases") as batch_op:
        for column in ("late_at", "escalated", *(c for c, _, _ in CASE_COLUMNS)):
            batch_op.drop_column(column)
    if sqlite:  # the rebuilt table lost 0004's triggers; its partial index is made again with its condition
        op.execute("DROP INDEX IF EXISTS ix_cases_open_department")
        op.execute(f"CREATE INDEX ix_cases_open_department ON cases (department_id, reported_at, id) "
                   f"WHERE state IN {OPEN_STATES}")
        for when in ("INSERT", "UPDATE OF department_id"):
            name = "cases_departments_" + when.split()[0].lower()
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(
                f"""CREATE TRIGGER {name} AFTER {when} ON cases WHEN NEW.department_id IS NOT NULL
                    BEGIN INSERT OR IGNORE INTO case_departments (department_id, case_id)
                          VALUES (NEW.department_id, NEW.id); END"""
            )
    op.drop_table("handbook")
    op.drop_table("centers")
