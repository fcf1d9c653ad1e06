"""Template helpers (all prefixed westsuffolk_), including scheming choices helpers."""
from __future__ import annotations

from typing import Any

from westsuffolk_core import vocabularies
from westsuffolk_core.statuses import WORST_FIRST

from . import config

__all__ = [
    "westsuffolk_activity_release_notes",
    "westsuffolk_api_examples",
    "westsuffolk_atom_feed_url",
    "westsuffolk_dataset_summary",
    "westsuffolk_dataset_validation_status",
    "westsuffolk_facet_value_label",
    "westsuffolk_file_size",
    "westsuffolk_frequency_choices",
    "westsuffolk_la_function_choices",
    "westsuffolk_la_service_choices",
    "westsuffolk_last_updated",
    "westsuffolk_light_page",
    "westsuffolk_personal_data_choices",
    "westsuffolk_plain_query",
    "westsuffolk_provenance_choices",
    "westsuffolk_quality",
    "westsuffolk_release_notes",
    "westsuffolk_resource_format",
    "westsuffolk_site_title",
    "westsuffolk_sort_options",
    "westsuffolk_spatial_choices",
    "westsuffolk_table_preview",
    "westsuffolk_table_schema_choices",
    "westsuffolk_theme_choices",
    "westsuffolk_transparency_choices",
]


def _choices(mapping: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"value": value, "label": label[0] if isinstance(label, tuple) else label}
        for value, label in mapping.items()
    ]


def westsuffolk_site_title() -> str:
    return config.site_title()


def westsuffolk_frequency_choices(field: dict | None = None) -> list[dict[str, str]]:
    return _choices(vocabularies.UPDATE_FREQUENCIES)


def westsuffolk_theme_choices(field: dict | None = None) -> list[dict[str, str]]:
    return _choices(vocabularies.THEMES)


def westsuffolk_spatial_choices(field: dict | None = None) -> list[dict[str, str]]:
    return _choices(vocabularies.spatial_areas())


def westsuffolk_la_function_choices(field: dict | None = None) -> list[dict[str, str]]:
    """The LGA esd Functions list, by label (what data.gov.uk reads as `la_function`)."""
    return _choices(vocabularies.esd_functions())


def westsuffolk_la_service_choices(field: dict | None = None) -> list[dict[str, str]]:
    """The LGA esd Services list, by label (what data.gov.uk reads as `la_service`)."""
    return _choices(vocabularies.esd_services())


def westsuffolk_personal_data_choices(field: dict | None = None) -> list[dict[str, str]]:
    return _choices(vocabularies.PERSONAL_DATA)


def westsuffolk_provenance_choices(field: dict | None = None) -> list[dict[str, str]]:
    return _choices(vocabularies.DATA_PROVENANCE)


def _table_schema_descriptors() -> list[dict]:
    from westsuffolk_core import table_schemas

    return [d for d in table_schemas.list_schemas() if d.get("transparencyCode")]


def westsuffolk_transparency_choices(field: dict | None = None) -> list[dict[str, str]]:
    return [{"value": d["name"], "label": d["title"]} for d in _table_schema_descriptors()]


def westsuffolk_table_schema_choices(field: dict | None = None) -> list[dict[str, str]]:
    from westsuffolk_core import table_schemas

    return [
        {"value": f"{d['name']}@{d['version']}", "label": f"{d['title']} (version {d['version']})"}
        for d in table_schemas.list_schemas()
    ]



def westsuffolk_dataset_validation_status(pkg_dict: dict) -> str | None:
    """The worst validation status among a dataset's schema-bound resources (for listings)."""
    statuses = {r.get("validation_status") for r in pkg_dict.get("resources", []) if r.get("schema")}
    return next((str(status) for status in WORST_FIRST if status in statuses), None)


# ---- public pages: thin wrappers over pages.py, preview.py and facets.py ------------------------

def westsuffolk_light_page() -> bool:
    """True on the pages residents read: our CSS only, no JavaScript."""
    from . import pages

    return pages.is_light_page()


def westsuffolk_dataset_summary(pkg_dict: dict) -> dict:
    from . import pages

    return pages.dataset_summary(pkg_dict)


def westsuffolk_last_updated(pkg_dict: dict) -> str:
    from . import pages

    return pages.british_date(pages.last_updated(pkg_dict))


def westsuffolk_file_size(size: Any) -> str:
    from . import pages

    return pages.file_size(size)


def westsuffolk_resource_format(resource: dict) -> str:
    from . import pages

    return pages.resource_format(resource)


def westsuffolk_table_preview(resource: dict):
    from . import preview

    return preview.table_preview(resource)


def westsuffolk_api_examples(pkg_dict: dict) -> list[dict[str, str]]:
    from . import pages

    return pages.api_examples(pkg_dict)


def westsuffolk_atom_feed_url(pkg_dict: dict) -> str:
    from . import pages

    return pages.atom_feed_url(pkg_dict)


def westsuffolk_sort_options() -> tuple[tuple[str, str], ...]:
    from . import facets

    return facets.SORT_OPTIONS


def westsuffolk_facet_value_label(field: str, value: str) -> str:
    from . import facets

    return facets.value_label(field, value) or value


def westsuffolk_plain_query(q: str | None) -> str:
    from . import facets

    return facets.plain_query(q)


def westsuffolk_quality(pkg_dict: dict) -> Any:
    """The dataset's quality summary (westsuffolk_core.quality holds the rules and their documentation)."""
    from . import quality_scores

    return quality_scores.assess(pkg_dict)


def westsuffolk_release_notes(pkg_dict: dict) -> list[dict[str, Any]]:
    """What changed when each file was last replaced, newest first."""
    from . import release_notes

    return release_notes.of_dataset(pkg_dict)


def westsuffolk_activity_release_notes(activity: dict) -> list[dict[str, Any]]:
    """The release notes first written in this activity (not already in the one before it)."""
    from . import release_notes

    return release_notes.of_activity(activity)
