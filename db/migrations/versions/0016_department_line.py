"""department line: a center dispatches only to departments on its own line of the org tree (PostgreSQL)

A department may work for an org node (`departments.org_unit_id`: a street's 城管中队, a community's
property office) or for the whole territory (empty). A case held by a center may go to a department of
that center's node, of a node above it (a community center calls on its street's crews) or below it, or
to a territory-wide one; never to another branch's (street A's center ordering street B's crews: it
escalates, and the center above dispatches). The top center's line is the whole tree. `db/levels.py`
(`on_the_line`, `_check_department`) says the same with the same message; this guard refuses it for a
client that writes SQL itself. The workflow's trusted writers (owner, admin, system) are let through, as
by 0009's guard.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SUPER = ("admin", "system")  # 0004's and 0009's trusted writers


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    path = f"SET search_path = {schema}, pg_temp"
    trusted = " OR ".join(["gw_is_owner()", *(f"gw_has('{r}')" for r in SUPER)])
    op.execute(
        f"""CREATE FUNCTION gw_case_department_guard() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            DECLARE dept record; place record;
            BEGIN
              IF NEW.department_id IS NULL OR OLD.holder_id IS NULL OR {trusted} THEN RETURN NEW; END IF;
              SELECT d.name, d.code, d.org_unit_id INTO dept FROM departments d WHERE d.id = NEW.department_id;
              IF dept.org_unit_id IS NULL OR dept.org_unit_id = OLD.holder_id
                 OR dept.org_unit_id = ANY (gw_ancestors(OLD.holder_id))
                 OR OLD.holder_id = ANY (gw_ancestors(dept.org_unit_id)) THEN
                RETURN NEW;
              END IF;
              SELECT o.name, o.code INTO place FROM org_units o WHERE o.id = dept.org_unit_id;
              RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                'Case %s: %s (%s) works for %s (%s), outside %s''s part of the tree: dispatch to a '
                'department of this center or of a level above or below it, or escalate the case.',
                OLD.case_no, dept.name, dept.code, place.name, place.code, gw_center_name(OLD.holder_id));
            END $$"""
    )
    op.execute(
        """CREATE TRIGGER cases_department_guard BEFORE UPDATE ON cases
           FOR EACH ROW WHEN (NEW.last_action = 'dispatch') EXECUTE FUNCTION gw_case_department_guard()"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER cases_department_guard ON cases")
        op.execute("DROP FUNCTION gw_case_department_guard()")
