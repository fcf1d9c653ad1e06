"""What the portal should hold for an asset: the council dataset fields and the period's resource."""
from __future__ import annotations

import json
import re

from westsuffolk_core.dataset_fields import ASSET_ID_FIELD
from westsuffolk_core.schema_urls import SCHEMA_TYPE, schema_url

from .prepare import PreparedTable
from .register import Asset
from .settings import SYNTHETIC_NOTE

NAME_MAX = 100  # CKAN's limit for URL names
RESOURCE_FORMAT = "CSV"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def fallback_name(asset: Asset) -> str:
    """Deterministic URL name for a new dataset: the asset id keeps it unique and stable."""
    return f"{slug(asset.asset_id)}-{slug(asset.title)}"[:NAME_MAX].rstrip("-")


def organisation_name(asset: Asset) -> str:
    return slug(asset.service_area)[:NAME_MAX]


def notes(asset: Asset) -> str:
    text = asset.description.strip()
    if asset.data_provenance == "synthetic" and SYNTHETIC_NOTE not in text:
        text = f"{text}\n\n{SYNTHETIC_NOTE}"
    return text


def dataset_fields(asset: Asset, table: PreparedTable, portal_url: str,
                   existing_resources: list[dict] = ()) -> dict:
    """The council fields filled from the register (the contract in the dataset schema)."""
    name, version = table.schema_ref.split("@")
    starts = [table.period_start.isoformat()] + [r["period_start"] for r in existing_resources if r.get("period_start")]
    ends = [table.period_end.isoformat()] + [r["period_end"] for r in existing_resources if r.get("period_end")]
    return {
        "title": asset.title,
        "notes": notes(asset),
        "owner_org": organisation_name(asset),
        "license_id": asset.licence_id,
        "contact_name": asset.information_asset_owner,
        "contact_email": asset.contact_email,
        "update_frequency": asset.update_frequency,
        "temporal_start": min(starts),
        "temporal_end": max(ends),
        "spatial_coverage": asset.spatial_list,
        "theme": asset.theme_list,
        "transparency_code_category": asset.transparency_code_category,
        ASSET_ID_FIELD: asset.asset_id,
        "personal_data": asset.personal_data,
        "tag_string": ",".join(asset.keyword_list),
        "data_provenance": asset.data_provenance,
        "schema_url": schema_url(portal_url, name, version),
        "schema_type": SCHEMA_TYPE,
    }


def resource_fields(asset: Asset, table: PreparedTable) -> dict:
    return {
        "name": asset.period,
        "description": f"{table.schema.get('title', table.schema['name'])}, {asset.period} "
                       f"({table.row_count} rows).",
        "format": RESOURCE_FORMAT,
        "schema": table.schema_ref,
        "period_start": table.period_start.isoformat(),
        "period_end": table.period_end.isoformat(),
    }


def upload_name(dataset_name: str, asset: Asset) -> str:
    return f"{dataset_name}-{slug(asset.period)}.csv"


def portal_value(key: str, package: dict):
    """A field of a package as returned by the portal, in the form dataset_fields() produces."""
    if key == "tag_string":
        return ",".join(sorted(tag["name"] for tag in package.get("tags") or []))
    if key == "owner_org":
        return (package.get("organization") or {}).get("name")
    value = package.get(key)
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return "" if value is None else value


def wanted_value(key: str, value):
    if key == "tag_string":
        return ",".join(sorted(tag for tag in value.split(",") if tag))
    return value


def _comparable(value):
    """Multiple-choice fields come back from the portal in its own order."""
    return sorted(value) if isinstance(value, list) else value


def changed_fields(wanted: dict, package: dict) -> dict:
    """The fields whose portal value differs from the register's."""
    return {key: value for key, value in wanted.items()
            if _comparable(wanted_value(key, value)) != _comparable(portal_value(key, package))}
