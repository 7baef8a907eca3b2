"""evaluation: reserved for issue 13 (evaluation weights, review) (filled by the work on it; an empty step changes nothing)

Revision ID: 0013
Revises: 0012
"""


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
