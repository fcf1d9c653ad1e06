"""The publisher against an in-memory stand-in for the portal's action API: which writes, in which order.

(The integration tests run the same flows against the real portal.)
"""
from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import shutil
from pathlib import Path

import pytest

from publish_jobs.portal import AuthFailed, NotOnPortal, PortalRefused
from publish_jobs.problems import RunStopped
from publish_jobs.publisher import CREATED, FAILED, HIDDEN, PLANNED, SKIPPED, UNCHANGED, UPDATED, Publisher
from publish_jobs.register import load_register
from publish_jobs.settings import HASH_PREFIX, SYNTHETIC_NOTE
from westsuffolk_core import table_schemas


class Killed(BaseException):
    """Stands in for SIGKILL: the run stops dead after a given number of writes."""


class FakePortal:
    url = "http://portal.example"

    def __init__(self):
        self.packages: dict[str, dict] = {}
        self.organisations: set[str] = set()
        self.datastore: dict[str, int] = {}  # resource id -> rows the portal loaded from its upload
        self.tables: dict[str, tuple[list[str], list[dict]]] = {}  # resource id -> (columns, rows) as loaded
        self.calls: list[tuple[str, dict]] = []
        self.reads = self.writes = 0
        self.kill_after: int | None = None
        self.refuse_token = False
        self.allowed: list[dict] = []  # the DPO's allow-list
        self.refuse_uploads = False  # the portal's own check fails
        self._ids = itertools.count(1)

    # the Portal interface
    def read(self, action, **data):
        self.reads += 1
        if self.refuse_token:
            raise AuthFailed("token refused")
        return copy.deepcopy(getattr(self, action)(**data))

    def write(self, action, upload=None, **data):
        if self.kill_after is not None and self.writes >= self.kill_after:
            raise Killed(action)
        self.writes += 1
        self.calls.append((action, data))
        if upload is not None:
            name, content, _hook = upload
            data = {**data, "url": f"{self.url}/uploads/{name}", "_bytes": content}
        return copy.deepcopy(getattr(self, action)(**data))

    # actions
    def package_search(self, fq, include_private, rows, start, sort):
        found = [p for p in self.packages.values() if p.get("asset_register_id")]
        return {"count": len(found), "results": found[start:start + rows]}

    def package_show(self, id):
        for package in self.packages.values():
            if id in (package["id"], package["name"]):
                return package
        raise NotOnPortal(id)

    def westsuffolk_personal_data_allowed_list(self):
        return self.allowed

    def dataset_purge(self, id):
        del self.packages[self.package_show(id)["id"]]

    def organization_list(self):
        return sorted(self.organisations)

    def organization_create(self, name, title, description=""):
        self.organisations.add(name)
        return {"name": name}

    def package_create(self, name, owner_org, tag_string, **fields):
        if owner_org not in self.organisations:
            raise PortalRefused("no such organisation")
        package = {**fields, "id": f"pkg-{next(self._ids)}", "name": name, "resources": [],
                   "organization": {"name": owner_org}, "tags": [{"name": t} for t in tag_string.split(",") if t]}
        self.packages[package["id"]] = package
        return package

    def package_patch(self, id, **fields):
        package = self.package_show(id)
        if "tag_string" in fields:
            package["tags"] = [{"name": t} for t in fields.pop("tag_string").split(",") if t]
        if "owner_org" in fields:
            package["organization"] = {"name": fields.pop("owner_org")}
        package.update(fields)
        return package

    def resource_create(self, package_id, **fields):
        if self.refuse_uploads:
            raise PortalRefused("The portal refused resource_create: upload: The file does not follow the schema")
        resource = {**fields, "id": f"res-{next(self._ids)}", "package_id": package_id,
                    "validation_status": "success"}
        self.packages[package_id]["resources"].append(resource)
        self._load(resource, fields.get("_bytes"))
        return resource

    def _load(self, resource, upload: bytes | None):
        """The portal checks an upload and loads it into its DataStore (in one transaction)."""
        if upload is not None:
            self.datastore[resource["id"]] = len(upload.decode("utf-8").splitlines()) - 1
            reader = csv.DictReader(io.StringIO(upload.decode("utf-8"), newline=""))
            rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
            self.tables[resource["id"]] = (list(reader.fieldnames or []), rows)
            resource.update(datastore_active=True, datastore_load_status="loaded")

    def westsuffolk_resource_validation_run(self, id):
        resource = self._resource(id)[1]
        self.datastore[id] = self.datastore.get(id, 0)
        resource.update(datastore_active=True, datastore_load_status="loaded")
        return resource

    def datastore_search(self, resource_id, limit, offset=0, sort=None):
        if resource_id not in self.tables:
            raise NotOnPortal(resource_id)
        columns, rows = self.tables[resource_id]
        return {"fields": [{"id": "_id"}, *({"id": name} for name in columns)],
                "records": rows[offset:offset + limit], "total": len(rows)}

    def _resource(self, id):
        for package in self.packages.values():
            for resource in package["resources"]:
                if resource["id"] == id:
                    return package, resource
        raise NotOnPortal(id)

    def resource_show(self, id):
        return self._resource(id)[1]

    def resource_patch(self, id, **fields):
        resource = self._resource(id)[1]
        resource.update({k: v for k, v in fields.items() if k != "_bytes"})
        self._load(resource, fields.get("_bytes"))
        return resource

    def resource_delete(self, id):
        package, resource = self._resource(id)
        package["resources"].remove(resource)

    # what a visitor without a token could see
    def public_state(self):
        return {p["name"]: sorted(r["name"] for r in p["resources"]) for p in self.packages.values()
                if not p.get("private")}

    def state(self):
        """Everything that matters, without generated ids."""
        return sorted(
            (p["name"], bool(p.get("private")), tuple(sorted(
                (r["name"], r.get("hash"), self.datastore.get(r["id"], 0))
                for r in p["resources"])))
            for p in self.packages.values())


# ---- a small register with its extracts ----
REGISTER_FIELDS = [f.name for f in __import__("publish_jobs.register", fromlist=["x"]).register_schema().fields]


def asset_row(number, schema="fraud", status="approved", personal="none", **extra):
    row = dict.fromkeys(REGISTER_FIELDS, "")
    row.update({
        "asset_id": f"IAR-{number:04d}", "title": f"Test asset {number}", "description": "Test data.",
        "service_area": "Internal Audit", "information_asset_owner": "Head of Internal Audit",
        "source_system": "Case system", "extract_location": f"extracts/{schema}-*.csv",
        "table_schema": schema, "publication_status": status, "personal_data": personal,
        "update_frequency": "annual", "spatial_coverage": "E07000245", "keywords": "fraud; audit",
        "last_reviewed": "2024-10-01", "contact_email": "audit@westsuffolk.gov.uk", "period": "2023-24",
        "data_provenance": "synthetic",
    })
    row.update(extra)
    return row


def make_register(folder: Path, rows: list[dict]) -> Path:
    (folder / "extracts").mkdir(exist_ok=True)
    for schema in {row["table_schema"] for row in rows if row["table_schema"]} & {s["name"] for s in table_schemas.list_schemas()}:
        shutil.copyfile(table_schemas.example_path(schema), folder / "extracts" / f"{schema}-2023-24.csv")
    path = folder / "register.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, REGISTER_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(portal, register_path, dry_run=False):
    register = load_register(register_path)
    publisher = Publisher(portal, register_path.parent, dry_run=dry_run, validation_wait=1)
    return {asset.asset_id: publisher.process(asset) for asset in register.assets}


def first_call(portal, action):
    return next(data for name, data in portal.calls if name == action)


@pytest.fixture
def portal():
    return FakePortal()


@pytest.fixture
def register(tmp_path):
    return make_register(tmp_path, [asset_row(1), asset_row(2, schema="pay-multiple", service_area="HR")])


def test_first_run_publishes_in_a_safe_order(portal, register):
    results = run(portal, register)
    assert {r.outcome for r in results.values()} == {CREATED}
    actions = [action for action, _ in portal.calls]
    first = actions[: actions.index("package_patch") + 1]
    # the portal loads the upload into its DataStore; the hash marks the resource complete after that
    assert first == ["organization_create", "package_create", "resource_create", "resource_patch", "package_patch"]
    create = first_call(portal, "package_create")
    assert create["private"] is True
    assert create["asset_register_id"] == "IAR-0001" and create["name"] == "iar-0001-test-asset-1"
    assert create["license_id"] == "uk-ogl" and create["personal_data"] == "none"
    assert create["spatial_coverage"] == ["E07000245"] and create["theme"] == ["GOVE"]
    assert create["tag_string"] == "fraud,audit" and create["owner_org"] == "internal-audit"
    assert create["notes"].endswith(SYNTHETIC_NOTE)
    assert (create["temporal_start"], create["temporal_end"]) == ("2023-04-01", "2024-03-31")
    resource = first_call(portal, "resource_create")
    assert resource["name"] == "2023-24" and resource["hash"] == "" and resource["format"] == "CSV"
    assert resource["schema"] == table_schemas.latest_ref("fraud")
    package = portal.package_show("iar-0001-test-asset-1")
    assert package["private"] is False
    [published] = package["resources"]
    assert published["hash"].startswith(HASH_PREFIX) and len(published["hash"]) == len(HASH_PREFIX) + 64
    with open(table_schemas.example_path("fraud"), encoding="utf-8") as handle:
        assert portal.datastore[published["id"]] == sum(1 for _ in handle) - 1


def test_second_run_writes_nothing(portal, register):
    run(portal, register)
    writes = portal.writes
    results = run(portal, register)
    assert {r.outcome for r in results.values()} == {UNCHANGED}
    assert portal.writes == writes
    assert all(r.writes == 0 for r in results.values())


def test_plan_writes_nothing_and_lists_changes(portal, register):
    results = run(portal, register, dry_run=True)
    assert portal.writes == 0
    assert results["IAR-0001"].outcome == PLANNED
    assert "create dataset iar-0001-test-asset-1 (private until complete)" in results["IAR-0001"].changes
    assert "make public" in results["IAR-0001"].changes


def test_changed_extract_replaces_file_and_table_only(portal, register):
    run(portal, register)
    extract = register.parent / "extracts" / "fraud-2023-24.csv"
    lines = extract.read_text().splitlines()
    extract.write_text("\n".join(lines[:-1]) + "\n")  # one row fewer
    portal.calls.clear()
    results = run(portal, register)
    assert results["IAR-0001"].outcome == UPDATED and results["IAR-0002"].outcome == UNCHANGED
    actions = [action for action, _ in portal.calls]
    # the new file is uploaded (the portal reloads its table), then marked complete
    assert actions == ["resource_patch", "resource_patch"]
    resource = portal.package_show("iar-0001-test-asset-1")["resources"][0]
    assert portal.datastore[resource["id"]] == len(lines) - 2  # header and the removed row


def test_a_replaced_table_gets_a_release_note_and_a_diff_by_key(portal, register):
    run(portal, register)
    resource = portal.package_show("iar-0001-test-asset-1")["resources"][0]
    assert resource["release_note"] == "First release: 5 rows."
    extract = register.parent / "extracts" / "fraud-2023-24.csv"
    lines = extract.read_text().splitlines()  # 2019-20 to 2023-24
    changed = lines[1].replace(",139,", ",140,")  # 2019-20: fraud_cases_investigated 139 -> 140
    added = lines[-1].replace("2023-24", "2025-26").replace("2024-03-31", "2026-03-31")  # 2023-24 goes
    assert changed != lines[1] and added != lines[-1]
    extract.write_text("\n".join([lines[0], changed, *lines[2:-1], added]) + "\n")
    results = run(portal, register)
    resource = portal.package_show("iar-0001-test-asset-1")["resources"][0]
    assert resource["release_note"] == "1 row added, 1 removed, 1 changed (fraud cases investigated)."
    assert results["IAR-0001"].release_note == resource["release_note"]
    kept = json.loads(resource["release_diff"])
    assert kept["keys"] == {"added": ["2025-26"], "removed": ["2023-24"], "changed": ["2019-20"]}
    assert kept["changed_columns"] == {"fraud_cases_investigated": 1} and kept["released_at"]
    assert results["IAR-0001"].as_dict()["release_changes"]["keys"]["added"] == ["2025-26"]
    # the note goes on with the hash, in the same write that marks the resource complete
    patch = [data for action, data in portal.calls if action == "resource_patch" and data.get("hash")][-1]
    assert patch["release_note"] == resource["release_note"]


def test_rows_are_not_compared_with_a_release_an_earlier_run_left_unfinished(portal, register):
    run(portal, register)
    resource = portal.package_show("iar-0001-test-asset-1")["resources"][0]
    resource["hash"] = ""  # a run stopped after uploading the file: the table may hold the new rows already
    results = run(portal, register)
    resource = portal.package_show("iar-0001-test-asset-1")["resources"][0]
    assert resource["release_note"] == ("Replaced: 5 rows; rows were not compared because the earlier release "
                                        "was not finished.")
    assert results["IAR-0001"].release_changes == {"rows": 5, "released_at": json.loads(
        resource["release_diff"])["released_at"]}


def test_new_period_adds_a_resource_and_widens_the_dates(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1)])
    run(portal, path)
    make_register(tmp_path, [asset_row(1, period="2024-25")])
    results = run(portal, path)
    assert results["IAR-0001"].outcome == UPDATED
    package = portal.package_show("iar-0001-test-asset-1")
    assert [r["name"] for r in package["resources"]] == ["2023-24", "2024-25"]
    assert (package["temporal_start"], package["temporal_end"]) == ("2023-04-01", "2025-03-31")


def test_withdrawn_goes_private_and_is_never_deleted(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1)])
    run(portal, path)
    make_register(tmp_path, [asset_row(1, status="withdrawn")])
    results = run(portal, path)
    assert results["IAR-0001"].outcome == HIDDEN
    assert portal.calls[-1] == ("package_patch", {"id": "pkg-1", "private": True})
    assert portal.public_state() == {} and len(portal.packages) == 1
    assert run(portal, path)["IAR-0001"].outcome == UNCHANGED


def test_withdrawn_never_published_is_just_skipped(portal, tmp_path):
    results = run(portal, make_register(tmp_path, [asset_row(1, status="withdrawn")]))
    assert results["IAR-0001"].outcome == SKIPPED and portal.writes == 0


def test_register_policy_is_enforced(portal, tmp_path):
    path = make_register(tmp_path, [
        asset_row(1, status="under_review"), asset_row(2, personal="personal"),
        asset_row(3, personal="anonymised"), asset_row(4, table_schema=""),
    ])
    results = run(portal, path)
    assert results["IAR-0001"].outcome == SKIPPED
    assert results["IAR-0002"].outcome == FAILED and "never published" in results["IAR-0002"].message
    assert results["IAR-0003"].outcome == CREATED
    assert results["IAR-0004"].outcome == FAILED and results["IAR-0004"].problems[0].column == "table_schema"
    assert list(portal.public_state()) == ["iar-0003-test-asset-3"]


def test_council_role_mailboxes_pass_without_an_allow_list(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1, schema="organisation-chart")])
    assert run(portal, path)["IAR-0001"].outcome == CREATED


def test_personal_data_in_an_extract_blocks_the_asset_before_any_write(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1, schema="organisation-chart")])
    extract = tmp_path / "extracts" / "organisation-chart-2023-24.csv"
    text = extract.read_text(encoding="utf-8")
    extract.write_text(text.replace("Chief Executive,", "Chief Executive (07700 900123),", 1), encoding="utf-8")
    result = run(portal, path)["IAR-0001"]
    assert result.outcome == FAILED
    [problem] = result.problems
    assert (problem.source, problem.column, problem.row) == ("personal data", "job_title", 2)  # the extract's row
    assert "07700" not in problem.message and "data protection officer can allow it" in problem.message
    assert portal.writes == 0
    # the data protection officer allows it on the portal, for this asset: the plan now agrees
    portal.allowed = [{"value": "07700 900123", "reason": "test", "asset_id": "IAR-0001"}]
    assert run(portal, path)["IAR-0001"].outcome == CREATED


def test_an_allow_list_in_a_mapping_is_refused_with_where_it_moved(portal, tmp_path):
    (tmp_path / "allow.yaml").write_text("allow_personal_data: {values: ['01284 763233']}\n")
    path = make_register(tmp_path, [asset_row(1, column_mapping="allow.yaml")])
    result = run(portal, path)["IAR-0001"]
    assert result.outcome == FAILED and "data protection officer on the portal" in result.problems[0].message


def test_a_dataset_created_by_a_failed_run_is_removed(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1)])
    portal.refuse_uploads = True
    result = run(portal, path)["IAR-0001"]
    assert result.outcome == FAILED
    assert portal.packages == {}  # created, refused, purged
    assert [name for name, _ in portal.calls][-1] == "dataset_purge"


def test_a_person_as_register_contact_or_owner_blocks_the_row(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1, contact_email="john.smith@westsuffolk.gov.uk"),
                                    asset_row(2, information_asset_owner="Mrs J Smith"), asset_row(3)])
    register = load_register(path)
    assert {(p.asset_id, p.column) for p in register.problems} == {
        ("IAR-0001", "contact_email"), ("IAR-0002", "information_asset_owner")}
    assert [a.asset_id for a in register.assets] == ["IAR-0003"]


def test_invalid_extract_is_not_published_and_says_why(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1)])
    shutil.copyfile(table_schemas.example_path("fraud", "invalid"), tmp_path / "extracts" / "fraud-2023-24.csv")
    result = run(portal, path)["IAR-0001"]
    assert result.outcome == FAILED and portal.writes == 0
    assert {p.source for p in result.problems} == {"validation"}
    assert all(p.row for p in result.problems if p.column)


def test_glob_matching_nothing_and_unknown_schema(portal, tmp_path):
    path = make_register(tmp_path, [asset_row(1, extract_location="extracts/nothing-*.csv"),
                                    asset_row(2, table_schema="spend-over-5000"), asset_row(3)])
    results = run(portal, path)
    assert results["IAR-0001"].outcome == FAILED and "No extract file matches" in results["IAR-0001"].message
    assert results["IAR-0002"].outcome == FAILED and "spend-over-5000" in results["IAR-0002"].message
    assert results["IAR-0002"].problems[0].row == 3  # the register row
    assert results["IAR-0003"].outcome == CREATED


@pytest.mark.parametrize("kill_after", range(1, 5))  # every write of a first run
def test_killed_at_any_write_converges_and_never_shows_half_a_dataset(tmp_path, kill_after):
    path = make_register(tmp_path, [asset_row(1)])
    reference = FakePortal()
    run(reference, path)
    portal = FakePortal()
    portal.kill_after = kill_after
    with pytest.raises(Killed):
        run(portal, path)
    assert portal.public_state() == {}  # nothing visible until complete
    portal.kill_after = None
    run(portal, path)
    assert portal.state() == reference.state()
    writes = portal.writes
    run(portal, path)
    assert portal.writes == writes


def test_duplicate_resources_from_an_interrupted_run_are_removed(portal, register):
    run(portal, register)
    package = portal.package_show("iar-0001-test-asset-1")
    portal.resource_create(package["id"], name="2023-24", hash="")
    results = run(portal, register)
    assert "remove 1 duplicate file(s) left by an interrupted run" in results["IAR-0001"].changes
    assert [r["name"] for r in portal.package_show("iar-0001-test-asset-1")["resources"]] == ["2023-24"]


def test_metadata_change_is_one_patch(portal, register):
    run(portal, register)
    rows = list(csv.DictReader(register.open(encoding="utf-8")))
    rows[0]["title"] = "Counter fraud work"
    make_register(register.parent, rows)
    portal.calls.clear()
    result = run(portal, register)["IAR-0001"]
    assert result.outcome == UPDATED
    package = portal.package_show("iar-0001-test-asset-1")  # the URL name stays
    assert portal.calls == [("package_patch", {"id": package["id"], "title": "Counter fraud work"})]


def test_auth_failure_stops_everything(portal, register):
    portal.refuse_token = True
    with pytest.raises(RunStopped):
        run(portal, register)
