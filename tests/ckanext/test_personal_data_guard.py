"""The portal's personal-data guard, end to end: every upload and link is scanned (schema or not),
every sheet of a workbook, names with titles in payee columns; what is found stops the file or takes
its dataset out of public view; the data protection officer's allow-list, with its history."""
from __future__ import annotations

import csv
import io

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import REPO
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from tests.workbooks import PERSONAL_SHEET, workbook_bytes

VALID_SPEND = (REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv").read_text(encoding="utf-8")
SPEND = "spend-over-500@1.0.0"
xlsx = workbook_bytes


def spend_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(VALID_SPEND)))


def spend_with(column: str, value: str) -> bytes:
    rows = spend_rows()
    rows[2][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def officer_and_dataset():
    officer = factories.User()
    org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], private=True, asset_register_id="IAR-0042", **COUNCIL_FIELDS)
    return officer, dataset


def upload(create_with_upload, officer_and_dataset, data: bytes, filename: str, **fields):
    officer, dataset = officer_and_dataset
    return create_with_upload(data, filename, package_id=dataset["id"], name=filename,
                              context={"user": officer["name"]}, **fields)


def resources_of(dataset) -> list[dict]:
    return helpers.call_action("package_show", id=dataset["id"])["resources"]


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestEveryFileIsScanned:
    def test_a_second_sheet_with_personal_data_is_refused_with_a_schema(self, create_with_upload, officer_and_dataset):
        data = xlsx({"Spend": spend_rows(), "Contacts": PERSONAL_SHEET})
        with pytest.raises(tk.ValidationError) as refused:
            upload(create_with_upload, officer_and_dataset, data, "spend.xlsx", schema=SPEND)
        message = " ".join(refused.value.error_dict["upload"])
        assert '"Spend", "Contacts"' in message and "Nothing was saved" in message
        assert resources_of(officer_and_dataset[1]) == []

    def test_a_second_sheet_with_personal_data_is_refused_without_a_schema(self, create_with_upload,
                                                                           officer_and_dataset):
        data = xlsx({"Summary": [["Ward", "Reports"], ["Abbeygate", 4]], "Contacts": PERSONAL_SHEET})
        with pytest.raises(tk.ValidationError) as refused:
            upload(create_with_upload, officer_and_dataset, data, "stats.xlsx")
        lines = refused.value.error_dict["upload"]
        assert "personal data" in lines[0] and "Nothing was saved" in lines[0]
        assert any('Sheet "Contacts"' in line and "Email" in line for line in lines)
        assert "jane.doe@gmail.com" not in " ".join(lines) and "AB 12 34 56 C" not in " ".join(lines)
        assert resources_of(officer_and_dataset[1]) == []

    def test_a_csv_without_a_schema_is_scanned(self, create_with_upload, officer_and_dataset):
        with pytest.raises(tk.ValidationError) as refused:
            upload(create_with_upload, officer_and_dataset, b"Ward,Note\nAbbeygate,Ring john.smith@gmail.com\n",
                   "notes.csv")
        assert 'column "Note" seems to contain an e-mail address' in " ".join(refused.value.error_dict["upload"])
        assert resources_of(officer_and_dataset[1]) == []

    def test_a_clean_file_without_a_schema_is_recorded_as_scanned(self, create_with_upload, officer_and_dataset):
        resource = upload(create_with_upload, officer_and_dataset, b"Ward,Reports\nAbbeygate,4\n", "wards.csv")
        report = helpers.call_action("westsuffolk_resource_validation_show", id=resource["id"])
        assert (report["status"], report["checks"], report["schema_ref"]) == ("success", ["personal data"], None)
        officer, dataset = officer_and_dataset
        helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is False

    def test_a_pdf_is_recorded_as_not_scanned(self, create_with_upload, officer_and_dataset):
        resource = upload(create_with_upload, officer_and_dataset, b"%PDF-1.7\n" + bytes(64), "report.pdf")
        report = helpers.call_action("westsuffolk_resource_validation_show", id=resource["id"])
        assert report["status"] == "success" and report["checks"] == []
        assert "cannot be scanned for personal data" in report["warnings"][0]

    @pytest.mark.parametrize("payee", ["MRS JANE HAYWOOD", "CCA & MRS CA BOLLAND"])
    def test_private_individuals_named_as_payees_are_refused(self, create_with_upload, officer_and_dataset, payee):
        with pytest.raises(tk.ValidationError) as refused:
            upload(create_with_upload, officer_and_dataset, spend_with("beneficiary", payee), "spend.csv",
                   schema=SPEND)
        message = " ".join(refused.value.error_dict["upload"])
        assert "private individual" in message and payee not in message


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestFilesCheckedLater:
    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_a_large_upload_not_yet_scanned_keeps_its_dataset_private(self, create_with_upload, officer_and_dataset):
        officer, dataset = officer_and_dataset
        resource = upload(create_with_upload, officer_and_dataset, b"Ward,Note\nAbbeygate,AB 12 34 56 C\n",
                          "notes.csv")
        assert resource["validation_status"] == "pending"
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        assert "notes.csv" in refused.value.error_dict["private"][0]

        from ckanext.westsuffolk.validation.jobs import validate_resource_job

        assert validate_resource_job(resource["id"]) == "failure"
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)

    @pytest.mark.ckan_config("ckanext.westsuffolk.validation.sync_max_bytes", "10")
    def test_personal_data_found_later_takes_a_public_dataset_out_of_view(self, create_with_upload,
                                                                          officer_and_dataset):
        officer, dataset = officer_and_dataset
        clean = upload(create_with_upload, officer_and_dataset, b"Ward,Reports\nAbbeygate,4\n", "wards.csv")
        from ckanext.westsuffolk.validation.jobs import validate_resource_job

        assert validate_resource_job(clean["id"]) == "success"
        helpers.call_action("package_patch", context={"user": officer["name"]}, id=dataset["id"], private=False)
        # a second file, on a dataset already public (the officer did not wait for the check)
        later = upload(create_with_upload, officer_and_dataset, b"Ward,Note\nAbbeygate,jane.doe@gmail.com\n",
                       "notes.csv")
        assert validate_resource_job(later["id"]) == "failure"
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True
        report = helpers.call_action("westsuffolk_resource_validation_show", id=later["id"])
        assert "made private" in report["warnings"][0]


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestTheAllowList:
    def test_only_the_dpo_allows_and_every_decision_is_recorded(self, create_with_upload, officer_and_dataset):
        officer, _dataset = officer_and_dataset
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("westsuffolk_personal_data_allow", context={"user": officer["name"], "ignore_auth": False},
                                value="01284 763233", reason="switchboard")
        dpo = factories.Sysadmin()
        entry = helpers.call_action("westsuffolk_personal_data_allow", context={"user": dpo["name"]},
                                    value=" 01284 763233 ", reason="Published switchboard number", asset_id="IAR-0042")
        assert (entry["value"], entry["allowed_by"], entry["asset_id"]) == ("01284 763233", dpo["name"], "IAR-0042")
        assert entry["allowed_at"] and entry["revoked_at"] is None
        for user in (officer["name"], ""):  # officers, the publish jobs and the public see the values, not who
            listed = helpers.call_action("westsuffolk_personal_data_allowed_list",
                                         context={"user": user, "ignore_auth": False}, include_revoked=True)
            assert [(e["id"], e["value"], e["asset_id"]) for e in listed] == [(entry["id"], "01284 763233", "IAR-0042")]
            assert "allowed_by" not in listed[0]

        revoked = helpers.call_action("westsuffolk_personal_data_allow_revoke", context={"user": dpo["name"]},
                                      id=entry["id"])
        assert revoked["revoked_by"] == dpo["name"] and revoked["revoked_at"]
        dpo_context = {"user": dpo["name"], "ignore_auth": False}
        assert helpers.call_action("westsuffolk_personal_data_allowed_list", context=dpo_context) == []
        history = helpers.call_action("westsuffolk_personal_data_allowed_list", context=dpo_context,
                                      include_revoked=True)
        assert [e["id"] for e in history] == [entry["id"]]

    def test_allowing_needs_a_value_and_a_reason(self):
        dpo = factories.Sysadmin()
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("westsuffolk_personal_data_allow", context={"user": dpo["name"]}, value="  ",
                                reason="")
        assert set(refused.value.error_dict) == {"value", "reason"}

    def test_a_value_allowed_for_an_asset_passes_on_its_dataset_only(self, create_with_upload, officer_and_dataset):
        dpo = factories.Sysadmin()
        helpers.call_action("westsuffolk_personal_data_allow", context={"user": dpo["name"]},
                            value="MRS BEE'S CAKES", reason="A bakery trading under this name", asset_id="IAR-0042")
        data = spend_with("beneficiary", "MRS BEE'S CAKES")
        resource = upload(create_with_upload, officer_and_dataset, data, "spend.csv", schema=SPEND)
        assert resource["validation_status"] == "success"
        officer, dataset = officer_and_dataset
        other = factories.Dataset(owner_org=dataset["owner_org"], private=True, asset_register_id="IAR-0043",
                                  **COUNCIL_FIELDS)
        with pytest.raises(tk.ValidationError):
            create_with_upload(data, "spend.csv", package_id=other["id"], name="spend", schema=SPEND,
                               context={"user": officer["name"]})

    def test_the_dpo_page_lists_the_history_and_is_for_sysadmins_only(self, app):
        dpo = factories.Sysadmin()
        helpers.call_action("westsuffolk_personal_data_allow", context={"user": dpo["name"]},
                            value="01284 763233", reason="Published switchboard number")
        url = tk.url_for("westsuffolk_personal_data.index")
        page = app.get(url, headers={"Authorization": factories.APIToken(user=dpo["name"])["token"]})
        assert page.status_code == 200
        assert "01284 763233" in page.body and "Published switchboard number" in page.body and dpo["name"] in page.body
        officer = factories.User()
        denied = app.get(url, headers={"Authorization": factories.APIToken(user=officer["name"])["token"]})
        assert denied.status_code == 403
        assert app.get(url).status_code == 403
