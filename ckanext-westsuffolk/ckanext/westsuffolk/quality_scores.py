"""Quality on the portal: the facts the CKAN-free westsuffolk_core.quality needs (does the portal publish
DCAT?) and the datasets the dashboard and the officers' page look at. Every scoring rule is in the core."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from westsuffolk_core import quality

__all__ = ["assess", "datasets"]

PAGE = 1000


def assess(pkg_dict: dict, today: dt.date | None = None) -> quality.Quality:
    return quality.assess(pkg_dict, today, dcat=p.plugin_loaded("dcat"))


def datasets(context: dict[str, Any], fq: str = "", include_private: bool = False) -> list[dict]:
    """Every dataset a search finds (public ones, or private ones too where the user may see them)."""
    found: list[dict] = []
    while True:
        page = tk.get_action("package_search")(dict(context), {
            "fq": fq, "rows": PAGE, "start": len(found), "sort": "title_string asc",
            "include_private": include_private})
        found += page["results"]
        if len(found) >= page["count"] or not page["results"]:
            return found
