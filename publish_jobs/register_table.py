"""The Information Asset Register, published: what the council holds, and why some of it is not.

Every run (and every plan) brings the dataset `information-asset-register` in line with the register:
one table, schema `information-assets` (the LGA's local government inventory fields where they fit),
with a row per register asset — its id, title, description, owning service, update frequency, area,
when its entry was last reviewed, its publication status as the portal shows it (`published` when its
dataset is public) and, when it is not published, the reason in plain words: the register's own
`reason_not_published`, or one worked out from the status and the personal data column. Published
assets carry their licence, table schema and dataset address.

Never in it: the register's owner roles, mailboxes, source systems, extract locations, retention and
personal data columns. A title, description or reason that names a person or gives contact details
(the portal's own detectors and allow-list) is withheld, and the officers are told which asset and
column to correct; the table is checked against its schema before it goes out, like any extract.
Register rows with problems (an unknown status, say) are left out until corrected: the run reports them.

Held-back assets are rows of this one table, not catalogue records of their own. data.gov.uk's old
`unpublished` extra made a dataset record for data that exists but is not published; here such a
record would be a dataset with no file — a zero-star result in every search, in the DCAT catalogue and
in the quality dashboard, with its title and reason kept in a second place. One table lists them
all, in one place, with one rule for what may be said about them, and data.gov.uk harvests it as it
does any dataset.
"""
from __future__ import annotations

import hashlib
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from westsuffolk_core import vocabularies
from westsuffolk_core.dataset_fields import REGISTER_DATASET, REGISTER_TABLE_SCHEMA
from westsuffolk_core.personal_data import AllowList
from westsuffolk_core.schema_urls import SCHEMA_TYPE, schema_url

from . import release_notes, table_check
from .dataset_fields import changed_fields, slug
from .portal import NotOnPortal, PortalRefused
from .prepare import to_csv
from .problems import AssetBlocked, Problem
from .publisher import CREATED, FAILED, PLANNED, UNCHANGED, UPDATED, AssetResult, Publisher
from .register import Asset, Register
from .settings import DEFAULT_THEME, HASH_PREFIX, PUBLISHABLE_PERSONAL_DATA, SYNTHETIC_NOTE

log = logging.getLogger(__name__)

SCHEMA_NAME, DATASET_NAME = REGISTER_TABLE_SCHEMA, REGISTER_DATASET
RESULT_ID = "register"  # how the run report names this result
TITLE = "Information asset register: what the council holds"
RESOURCE_NAME = "Information asset register"
SERVICE_AREA = "Information Governance"
CONTACT_NAME, CONTACT_EMAIL = "Information Governance Team", "opendata@westsuffolk.gov.uk"
KEYWORDS = "information asset register,open data,transparency"
NOTES = ("Every information asset West Suffolk Council holds, from its Information Asset Register: what it is, "
         "which service owns it, how often it changes, whether it is published and, if it is not, why. Published "
         "assets link to their datasets. The publish jobs keep it current from the register. The register's "
         "owners and contact mailboxes are not included.")

PUBLISHED, APPROVED = "published", "approved"
REASONS = {  # when the register gives none
    "personal": "It holds personal data about individuals, which the council does not publish.",
    "special_category": "It holds special category personal data (such as health information) about individuals, "
                        "which the council does not publish.",
    APPROVED: "Approved for publication; not on the portal yet.",
    "under_review": "Under review before a decision on publication.",
    "withdrawn": "Withdrawn from publication.",
    "not_for_publication": "Not for publication; the reason is being recorded.",
}
WITHHELD = {"title": "Title withheld until the register entry is corrected",
            "description": "Description withheld until the register entry is corrected."}


@dataclass
class RegisterTable:
    rows: list[dict]
    schema_ref: str
    schema: dict
    csv_bytes: bytes = b""
    sha256: str = ""
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # for officers; the table still goes out

    def __post_init__(self) -> None:
        header = [f["name"] for f in self.schema["fields"]]
        self.csv_bytes = to_csv(header, [[row.get(name, "") for name in header] for row in self.rows])
        self.sha256 = hashlib.sha256(self.csv_bytes).hexdigest()
        self.row_count = len(self.rows)


def _personal(text: str, allow: AllowList) -> bool:
    """Contact details, or a person named with a title ("Mrs Jane Smith"), that are not allowed."""
    return bool(text) and bool(allow.findings(text, payee=True))


def _status_and_reason(asset: Asset, public: bool) -> tuple[str, str]:
    """What the portal shows for the asset, and the reason when it is not published (none given)."""
    if public:
        return PUBLISHED, ""
    status = asset.publication_status
    if asset.personal_data not in PUBLISHABLE_PERSONAL_DATA:  # never published, even if approved by mistake
        return ("not_for_publication" if status == APPROVED else status), REASONS[asset.personal_data]
    return status, REASONS.get(status, REASONS["not_for_publication"])


def row_of(asset: Asset, public_name: str | None, portal_url: str, allow: AllowList,
           problems: list[Problem]) -> dict:
    """One asset as published: nothing personal, nothing private."""
    def problem(column: str, message: str) -> None:
        problems.append(Problem(message, asset_id=asset.asset_id, row=asset.row, column=column, source="register"))

    status, reason = _status_and_reason(asset, public_name is not None)
    given = (asset.values.get("reason_not_published") or "").strip()
    if given and status != PUBLISHED:
        if _personal(given, allow):
            problem("reason_not_published", "This reason seems to name a person or give contact details, so the "
                                            "published register shows a general reason instead. Say why in plain "
                                            "words without names (for example 'Holds personal data about applicants').")
        else:
            reason = given
    elif status == "not_for_publication" and asset.personal_data in PUBLISHABLE_PERSONAL_DATA:
        problem("reason_not_published", "Say why this asset is not published (for example 'Commercial confidence'); "
                                        "until then the published register says the reason is being recorded.")
    row = {
        "asset_id": asset.asset_id, "title": asset.title, "description": asset.description,
        "service_area": asset.service_area, "publication_status": status, "reason_not_published": reason,
        "update_frequency": asset.update_frequency, "spatial_coverage": ";".join(asset.spatial_list),
        "licence": "", "conforms_to": "", "dataset_url": "", "last_reviewed": asset.last_reviewed,
    }
    for column in ("title", "description"):
        if _personal(row[column], allow):
            row[column] = WITHHELD[column]
            problem(column, f"The {column} seems to name a person or give contact details, so the published register "
                            "withholds it. Reword it without names or contact details.")
    if status == PUBLISHED:
        row.update(licence=asset.licence_id, dataset_url=f"{portal_url}/dataset/{public_name}",
                   conforms_to=_schema_address(asset, portal_url))
    return row


def _schema_address(asset: Asset, portal_url: str) -> str:
    if not asset.values.get("table_schema"):
        return ""
    try:
        ref, _ = table_check.resolve_schema(asset.table_schema)
    except AssetBlocked:
        return ""
    return schema_url(portal_url, *ref.split("@"))


def build(register: Register, public: dict[str, str], portal_url: str, allow: AllowList) -> RegisterTable:
    """The published register from the register's good rows; `public`: asset id -> public dataset name."""
    ref, schema = table_check.resolve_schema(SCHEMA_NAME)
    problems: list[Problem] = []
    rows = [row_of(asset, public.get(asset.asset_id), portal_url.rstrip("/"), allow, problems)
            for asset in sorted(register.assets, key=lambda a: a.asset_id)]
    if register.blocked_ids:
        problems.append(Problem(f"{len(register.blocked_ids)} register row(s) are left out of the published register "
                                "until their problems (listed above) are corrected.", source="register"))
    table = RegisterTable(rows, ref, schema, problems=problems)
    with tempfile.TemporaryDirectory(prefix="westsuffolk-register-") as folder:
        path = Path(folder) / f"{SCHEMA_NAME}.csv"
        path.write_bytes(table.csv_bytes)
        refused, _ = table_check.check_file(path, ref, [asset.row for asset in
                                                        sorted(register.assets, key=lambda a: a.asset_id)],
                                            allow, "")
    if refused:
        raise AssetBlocked(refused)
    return table


def dataset_fields(table: RegisterTable, register: Register, portal_url: str) -> dict:
    synthetic = bool(register.assets) and all(a.data_provenance == "synthetic" for a in register.assets)
    reviewed = sorted(row["last_reviewed"] for row in table.rows) or [""]
    name, version = table.schema_ref.split("@")
    return {
        "title": TITLE, "notes": f"{NOTES}\n\n{SYNTHETIC_NOTE}" if synthetic else NOTES,
        "owner_org": slug(SERVICE_AREA), "license_id": "uk-ogl", "contact_name": CONTACT_NAME,
        "contact_email": CONTACT_EMAIL, "update_frequency": "irregular", "temporal_start": reviewed[0],
        "temporal_end": reviewed[-1], "spatial_coverage": [vocabularies.DISTRICT_GSS_CODE], "theme": [DEFAULT_THEME],
        "personal_data": "none", "tag_string": KEYWORDS, "data_provenance": "synthetic" if synthetic else "official",
        "schema_url": schema_url(portal_url, name, version), "schema_type": SCHEMA_TYPE,
    }


def resource_fields(table: RegisterTable) -> dict:
    return {"name": RESOURCE_NAME, "format": "CSV", "schema": table.schema_ref,
            "description": f"Information assets: what the council holds ({table.row_count} assets)."}


def publish(publisher: Publisher, register: Register) -> AssetResult:
    """Bring the register dataset in line with the register (a plan when the publisher is a dry run)."""
    portal = publisher.portal
    result = AssetResult(asset_id=RESULT_ID, title=TITLE, dataset=DATASET_NAME)
    writes_before = portal.writes
    try:
        public = {asset_id: package["name"] for asset_id, package in publisher.packages(refresh=True).items()
                  if not package.get("private")}
        table = build(register, public, portal.url, publisher.allow_list())
        result.rows, result.problems = table.row_count, list(table.problems)
        _publish(publisher, table, register, result)
    except AssetBlocked as blocked:
        result.outcome, result.problems = FAILED, result.problems + blocked.problems
        result.message = "The published register was not updated: " + str(blocked.problems[0])
    except PortalRefused as refused:
        result.outcome, result.message = FAILED, str(refused)
        result.problems.append(Problem(str(refused), source="portal"))
    result.writes = portal.writes - writes_before
    return result


def _publish(publisher: Publisher, table: RegisterTable, register: Register, result: AssetResult) -> None:
    portal, write = publisher.portal, publisher.portal.write
    try:
        package = portal.read("package_show", id=DATASET_NAME)
    except NotOnPortal:
        package = None
    wanted = dataset_fields(table, register, portal.url)
    resource = next((r for r in (package or {}).get("resources", []) if r.get("name") == RESOURCE_NAME), None)
    new_org = wanted["owner_org"] not in publisher.organisations()
    metadata = changed_fields(wanted, package) if package else {}
    upload = resource is None or resource.get("hash") != HASH_PREFIX + table.sha256 or any(
        str(resource.get(key) or "") != value for key, value in resource_fields(table).items() if key != "description")
    go_public = package is None or bool(package.get("private"))
    result.changes = [line for line, needed in (
        (f"create organisation {wanted['owner_org']}", new_org), (f"create dataset {DATASET_NAME}", package is None),
        (f"update dataset fields: {', '.join(sorted(metadata))}", bool(metadata)),
        ("replace the register table" if resource else "add the register table", upload),
        ("make public", go_public)) if needed]
    if not result.changes:
        result.outcome, result.message = UNCHANGED, "Already up to date."
        return
    if publisher.dry_run:
        result.outcome = PLANNED
        return
    if new_org:
        write("organization_create", name=wanted["owner_org"], title=SERVICE_AREA,
              description=f"Data published by West Suffolk Council's {SERVICE_AREA} service area.")
        publisher.organisations().add(wanted["owner_org"])
    created = package is None
    if created:
        package = write("package_create", name=DATASET_NAME, private=True, **wanted)
    try:
        if upload:
            uploaded = {"package_id": package["id"]} if resource is None else {"id": resource["id"]}
            earlier = release_notes.before(portal.read, resource, table.schema)  # before the portal reloads it
            resource = write("resource_create" if resource is None else "resource_patch",
                             upload=(f"{DATASET_NAME}.csv", table.csv_bytes, None), hash="",
                             **uploaded, **resource_fields(table))
            publisher.await_portal(resource["id"])  # the portal checks the file and loads its DataStore table
            release = release_notes.Release.of(table.schema, table.csv_bytes, table.row_count, earlier)
            write("resource_patch", id=resource["id"], hash=HASH_PREFIX + table.sha256, **release.fields)
            result.release_note, result.release_changes = release.note, release.changes
    except PortalRefused:
        if created:
            publisher.discard(package)
        raise
    patch = dict(metadata, **({"private": False} if go_public else {}))
    if patch:
        write("package_patch", id=package["id"], **patch)
    result.outcome = CREATED if created else UPDATED
    result.message = "Published." if created else "Updated."
