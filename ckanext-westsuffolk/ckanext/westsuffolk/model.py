"""The extension's own tables. migration/westsuffolk creates them (`ckan db upgrade`); these models
mirror the migrations, and CKAN's test fixtures build the tables from them."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

import ckan.plugins.toolkit as tk


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
