"""The personal-data allow-list: values published on purpose, who allowed them, when and why.

Revision ID: 0001_allowed_values
Revises:
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_allowed_values"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "westsuffolk_allowed_value"


def upgrade():
    # The test suite's clean_db recreates every table from the models: do not fail if it is there.
    if sa.inspect(op.get_bind()).has_table(TABLE):
        return
    op.create_table(
        TABLE,
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("asset_id", sa.UnicodeText, nullable=True),
        sa.Column("allowed_by", sa.UnicodeText, nullable=False),
        sa.Column("allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.UnicodeText, nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("westsuffolk_allowed_value_asset_idx", TABLE, ["asset_id"])


def downgrade():
    op.drop_table(TABLE)
