"""analytics: reserved for issue 12 (camera zones, leases, detections) (filled by the work on it; an empty step changes nothing)

Revision ID: 0011
Revises: 0010
"""


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
