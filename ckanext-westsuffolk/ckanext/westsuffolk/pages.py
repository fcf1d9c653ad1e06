"""What the public pages show residents: which pages are light, the dataset summary (how often,
last updated, next update due, licence in plain words), download labels and API examples."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk

from westsuffolk_core import quality, vocabularies

from . import config, facets

# Flask endpoints of the pages residents read: they load our CSS only, and no JavaScript.
# (With content negotiation on, ckanext-dcat serves / and /dataset/<id> as dcat.read_catalog and
# dcat.read_dataset; CKAN names the resource page after the dataset type: dataset_resource.read.)
# Every other page (forms, dashboard, admin, log in) keeps CKAN's full CSS and JavaScript.
LIGHT_ENDPOINTS = frozenset({
    "home.index", "dcat.read_catalog", "home.about",
    "dataset.search", "dataset.read", "dcat.read_dataset", "resource.read", "dataset_resource.read",
    "organization.index", "organization.read", "organization.about",
    "activity.package_activity",
    "westsuffolk_schemas.index", "westsuffolk_schemas.read",
    "westsuffolk_transparency.index", "westsuffolk_validation.report",
    "westsuffolk_wards.index", "westsuffolk_wards.read", "westsuffolk_wards.compare",
    "westsuffolk_quality.index", "westsuffolk_register.index",
})

OGL = "uk-ogl"
OGL_PLAIN = ("You can copy, publish, adapt and use this data, also commercially, as long as you say "
             "it comes from West Suffolk Council (Open Government Licence v3.0).")

TABULAR_FORMATS = ("csv", "tsv", "xlsx")


def is_light_page() -> bool:
    try:
        return tk.request.endpoint in LIGHT_ENDPOINTS
    except RuntimeError:  # no request (e.g. a mail template)
        return False


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def last_updated(pkg: dict[str, Any]) -> dt.date | None:
    """When the data last changed: the newest file, else the dataset's own record."""
    dates = [_date(r.get("last_modified") or r.get("created")) for r in pkg.get("resources") or []]
    dates = [d for d in dates if d]
    return max(dates) if dates else _date(pkg.get("metadata_modified"))


def next_update_due(frequency: str | None, updated: dt.date | None) -> dt.date | None:
    """One interval of the update frequency after the last update; None for irregular or historical data.
    The rule is westsuffolk_core.quality's, so the quality summary says the same."""
    return quality.next_due(frequency, updated)


def british_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def file_size(size: Any) -> str:
    """GOV.UK style sizes: 589 bytes, 12 KB, 1.2 MB."""
    try:
        number = int(size)
    except (TypeError, ValueError):
        return ""
    if number < 1024:
        return f"{number} bytes"
    value = number / 1024
    for unit in ("KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    return ""


def resource_format(resource: dict[str, Any]) -> str:
    return (resource.get("format") or "").strip().upper() or "File"


def is_tabular(resource: dict[str, Any]) -> bool:
    fmt = (resource.get("format") or "").strip().lower()
    url = (resource.get("url") or "").split("?")[0].lower()
    return fmt in TABULAR_FORMATS or url.endswith(tuple("." + f for f in TABULAR_FORMATS))


def dataset_summary(pkg: dict[str, Any]) -> dict[str, Any]:
    """Everything the 'at a glance' box of a dataset page says, in residents' words."""
    frequency = pkg.get("update_frequency")
    updated = last_updated(pkg)
    due = next_update_due(frequency, updated)
    areas = vocabularies.spatial_areas()
    licence_id = pkg.get("license_id") or ""
    return {
        "frequency": vocabularies.UPDATE_FREQUENCIES.get(frequency, (None,))[0] if frequency else None,
        "last_updated": british_date(updated),
        "last_updated_iso": updated.isoformat() if updated else "",
        "next_due": british_date(due),
        "next_due_iso": due.isoformat() if due else "",
        "overdue": bool(due and due < dt.date.today()),
        "licence_plain": OGL_PLAIN if licence_id == OGL else None,
        "licence_title": "Open Government Licence v3.0" if licence_id == OGL
        else (pkg.get("license_title") or licence_id),
        "licence_url": pkg.get("license_url"),
        "areas": [areas.get(code, code) for code in pkg.get("spatial_coverage") or []],
        "themes": [vocabularies.THEMES.get(code, code) for code in pkg.get("theme") or []],
        "transparency": facets.value_label(facets.TRANSPARENCY, pkg["transparency_code_category"])
        if pkg.get("transparency_code_category") else None,
        "covers_from": british_date(_date(pkg.get("temporal_start"))),
        "covers_to": british_date(_date(pkg.get("temporal_end"))),
        "validation": facets.dataset_validation(pkg.get("resources") or []),
    }


def api_examples(pkg: dict[str, Any]) -> list[dict[str, str]]:
    """Copy-paste API calls for a dataset: its metadata, and the first rows of each DataStore table."""
    site = config.site_url()
    examples = [{"label": "This dataset's details and file links (JSON)",
                 "command": f"curl '{site}/api/3/action/package_show?id={quote(pkg['name'])}'"}]
    for resource in pkg.get("resources") or []:
        if resource.get("datastore_active"):
            examples.append({
                "label": f"The first 5 rows of “{resource.get('name') or resource['id']}” (JSON)",
                "command": f"curl '{site}/api/3/action/datastore_search"
                           f"?resource_id={resource['id']}&limit=5'",
            })
    return examples


def atom_feed_url(pkg: dict[str, Any]) -> str:
    return tk.h.url_for("feeds.custom", q=f'name:"{pkg["name"]}"')
