"""The extension's own tables. migration/westsuffolk creates them (`ckan db upgrade`); these models
mirror the migrations, and CKAN's test fixtures build the tables from them."""
from __future__ import annotations

import datetime as dt
import uuid

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AllowedValueRecord(tk.BaseModel):
    """A value the personal-data scan lets through, with who allowed it, when, why, and for which
    register asset (none: anywhere). Revoked entries stay, so the history is never lost."""

    __tablename__ = "westsuffolk_allowed_value"
    __table_args__ = (sa.Index("westsuffolk_allowed_value_asset_idx", "asset_id"),)

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    value = sa.Column(sa.UnicodeText, nullable=False)
    reason = sa.Column(sa.UnicodeText, nullable=False)
    asset_id = sa.Column(sa.UnicodeText, nullable=True)
    allowed_by = sa.Column(sa.UnicodeText, nullable=False)
    allowed_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    revoked_by = sa.Column(sa.UnicodeText, nullable=True)
    revoked_at = sa.Column(sa.DateTime(timezone=True), nullable=True)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "value": self.value, "reason": self.reason, "asset_id": self.asset_id,
            "allowed_by": self.allowed_by, "allowed_at": self.allowed_at.isoformat(timespec="seconds"),
            "revoked_by": self.revoked_by,
            "revoked_at": self.revoked_at.isoformat(timespec="seconds") if self.revoked_at else None,
        }


class ValidationResultRecord(tk.BaseModel):
    """The latest check of each resource (the JSON of a westsuffolk_core ValidationResult plus what it
    was computed from), shared by every web replica and worker. `status` and `package_id` are columns
    so "every failing resource" is one indexed query."""

    __tablename__ = "westsuffolk_validation_result"
    __table_args__ = (sa.Index("westsuffolk_validation_result_status_idx", "status"),
                      sa.Index("westsuffolk_validation_result_package_idx", "package_id"))

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    package_id = sa.Column(sa.UnicodeText, nullable=True)
    status = sa.Column(sa.UnicodeText, nullable=False)
    record = sa.Column(JSONB, nullable=False)
    updated = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)
