"""The publish jobs against the real portal: idempotence, crashes, bad input, withdrawal, auth.

The CLI runs as a subprocess (as cron would run it), so a SIGKILL is a real one. After every kill the
portal is checked as an anonymous visitor: nothing half-published, invalid or personal is ever public.
"""
from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from publish_jobs.crash import POINTS
from publish_jobs.register import register_schema
from publish_jobs.settings import API_TOKEN_ENV, CRASH_AT_ENV, HASH_PREFIX, LOCK_FILE_ENV, PORTAL_URL_ENV
from westsuffolk_core import table_schemas

DEMO = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo"
LEDGER = "finance/ledger-spend-2024-Q3.csv"
LEDGER_MAPPING = "westsuffolk-ledger-spend.yaml"
FIELDS = register_schema().field_names


def new_ids(count: int) -> list[str]:
    """Asset ids not used by earlier tests against the same portal."""
    start = 1000 + secrets.randbelow(8000)
    return [f"IAR-{start + n:04d}" for n in range(count)]


def asset_row(asset_id: str, **values) -> dict:
    tag = secrets.token_hex(3)
    row = dict.fromkeys(FIELDS, "")
    row.update({
        "asset_id": asset_id, "title": f"Publish test {asset_id} {tag}", "description": "Integration test data.",
        "service_area": "Publish Tests", "information_asset_owner": "Head of Testing", "source_system": "pytest",
        "extract_location": f"extracts/{LEDGER}", "table_schema": "spend-over-500",
        "column_mapping": f"mappings/{LEDGER_MAPPING}", "publication_status": "approved", "personal_data": "none",
        "update_frequency": "quarterly", "spatial_coverage": "E07000245", "keywords": "test; spending",
        "last_reviewed": "2024-10-01", "contact_email": "opendata@westsuffolk.gov.uk", "period": "2024-Q3",
        "data_provenance": "synthetic",
    })
    row.update(values)
    return row


class Workspace:
    """A register with its extracts and mappings in a temporary folder, and a CLI to run on it."""

    def __init__(self, folder: Path, portal_url: str, token: str):
        self.folder, self.portal_url, self.token = folder, portal_url, token
        (folder / "extracts" / "finance").mkdir(parents=True)
        (folder / "mappings").mkdir()
        shutil.copyfile(DEMO / "extracts" / LEDGER, folder / "extracts" / LEDGER)
        shutil.copyfile(DEMO / "mappings" / LEDGER_MAPPING, folder / "mappings" / LEDGER_MAPPING)
        self.register = folder / "register.csv"

    def write_register(self, rows: list[dict], fields: list[str] = FIELDS) -> None:
        with self.register.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    def cli(self, command="run", *extra, crash_at=None, token=None):
        env = {**os.environ, PORTAL_URL_ENV: self.portal_url, API_TOKEN_ENV: token or self.token,
               LOCK_FILE_ENV: str(self.folder / "publish.lock")}
        env.pop(CRASH_AT_ENV, None)
        if crash_at:
            env[CRASH_AT_ENV] = crash_at
        report = self.folder / "report.json"
        report.unlink(missing_ok=True)
        args = [sys.executable, "-m", "publish_jobs.cli", command, "--register", str(self.register),
                "--report", str(report), *extra]
        process = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
        process.report = json.loads(report.read_text()) if report.exists() else None
        return process


def action(portal_url, name, token=None, **params):
    headers = {"Authorization": token} if token else {}
    response = requests.post(f"{portal_url}/api/3/action/{name}", json=params, headers=headers, timeout=60)
    return response.status_code, response.json()


def public_datasets(portal_url, asset_id) -> list[dict]:
    """What an anonymous visitor finds for an asset."""
    status, body = action(portal_url, "package_search", fq=f'asset_register_id:"{asset_id}"', rows=10)
    assert status == 200
    return body["result"]["results"]


def all_datasets(portal_url, token, asset_id) -> list[dict]:
    status, body = action(portal_url, "package_search", token, fq=f'asset_register_id:"{asset_id}"', rows=10,
                          include_private=True)
    assert status == 200
    return body["result"]["results"]


def datastore_rows(portal_url, resource_id) -> int:
    status, body = action(portal_url, "datastore_search", resource_id=resource_id, limit=0)
    assert status == 200, body
    return body["result"]["total"]


def download(url: str) -> str:
    return requests.get(url, timeout=60).content.decode("utf-8")


def extract_rows() -> int:
    with open(DEMO / "extracts" / LEDGER, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def assert_published_once(portal_url, token, asset_id) -> dict:
    """Exactly one dataset, public, one complete resource per period, the DataStore full."""
    [package] = all_datasets(portal_url, token, asset_id)
    assert package["private"] is False
    [public] = public_datasets(portal_url, asset_id)
    assert public["id"] == package["id"]
    [resource] = package["resources"]
    assert resource["name"] == "2024-Q3" and resource["hash"].startswith(HASH_PREFIX)
    assert resource["validation_status"] == "success"
    assert datastore_rows(portal_url, resource["id"]) == extract_rows()
    return package


@pytest.fixture
def workspace(tmp_path, portal_url, sysadmin_token):
    return Workspace(tmp_path, portal_url, sysadmin_token)


def test_second_run_changes_nothing(workspace, portal_url, sysadmin_token):
    first_id, second_id = new_ids(2)
    workspace.write_register([asset_row(first_id), asset_row(second_id, table_schema="fraud", column_mapping="",
                                                             extract_location="extracts/fraud.csv",
                                                             period="2023-24", update_frequency="annual")])
    shutil.copyfile(table_schemas.example_path("fraud"), workspace.folder / "extracts" / "fraud.csv")
    first = workspace.cli("run")
    assert first.returncode == 0, first.stderr + first.stdout
    assert first.report["summary"]["changed"] == 2
    package = assert_published_once(portal_url, sysadmin_token, first_id)
    assert package["asset_register_id"] == first_id and package["data_provenance"] == "synthetic"
    assert package["organization"]["name"] == "publish-tests"
    assert "REDACTED – personal data" in download(package["resources"][0]["url"])

    second = workspace.cli("run")
    assert second.returncode == 0, second.stderr
    assert second.report["summary"]["changed"] == 0
    assert second.report["summary"]["writes"] == 0
    assert "0 changed" in second.stdout
    plan = workspace.cli("plan")
    assert plan.returncode == 0 and plan.report["summary"]["writes"] == 0


@pytest.mark.parametrize("point", POINTS)
def test_killed_run_converges_and_never_shows_anything_half_done(workspace, portal_url, sysadmin_token, point):
    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    killed = workspace.cli("run", crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert public_datasets(portal_url, asset_id) == []  # new dataset: private until complete
    for package in all_datasets(portal_url, sysadmin_token, asset_id):
        status, _ = action(portal_url, "package_show", id=package["name"])
        assert status in (403, 404)
    rerun = workspace.cli("run")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert_published_once(portal_url, sysadmin_token, asset_id)
    assert workspace.cli("run").report["summary"]["writes"] == 0


@pytest.mark.parametrize("point", ["after-upload", "mid-datastore"])
def test_killed_update_of_a_public_dataset_converges(workspace, portal_url, sysadmin_token, point):
    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    assert workspace.cli("run").returncode == 0
    extract = workspace.folder / "extracts" / LEDGER
    lines = extract.read_text(encoding="utf-8").splitlines(keepends=True)
    extract.write_text("".join(lines[:-10]), encoding="utf-8")
    killed = workspace.cli("run", crash_at=point)
    assert killed.returncode == -signal.SIGKILL
    [public] = public_datasets(portal_url, asset_id)
    text = download(public["resources"][0]["url"])
    assert "Resident" not in text  # whatever is public is the mapped, redacted file
    # the public table is the old one or the new one, whole: the portal loads in one transaction
    assert datastore_rows(portal_url, public["resources"][0]["id"]) >= len(lines) - 11
    rerun = workspace.cli("run")
    assert rerun.returncode == 0 and rerun.report["summary"]["changed"] == 1
    [package] = all_datasets(portal_url, sysadmin_token, asset_id)
    [resource] = package["resources"]
    assert datastore_rows(portal_url, resource["id"]) == len(lines) - 11


def test_bad_rows_and_files_block_only_their_asset(workspace, portal_url, sysadmin_token):
    ids = new_ids(8)
    folder = workspace.folder
    (folder / "mappings" / "typo.yaml").write_text(
        (folder / "mappings" / LEDGER_MAPPING).read_text().replace("organisation_code:", "organisation_cod:"))
    personal = folder / "extracts" / "finance" / "personal.csv"
    text = (folder / "extracts" / LEDGER).read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("Supplies and Services", "Call 07700 900123")  # extract row 6
    personal.write_text("\n".join(text) + "\n", encoding="utf-8")
    (folder / "extracts" / "finance" / "broken.csv").write_bytes(b"\x00\x01PK\x03\x04 not a table")
    rows = [
        asset_row(ids[0]),                                                  # fine
        asset_row(ids[1], table_schema="spend-over-5000"),                  # unknown schema
        asset_row(ids[2], extract_location="extracts/finance/nothing-*.csv"),  # glob matching nothing
        asset_row(ids[3], column_mapping="mappings/typo.yaml"),             # unknown target field
        asset_row(ids[4], extract_location="extracts/finance/personal.csv"),  # phone number in a cell
        asset_row(ids[5], extract_location="extracts/finance/broken.csv", column_mapping=""),  # unreadable
        asset_row(ids[6], publication_status="approved", personal_data="personal"),  # policy
        asset_row(ids[7], last_reviewed="31/12/2024"),                      # bad register cell
    ]
    workspace.write_register(rows)
    process = workspace.cli("run")
    assert process.returncode == 1, process.stderr
    outcomes = {a["asset_id"]: a for a in process.report["assets"]}
    failures = {asset_id: " ".join(p["message"] for p in outcomes[asset_id]["problems"]) for asset_id in ids[1:]}
    assert "spend-over-5000" in failures[ids[1]]
    assert "No extract file matches" in failures[ids[2]]
    assert "'organisation_cod'" in failures[ids[3]]
    assert "UK phone number" in failures[ids[4]]
    assert outcomes[ids[4]]["problems"][0]["row"] == 6 and outcomes[ids[4]]["problems"][0]["column"] == "purpose"
    assert failures[ids[5]]
    assert "never published" in failures[ids[6]]
    assert outcomes[ids[7]]["problems"][0]["column"] == "last_reviewed"
    for asset_id in ids[1:]:
        assert all_datasets(portal_url, sysadmin_token, asset_id) == []
    assert outcomes[ids[0]]["outcome"] == "created"  # the register's good row still publishes
    assert_published_once(portal_url, sysadmin_token, ids[0])
    # a repeated asset id blocks both rows
    [again] = new_ids(1)
    workspace.write_register([asset_row(again), asset_row(again, title="Again")])
    process = workspace.cli("run")
    assert process.returncode == 1
    assert {p["row"] for p in process.report["register_problems"]} == {2, 3}
    assert all_datasets(portal_url, sysadmin_token, again) == []


def test_missing_required_column_is_a_clear_error(workspace):
    fields = [name for name in FIELDS if name != "period"]
    workspace.write_register([asset_row(new_ids(1)[0])], fields)
    process = workspace.cli("run")
    assert process.returncode == 2
    assert "no column for: period" in process.stderr


def test_withdrawn_dataset_goes_private_never_deleted(workspace, portal_url, sysadmin_token):
    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    assert workspace.cli("run").returncode == 0
    workspace.write_register([asset_row(asset_id, publication_status="withdrawn")])
    process = workspace.cli("run")
    assert process.returncode == 0 and process.report["assets"][0]["outcome"] == "hidden"
    assert public_datasets(portal_url, asset_id) == []
    [package] = all_datasets(portal_url, sysadmin_token, asset_id)
    assert package["private"] is True and package["state"] == "active"
    workspace.write_register([asset_row(asset_id)])
    assert workspace.cli("run").report["assets"][0]["outcome"] == "updated"
    assert len(public_datasets(portal_url, asset_id)) == 1


def test_refused_token_stops_the_run_at_once(workspace, portal_url, sysadmin_token):
    ids = new_ids(2)
    workspace.write_register([asset_row(ids[0]), asset_row(ids[1])])
    process = workspace.cli("run", token="not-a-real-token")
    assert process.returncode == 3
    assert "refused our API token" in process.stderr
    assert process.report["summary"]["writes"] == 0
    for asset_id in ids:
        assert all_datasets(portal_url, sysadmin_token, asset_id) == []


def test_status_lists_what_the_portal_holds(workspace):
    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    assert workspace.cli("run").returncode == 0
    process = workspace.cli("status")
    assert process.returncode == 0
    assert asset_id in process.stdout and "public" in process.stdout


def _phone_in_row_six(workspace) -> None:
    extract = workspace.folder / "extracts" / LEDGER
    text = extract.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("Supplies and Services", "Queries to 07700 900123")  # extract row 6
    extract.write_text("\n".join(text) + "\n", encoding="utf-8")


def test_plan_run_and_the_portal_share_one_allow_list(workspace, portal_url, sysadmin_token):
    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    _phone_in_row_six(workspace)
    plan = workspace.cli("plan")
    [refused] = plan.report["assets"]
    assert refused["outcome"] == "failed" and plan.report["summary"]["writes"] == 0
    assert refused["problems"][0]["source"] == "personal data" and refused["problems"][0]["row"] == 6
    # the data protection officer allows the number for this asset, on the portal: plan, run and portal agree
    status, body = action(portal_url, "westsuffolk_personal_data_allow", sysadmin_token, value="07700 900123",
                          reason="The service's published helpline", asset_id=asset_id)
    assert status == 200, body
    assert workspace.cli("plan").report["assets"][0]["outcome"] == "would change"
    run = workspace.cli("run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert_published_once(portal_url, sysadmin_token, asset_id)


def test_a_failed_asset_leaves_no_new_dataset_behind(workspace, portal_url, sysadmin_token):
    from publish_jobs.portal import Portal
    from publish_jobs.publisher import FAILED, Publisher
    from publish_jobs.register import load_register

    [asset_id] = new_ids(1)
    workspace.write_register([asset_row(asset_id)])
    _phone_in_row_six(workspace)
    _, body = action(portal_url, "westsuffolk_personal_data_allow", sysadmin_token, value="07700 900123",
                     reason="test", asset_id=asset_id)
    publisher = Publisher(Portal(portal_url, sysadmin_token), workspace.folder, validation_wait=30)
    publisher.allow_list()  # read now; the officer revokes it before the upload: the portal refuses
    action(portal_url, "westsuffolk_personal_data_allow_revoke", sysadmin_token, id=body["result"]["id"])
    [asset] = load_register(workspace.register).assets
    result = publisher.process(asset)
    assert result.outcome == FAILED and "personal data" in result.message
    assert all_datasets(portal_url, sysadmin_token, asset_id) == []
    status, _ = action(portal_url, "package_show", sysadmin_token, id=result.dataset)
    assert status == 404  # purged, not only deleted
