"""The stack itself: Solr search with facets, page rendering, DataStore, jobs, HTTP API end to end."""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import ckanapi
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from .conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSearchAndPages:
    def test_dataset_is_found_through_solr_with_facet_counts(self):
        finance = factories.Organization(name="finance")
        waste = factories.Organization(name="waste")
        for i, (org, tags) in enumerate([(finance, ["spending", "finance"]), (finance, ["spending"]), (waste, ["bins"])]):
            factories.Dataset(owner_org=org["id"], name=f"set-{i}", tags=[{"name": t} for t in tags], **COUNCIL_FIELDS)

        result = helpers.call_action(
            "package_search", q="*:*", **{"facet.field": ["organization", "tags"]}
        )
        assert result["count"] == 3
        facets = result["search_facets"]
        orgs = {item["name"]: item["count"] for item in facets["organization"]["items"]}
        tags = {item["name"]: item["count"] for item in facets["tags"]["items"]}
        assert orgs == {"finance": 2, "waste": 1}
        assert tags == {"spending": 2, "finance": 1, "bins": 1}

        found = helpers.call_action("package_search", fq="tags:bins")
        assert [d["name"] for d in found["results"]] == ["set-2"]

    def test_solr_schema_version_check_passes(self):
        from ckan.lib.search import check_solr_schema_version

        assert check_solr_schema_version() is True

    def test_dataset_page_renders(self, app):
        org = factories.Organization(name="planning")
        dataset = factories.Dataset(owner_org=org["id"], title="Planning applications 2024", **COUNCIL_FIELDS)
        response = app.get(tk.url_for("dataset.read", id=dataset["name"]))
        assert response.status_code == 200
        assert "Planning applications 2024" in response.body
        assert "West Suffolk Council Open Data" in response.body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestDataStore:
    def test_create_and_search_with_typed_fields_and_filter(self):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], **COUNCIL_FIELDS)
        resource = factories.Resource(package_id=dataset["id"], url="https://example.org/spend.csv")
        sysadmin = factories.Sysadmin()
        helpers.call_action(
            "datastore_create",
            context={"user": sysadmin["name"]},
            resource_id=resource["id"],
            force=True,
            fields=[
                {"id": "transaction_number", "type": "text"},
                {"id": "payment_date", "type": "date"},
                {"id": "amount", "type": "numeric"},
            ],
            primary_key=["transaction_number"],
            records=[
                {"transaction_number": "T1", "payment_date": "2024-04-02", "amount": 612.50},
                {"transaction_number": "T2", "payment_date": "2024-04-03", "amount": 1200},
                {"transaction_number": "T3", "payment_date": "2024-04-03", "amount": 99000.99},
            ],
        )
        result = helpers.call_action(
            "datastore_search", resource_id=resource["id"], filters={"payment_date": "2024-04-03"}, sort="amount"
        )
        assert result["total"] == 2
        assert [r["transaction_number"] for r in result["records"]] == ["T2", "T3"]
        types = {f["id"]: f["type"] for f in result["fields"]}
        assert types["amount"] == "numeric" and types["payment_date"] == "date"
        assert float(result["records"][1]["amount"]) == pytest.approx(99000.99)


@pytest.mark.usefixtures("clean_queues")
def test_background_job_is_executed_by_a_worker(tmp_path, pytestconfig):
    target = tmp_path / f"made-by-worker-{uuid.uuid4().hex}"
    job = tk.enqueue_job(Path.mkdir, [target], title="westsuffolk test job")
    worker = subprocess.run(
        [str(Path(sys.executable).with_name("ckan")), "-c", pytestconfig.getoption("ckan_ini"), "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert target.is_dir(), f"job {job.id} did not run; worker said: {worker.stderr[-2000:]}"


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestHttpApiEndToEnd:
    def test_sysadmin_creates_and_reads_a_dataset_over_http(self, portal_url, sysadmin_token):
        portal = ckanapi.RemoteCKAN(portal_url, apikey=sysadmin_token)
        portal.action.organization_create(name="e2e-org", title="E2E organisation")
        created = portal.action.package_create(name="e2e-dataset", title="End to end", owner_org="e2e-org", **COUNCIL_FIELDS)
        read = ckanapi.RemoteCKAN(portal_url).action.package_show(id="e2e-dataset")
        assert read["id"] == created["id"]
        assert read["license_id"] == "uk-ogl"
        status = ckanapi.RemoteCKAN(portal_url).action.status_show()
        assert status["ckan_version"] == "2.12.0"
        assert set(WESTSUFFOLK_PLUGINS.split()) <= set(status["extensions"])

    def test_anonymous_client_cannot_create_a_dataset(self, portal_url):
        anonymous = ckanapi.RemoteCKAN(portal_url)
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.action.package_create(name="should-not-exist", title="No", **COUNCIL_FIELDS)


def test_the_datastore_read_role_reads_the_table_statistics():
    """CKAN's set-permissions creates "_table_stats" after granting the read-only role its tables; on a fresh
    DataStore the ward figures (which read it as their cache stamp) were refused. scripts/services.sh grants it."""
    import sqlalchemy as sa

    engine = sa.create_engine(tk.config["ckan.datastore.read_url"])
    try:
        with engine.connect() as connection:
            connection.execute(sa.text('SELECT count(*) FROM "_table_stats"')).scalar()
    finally:
        engine.dispose()
