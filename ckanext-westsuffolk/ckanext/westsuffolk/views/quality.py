"""/quality: how good the council's datasets are, per service area (public datasets); /quality/attention:
the officers' list of what needs their attention first (their own service areas' datasets, private ones
too; every dataset for sysadmins). The scores are worked out by westsuffolk_core.quality, whose module
documentation — the one description of the scoring — is shown on the dashboard."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from westsuffolk_core import quality

from .. import quality_scores
from ..validation import store

__all__ = ["quality_blueprint"]

quality_blueprint = Blueprint("westsuffolk_quality", __name__)


@dataclass
class Area:
    """One service area's datasets, summed up."""

    name: str
    title: str
    datasets: int = 0
    stars: int = 0
    with_schema: int = 0
    valid: int = 0
    scheduled: int = 0
    fresh: int = 0
    completeness: int = 0
    attention: int = 0
    star_counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(5), 0))

    def add(self, score: quality.Quality) -> None:
        self.datasets += 1
        self.stars += score.stars
        self.star_counts[score.stars] += 1
        self.with_schema += score.validity != quality.NO_SCHEMA
        self.valid += score.validity == quality.VALID
        self.scheduled += score.freshness in (quality.FRESH, quality.OVERDUE)
        self.fresh += score.freshness == quality.FRESH
        self.completeness += score.completeness
        self.attention += bool(score.attention)

    @property
    def average_stars(self) -> float:
        return round(self.stars / self.datasets, 1) if self.datasets else 0.0

    @property
    def average_completeness(self) -> int:
        return self.completeness // self.datasets if self.datasets else 0


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else None}


@quality_blueprint.route("/quality")
def index():
    areas: dict[str, Area] = {}
    total = Area("", tk._("All service areas"))
    for dataset in quality_scores.datasets({"ignore_auth": True}):
        organisation = dataset.get("organization") or {}
        key = organisation.get("name") or ""
        area = areas.setdefault(key, Area(key, organisation.get("title") or tk._("No service area")))
        score = quality_scores.assess(dataset)
        area.add(score)
        total.add(score)
    return tk.render("westsuffolk/quality/index.html", {
        "areas": sorted(areas.values(), key=lambda area: area.title.lower()), "total": total,
        "scoring": quality.__doc__})


def _editable_organisations(context: dict[str, Any]) -> list[dict] | None:
    """The service areas the officer edits for; None for a sysadmin (every one)."""
    try:
        tk.check_access("sysadmin", context)
    except tk.NotAuthorized:
        return tk.get_action("organization_list_for_user")(dict(context), {"permission": "create_dataset"})
    return None


@quality_blueprint.route("/quality/attention")
def attention():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.url_for("user.login", came_from=tk.url_for("westsuffolk_quality.attention")))
    context = _context()
    organisations = _editable_organisations(context)
    if organisations == []:
        return tk.render("westsuffolk/quality/attention.html", {"items": [], "organisations": []})
    fq = "" if organisations is None else "owner_org:(" + " OR ".join(f'"{o["id"]}"' for o in organisations) + ")"
    found = {d["id"]: d for d in quality_scores.datasets(context, fq, include_private=True)}
    allowed = None if organisations is None else {o["id"] for o in organisations}
    failing: dict[str, dict[str, str]] = defaultdict(dict)  # dataset id -> {resource id: status}
    for resource_id, package_id, status in store.failing():
        if package_id:
            failing[package_id][resource_id] = status
    for package_id, statuses in failing.items():  # the search index may not show the failed check yet
        try:
            dataset = tk.get_action("package_show")(dict(context), {"id": package_id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
        for resource in dataset.get("resources", []):  # the check as stored, whatever a cached copy says
            if resource.get("id") in statuses:
                resource["validation_status"] = statuses[resource["id"]]
        if allowed is None or dataset.get("owner_org") in allowed:
            found[package_id] = dataset
    items = []
    for dataset in found.values():
        score = quality_scores.assess(dataset)
        if score.attention:
            items.append({"dataset": dataset, "quality": score, "first": score.attention[0][0]})
    items.sort(key=lambda item: (item["first"], (item["dataset"].get("organization") or {}).get("title") or "",
                                 item["dataset"].get("title") or ""))
    counts: dict[int, int] = defaultdict(int)
    for item in items:
        for priority, _ in item["quality"].attention:
            counts[priority] += 1
    return tk.render("westsuffolk/quality/attention.html", {
        "items": items, "organisations": organisations, "counts": dict(counts)})
