"""The portal's downloads of linked files go through the safe fetcher: the reported SSRF (a link to the
internal Solr whose answer the validation report quoted) now gets a refusal, in plain words, and the
council's allow-list still lets trusted intranet hosts through."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import REPO
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

SPEND = "spend-over-500@1.0.0"
SECRET_TITLE = "Redundancy plan for the waste depot"


@pytest.fixture
def officer_and_dataset():
    officer = factories.User()
    org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], private=True, **COUNCIL_FIELDS)
    factories.Dataset(owner_org=org["id"], private=True, title=SECRET_TITLE, notes="Confidential draft.",
                      **{k: v for k, v in COUNCIL_FIELDS.items() if k != "notes"})
    return officer, dataset


@pytest.fixture
def file_server():
    """A local web server (127.0.0.1) serving the valid spend example."""
    body = (REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _link(officer, dataset, url):
    return helpers.call_action("resource_create", context={"user": officer["name"]}, package_id=dataset["id"],
                               name="Linked spend", url=url, format="CSV", schema=SPEND)


def _validate_now(officer, resource):
    return helpers.call_action("westsuffolk_resource_validation_run", context={"user": officer["name"]},
                               id=resource["id"])


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestLinkedFilesAreFetchedSafely:
    def test_a_link_to_the_internal_solr_is_refused_and_its_answer_never_quoted(self, officer_and_dataset):
        officer, dataset = officer_and_dataset
        solr = tk.config["solr_url"].rstrip("/")  # http://127.0.0.1:8983/solr/ckan_test
        resource = _link(officer, dataset, f"{solr}/select?q=private:true&fl=title,notes&wt=csv")
        report = _validate_now(officer, resource)
        assert report["status"] == "error"
        issue = report["issues"][0]
        assert issue["message"].startswith("This address is not allowed")
        assert "ask the portal's administrators" in issue["fix"]
        text = repr([report["issues"], report["summary"], report.get("warnings")])
        for leak in (SECRET_TITLE, "Confidential", "8983", "127.0.0.1", "Connection", "Errno"):
            assert leak not in text
        assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "error"

    def test_the_background_job_refuses_internal_addresses_too(self, officer_and_dataset):
        from ckanext.westsuffolk.validation.jobs import validate_resource_job

        officer, dataset = officer_and_dataset
        for url in ("http://169.254.169.254/latest/meta-data/iam/", "http://localhost:6379/", "file:///etc/passwd",
                    "http://[::1]:5432/", "http://10.0.0.8/share/spend.csv"):
            resource = _link(officer, dataset, url)
            assert validate_resource_job(resource["id"]) == "error"
            record = helpers.call_action("westsuffolk_resource_validation_show", id=resource["id"])
            assert record["issues"][0]["message"].startswith("This address is not allowed"), url

    def test_the_report_page_says_the_address_is_not_allowed(self, app, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _link(officer, dataset, "http://127.0.0.1:8983/solr/ckan/select?q=*:*&wt=csv")
        _validate_now(officer, resource)
        page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/validation",
                       headers={"Authorization": helpers.call_action(
                           "api_token_create", context={"user": officer["name"]}, user=officer["name"],
                           name="t")["token"]})
        assert page.status_code == 200
        assert "This address is not allowed" in page.get_data(as_text=True)

    def test_a_link_that_fails_does_not_show_the_network_error(self, officer_and_dataset, file_server):
        officer, dataset = officer_and_dataset
        port = file_server.rsplit(":", 1)[1]
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(tk.config, "ckanext.westsuffolk.fetch.allowed_hosts", ["127.0.0.1/32"])
            resource = _link(officer, dataset, "http://127.0.0.1:9/nothing-listens.csv")
            report = _validate_now(officer, resource)
        assert report["issues"][0]["message"] == "The portal could not connect to the address."
        assert "Errno" not in repr(report) and "refused" not in repr(report).lower() and port not in repr(report)

    @pytest.mark.ckan_config("ckanext.westsuffolk.fetch.allowed_hosts", "127.0.0.1/32")
    def test_a_trusted_intranet_host_is_fetched_and_validated(self, officer_and_dataset, file_server):
        officer, dataset = officer_and_dataset
        resource = _link(officer, dataset, f"{file_server}/spend.csv")
        report = _validate_now(officer, resource)
        assert (report["status"], report["row_count"]) == ("success", 8)

    @pytest.mark.ckan_config("ckanext.westsuffolk.fetch.allowed_hosts", "127.0.0.1/32")
    @pytest.mark.ckan_config("ckan.max_resource_size", "0")
    def test_a_linked_file_over_the_size_limit_is_refused_in_words(self, officer_and_dataset, file_server):
        officer, dataset = officer_and_dataset
        resource = _link(officer, dataset, f"{file_server}/spend.csv")
        report = _validate_now(officer, resource)
        assert report["issues"][0]["message"].startswith("The linked file is larger than the portal's limit")

    def test_the_datastore_loader_fetches_through_the_safe_fetcher(self, officer_and_dataset):
        """The DataStore loader downloads a link again after its check: were the name to point at an internal
        address by then (DNS rebinding), the load is refused in the same words and nothing is loaded."""
        from ckanext.westsuffolk.loading import load as loading
        from ckanext.westsuffolk.validation import records, store

        officer, dataset = officer_and_dataset
        solr = tk.config["solr_url"].rstrip("/")
        resource = _link(officer, dataset, f"{solr}/select?q=private:true&fl=title,notes&wt=csv")
        shown = helpers.call_action("resource_show", id=resource["id"])
        store.write(shown, {**records.pending_record(shown), "status": "success", "row_count": 1})  # as if it passed
        state = loading.load(shown)["datastore"]
        assert state["status"] == "not-loaded"
        assert "This address is not allowed" in state["message"]
        for leak in (SECRET_TITLE, "8983", "127.0.0.1", "Errno"):
            assert leak not in state["message"]
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("datastore_info", id=resource["id"])
