"""queue index: open cases by state, newest first, paged by (reported_at, id)

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_state_reported_id", "cases", ["state", "reported_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_state_reported_id", table_name="cases")
