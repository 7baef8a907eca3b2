"""published: GIS layers any client opens (QGIS, ogr2ogr, GeoServer), their styles, the grid rules

Both backends get two tables: QGIS's own `layer_styles` (the columns QGIS 3.22 creates, so a plain QGIS
finds the default styles `gridwatch gis publish` writes from the desktop's styles) and `working_clock`,
the site calendar's working time as a piecewise-linear function (`deadlines.working_clock`, published by
the same command) so SQL states the same traffic light as `queries.light_of`.

PostgreSQL also gets (docs/QGIS.md):
- views `gis_org_units`, `gis_grids`, `gis_cases`, `gis_open_cases`, `gis_devices`, `gis_positions`,
  `gis_tracks`, each `security_invoker` (row-level security judges the QGIS user's own role, not the view's
  owner) with a typed geometry column (EPSG:4490, the store's CRS) and a stable integer key `id`;
- `gw_light(state, limit_unit, started, due, at)`: `queries.light_of` in SQL over `working_clock`;
- the grid rules, for QGIS and the desktop's imports alike: a grid's code is 14 digits or 15 [0-9A-Z]
  (docs/DOMAIN.md), its polygon lies inside its community's and overlaps no other grid of that community
  (1 m² tolerance, as `db/imports/org_units.py`); checked at commit, so moving a shared edge in one
  transaction is fine; refused with SQLSTATE GW001 (the store's `Refused`) and a one-line reason;
- statement-level `pg_notify('qgis', '<schema>.<table>')` on cases, positions, devices and org units: QGIS
  listens only on the channel `qgis` (`QgsVectorLayer.setRefreshOnNotifyEnabled`), which is the whole
  database's, so the schema keeps two stores of one database apart.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SRID = 4490
OPEN_STATES = (
    "('checked', 'checking', 'dispatched', 'handled', 'handling', 'registered', 'reported', 'suspended', "
    "'verifying')"
)  # seeds.OPEN_STATES (tests/qgis/test_published.py checks they agree)
YELLOW_FROM = 0.8  # deadlines.YELLOW_FROM (checked by the same test)
OVERLAP_TOLERANCE_M2 = 1.0  # db/imports/org_units.py OVERLAP_TOLERANCE_M2
M_PER_DEGREE = 111_320.0
GRID_CODE = "^([0-9]{14}|[0-9A-Z]{15})$"
NOTIFIED = ("cases", "positions", "devices", "org_units")
VIEWS = ("gis_open_cases", "gis_cases", "gis_tracks", "gis_positions", "gis_devices", "gis_grids", "gis_org_units")


def _point(lon: str, lat: str) -> str:
    return f"ST_SetSRID(ST_MakePoint({lon}, {lat}), {SRID})::geometry(Point, {SRID})"


def _area_m2(geom: str) -> str:
    """`org_units.area_m2` in SQL: the same approximation, so the import and the database agree."""
    return f"(ST_Area({geom}) * {M_PER_DEGREE}^2 * cos(radians(ST_Y(ST_Centroid({geom})))))"


def upgrade() -> None:
    op.create_table(
        "layer_styles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("f_table_catalog", sa.String(), nullable=True),
        sa.Column("f_table_schema", sa.String(), nullable=True),
        sa.Column("f_table_name", sa.String(), nullable=True),
        sa.Column("f_geometry_column", sa.String(), nullable=True),
        sa.Column("stylename", sa.Text(), nullable=True),
        sa.Column("styleqml", sa.Text(), nullable=True),
        sa.Column("stylesld", sa.Text(), nullable=True),
        sa.Column("useasdefault", sa.Boolean(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=63), server_default=sa.text("CURRENT_USER"), nullable=True),
        sa.Column("ui", sa.Text(), nullable=True),
        sa.Column("update_time", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=True),
        sa.Column("type", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="layer_styles_pkey"),  # QGIS's own name
    )
    op.create_table(
        "working_clock",
        sa.Column("edge", sa.DateTime(timezone=True), nullable=False),
        sa.Column("worked", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("edge", name=op.f("pk_working_clock")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()


def _postgres_upgrade() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    path = f"SET search_path = {schema}, public, pg_temp"
    # QGIS's column types: the styles are XML documents
    for column in ("styleqml", "stylesld", "ui"):
        op.execute(f"ALTER TABLE layer_styles ALTER COLUMN {column} TYPE xml USING {column}::xml")

    # --- the traffic light: queries.light_of over the published working clock -------------------------
    op.execute(
        f"""CREATE FUNCTION gw_worked(t timestamptz) RETURNS double precision LANGUAGE sql STABLE {path} AS $$
              SELECT CASE WHEN b.edge = a.edge THEN a.worked
                          ELSE a.worked + (b.worked - a.worked)
                               * extract(epoch FROM t - a.edge) / extract(epoch FROM b.edge - a.edge) END
              FROM (SELECT edge, worked FROM working_clock WHERE edge <= t ORDER BY edge DESC LIMIT 1) AS a,
                   (SELECT edge, worked FROM working_clock WHERE edge >= t ORDER BY edge LIMIT 1) AS b $$"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_light(state text, limit_unit text, started timestamptz, due timestamptz,
                                     at timestamptz) RETURNS text LANGUAGE plpgsql STABLE {path} AS $$
            DECLARE working boolean; total double precision; used double precision;
            BEGIN
              IF started IS NULL OR due IS NULL OR state NOT IN {OPEN_STATES} THEN RETURN NULL; END IF;
              IF at > due THEN RETURN 'red'; END IF;
              working := state IN ('reported', 'registered')
                         OR (state IN ('dispatched', 'handling') AND coalesce(limit_unit, '') LIKE 'working%');
              IF working THEN
                total := gw_worked(due) - gw_worked(started);
                used := gw_worked(at) - gw_worked(started);
              END IF;
              IF total IS NULL OR used IS NULL THEN  -- wall time, or a moment the clock was not published for
                total := extract(epoch FROM due - started);
                used := extract(epoch FROM at - started);
              END IF;
              IF total > 0 AND used / total >= {YELLOW_FROM} THEN RETURN 'yellow'; END IF;
              RETURN 'green';
            END $$"""
    )

    # --- the published layers -------------------------------------------------------------------------
    invoker = "WITH (security_invoker = true)"
    op.execute(
        f"""CREATE VIEW gis_org_units {invoker} AS
            SELECT o.id, o.code, o.name, o.level, p.code AS parent_code, o.geom
            FROM org_units o LEFT JOIN org_units p ON p.id = o.parent_id
            WHERE o.geom IS NOT NULL"""
    )
    # one table, no join: PostgreSQL updates it in place, so QGIS edits grids through it
    op.execute(
        f"""CREATE VIEW gis_grids {invoker} AS
            SELECT id, code, name, level, parent_id, geom FROM org_units WHERE level = 'grid'
            WITH CASCADED CHECK OPTION"""
    )
    op.execute("ALTER VIEW gis_grids ALTER COLUMN level SET DEFAULT 'grid'")
    op.execute("ALTER VIEW gis_grids ALTER COLUMN id SET DEFAULT nextval('org_units_id_seq')")
    op.execute(
        f"""CREATE VIEW gis_cases {invoker} AS
            SELECT c.id, c.case_no, c.state, c.source, c.category_code, cat.name AS category_name,
                   c.urgency, gw_light(c.state, c.limit_unit, c.stage_started_at, c.stage_due_at, now()) AS light,
                   c.stage_due_at AS due_at, c.deadline_at, c.reported_at, c.closed_at, c.close_type,
                   g.code AS grid_code, d.code AS department_code, c.address,
                   {_point('c.lon', 'c.lat')} AS geom
            FROM cases c
            JOIN categories cat ON cat.code = c.category_code
            LEFT JOIN org_units g ON g.id = c.grid_id
            LEFT JOIN departments d ON d.id = c.department_id
            WHERE c.lon IS NOT NULL AND c.lat IS NOT NULL"""
    )
    op.execute(f"CREATE VIEW gis_open_cases {invoker} AS SELECT * FROM gis_cases WHERE state IN {OPEN_STATES}")
    op.execute(
        f"""CREATE VIEW gis_devices {invoker} AS
            SELECT d.id, d.code, d.kind, d.subtype, d.name, d.online, d.heading, g.code AS grid_code,
                   {_point('d.lon', 'd.lat')} AS geom
            FROM devices d LEFT JOIN org_units g ON g.id = d.grid_id"""
    )
    # each person's last fix by the (person_id, at) index: one probe per person, however long the history
    last_fix = (
        "CROSS JOIN LATERAL (SELECT f.at, f.lon, f.lat FROM positions f WHERE f.person_id = pe.id "
        "ORDER BY f.at DESC, f.id DESC LIMIT 1) AS p"
    )
    op.execute(
        f"""CREATE VIEW gis_positions {invoker} AS
            SELECT pe.id, pe.username, pe.name, pe.on_duty, p.at, {_point('p.lon', 'p.lat')} AS geom
            FROM people pe {last_fix}"""
    )
    # a person's walk: their fixes of the 24 hours up to their last one
    op.execute(
        f"""CREATE VIEW gis_tracks {invoker} AS
            SELECT pe.id, pe.username, pe.name, min(f.at) AS since, max(f.at) AS until, count(*) AS fixes,
                   ST_MakeLine(ST_SetSRID(ST_MakePoint(f.lon, f.lat), {SRID}) ORDER BY f.at, f.id)
                     ::geometry(LineString, {SRID}) AS geom
            FROM people pe {last_fix}
            JOIN positions f ON f.person_id = pe.id AND f.at > p.at - interval '24 hours'
            GROUP BY pe.id, pe.username, pe.name
            HAVING count(*) >= 2"""
    )
    for view in VIEWS:
        op.execute(f"GRANT SELECT ON {view} TO gridwatch_desk")
    op.execute("GRANT INSERT, UPDATE ON gis_grids TO gridwatch_admin")
    op.execute("GRANT SELECT ON layer_styles, working_clock TO gridwatch_desk")
    op.execute("GRANT INSERT, UPDATE, DELETE ON layer_styles, working_clock TO gridwatch_admin")
    op.execute("GRANT USAGE ON SEQUENCE layer_styles_id_seq TO gridwatch_admin")

    # --- the grid rules -------------------------------------------------------------------------------
    op.execute(
        f"""CREATE FUNCTION gw_grid_defaults() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            BEGIN
              -- a row from a GIS client (through gis_grids) names none of the store's bookkeeping
              NEW.attrs := coalesce(NEW.attrs, '{{}}');
              IF TG_OP = 'INSERT' THEN
                NEW.updated_at := coalesce(NEW.updated_at, now());
              ELSIF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
                NEW.updated_at := now();  -- the desks' feed reconciles by it
              END IF;
              IF NEW.level = 'grid' AND NEW.code !~ '{GRID_CODE}' THEN
                RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                  'Grid code ''%s'' is not well-formed: 14 digits (street 9 + community 3 + grid 2) '
                  'or 15 characters 0-9 A-Z.', NEW.code);
              END IF;
              RETURN NEW;
            END $$"""
    )
    op.execute(
        """CREATE TRIGGER org_units_defaults BEFORE INSERT OR UPDATE ON org_units
           FOR EACH ROW EXECUTE FUNCTION gw_grid_defaults()"""
    )
    op.execute(
        f"""CREATE FUNCTION gw_grid_rules() RETURNS trigger LANGUAGE plpgsql {path} AS $$
            DECLARE g org_units; community org_units; other record; area double precision;
            BEGIN
              SELECT * INTO g FROM org_units WHERE id = NEW.id;  -- the row as it is now, at commit
              IF NOT FOUND OR g.level <> 'grid' OR g.geom IS NULL THEN RETURN NULL; END IF;
              SELECT * INTO community FROM org_units WHERE id = g.parent_id;
              IF FOUND AND community.level = 'community' AND community.geom IS NOT NULL THEN
                area := coalesce({_area_m2('ST_Difference(g.geom, community.geom)')}, 0);
                IF area > {OVERLAP_TOLERANCE_M2} THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Grid %s reaches %s m² outside its community %s (%s): a grid lies inside its community.',
                    g.code, to_char(round(area::numeric), 'FM999,999,999,990'), community.code, community.name);
                END IF;
              END IF;
              IF g.parent_id IS NULL THEN RETURN NULL; END IF;
              FOR other IN
                SELECT o.code, {_area_m2('ST_Intersection(o.geom, g.geom)')} AS overlap
                FROM org_units o
                WHERE o.parent_id = g.parent_id AND o.level = 'grid' AND o.id <> g.id
                  AND o.geom && g.geom AND ST_Intersects(o.geom, g.geom)
                ORDER BY o.code
              LOOP
                IF coalesce(other.overlap, 0) > {OVERLAP_TOLERANCE_M2} THEN
                  RAISE EXCEPTION USING ERRCODE = 'GW001', MESSAGE = format(
                    'Grid %s overlaps grid %s of the same community by %s m²: grids of a community '
                    'do not overlap.', g.code, other.code, to_char(round(other.overlap::numeric), 'FM999,999,999,990'));
                END IF;
              END LOOP;
              RETURN NULL;
            END $$"""
    )
    op.execute(
        """CREATE CONSTRAINT TRIGGER org_units_grid_rules AFTER INSERT OR UPDATE OF code, level, parent_id, geom
           ON org_units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gw_grid_rules()"""
    )

    # --- QGIS's channel -------------------------------------------------------------------------------
    op.execute(
        """CREATE FUNCTION gw_qgis_notify() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN PERFORM pg_notify('qgis', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; END $$"""
    )
    for table in NOTIFIED:
        op.execute(
            f"""CREATE TRIGGER {table}_qgis AFTER INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION gw_qgis_notify()"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NOTIFIED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_qgis ON {table}")
        op.execute("DROP FUNCTION IF EXISTS gw_qgis_notify()")
        op.execute("DROP TRIGGER IF EXISTS org_units_grid_rules ON org_units")
        op.execute("DROP TRIGGER IF EXISTS org_units_defaults ON org_units")
        op.execute("DROP FUNCTION IF EXISTS gw_grid_rules()")
        op.execute("DROP FUNCTION IF EXISTS gw_grid_defaults()")
        for view in VIEWS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
        op.execute("DROP FUNCTION IF EXISTS gw_light(text, text, timestamptz, timestamptz, timestamptz)")
        op.execute("DROP FUNCTION IF EXISTS gw_worked(timestamptz)")
    op.drop_table("working_clock")
    op.drop_table("layer_styles")
