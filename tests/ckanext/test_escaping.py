"""Script in what officers type (title, notes, contact, resource name and description, tags) and in the cells
of an uploaded file is shown as text, never run: each payload appears escaped on the dataset, resource,
search, service-area and validation-report pages, and the API returns it unchanged (JSON, not HTML)."""
from __future__ import annotations

import io

import pytest
from ckan.tests import factories, helpers

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

PAYLOADS = ['<script>alert("xss-title")</script>', '"><img src=x onerror=alert("xss-notes")>',
            "<svg/onload=alert('xss-contact')>", "javascript:alert('xss-name')//<b>x</b>",
            '<iframe src="https://attacker.example/xss-description"></iframe>']
RAW = ['<script>alert("xss', "<img src=x onerror", "<svg/onload", "<b>x</b>", '<iframe src="https://attacker']
CELL = '<script>alert("xss-cell")</script>'


@pytest.fixture
def dataset(app):
    officer = factories.User()
    org = factories.Organization(name="finance", users=[{"name": officer["name"], "capacity": "editor"}])
    token = {"Authorization": factories.APIToken(user=officer["name"])["token"]}
    dataset = factories.Dataset(owner_org=org["id"], title=f"Spending {PAYLOADS[0]}",
                                **{**COUNCIL_FIELDS, "notes": f"Notes {PAYLOADS[1]}",
                                   "contact_name": f"Team {PAYLOADS[2]}"})
    csv = f"expenditure_date,amount\n2024-04-01,{CELL}\n".encode()
    uploaded = app.post("/api/3/action/resource_create", headers=token, data={
        "package_id": dataset["id"], "name": f"File {PAYLOADS[3]}", "description": f"About {PAYLOADS[4]}",
        "schema": "spend-over-500@1.0.0", "upload": (io.BytesIO(csv), "spend.csv")})
    # the file fails its schema (a cell is no amount): a failing upload is refused with the report
    assert uploaded.status_code in (200, 409), uploaded.get_data(as_text=True)[:300]
    linked = helpers.call_action("resource_create", context={"user": officer["name"]}, package_id=dataset["id"],
                                 name=f"Link {PAYLOADS[3]}", description=f"About {PAYLOADS[4]}",
                                 url="https://example.org/spend.csv", format="CSV")
    return {"dataset": dataset, "resource": linked, "token": token, "failed_upload": uploaded, "org": org}


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, (where, raw)


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestScriptIsShownAsText:
    def test_pages_escape_what_officers_typed(self, app, dataset):
        name, rid = dataset["dataset"]["name"], dataset["resource"]["id"]
        for url in (f"/dataset/{name}", f"/dataset/{name}/resource/{rid}", "/dataset/", "/dataset/?q=Spending",
                    f"/organization/{dataset['org']['name']}", f"/dataset/{name}/resource/{rid}/validation"):
            response = app.get(url, headers=dataset["token"])
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            assert_escaped(body, url)
        page = app.get(f"/dataset/{name}").get_data(as_text=True)
        assert "&lt;script&gt;alert(&#34;xss-title&#34;)&lt;/script&gt;" in page or "&lt;script&gt;" in page

    def test_the_validation_report_escapes_cell_values(self, app, dataset):
        refused = dataset["failed_upload"]
        if refused.status_code == 409:  # refused with the report in the answer: JSON, not a page
            assert refused.headers["Content-Type"].startswith("application/json")
            return
        resource = refused.json["result"]
        page = app.get(f"/dataset/{dataset['dataset']['name']}/resource/{resource['id']}/validation",
                       headers=dataset["token"])
        assert page.status_code == 200
        assert_escaped(page.get_data(as_text=True), "report")

    def test_the_api_returns_the_text_unchanged_as_json(self, app, dataset):
        response = app.get("/api/3/action/package_show", query_string={"id": dataset["dataset"]["id"]})
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json["result"]["title"] == f"Spending {PAYLOADS[0]}"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
