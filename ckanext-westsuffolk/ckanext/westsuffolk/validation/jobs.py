"""Background checks: queued after a save (large uploads, links) and run by `ckan jobs worker`."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from rq import Retry
from rq.job import Callback

from westsuffolk_core import validation
from westsuffolk_core.statuses import LoadStatus

from . import files, records, store

log = logging.getLogger(__name__)
JOB_TITLE = "westsuffolk: validate resource {}"
# A check whose worker died (killed, out of memory, machine lost) is run again this many times, then
# marked as an error: never "pending" for ever. rq finds a dead worker's job once its heartbeat (90 s)
# has lapsed, at the next worker's start or maintenance pass.
RETRIES = 2
STOPPED = "The check of this file stopped before it finished, {tries} times (the portal's background worker stopped)."
STOPPED_FIX = "Upload the file again; if it happens again, ask the open data team to look at the worker's log."


def reindex(package_id: str) -> None:
    """Refresh a dataset in the search index so listings show its validation badges."""
    from ckan.lib import search

    search.rebuild(package_id)


def enqueue(resource: dict[str, Any]) -> None:
    store.write(resource, records.pending_record(resource))
    reindex(resource["package_id"])  # shown datasets come from the index: say "pending" there too
    tk.enqueue_job(validate_resource_job, [resource["id"]], title=JOB_TITLE.format(resource["id"]),
                   rq_kwargs={"timeout": 3600, "retry": Retry(max=RETRIES), "on_failure": Callback(check_stopped)})


def check_stopped(job, connection, exc_type, exc_value, traceback) -> None:
    """rq's failure callback: the job raised, timed out or was abandoned by a dead worker. While tries
    are left it runs again (the record stays pending); after the last one the record says what happened."""
    if job.retries_left:
        log.warning("validation job %s stopped (%s); it will run again", job.id, exc_type.__name__)
        return
    resource_id = job.args[0]
    record = store.read(resource_id)
    if record is None:
        return  # deleted meanwhile
    loading = dict(record.get("datastore") or {})
    if loading.get("status") == LoadStatus.LOADING:  # stopped while copying rows: the old table is kept
        loading.update(status=LoadStatus.FAILED, finished_at=records.now(), message=(
            "Loading into the DataStore stopped before it finished; the DataStore keeps the table it had. "
            + STOPPED_FIX))
        store.write({"id": resource_id}, {**record, "datastore": loading})
    if record.get("status") != records.PENDING:
        if loading.get("status") == LoadStatus.FAILED:
            _reindex_after_stop(resource_id)
        return  # checked already (the load was what stopped), or by a newer job
    stopped = validation.ValidationResult(
        status=records.ERROR, schema_ref=record.get("schema_ref"), validated_at=records.now(), error_count=1,
        issues=[validation.ValidationIssue(type="source-error", title="The check did not finish",
                                           message=STOPPED.format(tries=RETRIES + 1), fix=STOPPED_FIX)])
    store.write({"id": resource_id}, {**stopped.as_dict(), "fingerprint": record.get("fingerprint"),
                                      **({"datastore": loading} if loading else {})})
    _reindex_after_stop(resource_id)
    log.error("validation job %s for resource %s failed for good: %s", job.id, resource_id, exc_type.__name__)


def _reindex_after_stop(resource_id: str) -> None:
    """Listings and package_show read the status fields from the index: refresh the dataset's entry."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return
    reindex(resource["package_id"])


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
