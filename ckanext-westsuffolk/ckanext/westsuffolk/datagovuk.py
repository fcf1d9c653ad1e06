"""What data.gov.uk's CKAN harvester reads (datagovuk/guidance, ckan_fields.md): dataset extras
(la_service, la_function, contact-*, foi-*, temporal_coverage-from/-to, mandate, update_frequency in its
own value list, unpublished, schema_url, schema_type) and, on each resource, date, resource_type,
schema_url and schema_type. Scheming keeps our fields top-level, so shown datasets also carry them under
these names; echoed values are dropped again on the way in (a get-modify-put round trip)."""
from __future__ import annotations

from typing import Any

from westsuffolk_core.dataset_fields import CATEGORY_FIELD
from westsuffolk_core.schema_urls import SCHEMA_TYPE

from . import config

# Extras copied from a council field of the same name.
HARVESTED_FIELDS = ("schema_url", "schema_type", "la_function", "la_service")
# Extras made from other fields (and the FOI contact from the configuration).
DERIVED_EXTRAS = ("contact-name", "contact-email", "foi-name", "foi-email", "foi-web", "temporal_coverage-from",
                  "temporal_coverage-to", "mandate", "update_frequency", "unpublished")
EXTRAS = HARVESTED_FIELDS + DERIVED_EXTRAS
RESOURCE_FIELDS = ("date", "resource_type", "schema_url", "schema_type")
TRANSPARENCY_CODE_URL = "https://www.gov.uk/government/publications/local-government-transparency-code-2015"
# our update frequency -> data.gov.uk's value list (never, discontinued, annual, quarterly, monthly, ...)
UPDATE_FREQUENCY = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly",
                    "biannual": "biannually", "annual": "annual", "irregular": "irregular", "never": "never"}


def _slashed(iso_date: str | None) -> str | None:
    """data.gov.uk's dates: YYYY/MM/DD."""
    return iso_date[:10].replace("-", "/") if iso_date else None


def extras(pkg_dict: dict[str, Any]) -> dict[str, str]:
    values = {key: pkg_dict.get(key) for key in HARVESTED_FIELDS}
    values.update({
        "contact-name": pkg_dict.get("contact_name"),
        "contact-email": pkg_dict.get("contact_email"),
        "foi-name": config.foi_name(),
        "foi-email": config.foi_email(),
        "foi-web": config.foi_web(),
        "temporal_coverage-from": pkg_dict.get("temporal_start"),
        "temporal_coverage-to": pkg_dict.get("temporal_end"),
        "mandate": TRANSPARENCY_CODE_URL if pkg_dict.get(CATEGORY_FIELD) else None,
        "update_frequency": UPDATE_FREQUENCY.get(pkg_dict.get("update_frequency") or ""),
        "unpublished": "false",  # only published datasets are ever shown to a harvester
    })
    return {key: str(value) for key, value in values.items() if value}


def resource_fields(resource: dict[str, Any], site_url: str) -> dict[str, str]:
    from .dcat import resource_schema_url

    values = {"date": _slashed(resource.get("period_start")), "resource_type": "file"}
    url = resource_schema_url(resource["schema"]) if resource.get("schema") else None
    if url:
        values.update(schema_url=url, schema_type=SCHEMA_TYPE)
    return {key: value for key, value in values.items() if value}


def add_extras(pkg_dict: dict[str, Any]) -> None:
    found = extras(pkg_dict)
    kept = [e for e in pkg_dict.get("extras", []) if e.get("key") not in EXTRAS]
    pkg_dict["extras"] = kept + [{"key": key, "value": value} for key, value in found.items()]
    site = config.site_url()
    for resource in pkg_dict.get("resources", []):
        resource.update(resource_fields(resource, site))


def strip_echoed_extras(data_dict: dict[str, Any]) -> None:
    if data_dict.get("extras"):
        data_dict["extras"] = [e for e in data_dict["extras"] if e.get("key") not in EXTRAS]
    for resource in data_dict.get("resources") or []:
        strip_echoed_resource_fields(resource)


def strip_echoed_resource_fields(resource: dict[str, Any]) -> None:
    for key in RESOURCE_FIELDS:
        resource.pop(key, None)
