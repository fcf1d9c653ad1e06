"""What the council holds (/what-the-council-holds) and release notes on dataset pages and in the activity
stream, on the real CKAN (the publish jobs' side: tests/integration/test_accountability_publish.py)."""
from __future__ import annotations

import html
import json

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from westsuffolk_core import table_schemas
from westsuffolk_core.dataset_fields import REGISTER_DATASET

REGISTER_SCHEMA = table_schemas.get_descriptor("information-assets")
ROWS = [
    {"asset_id": "IAR-0001", "title": "Spending over £500", "description": "Every payment over £500.",
     "service_area": "Finance", "publication_status": "published", "update_frequency": "quarterly",
     "spatial_coverage": "E07000245", "last_reviewed": "2024-10-07"},
    {"asset_id": "IAR-0016", "title": "Council tax discounts", "description": "Households receiving a discount.",
     "service_area": "Revenues and Benefits", "publication_status": "not_for_publication",
     "reason_not_published": "It holds personal data about individuals, which the council does not publish.",
     "update_frequency": "monthly", "spatial_coverage": "E07000245", "last_reviewed": "2024-10-07"},
    {"asset_id": "IAR-0060", "title": "Leisure contract prices", "description": "The operator's prices.",
     "service_area": "Leisure and Culture", "publication_status": "not_for_publication",
     "reason_not_published": "Commercial confidence: prices stay confidential until the contract ends.",
     "update_frequency": "monthly", "spatial_coverage": "E07000245", "last_reviewed": "2024-10-07"},
    {"asset_id": "IAR-0030", "title": "Odd one", "description": "Written by hand into the table.",
     "service_area": "Operations", "publication_status": "secret", "update_frequency": "never",
     "spatial_coverage": "E07000245", "last_reviewed": "2024-10-07"},
]


@pytest.fixture
def published_register():
    org = factories.Organization(title="Information Governance")
    spend = factories.Dataset(owner_org=org["id"], title="Spending over £500", asset_register_id="IAR-0001",
                              **COUNCIL_FIELDS)
    register = factories.Dataset(owner_org=org["id"], name=REGISTER_DATASET, title="What the council holds",
                                 resources=[{"name": "Information asset register", "format": "CSV",
                                             "url": "https://example.org/register.csv",
                                             "schema": table_schemas.latest_ref("information-assets")}],
                                 **COUNCIL_FIELDS)
    fields = [{"id": f["name"], "type": "date" if f["type"] == "date" else "text"} for f in REGISTER_SCHEMA["fields"]]
    helpers.call_action("datastore_create", resource_id=register["resources"][0]["id"], fields=fields,
                        primary_key=["asset_id"], records=ROWS, force=True)
    return spend


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestWhatTheCouncilHolds:
    def test_every_asset_with_its_status_reason_and_link(self, app, published_register):
        body = html.unescape(app.get(tk.url_for("westsuffolk_register.index")).body)
        table = body.split('id="register-caption"')[1].split("</table>")[0]
        assert table.count("<tr id=") == 4
        spend = table.split('<tr id="IAR-0001">')[1].split("</tr>")[0]
        assert f'href="/dataset/{published_register["name"]}"' in spend and "Published" in spend
        leisure = table.split('<tr id="IAR-0060">')[1].split("</tr>")[0]
        assert "Not published" in leisure and "Commercial confidence: prices stay confidential" in leisure
        assert "href=" not in leisure  # not published: nothing to link to
        odd = table.split('<tr id="IAR-0030">')[1].split("</tr>")[0]
        assert "Status not recognised" in odd
        problems = body.split('id="register-problems"')[1].split("</section>")[0]
        assert "IAR-0030" in problems
        assert "4 assets:" in body and f'href="/dataset/{REGISTER_DATASET}"' in body

    def test_a_row_with_an_unknown_status_is_shown_as_not_recognised_and_officers_are_told(self, app,
                                                                                           published_register):
        response = app.get(tk.url_for("westsuffolk_register.index"))
        assert response.status_code == 200
        body = html.unescape(response.body)
        odd = body.split('<tr id="IAR-0030">')[1].split("</tr>")[0]
        assert "Status not recognised" in odd and "secret" not in odd
        problems = body.split('id="register-problems"')[1].split("</section>")[0]
        assert "These assets have a publication status this page does not know (IAR-0030)" in problems
        assert "correct them and run the publish jobs again" in problems

    def test_a_reason_or_title_naming_a_person_is_withheld_and_officers_are_told(self, app, published_register):
        register = tk.get_action("package_show")({"ignore_auth": True}, {"id": REGISTER_DATASET})
        helpers.call_action("datastore_upsert", resource_id=register["resources"][0]["id"], method="insert",
                            force=True, records=[{
                                "asset_id": "IAR-0070", "title": "Complaints from Mrs Jane Haywood",
                                "description": "Letters about the market.", "service_area": "Operations",
                                "publication_status": "not_for_publication", "update_frequency": "monthly",
                                "reason_not_published": "Mrs Jane Haywood (jane.haywood@gmail.com, 07700 900123) "
                                                        "asked us not to", "last_reviewed": "2024-10-07"}])
        url = tk.url_for("westsuffolk_register.index")
        response = app.get(url)
        assert response.status_code == 200
        body = html.unescape(response.body)
        for personal in ("Haywood", "jane.haywood", "07700 900123"):
            assert personal not in body
        row = body.split('<tr id="IAR-0070">')[1].split("</tr>")[0]
        assert row.count("(withheld until the register entry is corrected)") == 2  # the title and the reason
        assert "Letters about the market." in row and "Not published" in row
        problems = body.split('id="register-problems"')[1].split("</section>")[0]
        assert "seem to name a person or give contact details" in problems
        assert "IAR-0070: the title and reason" in problems
        assert "IAR-0060" not in problems  # a reason in plain words is shown as it is
        searched = html.unescape(app.get(url, query_string={"q": "Haywood"}).body)
        assert "No asset matches" in searched  # nor can a search find the withheld words

    def test_search_by_words_and_status(self, app, published_register):
        url = tk.url_for("westsuffolk_register.index")
        found = html.unescape(app.get(url, query_string={"q": "commercial CONTRACT"}).body)
        assert found.count("<tr id=") == 1 and '<tr id="IAR-0060">' in found
        assert "1 of 4 assets match." in found
        held = html.unescape(app.get(url, query_string={"status": "not_for_publication"}).body)
        assert held.count("<tr id=") == 2
        nothing = app.get(url, query_string={"q": "<script>alert(1)</script>", "status": "bogus"}).body
        assert "<script>alert(1)</script>" not in nothing and "No asset matches" in nothing

    def test_a_missing_or_private_register_still_renders(self, app):
        body = app.get(tk.url_for("westsuffolk_register.index")).body
        assert "has not been published on this portal yet" in body
        org = factories.Organization()
        factories.Dataset(owner_org=org["id"], name=REGISTER_DATASET, private=True, **COUNCIL_FIELDS)
        assert "has not been published on this portal yet" in app.get(tk.url_for("westsuffolk_register.index")).body


NOTE = "12 contracts added, 3 ended, 1 changed (contract value)."


def _release(resource_id: str, note: str, released_at: str, user: str) -> None:
    helpers.call_action("resource_patch", context={"user": user}, id=resource_id, release_note=note,
                        release_diff=json.dumps({"added": 12, "removed": 3, "changed": 1, "released_at": released_at}))


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS + " activity")
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestReleaseNotes:
    def test_shown_on_the_dataset_page_and_once_in_the_activity_stream(self, app, migrate_db_for):
        migrate_db_for("activity")
        admin = factories.Sysadmin()["name"]
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], title="Contracts over £5,000", resources=[
            {"name": "2026-Q3", "url": "https://example.org/contracts.csv", "format": "CSV"}], **COUNCIL_FIELDS)
        resource_id = dataset["resources"][0]["id"]
        _release(resource_id, NOTE, "2026-11-30T05:00:00+00:00", admin)
        helpers.call_action("package_patch", context={"user": admin}, id=dataset["id"],
                            notes="A later edit, not a release.")
        page = html.unescape(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)
        notes = page.split('id="westsuffolk-release-notes-title"')[1].split("</section>")[0]
        assert "2026-Q3" in notes and "30 November 2026" in notes and NOTE in notes
        stream = html.unescape(app.get(tk.url_for("activity.package_activity", id=dataset["name"])).body)
        assert stream.count(NOTE) == 1  # in the change that wrote it, not in the later edit
        items = stream.split('<li class="item')
        [with_note] = [item for item in items if NOTE in item]
        assert "changed-package" in with_note.split(">")[0]
        # a later release of the same file with the same words is a new release, shown again
        _release(resource_id, NOTE, "2027-02-28T05:00:00+00:00", admin)
        stream = html.unescape(app.get(tk.url_for("activity.package_activity", id=dataset["name"])).body)
        assert stream.count(NOTE) == 2

    def test_release_fields_are_kept_on_the_resource(self):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], resources=[
            {"name": "2026-Q3", "url": "https://example.org/contracts.csv", "format": "CSV"}], **COUNCIL_FIELDS)
        _release(dataset["resources"][0]["id"], NOTE, "2026-11-30T05:00:00+00:00", factories.Sysadmin()["name"])
        resource = helpers.call_action("resource_show", id=dataset["resources"][0]["id"])
        assert resource["release_note"] == NOTE and json.loads(resource["release_diff"])["added"] == 12
