"""Every checked table in the DataStore: an upload that passes its check is queryable through
datastore_search with the types of its table schema (inferred without one); a bad or failing file
never replaces the last good table, and the officer is told why."""
from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.ckanext.conftest import example
from tests.integration.conftest import WESTSUFFOLK_PLUGINS
from tests.workbooks import workbook_bytes
from westsuffolk_core import table_schemas

SPEND = "spend-over-500@1.0.0"




def upload(create_with_upload, dataset, officer, data: bytes, filename: str, **fields):
    return create_with_upload(data, filename, package_id=dataset["id"], name="Q1 2024",
                              context={"user": officer["name"]}, **fields)


def replace(resource, officer, data: bytes, filename: str):
    import io

    from werkzeug.datastructures import FileStorage

    return helpers.call_action("resource_patch", context={"user": officer["name"]}, id=resource["id"],
                               upload=FileStorage(io.BytesIO(data), filename))


def cell_value(text: str):
    """What Excel would hold: numbers and dates as such."""
    import datetime as dt

    for kind in (int, float, dt.date.fromisoformat):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def table(resource_id: str, **query) -> dict:
    return helpers.call_action("datastore_search", resource_id=resource_id, **query)


def types(result: dict) -> dict[str, str]:
    return {f["id"]: f["type"] for f in result["fields"] if f["id"] != "_id"}


def report(resource_id: str) -> dict:
    return helpers.call_action("westsuffolk_resource_validation_show", id=resource_id)


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestLoadingUploads:
    def test_a_valid_csv_is_queryable_with_its_schema_types(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, example("spend-over-500"), "spend.csv", schema=SPEND)
        assert resource["datastore_load_status"] == "loaded"
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["datastore_active"] is True
        result = table(resource["id"], filters={"capital_or_revenue": "capital"}, sort="amount desc")
        descriptor = table_schemas.get_descriptor("spend-over-500")
        assert types(result) == {f["name"]: {"string": "text", "date": "date", "number": "numeric",
                                             "integer": "int8", "boolean": "bool"}[f["type"]]
                                 for f in descriptor["fields"]}
        assert result["total"] >= 1 and all(r["capital_or_revenue"] == "capital" for r in result["records"])
        assert table(resource["id"], limit=0)["total"] == 8
        labels = {f["id"]: f.get("info", {}).get("label") for f in result["fields"]}
        assert labels["expenditure_date"] == "Expenditure date"
        state = report(resource["id"])["datastore"]
        assert state["status"] == "loaded" and state["table"]["rows"] == 8
        assert "with the types of spend-over-500@1.0.0" in state["message"]

    def test_a_valid_workbook_is_queryable_too(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        descriptor = table_schemas.get_descriptor("fraud")
        lines = example("fraud").decode("utf-8").splitlines()
        rows = [lines[0].split(",")] + [[cell_value(cell) for cell in line.split(",")] for line in lines[1:]]
        data = workbook_bytes({"Fraud": rows})
        resource = upload(create_with_upload, dataset, officer, data, "fraud.xlsx", schema="fraud@1.0.0")
        assert resource["validation_status"] == "success", report(resource["id"])
        result = table(resource["id"], sort="financial_year")
        assert types(result)["financial_year"] == "text"
        assert result["total"] == len(lines) - 1
        number_fields = [f["name"] for f in descriptor["fields"] if f["type"] == "number"]
        assert all(types(result)[name] == "numeric" for name in number_fields)

    def test_a_file_without_schema_gets_inferred_types(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        data = (b"Ward,Count,Share,Surveyed,Open,Code\n"
                b"Abbeygate,12,0.5,2024-05-01,true,007\n"
                b"Moreton Hall,3,1.25,2024-05-02,false,012\n"
                b"Southgate,,2,2024-05-03,TRUE,100\n")
        resource = upload(create_with_upload, dataset, officer, data, "wards.csv")
        result = table(resource["id"], filters={"Ward": "Southgate"})
        assert types(result) == {"Ward": "text", "Count": "int8", "Share": "numeric", "Surveyed": "date",
                                 "Open": "bool", "Code": "text"}
        [row] = result["records"]
        assert row["Count"] is None and row["Open"] is True and row["Code"] == "100"
        assert table(resource["id"], q="Moreton")["total"] == 1
        assert "inferred" in report(resource["id"])["datastore"]["message"]

    def test_a_new_valid_file_replaces_the_table(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, example("spend-over-500"), "spend.csv", schema=SPEND)
        lines = example("spend-over-500").decode().splitlines(keepends=True)
        replace(resource, officer, "".join(lines[:-3]).encode(), "spend.csv")
        assert table(resource["id"], limit=0)["total"] == len(lines) - 4

    @pytest.mark.parametrize(("data", "filename", "why"), [
        (b"Ward,Count\n", "header-only.csv", "headings but no rows"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.csv", "PNG image"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>\n", "page.csv", "web page"),
        (("," .join(f"c{n}" for n in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(), "wide.csv",
         "10,000 columns"),
    ], ids=["header-only", "png", "web-page", "10000-columns"])
    def test_bad_input_keeps_the_last_good_table_and_says_why(self, create_with_upload, officer_and_dataset,
                                                             data, filename, why):
        officer, dataset = officer_and_dataset
        good = b"Ward,Count\nAbbeygate,12\nSouthgate,3\n"
        resource = upload(create_with_upload, dataset, officer, good, "wards.csv")
        assert table(resource["id"], limit=0)["total"] == 2
        with contextlib.suppress(tk.ValidationError):  # refused by the check itself: nothing changed either
            replace(resource, officer, data, filename)
        assert table(resource["id"], limit=0)["total"] == 2
        record = report(resource["id"])
        if record["fingerprint"] != record["datastore"]["table"]["fingerprint"]:
            assert why in record["datastore"]["message"], record["datastore"]
            assert helpers.call_action("resource_show", id=resource["id"])["datastore_load_status"] == "not-loaded"

    def test_a_reload_is_never_seen_half_done(self, create_with_upload, officer_and_dataset):
        """Readers see the old rows, whole, until the new ones are all in (one transaction), never none."""
        import io
        import threading

        from ckanext.westsuffolk.loading import tables

        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, b"Ward,Count\nAbbeygate,12\nSouthgate,3\n", "wards.csv")
        fields = [{"id": f["id"], "type": f["type"]} for f in table(resource["id"])["fields"] if f["id"] != "_id"]
        copying, release = threading.Event(), threading.Event()

        class HeldRows(io.StringIO):
            """New rows that COPY reads only when the test lets it: the old rows are deleted by then."""

            def read(self, size=-1):
                copying.set()
                release.wait(60)
                return super().read(size)

        loader = threading.Thread(target=tables.replace, args=(resource["id"], fields, [],
                                                               HeldRows("Horringer,1\nMoreton Hall,2\nRisby,3\n")))
        loader.start()
        try:
            assert copying.wait(60)
            during = table(resource["id"], sort="_id")
        finally:
            release.set()
            loader.join(60)
        assert [r["Ward"] for r in during["records"]] == ["Abbeygate", "Southgate"] and during["total"] == 2
        assert [r["Ward"] for r in table(resource["id"], sort="_id")["records"]] == ["Horringer", "Moreton Hall", "Risby"]

    def test_a_file_that_fails_its_check_later_keeps_the_good_table(self, create_with_upload, officer_and_dataset):
        from ckanext.westsuffolk.validation.jobs import validate_resource_job

        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, example("spend-over-500"), "spend.csv", schema=SPEND)
        with pytest.MonkeyPatch.context() as patch:  # a large file: checked in the background
            patch.setitem(tk.config, "ckanext.westsuffolk.validation.sync_max_bytes", 10)
            replace(resource, officer, example("spend-over-500", "invalid"), "spend.csv")
        validate_resource_job(resource["id"])
        assert table(resource["id"], limit=0)["total"] == 8
        state = report(resource["id"])["datastore"]
        assert state["status"] == "not-loaded" and "did not pass its check" in state["message"]
        assert "keeps the table" in state["message"]

    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    @pytest.mark.usefixtures("clean_queues")
    def test_a_large_upload_is_loaded_by_a_real_worker(self, create_with_upload, officer_and_dataset, pytestconfig):
        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, example("spend-over-500"), "spend.csv", schema=SPEND)
        assert resource["datastore_load_status"] == "pending"
        worker = subprocess.run(
            [str(Path(sys.executable).with_name("ckan")), "-c", pytestconfig.getoption("ckan_ini"),
             "jobs", "worker", "--burst"], capture_output=True, text=True, timeout=300)
        assert worker.returncode == 0, worker.stderr[-2000:]
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["datastore_load_status"] == "loaded"
        assert table(resource["id"], limit=0)["total"] == 8

    def test_the_report_page_tells_the_officer(self, app, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, dataset, officer, b"Ward,Count\nAbbeygate,12\n", "wards.csv")
        replace(resource, officer, b"Ward,Count\n", "wards.csv")
        url = tk.url_for("westsuffolk_validation.report", id=dataset["name"], resource_id=resource["id"])
        page = app.get(url, headers={"Authorization": factories.APIToken(user=officer["name"])["token"]})
        assert page.status_code == 200
        assert "headings but no rows" in page.body
        assert "still holds the table of an earlier file" in page.body


@pytest.fixture
def link_server():
    """A web server for linked files: set `answer["mode"]` to "good", "404", "500" or "slow"."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    answer = {"mode": "good", "body": b"Ward,Count\nAbbeygate,12\nSouthgate,3\n"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if answer["mode"] == "slow":
                time.sleep(3)
            code = {"404": 404, "500": 500}.get(answer["mode"], 200)
            body = answer["body"] if code == 200 else b"<html><body>Error</body></html>"
            self.send_response(code)
            self.send_header("Content-Type", "text/csv" if code == 200 else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the portal may have given up (the slow case)
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answer["url"] = f"http://127.0.0.1:{server.server_port}/wards.csv"
    yield answer
    server.shutdown()
    server.server_close()


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.link_timeout", "1")
@pytest.mark.ckan_config("ckanext.westsuffolk.fetch.allowed_hosts", "127.0.0.1/32")  # the local link server
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")
class TestLoadingLinks:
    @pytest.mark.parametrize(("mode", "why"), [("404", "The address answered HTTP 404"),
                                               ("500", "The address answered HTTP 500"),
                                               ("slow", "did not answer in time")])
    def test_a_failing_link_keeps_the_last_good_table_and_says_why(self, app, link_server, officer_and_dataset,
                                                                  mode, why):
        officer, dataset = officer_and_dataset
        resource = helpers.call_action("resource_create", context={"user": officer["name"]},
                                       package_id=dataset["id"], name="Wards", url=link_server["url"])
        checked = helpers.call_action("westsuffolk_resource_validation_run", context={"user": officer["name"]},
                                      id=resource["id"])
        assert checked["datastore"]["status"] == "loaded", checked["datastore"]
        assert table(resource["id"], limit=0)["total"] == 2
        link_server["mode"] = mode
        checked = helpers.call_action("westsuffolk_resource_validation_run", context={"user": officer["name"]},
                                      id=resource["id"])
        assert checked["status"] == "error"
        assert table(resource["id"], limit=0)["total"] == 2
        state = checked["datastore"]
        assert state["status"] == "not-loaded" and why in state["message"], state
        assert "keeps the table of the last file that passed" in state["message"]
        url = tk.url_for("westsuffolk_validation.report", id=dataset["name"], resource_id=resource["id"])
        page = app.get(url, headers={"Authorization": factories.APIToken(user=officer["name"])["token"]})
        assert page.status_code == 200 and why in page.body
