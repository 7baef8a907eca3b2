"""field: photos are stored without a second compression (issue 11, the report path's speed)

A phone's photo (JPEG), a snapshot or a clip is already compressed: PostgreSQL's default TOAST
compression (pglz) still tries the whole value before storing it as it came, which costs about 7 ms of
server CPU per 200 KB photo, most of a report's own time in the database (bench/store_actions.py
--reports). lz4 gives up on such data at once and still shrinks a text document; where the server was
built without lz4, the column is stored uncompressed (EXTERNAL). Existing rows keep their storage; SQLite
has no such setting.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """DO $$ BEGIN
             ALTER TABLE attachments ALTER COLUMN data SET COMPRESSION lz4;
           EXCEPTION WHEN feature_not_supported THEN
             ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;
           END $$"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE attachments ALTER COLUMN data SET COMPRESSION default")
    op.execute("ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTENDED")
