"""The demo register through the real publish jobs against the test portal: the register itself is published
(valid against its schema, no personal or private column), and a republished table shows its release note
on the resource, the dataset page and in the run report."""
from __future__ import annotations

import csv
import html
import io
import shutil
from pathlib import Path

import requests

from publish_jobs.register import load_register
from tests.integration.test_publish_portal import Workspace, action, all_datasets
from westsuffolk_core import table_schemas
from westsuffolk_core.dataset_fields import REGISTER_DATASET

DEMO = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo"
CONTRACTS = "extracts/procurement/contracts-register-2024-09.csv"
UNION = "extracts/hr/trade-union-facility-time-2024-25.csv"
ONLY = ("--only", "IAR-0003", "--only", "IAR-0008")  # contracts; facility time (its primary key is a date)
NOTE = "12 contracts added, 3 ended, 1 changed (contract value)."


class DemoWorkspace(Workspace):
    """The demo register, its extracts and mappings, copied so the test may change them."""

    def __init__(self, folder, portal_url, token):
        self.folder, self.portal_url, self.token = folder, portal_url, token
        shutil.copytree(DEMO, folder, dirs_exist_ok=True)
        self.register = folder / "register.xlsx"


def _rewrite(path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _change_contracts(rows):
    header, body = rows[0], rows[1:]
    ref, total = header.index("Contract Reference"), header.index("Total Contract Value")
    kept = [row for row in body if row[ref] not in ("WSC-C-1000", "WSC-C-1001", "WSC-C-1002")]  # 3 ended
    for row in kept:
        if row[ref] == "WSC-C-1020":
            row[total] = f"{float(row[total]) + 100:.2f}"  # 1 value changed
    added = []
    for n in range(12):  # 12 new
        row = list(kept[0])
        row[ref] = f"WSC-C-{2000 + n}"
        added.append(row)
    return [header, *kept, *added]


def _change_union(rows):
    rows[-1][rows[0].index("estimated_spend")] = "25100.00"
    return rows


def _resource(portal_url, token, asset_id):
    status, body = action(portal_url, "package_search", token, fq=f'asset_register_id:"{asset_id}"',
                          include_private=True)
    assert status == 200
    [package] = body["result"]["results"]
    [resource] = package["resources"]
    return package, resource


def _rows(portal_url, resource_id) -> list[dict]:
    status, body = action(portal_url, "datastore_search", resource_id=resource_id, limit=1000)
    assert status == 200, body
    return body["result"]["records"]


def _purge_left_overs(portal_url, token) -> None:
    """The shared test database may hold these assets' datasets from another checkout's run (made by other
    code): start from none, so this run creates them and sees its own first release."""
    for asset_id in ONLY[1::2]:
        for package in all_datasets(portal_url, token, asset_id):
            assert action(portal_url, "dataset_purge", token, id=package["id"])[0] == 200
    action(portal_url, "dataset_purge", token, id=REGISTER_DATASET)  # 404 when there is none


def test_the_register_is_published_and_a_republished_table_shows_its_release_note(tmp_path, portal_url,
                                                                                   sysadmin_token):
    _purge_left_overs(portal_url, sysadmin_token)
    workspace = DemoWorkspace(tmp_path, portal_url, sysadmin_token)
    first = workspace.cli("run", *ONLY)
    assert first.returncode == 0, first.stdout + first.stderr
    assert {asset["asset_id"]: asset["outcome"] for asset in first.report["assets"]} == {
        "IAR-0003": "created", "IAR-0008": "created"}
    assert {asset["release_note"] for asset in first.report["assets"]} == {
        "First release: 60 contracts.", "First release: 5 rows."}
    published = first.report["register_table"]
    assert published["outcome"] == "created", published
    assert published["release_note"] == f"First release: {len(load_register(workspace.register).assets)} assets."

    # the register, published: public, valid against its own schema on the portal, nothing personal or private
    status, body = action(portal_url, "package_show", id=REGISTER_DATASET)  # anonymous: it is public
    assert status == 200
    [table] = body["result"]["resources"]
    assert table["schema"] == table_schemas.latest_ref("information-assets")
    assert table["validation_status"] == "success"
    rows = {row["asset_id"]: row for row in _rows(portal_url, table["id"])}
    assert len(rows) == len(load_register(workspace.register).assets)
    columns = set(next(iter(rows.values()))) - {"_id"}
    assert columns == {f["name"] for f in table_schemas.get_descriptor("information-assets")["fields"]}
    assert not columns & {"information_asset_owner", "contact_email", "personal_data", "source_system",
                          "extract_location", "retention"}
    contracts_package, contracts = _resource(portal_url, sysadmin_token, "IAR-0003")
    assert rows["IAR-0003"]["publication_status"] == "published"
    assert rows["IAR-0003"]["dataset_url"] == f"{portal_url}/dataset/{contracts_package['name']}"
    assert rows["IAR-0016"]["publication_status"] == "not_for_publication"
    assert rows["IAR-0060"]["reason_not_published"].startswith("Commercial confidence")
    text = requests.get(table["url"], timeout=60).text
    assert "@westsuffolk.gov.uk" not in text and "Head of" not in text

    # What the council holds, on the live portal
    page = html.unescape(requests.get(f"{portal_url}/what-the-council-holds", timeout=60).text)
    assert f'href="/dataset/{contracts_package["name"]}"' in page.split('<tr id="IAR-0003">')[1].split("</tr>")[0]
    assert "Commercial confidence" in page.split('<tr id="IAR-0060">')[1].split("</tr>")[0]

    # a republished table: 12 contracts added, 3 ended, 1 value changed
    _rewrite(workspace.folder / CONTRACTS, _change_contracts)
    _rewrite(workspace.folder / UNION, _change_union)
    union_before = len(_rows(portal_url, _resource(portal_url, sysadmin_token, "IAR-0008")[1]["id"]))
    second = workspace.cli("run", *ONLY)
    assert second.returncode == 0, second.stdout + second.stderr
    outcomes = {asset["asset_id"]: asset for asset in second.report["assets"]}
    assert outcomes["IAR-0003"]["release_note"] == NOTE
    keys = outcomes["IAR-0003"]["release_changes"]["keys"]
    assert keys["removed"] == ["WSC-C-1000", "WSC-C-1001", "WSC-C-1002"] and keys["changed"] == ["WSC-C-1020"]
    assert len(keys["added"]) == 12
    package, contracts = _resource(portal_url, sysadmin_token, "IAR-0003")
    assert contracts["release_note"] == NOTE
    assert len(_rows(portal_url, contracts["id"])) == 60 - 3 + 12
    dataset_page = html.unescape(requests.get(f"{portal_url}/dataset/{package['name']}", timeout=60).text)
    assert NOTE in dataset_page.split('id="westsuffolk-release-notes-title"')[1].split("</section>")[0]
    # a table keyed by a date is replaced in place too: no row lost, one changed
    _, union = _resource(portal_url, sysadmin_token, "IAR-0008")
    assert union["release_note"] == "1 row changed (estimated spend)."
    assert len(_rows(portal_url, union["id"])) == union_before
    # the register itself did not change: no write, and a third run writes nothing at all
    assert second.report["register_table"]["outcome"] == "unchanged"
    third = workspace.cli("run", *ONLY)
    assert third.returncode == 0 and third.report["summary"]["writes"] == 0
