"""Validation of what officers upload: sync refusal with clear errors, stored results, reports,
the public-visibility rule, background validation and auth."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.ckanext.conftest import example
from tests.conftest import REAL_SPEND, REPO
from tests.integration.conftest import WESTSUFFOLK_PLUGINS

SPEND = "spend-over-500@1.0.0"




def _upload(create_with_upload, dataset, officer, data: bytes, filename: str, schema: str = SPEND):
    return create_with_upload(data, filename, package_id=dataset["id"], name="Q1 2024", schema=schema,
                              context={"user": officer["name"]})


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestSyncValidation:
    def test_valid_upload_is_stored_with_success(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["validation_status"] == "success"
        assert shown["validation_row_count"] == 8
        assert shown["validation_error_count"] == 0
        report = helpers.call_action("westsuffolk_resource_validation_show", id=resource["id"])
        assert report["status"] == "success" and report["schema_ref"] == SPEND

    def test_deleting_a_resource_removes_its_report(self, create_with_upload, officer_and_dataset):
        from ckanext.westsuffolk.validation import store

        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        assert store.read(resource["id"])["status"] == "success"
        helpers.call_action("resource_delete", context={"user": officer["name"]}, id=resource["id"])
        assert store.read(resource["id"]) is None

    def test_search_listing_carries_the_validation_status(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        found = helpers.call_action("package_search", fq=f"id:{dataset['id']}", include_private=True,
                                    context={"user": officer["name"]})
        [resource] = found["results"][0]["resources"]
        assert resource["validation_status"] == "success"

    def test_invalid_upload_is_refused_with_row_and_column(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, example("spend-over-500", "invalid"), "spend.csv")
        lines = refused.value.error_dict["upload"]
        assert "does not follow the table schema spend-over-500@1.0.0" in lines[0]
        assert any(line.startswith('Row 3, column "amount"') and "Change the value" in line for line in lines[1:])
        assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []

    def test_validation_fields_cannot_be_forged(self, create_with_upload, officer_and_dataset):
        _officer, dataset = officer_and_dataset
        resource = factories.Resource(package_id=dataset["id"], url="https://example.org/x.csv",
                                      validation_status="success", validation_error_count=0)
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["validation_status"] == "pending"  # a link is scanned in the background; input dropped
        assert not shown["validation_error_count"] and shown.get("validated_at") is None

    @pytest.mark.parametrize("data, filename, expected", [
        (b"", "empty.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "picture.csv", "not a csv or excel table"),
        (b"organisation_name,amount\n", "header.csv", "column"),
        (b"=HYPERLINK(\"http://x\")", "formula.csv", ""),
    ])
    def test_bad_files_get_a_clear_message_and_nothing_is_saved(self, create_with_upload, officer_and_dataset,
                                                                 data, filename, expected):
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, data, filename)
        message = " ".join(refused.value.error_dict["upload"]).lower()
        assert expected in message
        assert "traceback" not in message
        assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []

    def test_personal_data_in_an_upload_is_refused_without_repeating_it(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        data = example("spend-over-500", "valid").decode("utf-8").replace(
            "Quarterly contribution to Haverhill Arts Centre programme", "Refund to jane.doe@gmail.com")
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, data.encode("utf-8"), "spend.csv")
        message = " ".join(refused.value.error_dict["upload"])
        assert 'Row 3, column "purpose" seems to contain an e-mail address' in message
        assert "jane.doe@gmail.com" not in message
        assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []

    def test_values_the_dpo_allowed_pass_the_personal_data_scan(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        data = example("spend-over-500", "valid").decode("utf-8").replace(
            "Quarterly contribution to Haverhill Arts Centre programme", "Queries to the council on 01284 763233")
        with pytest.raises(tk.ValidationError):
            _upload(create_with_upload, dataset, officer, data.encode("utf-8"), "spend.csv")
        dpo = factories.Sysadmin()
        helpers.call_action("westsuffolk_personal_data_allow", context={"user": dpo["name"]},
                            value="01284 763233", reason="The council's published switchboard number")
        resource = _upload(create_with_upload, dataset, officer, data.encode("utf-8"), "spend.csv")
        assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "success"

    def test_an_excel_workbook_is_validated_as_a_table(self, create_with_upload, officer_and_dataset, tmp_path):
        import csv
        import io

        import openpyxl

        workbook = openpyxl.Workbook()
        rows = list(csv.reader(io.StringIO(example("spend-over-500", "valid").decode("utf-8"))))
        for row in rows:
            workbook.active.append(row)
        path = tmp_path / "spend.xlsx"
        workbook.save(path)
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, path.read_bytes(), "spend.xlsx")
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert (shown["validation_status"], shown["validation_row_count"]) == ("success", len(rows) - 1)

    def test_windows_1252_file_is_read_with_a_warning(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        data = example("spend-over-500", "valid").decode("utf-8").replace("Haverhill Arts Trust", "Café Société £")
        resource = _upload(create_with_upload, dataset, officer, data.encode("cp1252"), "spend.csv")
        report = helpers.call_action("westsuffolk_resource_validation_show", id=resource["id"])
        assert report["status"] == "success"
        assert any("Windows-1252" in warning for warning in report["warnings"])

    def test_unknown_schema_name_is_refused_by_the_form_validator(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv",
                    schema="no-such-schema@1.0.0")
        assert "no table schema called" in str(refused.value.error_dict["schema"]).lower()

    @pytest.mark.parametrize("filename, schema", [
        ("harrogate-spend-2022-08.csv", "spend-over-500@1.0.0"),
        ("calderdale-purchase-card-2022-08.csv", "purchase-card-transactions@1.0.0"),
        ("salford-contracts-2022-07.csv", "contracts@1.0.0"),
    ])
    def test_real_council_files_uploaded_as_is_get_precise_header_errors(
            self, create_with_upload, officer_and_dataset, filename, schema):
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, (REAL_SPEND / filename).read_bytes(), filename, schema)
        lines = refused.value.error_dict["upload"]
        assert f"does not follow the table schema {schema}" in lines[0]
        assert any("column" in line.lower() for line in lines[1:])


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestBackgroundValidationAndPublicRule:
    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_large_file_is_pending_then_validated_by_the_job(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "invalid"), "spend.csv")
        assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "pending"

        from ckanext.westsuffolk.validation.jobs import validate_resource_job

        assert validate_resource_job(resource["id"]) == "failure"
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["validation_status"] == "failure" and shown["validation_error_count"] > 0

        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        assert "cannot be made public" in refused.value.error_dict["private"][0]
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True

    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    @pytest.mark.usefixtures("clean_queues")
    def test_a_real_jobs_worker_validates_a_large_upload(self, create_with_upload, officer_and_dataset, pytestconfig):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        assert resource["validation_status"] == "pending"
        worker = subprocess.run(
            [str(Path(sys.executable).with_name("ckan")), "-c", pytestconfig.getoption("ckan_ini"),
             "jobs", "worker", "--burst"], capture_output=True, text=True, timeout=300)
        assert worker.returncode == 0, worker.stderr[-2000:]
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert (shown["validation_status"], shown["validation_row_count"]) == ("success", 8)
        found = helpers.call_action("package_search", fq=f"id:{dataset['id']}", include_private=True,
                                    context={"user": officer["name"]})
        assert found["results"][0]["resources"][0]["validation_status"] == "success"  # reindexed by the job

    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", "false")
    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_the_public_rule_can_be_relaxed(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        _upload(create_with_upload, dataset, officer, example("spend-over-500", "invalid"), "spend.csv")
        helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is False

    def test_valid_dataset_goes_public(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is False

    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_report_page_lists_rows_columns_and_fixes(self, app, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "invalid"), "spend.csv")
        helpers.call_action("westsuffolk_resource_validation_run", context={"user": officer["name"]}, id=resource["id"])
        url = tk.url_for("westsuffolk_validation.report", id=dataset["name"], resource_id=resource["id"])
        page = app.get(url, headers={"Authorization": factories.APIToken(user=officer["name"])["token"]})
        assert page.status_code == 200
        body = page.body
        assert "What to fix" in body and "amount" in body and "How to fix it" in body
        assert "Invalid" in body


    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_a_background_check_shows_the_rows_checked_so_far(self, app, create_with_upload, officer_and_dataset,
                                                              monkeypatch):
        """A million-row file takes a while to check: the report page counts the rows as they go."""
        from ckanext.westsuffolk.validation import files, records, store
        from westsuffolk_core.validation import engine

        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        resource = helpers.call_action("resource_show", id=resource["id"])
        monkeypatch.setattr(engine, "PROGRESS_ROWS", 1)
        monkeypatch.setattr(records, "PROGRESS_SECONDS", 0)
        written = []
        write = store.write
        monkeypatch.setattr(store, "write", lambda r, record: written.append(dict(record)) or write(r, record))
        store.write(resource, records.pending_record(resource))
        final = files.validate_stored(resource)
        progress = [w["rows_checked"] for w in written if w.get("rows_checked")]
        assert progress == list(range(1, final["row_count"] + 1)), "every row, counted up while pending"
        assert all(w["status"] == records.PENDING for w in written[:-1])
        assert final["status"] == records.SUCCESS and "rows_checked" not in final

        store.write(resource, {**records.pending_record(resource), "rows_checked": 123_456})
        url = tk.url_for("westsuffolk_validation.report", id=dataset["name"], resource_id=resource["id"])
        body = app.get(url, headers={"Authorization": factories.APIToken(user=officer["name"])["token"]}).body
        assert "Rows checked so far: 123,456." in body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestValidationAuth:
    def test_only_owning_officers_and_sysadmins_run_validation(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        outsider = factories.User()
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("westsuffolk_resource_validation_run", context={"user": outsider["name"], "ignore_auth": False},
                                id=resource["id"])
        result = helpers.call_action("westsuffolk_resource_validation_run",
                                     context={"user": officer["name"], "ignore_auth": False}, id=resource["id"])
        assert result["status"] == "success"
        sysadmin = factories.Sysadmin()
        assert helpers.call_action("westsuffolk_resource_validation_run",
                                   context={"user": sysadmin["name"], "ignore_auth": False}, id=resource["id"])["status"] == "success"

    def test_private_report_is_hidden_from_the_public(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = _upload(create_with_upload, dataset, officer, example("spend-over-500", "valid"), "spend.csv")
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("westsuffolk_resource_validation_show", context={"user": "", "ignore_auth": False},
                                id=resource["id"])


SHAPES = REPO / "tests" / "data" / "real-shapes"


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestAdviceForWholeColumns:
    @pytest.mark.parametrize("filename, schema, expected", [
        ("a-windows-1252-crlf.csv", SPEND, 'Column 5 is headed "Supplier", which looks like "beneficiary"'),
        ("b-utf8-bom.csv", "purchase-card-transactions@1.0.0", "looks like"),
        ("c-system-headings.csv", SPEND, 'Column 4 is headed "Nstrg(T)", which is not one of this table'),
        ("d-split-key.csv", SPEND, 'Column 1 is headed "Document Number", which looks like "transaction_number"'),
        ("e-unnamed-11th-column.csv", SPEND, 'Column 5 is headed "Payee", which looks like "beneficiary"'),
        ("f-cover-sheet.xlsx", "contracts@1.0.0", 'The workbook has 2 sheets with data: "About", "Contracts"'),
        ("g-pounds-and-brackets.csv", "purchase-card-transactions@1.0.0", "looks like"),
    ])
    def test_real_file_shapes_uploaded_raw_are_refused_with_advice(self, create_with_upload, officer_and_dataset,
                                                                   filename, schema, expected):
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, (SHAPES / filename).read_bytes(), filename, schema)
        lines = refused.value.error_dict["upload"]
        assert any(expected in line for line in lines), lines
        assert "Nothing was saved" in lines[0]
        headings_lines = [line for line in lines if line.startswith("The column headings should be")]
        assert len(headings_lines) <= 1  # the expected headings are listed once, not in every message
        assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []

    def test_whole_columns_of_dates_and_amounts_are_said_once_with_the_fix(self, create_with_upload,
                                                                         officer_and_dataset):
        import csv as csv_module

        rows = list(csv_module.reader(io.StringIO(example("spend-over-500", "valid").decode("utf-8"))))
        date, amount = rows[0].index("expenditure_date"), rows[0].index("amount")
        for row in rows[1:]:
            year, month, day = row[date].split("-")
            row[date] = f"{day}/{month}/{year}"
            row[amount] = f"£{float(row[amount]):,.2f}"
        buffer = io.StringIO()
        csv_module.writer(buffer, lineterminator="\n").writerows(rows)
        officer, dataset = officer_and_dataset
        with pytest.raises(tk.ValidationError) as refused:
            _upload(create_with_upload, dataset, officer, buffer.getvalue().encode("utf-8"), "spend.csv")
        lines = refused.value.error_dict["upload"]
        count = len(rows) - 1
        [dates] = [line for line in lines if line.startswith(f'{count} values in column "expenditure_date"')]
        assert "look like day/month/year" in dates and "save them as YYYY-MM-DD" in dates
        [amounts] = [line for line in lines if line.startswith(f'{count} values in column "amount"')]
        assert "no £ sign, no thousands separators" in amounts
        assert "The first problems, row by row:" in lines
        assert not any(", " in line and line.endswith("., Row") for line in lines)  # one message per line
