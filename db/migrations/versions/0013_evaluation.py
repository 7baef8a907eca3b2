"""evaluation: indexes for the evaluation (issue 13): handled and closed moments, a department's dispatches

The evaluation's charts count, per day of the period, the cases handled and closed that day; a drill-down
lists a department's cases dispatched in the period (its late ones, say) from (department, dispatched)
instead of all its cases (bench/evaluation.py, 1,000,000 cases). The score weights need no table: they
are the `score_weights` setting (db/seeds.py).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_handled_at", "cases", ["handled_at"], unique=False)
    op.create_index("ix_cases_closed_at", "cases", ["closed_at"], unique=False)
    op.create_index("ix_cases_department_dispatched", "cases", ["department_id", "dispatched_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_department_dispatched", table_name="cases")
    op.drop_index("ix_cases_closed_at", table_name="cases")
    op.drop_index("ix_cases_handled_at", table_name="cases")
