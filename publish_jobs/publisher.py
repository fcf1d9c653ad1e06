"""Bring the portal in line with one asset: diff what is there with what should be, then apply.

Order of writes (so nothing half-published is ever public, and a rerun after a crash converges):
  1. organisation (if missing); 2. new dataset, private; 3. upload the period's file with an empty hash;
  4. wait for the portal's own check and its DataStore load of the file (the portal loads every checked
     table, with the types of its table schema, in one transaction: the same table an officer's upload of
     the same file gets); 5. resource hash set (the "this resource is complete" mark), with the release
     note: what changed, row by row, against the table as it was before step 3 (release_notes);
  6. one package_patch: changed fields, and private=False.
If the portal refuses a step after a new dataset was created in this run, that dataset is removed.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from westsuffolk_core.dataset_fields import ASSET_ID_FIELD
from westsuffolk_core.personal_data import AllowList
from westsuffolk_core.statuses import LoadStatus, Status

from . import release_notes
from .crash import crash_point
from .dataset_fields import (
    changed_fields,
    dataset_fields,
    fallback_name,
    resource_fields,
    upload_name,
)
from .portal import AuthFailed, NotOnPortal, Portal, PortalRefused
from .prepare import HIDE, PUBLISH, REFUSE, PreparedTable, decide, prepare
from .problems import AssetBlocked, Problem, RunStopped
from .register import Asset
from .settings import HASH_PREFIX, VALIDATION_WAIT_SECONDS

log = logging.getLogger(__name__)
SEARCH_PAGE = 1000
ALLOW_LIST_ACTION = "westsuffolk_personal_data_allowed_list"
VALIDATION_POLL_SECONDS = 1.0
PENDING = (Status.PENDING, "", None)
LOADING = (LoadStatus.PENDING, LoadStatus.LOADING)
RUN_CHECK_ACTION = "westsuffolk_resource_validation_run"
CHECK_SHOW_ACTION = "westsuffolk_resource_validation_show"

CREATED, UPDATED, UNCHANGED, HIDDEN, SKIPPED, FAILED, PLANNED = (
    "created", "updated", "unchanged", "hidden", "skipped", "failed", "would change")


class StillChecking(PortalRefused):
    """The portal is still checking an upload in the background: not a refusal."""


@dataclass
class AssetResult:
    asset_id: str
    title: str = ""
    outcome: str = SKIPPED
    message: str = ""
    dataset: str | None = None
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    writes: int = 0
    rows: int | None = None
    release_note: str = ""  # written on the resource when its file was replaced
    release_changes: dict | None = None  # the row-level diff, every key

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "problems"}
        data["problems"] = [problem.as_dict() for problem in self.problems]
        return data


@dataclass
class Changes:
    """The difference between the portal and the register for one publishable asset."""

    package: dict | None
    name: str
    wanted: dict
    resource: dict | None
    new_org: bool = False
    metadata: dict = field(default_factory=dict)
    upload: bool = False
    reload_datastore: bool = False
    duplicates: list[str] = field(default_factory=list)
    publish: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.package is None or self.new_org or self.metadata or self.upload
                    or self.reload_datastore or self.duplicates or self.publish)

    def describe(self) -> list[str]:
        lines = []
        if self.new_org:
            lines.append(f"create organisation {self.wanted['owner_org']}")
        if self.package is None:
            lines.append(f"create dataset {self.name} (private until complete)")
        elif self.metadata:
            lines.append(f"update dataset fields: {', '.join(sorted(self.metadata))}")
        if self.upload:
            lines.append(("replace" if self.resource else "add") + " file and DataStore table")
        elif self.reload_datastore:
            lines.append("reload DataStore table")
        if self.duplicates:
            lines.append(f"remove {len(self.duplicates)} duplicate file(s) left by an interrupted run")
        if self.publish:
            lines.append("make public")
        return lines


def diff(asset: Asset, table: PreparedTable, package: dict | None, portal_url: str,
         organisations: set[str]) -> Changes:
    """Pure: what must change on the portal for this asset (no calls)."""
    resources = [r for r in (package or {}).get("resources", []) if r.get("name") == asset.period]
    others = [r for r in (package or {}).get("resources", []) if r.get("name") != asset.period]
    wanted = dataset_fields(asset, table, portal_url, others)
    resource = resources[0] if resources else None
    changes = Changes(package=package, name=package["name"] if package else fallback_name(asset),
                      wanted=wanted, resource=resource, duplicates=[r["id"] for r in resources[1:]])
    changes.new_org = wanted["owner_org"] not in organisations
    if package is not None:
        changes.metadata = changed_fields(wanted, package)
    complete = resource is not None and resource.get("hash") == HASH_PREFIX + table.sha256
    changes.upload = not complete or _resource_fields_differ(resource, asset, table)
    changes.reload_datastore = complete and not resource.get("datastore_active")
    changes.publish = package is None or bool(package.get("private"))
    return changes


def _resource_fields_differ(resource: dict | None, asset: Asset, table: PreparedTable) -> bool:
    if resource is None:
        return True
    wanted = resource_fields(asset, table)
    wanted.pop("description")  # carries the row count, which the hash already covers
    return any(str(resource.get(key) or "") != value for key, value in wanted.items())


class Publisher:
    def __init__(self, portal: Portal, extracts_root: Path, *, dry_run: bool = False,
                 validation_wait: float = VALIDATION_WAIT_SECONDS):
        self.portal = portal
        self.extracts_root = Path(extracts_root)
        self.dry_run = dry_run
        self.validation_wait = validation_wait
        self._packages: dict[str, dict] | None = None
        self._organisations: set[str] | None = None
        self._allow: AllowList | None = None

    # ---- what is on the portal (read calls only) ----
    def packages(self, refresh: bool = False) -> dict[str, dict]:
        """Every dataset that carries an asset register id, private ones included, by that id."""
        if self._packages is None or refresh:
            found, start = {}, 0
            while True:
                page = self.portal.read("package_search", fq=f"{ASSET_ID_FIELD}:[* TO *]", include_private=True,
                                        rows=SEARCH_PAGE, start=start, sort="metadata_created asc")
                for package in page["results"]:
                    found.setdefault(package.get(ASSET_ID_FIELD), package)
                start += SEARCH_PAGE
                if start >= page["count"]:
                    break
            self._packages = found
        return self._packages

    def allow_list(self) -> AllowList:
        """The portal's personal-data allow-list: the jobs check outgoing files exactly as the portal does."""
        if self._allow is None:
            self._allow = AllowList.from_dicts(self.portal.read(ALLOW_LIST_ACTION))
        return self._allow

    def organisations(self) -> set[str]:
        if self._organisations is None:
            self._organisations = set(self.portal.read("organization_list"))
        return self._organisations

    def find_package(self, asset: Asset) -> dict | None:
        package = self.packages().get(asset.asset_id)
        if package is not None:
            return package
        try:  # not in the search index yet: the deterministic name is the fallback
            package = self.portal.read("package_show", id=fallback_name(asset))
        except NotOnPortal:
            return None
        return package if package.get(ASSET_ID_FIELD) in (asset.asset_id, None, "") else None

    # ---- one asset ----
    def process(self, asset: Asset) -> AssetResult:
        result = AssetResult(asset_id=asset.asset_id, title=asset.title)
        writes_before = self.portal.writes
        try:
            decision = decide(asset)
            result.message = decision.reason
            if decision.action == PUBLISH:
                self._publish(asset, result)
            elif decision.action in (HIDE, REFUSE):
                self._hide(asset, result)
                if decision.action == REFUSE:  # approved with personal data: an error in the register
                    result.outcome = FAILED
                    result.problems.append(Problem(decision.reason, asset_id=asset.asset_id, row=asset.row,
                                                   column="personal_data", source="register"))
        except AssetBlocked as blocked:
            result.outcome = FAILED
            result.problems += [_locate(problem, asset) for problem in blocked.problems]
            result.message = "Not published: " + str(result.problems[0])
        except PortalRefused as refused:
            result.outcome = FAILED
            result.message = str(refused)
            result.problems.append(Problem(str(refused), asset_id=asset.asset_id, source="portal"))
        except RunStopped:
            raise
        except Exception as error:  # one asset's surprise must not stop the others
            log.exception("Unexpected error publishing %s", asset.asset_id)
            result.outcome = FAILED
            result.message = f"Not published: unexpected error ({error.__class__.__name__}: {error})."
            result.problems.append(Problem(result.message, asset_id=asset.asset_id))
        result.writes = self.portal.writes - writes_before
        return result

    def _hide(self, asset: Asset, result: AssetResult) -> None:
        """Withdrawn (or refused) assets: private on the portal, logged, never deleted."""
        package = self.find_package(asset)
        if package is None:
            result.outcome = SKIPPED
            return
        result.dataset = package["name"]
        if package.get("private"):
            result.outcome = UNCHANGED
            return
        result.changes.append("make private (never deleted)")
        if self.dry_run:
            result.outcome = PLANNED
            return
        self.portal.write("package_patch", id=package["id"], private=True)
        result.outcome = HIDDEN
        log.warning("%s made private: %s", asset.asset_id, result.message)

    def _publish(self, asset: Asset, result: AssetResult) -> None:
        table = prepare(asset, self.extracts_root, self.allow_list())
        result.rows = table.row_count
        package = self.find_package(asset)
        changes = diff(asset, table, package, self.portal.url, self.organisations())
        result.dataset = changes.name
        result.changes = changes.describe() + [f"note: {note}" for note in table.notes]
        if changes.nothing:
            result.outcome = UNCHANGED
            result.message = "Already up to date."
            return
        if self.dry_run:
            result.outcome = PLANNED
            return
        release = self._apply(asset, table, changes)
        if release is not None:
            result.release_note, result.release_changes = release.note, release.changes
        result.outcome = CREATED if package is None else UPDATED
        result.message = "Published." if package is None else "Updated."

    # ---- writes ----
    def _apply(self, asset: Asset, table: PreparedTable, changes: Changes) -> release_notes.Release | None:
        write = self.portal.write
        if changes.new_org:
            write("organization_create", name=changes.wanted["owner_org"], title=asset.service_area,
                  description=f"Data published by West Suffolk Council's {asset.service_area} service area.")
            self.organisations().add(changes.wanted["owner_org"])
        package = changes.package
        if package is None:
            package = write("package_create", name=changes.name, private=True, **changes.wanted)
            crash_point("after-dataset-create")
            try:
                return self._fill(asset, table, changes, package)
            except StillChecking:
                raise  # not refused: the next run finishes it
            except (PortalRefused, AssetBlocked):
                self.discard(package)
                raise
        return self._fill(asset, table, changes, package)

    def discard(self, package: dict) -> None:
        """A dataset this run created but could not complete is removed: a failed asset leaves nothing
        behind (purged where the token may; otherwise deleted, which hides it everywhere)."""
        try:
            self.portal.write("dataset_purge", id=package["id"])
        except AuthFailed:
            self.portal.write("package_delete", id=package["id"])
        log.warning("removed the incomplete dataset %s", package["name"])

    def _fill(self, asset: Asset, table: PreparedTable, changes: Changes,
              package: dict) -> release_notes.Release | None:
        write = self.portal.write
        for duplicate in changes.duplicates:
            write("resource_delete", id=duplicate)
        resource = changes.resource
        earlier = None  # the rows the new file replaces, read before the portal loads it (for the release note)
        if changes.upload:
            earlier = release_notes.before(self.portal.read, resource, table.schema)
            resource = self._upload(asset, table, package, resource)
        elif changes.reload_datastore:  # the table went missing: the portal checks and loads the file again
            write(RUN_CHECK_ACTION, id=resource["id"])
        if changes.upload or changes.reload_datastore:
            self.await_portal(resource["id"])
        release = None
        if changes.upload:  # the hash marks the resource complete; the release note goes with it
            release = release_notes.Release.of(table.schema, table.csv_bytes, table.row_count, earlier)
            write("resource_patch", id=resource["id"], hash=HASH_PREFIX + table.sha256, **release.fields)
        patch = dict(changes.metadata)
        if changes.publish:
            patch["private"] = False
        if patch:
            crash_point("before-publish")
            write("package_patch", id=package["id"], **patch)
        return release

    def _upload(self, asset: Asset, table: PreparedTable, package: dict, resource: dict | None) -> dict:
        fields = resource_fields(asset, table)
        fields["hash"] = ""  # set only once the DataStore holds the rows too
        upload = (upload_name(package["name"], asset), table.csv_bytes, lambda: crash_point("mid-upload"))
        if resource is None:
            created = self.portal.write("resource_create", package_id=package["id"], upload=upload, **fields)
        else:
            created = self.portal.write("resource_patch", id=resource["id"], upload=upload, **fields)
        crash_point("after-upload")
        return created

    def await_portal(self, resource_id: str) -> None:
        """The portal checks uploads and loads them into its DataStore itself (in the background for
        large files): wait for both verdicts."""
        deadline = time.monotonic() + self.validation_wait
        while True:
            crash_point("mid-datastore")
            resource = self.portal.read("resource_show", id=resource_id)
            status, loaded = resource.get("validation_status"), resource.get("datastore_load_status")
            if status not in PENDING and loaded not in LOADING:
                break
            if time.monotonic() > deadline:
                raise StillChecking("The portal has not finished checking and loading the file; it stays private "
                                    "and the next run will try again.")
            time.sleep(VALIDATION_POLL_SECONDS)
        if status in (Status.FAILURE, Status.ERROR):
            raise PortalRefused(f"The portal's own check of the file ended in {status} "
                                f"({resource.get('validation_error_count') or 0} problems); it stays private.")
        if loaded != LoadStatus.LOADED:
            record = self.portal.read(CHECK_SHOW_ACTION, id=resource_id)
            raise PortalRefused("The portal did not load the file into its DataStore: "
                                f"{(record.get('datastore') or {}).get('message') or loaded}")


def _locate(problem: Problem, asset: Asset) -> Problem:
    """Problems from the register carry the register row; others keep the extract's row."""
    row = problem.row if problem.row is not None or problem.source != "register" else asset.row
    return Problem(problem.message, asset_id=asset.asset_id, row=row, column=problem.column, source=problem.source)
