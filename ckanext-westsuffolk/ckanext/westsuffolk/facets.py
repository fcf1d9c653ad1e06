"""Search facets of the council's own fields: which ones, what Solr indexes for them, and the
words residents read for each value.

Council fields are stored by scheming as JSON text (`extras_theme = '["GOVE"]'`), which Solr cannot
facet on, so each is also indexed as a multi-valued string field (CKAN's `vocab_*` dynamic field).
"""
from __future__ import annotations

import contextlib
import json
import re
from functools import lru_cache
from typing import Any

from westsuffolk_core import vocabularies

# Solr field -> facet title, in the order residents see them.
SERVICE_AREA = "organization"
THEME = "vocab_theme"
AREA = "vocab_area"
TRANSPARENCY = "vocab_transparency"
FREQUENCY = "vocab_frequency"
FORMAT = "res_format"
LICENCE = "license_id"
VALIDATION = "vocab_validation"

TITLES: dict[str, str] = {
    SERVICE_AREA: "Service area",
    THEME: "Theme",
    AREA: "Area",
    TRANSPARENCY: "Transparency Code category",
    FREQUENCY: "Update frequency",
    FORMAT: "Format",
    LICENCE: "Licence",
    VALIDATION: "Validation result",
}

# Dataset field (scheming) -> Solr facet field it is copied to.
_INDEXED = {"theme": THEME, "spatial_coverage": AREA, "transparency_code_category": TRANSPARENCY,
            "update_frequency": FREQUENCY}

NO_SCHEMA = "none"  # validation facet value for datasets with no schema-bound file
VALIDATION_LABELS = {"success": "Valid", "failure": "Invalid", "error": "Could not be checked",
                     "pending": "Validation pending", NO_SCHEMA: "No table schema"}
_WORST_FIRST = ("failure", "error", "pending", "success")

SORT_OPTIONS = (  # (label, Solr sort); the first is the default
    ("Relevance", "score desc, metadata_modified desc"),
    ("Last updated", "metadata_modified desc"),
    ("Name (A to Z)", "title_string asc"),
)


def facet_titles(existing: dict[str, str]) -> dict[str, str]:
    """IFacets: the council facets replace CKAN's generic ones (groups, tags)."""
    existing.clear()
    existing.update(TITLES)
    return existing


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def dataset_validation(resources: list[dict]) -> str:
    """The worst validation status among a dataset's schema-bound files, or NO_SCHEMA."""
    statuses = {r.get("validation_status") or "pending" for r in resources if r.get("schema")}
    if not statuses:
        return NO_SCHEMA
    return next((s for s in _WORST_FIRST if s in statuses), "pending")


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.before_dataset_index: add the facet fields to the Solr document."""
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    for field, solr_field in _INDEXED.items():
        values = _as_list(validated.get(field))
        if values:
            pkg_dict[solr_field] = values
        else:
            pkg_dict.pop(solr_field, None)
    pkg_dict[VALIDATION] = [dataset_validation(validated.get("resources") or [])]
    return pkg_dict


@lru_cache(maxsize=1)
def _transparency_titles() -> dict[str, str]:
    """Schema name -> title (schemas are files shipped with the code: read once per process)."""
    from westsuffolk_core import table_schemas

    return {d["name"]: d["title"] for d in table_schemas.list_schemas()}


@lru_cache(maxsize=1)
def _area_names() -> dict[str, str]:
    return {code: label.removesuffix(" ward") for code, label in vocabularies.spatial_areas().items()}


def value_label(field: str, value: str) -> str | None:
    """Plain words for a facet value (None: keep what CKAN gives, e.g. a service area's title)."""
    if field == THEME:
        return vocabularies.THEMES.get(value, value)
    if field == AREA:
        return _area_names().get(value, value)
    if field == TRANSPARENCY:
        return _transparency_titles().get(value, value)
    if field == FREQUENCY:
        entry = vocabularies.UPDATE_FREQUENCIES.get(value)
        return entry[0] if entry else value
    if field == VALIDATION:
        return VALIDATION_LABELS.get(value, value)
    if field == LICENCE and value == "uk-ogl":
        return "Open Government Licence v3.0"
    return None


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.after_dataset_search: residents' words as each facet item's display name."""
    for field, facet in (search_results.get("search_facets") or {}).items():
        for item in facet.get("items", []):
            label = value_label(field, item["name"])
            if label is not None:
                item["display_name"] = label
    return search_results


_PLAIN_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
PLAIN_QUERY_MAX = 200


def plain_query(q: str | None) -> str:
    """The words of a search that Solr could not parse, without its special characters."""
    words = _PLAIN_WORD.findall(q or "")
    return " ".join(w for w in words if w.upper() not in ("AND", "OR", "NOT"))[:PLAIN_QUERY_MAX].strip()
