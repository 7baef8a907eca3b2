"""calendar: each site calendar day has a name, a source, and who changed it when

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import gridwatch.db.timestamps


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.alter_column("note", new_column_name="name", existing_type=sa.String(length=100))
        batch_op.add_column(sa.Column("source", sa.String(length=100), nullable=False, server_default="site"))
        batch_op.add_column(sa.Column("changed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("changed_at", gridwatch.db.timestamps.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calendar_days_changed_by_id_people"), "people", ["changed_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_calendar_days_changed_by_id_people"), type_="foreignkey")
        batch_op.drop_column("changed_at")
        batch_op.drop_column("changed_by_id")
        batch_op.drop_column("source")
        batch_op.alter_column("name", new_column_name="note", existing_type=sa.String(length=100))
