"""Transparency Code deadlines on the portal: the public Transparency Code datasets, handed to the
CKAN-free westsuffolk_core.deadlines (which holds every rule), for /transparency, its Atom feed and the
action westsuffolk_transparency_status."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk

from westsuffolk_core import deadlines, table_schemas
from westsuffolk_core.dataset_fields import CATEGORY_FIELD

__all__ = ["public_code_datasets", "report"]

PAGE = 1000


def public_code_datasets() -> list[dict]:
    """Every public dataset naming a Transparency Code table, with its resources."""
    found: list[dict] = []
    while True:
        page = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": f"{CATEGORY_FIELD}:[* TO *]", "rows": PAGE, "start": len(found), "sort": "metadata_modified desc",
            "include_private": False})
        found += page["results"]
        if len(found) >= page["count"] or not page["results"]:
            return found


def report(today: dt.date | None = None, only: str | None = None, quarters: int = deadlines.QUARTERS_SHOWN,
           years: int = deadlines.YEARS_SHOWN, datasets: list[dict] | None = None) -> deadlines.Report:
    return deadlines.report(table_schemas.list_schemas(), public_code_datasets() if datasets is None else datasets,
                            today, quarters, years, only)
