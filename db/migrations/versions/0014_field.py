"""field: reserved for issue 11 (the field loop's remaining tables) (filled by the work on it; an empty step changes nothing)

Revision ID: 0014
Revises: 0013
"""


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
