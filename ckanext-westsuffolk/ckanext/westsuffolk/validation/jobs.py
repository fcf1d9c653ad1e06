"""Background checks: queued after a save (large uploads, links) and run by `ckan jobs worker`."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from . import files, records, store

log = logging.getLogger(__name__)
JOB_TITLE = "westsuffolk: validate resource {}"


def reindex(package_id: str) -> None:
    """Refresh a dataset in the search index so listings show its validation badges."""
    from ckan.lib import search

    search.rebuild(package_id)


def enqueue(resource: dict[str, Any]) -> None:
    store.write(resource, records.pending_record(resource))
    reindex(resource["package_id"])  # shown datasets come from the index: say "pending" there too
    tk.enqueue_job(validate_resource_job, [resource["id"]], title=JOB_TITLE.format(resource["id"]),
                   rq_kwargs={"timeout": 3600})


def validate_resource_job(resource_id: str) -> str:
    """Background job: validate one resource and refresh its dataset in the search index."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    record = files.validate_stored(resource)
    if records.found_personal_data(record):
        withdraw(context, resource, record)
    from ..loading import load as loading  # (the loader records its own status under the check's)

    loading.load(resource)
    reindex(resource["package_id"])
    log.info("validated resource %s: %s", resource_id, record["status"])
    return record["status"]


def withdraw(context: dict, resource: dict[str, Any], record: dict[str, Any]) -> None:
    """Personal data found after the file was saved (a large upload or a link): a public dataset is
    made private at once, and the report says so."""
    package = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    if package.get("private"):
        return
    tk.get_action("package_patch")(dict(context), {"id": package["id"], "private": True})
    record.setdefault("warnings", []).insert(0, (
        f"Personal data was found in this file after it was published, so the dataset was made private on "
        f"{records.now()[:10]}. Remove the personal data, upload the file again and make the dataset public."))
    store.write(resource, record)
    log.warning("dataset %s made private: personal data found in resource %s", package["name"], resource["id"])
