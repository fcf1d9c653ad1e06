"""The published table schemas: /schemas, /schemas/<name>, raw descriptors, template and example."""
from __future__ import annotations

import csv
import html
import io
import json

import pytest
from ckan import model
from ckan.tests import factories

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from westsuffolk_core import table_schemas


@pytest.fixture
def resource_schema_indexed(monkeypatch):
    """Index the resource `schema` field as res_extras_schema (ckan.extra_resource_fields = schema).

    CKAN caches the extra resource columns on the model class the first time it reads them, so
    the cache is cleared for this test (and restored afterwards).
    """
    monkeypatch.setattr(model.Resource, "extra_columns", None)
    yield
    monkeypatch.setattr(model.Resource, "extra_columns", None)


def _dataset(org, title, category=None, resource_schemas=()):
    fields = dict(COUNCIL_FIELDS)
    if category:
        fields["transparency_code_category"] = category
    resources = [
        {"name": f"Part {i}", "url": f"https://example.org/{i}.csv", "format": "CSV", "schema": ref}
        for i, ref in enumerate(resource_schemas)
    ]
    return factories.Dataset(owner_org=org["id"], title=title, resources=resources, **fields)


def _index_rows(body: str) -> dict[str, str]:
    """{schema name: the text of its row in the index table}."""
    rows = {}
    for chunk in body.split("<tr>")[2:]:
        row = chunk.split("</tr>")[0]
        name = row.split("<code>")[1].split("</code>")[0]
        rows[name] = html.unescape(row)
    return rows


def _count_in(row: str) -> int:
    return int(row.split('class="westsuffolk-conforming-count">')[1].split("<", maxsplit=1)[0])


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckan.extra_resource_fields", "schema")
# The files here are never validated; the publish gate has its own tests.
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "resource_schema_indexed")
class TestSchemaPages:
    def test_index_lists_every_schema_with_version_obligation_and_counts(self, app):
        org = factories.Organization()
        _dataset(org, "Spend 2024 Q1", category="spend-over-500")
        _dataset(org, "Spend 2024 Q2", category="spend-over-500", resource_schemas=["spend-over-500@1.0.0"])
        _dataset(org, "Old spend", resource_schemas=["spend-over-500@0.9.0"])
        _dataset(org, "Contracts register", category="contracts", resource_schemas=["spend-over-500@1.0.0"])
        _dataset(org, "Asset register", resource_schemas=["information-asset-register@"
                                                          + table_schemas.versions("information-asset-register")[-1]])
        _dataset(org, "Unrelated dataset")
        factories.Dataset(owner_org=org["id"], private=True, transparency_code_category="fraud", **COUNCIL_FIELDS)

        response = app.get("/schemas")
        assert response.status_code == 200
        rows = _index_rows(response.body)
        descriptors = table_schemas.list_schemas()
        assert set(rows) == {d["name"] for d in descriptors}
        for descriptor in descriptors:
            row = rows[descriptor["name"]]
            assert descriptor["title"] in row
            assert f"<td>{descriptor['version']}</td>" in row
            obligation = (descriptor.get("transparencyCode") or {}).get("obligation")
            assert (obligation or "not a Transparency Code table") in row

        counts = {name: _count_in(row) for name, row in rows.items()}
        expected = dict.fromkeys(rows, 0)
        expected.update({"spend-over-500": 4, "contracts": 1, "information-asset-register": 1})
        assert counts == expected

    @pytest.mark.ckan_config("ckan.search.rows_max", "2")
    def test_counts_leave_no_dataset_out_beyond_one_page_of_search(self, app):
        org = factories.Organization()
        for n in range(5):
            _dataset(org, f"Spend file {n}", resource_schemas=["spend-over-500@1.0.0"])
        _dataset(org, "Spend with a category", category="spend-over-500", resource_schemas=["spend-over-500@1.0.0"])
        counts = {name: _count_in(row) for name, row in _index_rows(app.get("/schemas").body).items()}
        assert counts["spend-over-500"] == 6

    def test_read_page_shows_fields_and_conforming_datasets(self, app):
        org = factories.Organization()
        _dataset(org, "Spending over £500, 2024 to 2025", category="spend-over-500")
        _dataset(org, "Contracts with a spend file", category="contracts", resource_schemas=["spend-over-500@1.0.0"])
        _dataset(org, "Old spending file", resource_schemas=["spend-over-500@0.9.0"])
        _dataset(org, "Parking spaces 2024", category="parking-spaces", resource_schemas=["contracts@"
                                                                                      + table_schemas.versions("contracts")[-1]])
        factories.Dataset(owner_org=org["id"], title="Private spending draft", private=True,
                          transparency_code_category="spend-over-500", **COUNCIL_FIELDS)

        response = app.get("/schemas/spend-over-500")
        assert response.status_code == 200
        body = html.unescape(response.body)
        for field in table_schemas.get_descriptor("spend-over-500")["fields"]:
            assert f"<code>{field['name']}</code>" in body
            assert f"<td>{field['type']}" in body
            assert field["description"] in body
        assert "Spending over £500, 2024 to 2025" in body
        assert "Contracts with a spend file" in body
        assert "Old spending file" in body
        assert "Parking spaces 2024" not in body
        assert "Private spending draft" not in body
        assert "3 datasets follow this schema." in body
        assert '<th scope="col">' in body and "<caption>" in body
        assert "/schemas/spend-over-500/template.csv" in body
        assert "/schemas/spend-over-500/example.csv" in body
        assert "/schemas/spend-over-500/0.9.0.json" in body

    def test_every_schema_page_renders(self, app):
        for descriptor in table_schemas.list_schemas():
            response = app.get(f"/schemas/{descriptor['name']}")
            assert response.status_code == 200, descriptor["name"]
            assert "No published dataset follows this schema yet." in response.body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins")
class TestSchemaFiles:
    @pytest.mark.parametrize("name", [d["name"] for d in table_schemas.list_schemas()])
    def test_latest_json_is_the_exact_descriptor_with_cors(self, app, name):
        response = app.get(f"/schemas/{name}.json")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(response.body) == table_schemas.get_descriptor(name)

        version = table_schemas.versions(name)[-1]
        versioned = app.get(f"/schemas/{name}/{version}.json")
        assert versioned.status_code == 200
        assert versioned.headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(versioned.body) == table_schemas.get_descriptor(name)

    def test_old_version_stays_reachable_and_differs_from_latest(self, app):
        old = app.get("/schemas/spend-over-500/0.9.0.json")
        assert old.status_code == 200
        assert old.headers["Content-Type"].startswith("application/json")
        old_descriptor = json.loads(old.body)
        assert old_descriptor == table_schemas.get_descriptor("spend-over-500", "0.9.0")
        assert old_descriptor["version"] == "0.9.0"
        assert old_descriptor != json.loads(app.get("/schemas/spend-over-500.json").body)

    @pytest.mark.parametrize("name", [d["name"] for d in table_schemas.list_schemas()])
    def test_template_csv_header_is_the_field_names(self, app, name):
        response = app.get(f"/schemas/{name}/template.csv")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}-template.csv"'
        rows = list(csv.reader(io.StringIO(response.body)))
        assert rows == [[field["name"] for field in table_schemas.get_descriptor(name)["fields"]]]

    def test_example_csv_is_the_valid_example(self, app):
        response = app.get("/schemas/spend-over-500/example.csv")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        expected = table_schemas.example_path("spend-over-500").read_text(encoding="utf-8")
        assert response.body == expected

    @pytest.mark.parametrize("url", [
        "/schemas/no-such-schema",
        "/schemas/no-such-schema.json",
        "/schemas/no-such-schema/1.0.0.json",
        "/schemas/no-such-schema/template.csv",
        "/schemas/no-such-schema/example.csv",
        "/schemas/spend-over-500/9.9.9.json",
        "/schemas/spend-over-500/latest.json",
        "/schemas/Spend-Over-500",
    ])
    def test_unknown_names_and_versions_are_404_pages(self, app, url):
        response = app.get(url)
        assert response.status_code == 404
        assert "text/html" in response.headers["Content-Type"]
        assert "Traceback" not in response.body
        assert "site-packages" not in response.body

    def test_404_message_names_the_schema_and_escapes_it(self, app):
        assert "has no published version 9.9.9" in app.get("/schemas/spend-over-500/9.9.9.json").body
        body = app.get("/schemas/%3Cb%3Ebold").body
        assert "<b>bold" not in body

    def test_schema_without_an_example_has_no_example_download(self, app, monkeypatch):
        monkeypatch.setattr(table_schemas, "example_path", lambda name, kind="valid": None)
        assert app.get("/schemas/spend-over-500/example.csv").status_code == 404
        page = app.get("/schemas/spend-over-500")
        assert page.status_code == 200
        assert "/schemas/spend-over-500/example.csv" not in page.body
