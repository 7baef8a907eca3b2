"""levels: reserved for issue 14 (centers on the org tree, escalation, the disposal handbook) (filled by the work on it; an empty step changes nothing)

Revision ID: 0009
Revises: 0008
"""


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
