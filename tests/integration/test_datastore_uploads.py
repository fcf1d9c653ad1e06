"""Upload -> valid -> queryable, through the live test portal's API as an officer and a journalist use
it: a CSV and an Excel workbook uploaded with resource_create are answered by datastore_search with
the types of their table schema; bad files never answer 5xx, never replace the table, and the report
says why."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
import requests

from tests.integration.conftest import COUNCIL_FIELDS
from tests.workbooks import workbook_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


def action(url: str, called: str, token: str | None = None, files: dict | None = None, **data) -> requests.Response:
    headers = {"Authorization": token} if token else {}
    if files:
        return requests.post(f"{url}/api/3/action/{called}", data=data, files=files, headers=headers, timeout=300)
    return requests.post(f"{url}/api/3/action/{called}", json=data, headers=headers, timeout=300)


def ok(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text[:2000]
    return response.json()["result"]


def search(url: str, resource_id: str, **query) -> dict:
    """datastore_search as a journalist calls it: anonymous GET."""
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in query.items()}
    return ok(requests.get(f"{url}/api/3/action/datastore_search", params={"resource_id": resource_id, **params},
                           timeout=60))


def cell_value(text: str):
    import datetime as dt

    for kind in (int, float, dt.date.fromisoformat):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


@pytest.fixture
def public_dataset(portal_url, sysadmin_token) -> dict:
    name = f"uploads-{secrets.token_hex(4)}"
    org = ok(action(portal_url, "organization_create", sysadmin_token, name=name))
    return ok(action(portal_url, "package_create", sysadmin_token, name=name, title="Uploads", owner_org=org["id"],
                     **COUNCIL_FIELDS))


def upload(url: str, token: str, dataset: dict, data: bytes, filename: str, **fields) -> requests.Response:
    return action(url, "resource_create", token, files={"upload": (filename, data)}, package_id=dataset["id"],
                  name=filename, **fields)


def test_an_uploaded_csv_is_queryable_through_datastore_search(portal_url, sysadmin_token, public_dataset):
    data = (EXAMPLES / "spend-over-500" / "valid.csv").read_bytes()
    resource = ok(upload(portal_url, sysadmin_token, public_dataset, data, "spend.csv", schema="spend-over-500@1.0.0"))
    assert (resource["validation_status"], resource["datastore_load_status"]) == ("success", "loaded")
    everything = search(portal_url, resource["id"], limit=100)
    assert everything["total"] == len(data.decode().splitlines()) - 1
    kinds = {f["id"]: f["type"] for f in everything["fields"]}
    assert (kinds["expenditure_date"], kinds["amount"]) == ("date", "numeric")
    capital = search(portal_url, resource["id"], filters={"capital_or_revenue": "capital"}, sort="amount desc",
                     fields="beneficiary,amount")
    amounts = [float(r["amount"]) for r in capital["records"]]
    assert amounts and amounts == sorted(amounts, reverse=True) and set(capital["records"][0]) == {
        "beneficiary", "amount"}
    supplier = everything["records"][0]["beneficiary"]
    assert search(portal_url, resource["id"], q=supplier)["total"] >= 1
    shown = ok(requests.get(f"{portal_url}/api/3/action/resource_show", params={"id": resource["id"]}, timeout=60))
    assert shown["datastore_active"] is True


def test_an_uploaded_workbook_is_queryable_through_datastore_search(portal_url, sysadmin_token, public_dataset):
    lines = (EXAMPLES / "fraud" / "valid.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0].split(",")] + [[cell_value(cell) for cell in line.split(",")] for line in lines[1:]]
    resource = ok(upload(portal_url, sysadmin_token, public_dataset, workbook_bytes({"Fraud": rows}), "fraud.xlsx",
                         schema="fraud@1.0.0"))
    assert (resource["validation_status"], resource["datastore_load_status"]) == ("success", "loaded")
    result = search(portal_url, resource["id"], sort="financial_year")
    assert result["total"] == len(lines) - 1
    assert {f["id"]: f["type"] for f in result["fields"]}["financial_year"] == "text"
    first = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    found = search(portal_url, resource["id"], filters={"financial_year": first["financial_year"]})
    assert found["total"] >= 1


MIXED = b"Ward,Supplier\nAbbeygate,Plain Ltd\n" + "Southgate,Café Rouge\n".encode("cp1252")


@pytest.mark.parametrize(("data", "filename"), [
    (b"Ward,Count\n", "header-only.csv"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.csv"),
    (b"%PDF-1.7\n" + bytes(300), "report.pdf"),
    ((",".join(f"c{n}" for n in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(), "wide.csv"),
    (MIXED, "mixed.csv"),
], ids=["header-only", "png", "pdf", "10000-columns", "mixed-encodings"])
def test_a_bad_upload_never_answers_5xx_nor_replaces_the_table(portal_url, sysadmin_token, public_dataset,
                                                               data, filename):
    good = ok(upload(portal_url, sysadmin_token, public_dataset, b"Ward,Supplier\nAbbeygate,Old Ltd\nHorringer,X\n",
                     "wards.csv"))
    assert search(portal_url, good["id"], limit=0)["total"] == 2
    answer = action(portal_url, "resource_patch", sysadmin_token, files={"upload": (filename, data)}, id=good["id"])
    assert answer.status_code in (200, 409), answer.text[:1000]
    record = ok(action(portal_url, "westsuffolk_resource_validation_show", sysadmin_token, id=good["id"]))
    table = search(portal_url, good["id"])
    if record["datastore"].get("status") == "loaded":  # a readable file: its table, read whole
        assert filename == "mixed.csv", record["datastore"]
        assert [r["Supplier"] for r in table["records"]] == ["Plain Ltd", "Café Rouge"]
        return
    assert [r["Supplier"] for r in table["records"]] == ["Old Ltd", "X"]
    if answer.status_code == 409:  # refused by the check: the officer reads why on the form
        assert answer.json()["error"]["upload"], answer.text[:1000]
    else:
        assert record["datastore"]["status"] == "not-loaded" and record["datastore"]["message"], record["datastore"]
        page = requests.get(f"{portal_url}/dataset/{public_dataset['name']}/resource/{good['id']}/validation",
                            headers={"Authorization": sysadmin_token}, timeout=60)
        assert page.status_code == 200 and "DataStore" in page.text


def test_the_publish_jobs_and_an_officers_upload_give_the_same_table(demo_portal, sysadmin_token, public_dataset):
    """The publish jobs upload like an officer and the portal loads both: the same file, the same table."""
    url = demo_portal["url"]
    name = next(a["dataset"] for a in demo_portal["report"]["assets"] if a.get("dataset"))
    shown = ok(requests.get(f"{url}/api/3/action/package_show", params={"id": name}, timeout=60))
    [published] = [r for r in shown["resources"] if r["datastore_active"]]
    data = requests.get(published["url"], timeout=60).content
    mine = ok(upload(url, sysadmin_token, public_dataset, data, "same.csv", schema=published["schema"]))
    assert mine["datastore_load_status"] == "loaded"
    theirs, ours = search(url, published["id"], limit=1000, sort="_id"), search(url, mine["id"], limit=1000, sort="_id")
    assert ours["fields"] == theirs["fields"]
    assert ours["records"] == theirs["records"] and ours["total"] == theirs["total"] > 0
