"""analytics: camera zones, the workers' leases and their history, and detections (issue 12, video)

Tables on both backends: `camera_zones` (a camera's zones as the JSON the detectors read), `analytics_leases`
(which worker watches a camera until when; PostgreSQL claims them `FOR UPDATE SKIP LOCKED`),
`analytics_workers` (the running workers, for a fair share), `analytics_holds` (each holder's time on a
camera: the lease history) and `detections` (a detector's
finding and the case it opened or merged into; confidence, zone and box for the desk, and the key false
alarms are counted by).

PostgreSQL: the analytics service signs in as a person with the `system` role (docs/ANALYTICS.md), so
`gridwatch_system` may keep the leases, their history and the detections, and update devices (its online
state, granted by 0004). Zones are edited at the desks of admins, shift leaders and dispatchers. Every
desk reads them (0004's default privileges). A detection is visible with its case (row-level security,
forced, as attachments).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import gridwatch.db.timestamps

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_TIME = gridwatch.db.timestamps.UtcDateTime(timezone=True)
ZONE_EDITORS = "gridwatch_admin, gridwatch_shift_leader, gridwatch_dispatcher"


def upgrade() -> None:
    op.create_table(
        "camera_zones",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_camera_zones_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["people.id"], name=op.f("fk_camera_zones_updated_by_id_people")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_camera_zones")),
    )
    op.create_table(
        "analytics_leases",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("status", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_analytics_leases_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_analytics_leases")),
    )
    op.create_table(
        "analytics_workers",
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("holder", name=op.f("pk_analytics_workers")),
    )
    op.create_table(
        "analytics_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_analytics_holds_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_holds")),
    )
    op.create_index(op.f("ix_analytics_holds_device_id"), "analytics_holds", ["device_id"], unique=False)
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("detector", sa.String(length=40), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("category_code", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("box", sa.JSON(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_detections_case_id_cases")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_detections_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detections")),
    )
    op.create_index(op.f("ix_detections_case_id"), "detections", ["case_id"], unique=False)
    op.create_index(op.f("ix_detections_device_id"), "detections", ["device_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT INSERT, UPDATE ON camera_zones TO {ZONE_EDITORS}")
        op.execute("GRANT SELECT, INSERT, UPDATE ON analytics_leases, analytics_holds TO gridwatch_system")
        op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_workers TO gridwatch_system")
        op.execute("GRANT INSERT ON detections TO gridwatch_system")
        op.execute("ALTER TABLE detections ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE detections FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY detections_read ON detections FOR SELECT "
            "USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = detections.case_id))"
        )
        op.execute(
            "CREATE POLICY detections_insert ON detections FOR INSERT "
            "WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = detections.case_id))"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_detections_device_id"), table_name="detections")
    op.drop_index(op.f("ix_detections_case_id"), table_name="detections")
    op.drop_table("detections")
    op.drop_index(op.f("ix_analytics_holds_device_id"), table_name="analytics_holds")
    op.drop_table("analytics_holds")
    op.drop_table("analytics_workers")
    op.drop_table("analytics_leases")
    op.drop_table("camera_zones")
