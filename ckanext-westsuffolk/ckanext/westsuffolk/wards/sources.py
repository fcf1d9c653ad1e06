"""Which ward-level tables the ward pages use: public datasets with a resource naming a ward-level table
schema, as an anonymous visitor sees them (a comparison is the same for everyone who opens its link).

For each dataset and ward-level schema the latest resource (by its period) is used. It is left out,
with the reason shown, when it has not passed validation, its file is not (or not yet) what the DataStore
holds, or it cannot be read by the public; private datasets are never found at all.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

from westsuffolk_core import table_schemas
from westsuffolk_core.statuses import LoadStatus, Status
from westsuffolk_core.ward_level import PROPERTY, WardLevel, ward_level

from ..validation import records, store

__all__ = ["Table", "schema_levels", "tables"]

RESOURCE_SCHEMA_FIELD = "res_extras_schema"  # resources' `schema`, indexed (ckan.extra_resource_fields)
SEARCH_ROWS = 1000
SYNTHETIC = "synthetic"


@dataclass
class Table:
    """One ward-level table: a dataset's latest resource following a ward-level schema."""

    dataset: dict[str, Any]
    resource: dict[str, Any]
    schema_ref: str
    schema_title: str
    level: WardLevel
    left_out: str | None = None  # why its figures are not used (None: they are)
    report_url: str | None = None  # the validation report, when that is why

    @property
    def resource_id(self) -> str:
        return self.resource["id"]

    @property
    def synthetic(self) -> bool:
        return self.dataset.get("data_provenance") == SYNTHETIC

    @property
    def period(self) -> tuple[str | None, str | None]:
        return self.resource.get("period_start") or None, self.resource.get("period_end") or None

    @property
    def role(self) -> str:
        return self.level.role


@functools.cache
def schema_levels() -> dict[str, tuple[str, WardLevel]]:
    """"name@version" -> (schema title, WardLevel) of every version of every ward-level schema."""
    found = {}
    for latest in table_schemas.list_schemas():
        for version in table_schemas.versions(latest["name"]):
            descriptor = table_schemas.get_descriptor(latest["name"], version)
            if PROPERTY in descriptor:
                found[f"{latest['name']}@{version}"] = (descriptor.get("title") or latest["name"],
                                                        ward_level(descriptor))
    return found


def anonymous() -> dict[str, Any]:
    return {"user": "", "auth_user_obj": None, "ignore_auth": False}


def tables() -> list[Table]:
    """Every ward-level table on the portal, figures tables first, by title."""
    levels = schema_levels()
    if not levels:
        return []
    refs = " OR ".join(_phrase(ref) for ref in levels)
    result = tk.get_action("package_search")(anonymous(), {
        "fq": f"+{RESOURCE_SCHEMA_FIELD}:({refs})", "rows": SEARCH_ROWS, "include_private": False,
        "sort": "title_string asc",
    })
    found = []
    for dataset in result["results"]:
        if dataset.get("private") or dataset.get("state", "active") != "active":
            continue
        latest: dict[str, dict] = {}
        for resource in dataset.get("resources", []):
            ref = resource.get("schema")
            if ref in levels:
                name = ref.partition("@")[0]
                if name not in latest or _newer(resource, latest[name]):
                    latest[name] = resource
        for resource in latest.values():
            title, level = levels[resource["schema"]]
            table = Table(dataset=dataset, resource=resource, schema_ref=resource["schema"], schema_title=title,
                          level=level)
            _check(table)
            found.append(table)
    return found


def _newer(a: dict, b: dict) -> bool:
    def key(resource: dict) -> tuple:
        return (resource.get("period_end") or "", resource.get("period_start") or "", resource.get("created") or "")
    return key(a) > key(b)


def _check(table: Table) -> None:
    """Say why a table is left out, if it is."""
    resource = table.resource
    try:
        tk.check_access("resource_show", anonymous(), {"id": resource["id"]})
        tk.check_access("datastore_search", anonymous(), {"resource_id": resource["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound, KeyError):
        table.left_out = "Its latest file is not public."
        return
    record = store.read(resource["id"]) or {}
    status = record.get("status", Status.PENDING)
    label = resource.get("name") or "the latest file"
    if status != Status.SUCCESS:
        table.report_url = tk.url_for("westsuffolk_validation.report", id=table.dataset["name"],
                                      resource_id=resource["id"])
        if status == Status.PENDING:
            table.left_out = f"Its latest file ({label}) is still being checked."
        else:
            count = record.get("error_count") or 0
            problems = f"{count:,} problem{'s' if count != 1 else ''}" if count else "a problem"
            table.left_out = (f"Its latest file ({label}) did not pass validation ({problems}), so its figures "
                              "are not used.")
        return
    load = records.load_status(record)
    if load in (LoadStatus.PENDING, LoadStatus.LOADING):
        table.left_out = f"Its latest file ({label}) is still being loaded into the DataStore."
        return
    if load != LoadStatus.LOADED:
        # the DataStore may still hold an earlier file's table: its figures are not this file's
        why = ((record.get("datastore") or {}).get("message") or "").strip()
        table.left_out = (f"Its latest file ({label}) is not in the DataStore, so its figures cannot be added up."
                          + (f" {why}" if why else ""))
        table.report_url = tk.url_for("westsuffolk_validation.report", id=table.dataset["name"],
                                      resource_id=resource["id"])
        return
    if not resource.get("datastore_active"):
        table.left_out = f"Its latest file ({label}) is not in the DataStore yet, so its figures cannot be added up."


def _phrase(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
