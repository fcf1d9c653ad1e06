"""The personal-data allow-list kept in PostgreSQL: the one place the portal and the publish jobs
read it from (the jobs through the `westsuffolk_personal_data_allowed_list` action)."""
from __future__ import annotations

import datetime as dt

from ckan import model

from westsuffolk_core.personal_data import AllowList

from ..model import AllowedValueRecord

__all__ = ["active", "add", "entries", "get", "revoke"]


def _query(include_revoked: bool = False):
    query = model.Session.query(AllowedValueRecord)
    if not include_revoked:
        query = query.filter(AllowedValueRecord.revoked_at.is_(None))
    return query.order_by(AllowedValueRecord.allowed_at.desc())


def entries(include_revoked: bool = False) -> list[dict]:
    return [record.as_dict() for record in _query(include_revoked)]


def active() -> AllowList:
    """The allow-list the scan applies now (revoked entries left out)."""
    return AllowList.from_dicts(entries())


def get(entry_id: str) -> AllowedValueRecord | None:
    return model.Session.get(AllowedValueRecord, entry_id)


def add(value: str, reason: str, asset_id: str | None, user: str) -> dict:
    record = AllowedValueRecord(value=value, reason=reason, asset_id=asset_id or None, allowed_by=user)
    model.Session.add(record)
    model.Session.commit()
    return record.as_dict()


def revoke(record: AllowedValueRecord, user: str) -> dict:
    record.revoked_by, record.revoked_at = user, dt.datetime.now(dt.timezone.utc)
    model.Session.commit()
    return record.as_dict()
