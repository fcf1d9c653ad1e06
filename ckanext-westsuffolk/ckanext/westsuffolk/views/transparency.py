"""/transparency: what the Local Government Transparency Code 2015 asks of the council, and the
datasets that meet each obligation (one search, grouped by the dataset's Transparency Code category)."""
from __future__ import annotations

from collections import defaultdict

import ckan.plugins.toolkit as tk
from flask import Blueprint

from westsuffolk_core import table_schemas
from westsuffolk_core.dataset_fields import CATEGORY_FIELD

__all__ = ["transparency_blueprint"]

transparency_blueprint = Blueprint("westsuffolk_transparency", __name__)

FREQUENCY_ORDER = ("quarterly", "annual", "once")
FREQUENCY_HEADINGS = {"quarterly": "Published every quarter", "annual": "Published every year",
                      "once": "Published once"}


def transparency_datasets() -> dict[str, list[dict]]:
    """Public datasets by Transparency Code category, newest first."""
    result = tk.get_action("package_search")({}, {
        "fq": f"{CATEGORY_FIELD}:[* TO *]", "rows": 1000, "sort": "metadata_modified desc",
    })
    grouped: dict[str, list[dict]] = defaultdict(list)
    for dataset in result["results"]:
        grouped[dataset.get(CATEGORY_FIELD)].append(dataset)
    return grouped


@transparency_blueprint.route("/transparency")
def index():
    datasets = transparency_datasets()
    sections: dict[str, list[dict]] = defaultdict(list)
    for descriptor in table_schemas.list_schemas():
        code = descriptor.get("transparencyCode")
        if code:
            sections[code.get("frequency", "annual")].append(
                {"schema": descriptor, "obligation": code.get("obligation", ""),
                 "datasets": datasets.get(descriptor["name"], [])})
    ordered = [(FREQUENCY_HEADINGS.get(f, f), sections[f]) for f in FREQUENCY_ORDER if sections.get(f)]
    met = sum(1 for _, items in ordered for item in items if item["datasets"])
    total = sum(len(items) for _, items in ordered)
    return tk.render("westsuffolk/transparency.html", {"sections": ordered, "met": met, "total": total})
