"""published: reserved for issue 15 (published GIS layers, layer_styles, grid rules, the qgis channel) (filled by the work on it; an empty step changes nothing)

Revision ID: 0012
Revises: 0011
"""


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
