"""/what-the-council-holds: the Information Asset Register as the publish jobs publish it (the dataset
information-asset-register, read from its DataStore table), with search. Each published asset links to
its dataset; each held-back asset says why in plain words. Only what the published table holds is shown,
and the table has no personal or private column (publish_jobs/register_table.py).

The page checks again what it shows: a title, description or reason that names a person or gives contact
details (the portal's detectors and allow-list, as the publish jobs use them) is withheld, and so is a
row's status the page does not know; officers are told which asset and column to correct."""
from __future__ import annotations

from collections import Counter
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

from westsuffolk_core.dataset_fields import ASSET_ID_FIELD, REGISTER_DATASET, REGISTER_TABLE_SCHEMA
from westsuffolk_core.personal_data import AllowList

from ..validation import allow_list

__all__ = ["register_blueprint"]

register_blueprint = Blueprint("westsuffolk_register", __name__)

STATUS_LABELS = {  # the published table's publication_status values
    "published": "Published", "approved": "Approved, not yet published", "under_review": "Under review",
    "not_for_publication": "Not published", "withdrawn": "Withdrawn",
}
SEARCHED = ("asset_id", "title", "description", "service_area", "reason_not_published")
PAGE = 1000
MAX_QUERY = 200
CHECKED = {"title": "title", "description": "description", "reason_not_published": "reason"}  # column -> word
WITHHELD = "(withheld until the register entry is corrected)"


def _register() -> tuple[dict | None, dict | None]:
    """The public register dataset and its table resource (held in the DataStore), or None."""
    try:
        dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": REGISTER_DATASET})
    except tk.ObjectNotFound:
        return None, None
    if dataset.get("private") or dataset.get("state") != "active":
        return None, None
    resource = next((r for r in dataset.get("resources", [])
                     if (r.get("schema") or "").startswith(REGISTER_TABLE_SCHEMA + "@") and r.get("datastore_active")),
                    None)
    return dataset, resource


def _rows(resource_id: str) -> list[dict]:
    rows: list[dict] = []
    while True:
        page = tk.get_action("datastore_search")({"ignore_auth": True}, {
            "resource_id": resource_id, "limit": PAGE, "offset": len(rows), "sort": "asset_id"})
        rows += page["records"]
        if len(page["records"]) < PAGE:
            return rows


def _public_datasets() -> dict[str, str]:
    """asset id -> name of its public dataset: links go to what is really public now."""
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": f"{ASSET_ID_FIELD}:[* TO *]", "rows": PAGE, "include_private": False})
    return {d.get(ASSET_ID_FIELD): d["name"] for d in found["results"] if d.get(ASSET_ID_FIELD)}


def _matches(row: dict[str, Any], words: list[str]) -> bool:
    text = " ".join(str(row.get(name) or "") for name in SEARCHED).lower()
    return all(word in text for word in words)


def _withhold_personal(row: dict[str, Any], allowed: AllowList) -> list[str]:
    """Blank out any column that names a person or gives contact details; the columns' words, for officers."""
    found = []
    for column, word in CHECKED.items():
        text = str(row.get(column) or "")
        if text and allowed.findings(text, payee=True, asset_id=row.get("asset_id")):
            row[column] = WITHHELD
            found.append(word)
    return found


@register_blueprint.route("/what-the-council-holds")
def index():
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    status = request.args.get("status") or ""
    if status not in STATUS_LABELS:
        status = ""
    dataset, resource = _register()
    rows: list[dict] = []
    unknown: list[str] = []
    withheld: list[tuple[str, list[str]]] = []  # (asset id, the columns withheld)
    if resource is not None:
        rows = _rows(resource["id"])
        public = _public_datasets()
        allowed = allow_list.active()
        for row in rows:
            columns = _withhold_personal(row, allowed)
            if columns:
                withheld.append((row.get("asset_id") or "?", columns))
            row["status_label"] = STATUS_LABELS.get(row.get("publication_status"), tk._("Status not recognised"))
            if row.get("publication_status") not in STATUS_LABELS:
                unknown.append(row.get("asset_id") or "?")
            row["dataset_name"] = public.get(row.get("asset_id"))
    counts = Counter(row.get("publication_status") for row in rows)
    words = query.lower().split()
    shown = [row for row in rows if (not status or row.get("publication_status") == status) and _matches(row, words)]
    return tk.render("westsuffolk/register/index.html", {
        "dataset": dataset, "resource": resource, "rows": shown, "total": len(rows), "counts": counts,
        "labels": STATUS_LABELS, "q": query, "status": status, "unknown": unknown,
        "withheld": withheld})
