"""Validation results in PostgreSQL (were JSON files under ckan.storage_path/westsuffolk-validation):
the table, then a one-off move of the existing files into it (the files are left in place).

Revision ID: 0002_validation_results
Revises: 0001_allowed_values
Create Date: 2026-11-30
"""
import json
import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_validation_results"
down_revision = "0001_allowed_values"
branch_labels = None
depends_on = None

TABLE = "westsuffolk_validation_result"
OLD_FOLDER = "westsuffolk-validation"
log = logging.getLogger(__name__)


def upgrade():
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(TABLE):  # the test suite's clean_db builds it from the models
        op.create_table(
            TABLE,
            sa.Column("resource_id", sa.UnicodeText, primary_key=True),
            sa.Column("package_id", sa.UnicodeText, nullable=True),
            sa.Column("status", sa.UnicodeText, nullable=False),
            sa.Column("record", JSONB, nullable=False),
            sa.Column("updated", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        )
        op.create_index("westsuffolk_validation_result_status_idx", TABLE, ["status"])
        op.create_index("westsuffolk_validation_result_package_idx", TABLE, ["package_id"])
    move_json_results(bind)


def move_json_results(bind) -> int:
    """Copy every JSON result file into the table (files whose resource already has a row are skipped)."""
    from ckan.common import config

    storage = config.get("ckan.storage_path")
    folder = Path(storage) / OLD_FOLDER if storage else None
    if folder is None or not folder.is_dir():
        return 0
    table = sa.table(TABLE, sa.column("resource_id"), sa.column("package_id"), sa.column("status"),
                     sa.column("record", JSONB))
    moved = 0
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("skipped unreadable validation result %s", path)
            continue
        resource_id = path.stem
        exists = bind.execute(sa.text(f"SELECT 1 FROM {TABLE} WHERE resource_id = :id"), {"id": resource_id}).first()
        if exists or "status" not in record:
            continue
        package = bind.execute(sa.text("SELECT package_id FROM resource WHERE id = :id"), {"id": resource_id}).first()
        bind.execute(table.insert().values(resource_id=resource_id, package_id=package[0] if package else None,
                                           status=record["status"], record=record))
        moved += 1
    log.info("moved %d validation results from %s", moved, folder)
    return moved


def downgrade():
    op.drop_table(TABLE)
