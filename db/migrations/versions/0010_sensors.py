"""sensors: readings as a time series, each sensor's rule state, and the alarms the rules raised

`sensor_readings` is a plain table keyed by (device_id, at): the desk's chart reads a device's recent
range through that key, a redelivered MQTT message is stored once (ON CONFLICT DO NOTHING), and the purge
of old raw readings deletes by it. It has no row-level security (readings are not evidence, every desk may
chart them), so bulk loads may use COPY. `sensor_states` keeps what the sensor service must remember across
a restart (each rule's phase, when the device was last heard); `sensor_alarms` has one row per (device,
rule, start) whatever restarts happen, with the case it became.

On PostgreSQL the sensor service signs in as a person holding the `system` role (docs/SECURITY.md,
docs/SENSORS.md): `gridwatch_system` may write these tables; every desk reads them (0004's default
privileges).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sensor_readings",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("purifier", sa.Boolean(), nullable=True),
        sa.Column("fan", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_sensor_readings_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", "at", name=op.f("pk_sensor_readings")),
    )
    op.create_table(
        "sensor_states",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heard_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("purifier", sa.Boolean(), nullable=True),
        sa.Column("fan", sa.Boolean(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_sensor_states_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_sensor_states")),
    )
    op.create_index(op.f("ix_sensor_states_heard_at"), "sensor_states", ["heard_at"], unique=False)
    op.create_table(
        "sensor_alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("peak", sa.Float(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_sensor_alarms_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_sensor_alarms_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensor_alarms")),
        sa.UniqueConstraint("device_id", "rule", "started_at", name="uq_sensor_alarms_start"),
    )
    op.create_index(op.f("ix_sensor_alarms_case_id"), "sensor_alarms", ["case_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("GRANT INSERT, DELETE ON sensor_readings TO gridwatch_system")
        op.execute("GRANT INSERT, UPDATE ON sensor_states, sensor_alarms TO gridwatch_system")


def downgrade() -> None:
    op.drop_index(op.f("ix_sensor_alarms_case_id"), table_name="sensor_alarms")
    op.drop_table("sensor_alarms")
    op.drop_index(op.f("ix_sensor_states_heard_at"), table_name="sensor_states")
    op.drop_table("sensor_states")
    op.drop_table("sensor_readings")
