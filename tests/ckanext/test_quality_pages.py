"""Quality you can see: the summary on dataset pages and search results, the dashboard per service area,
and the officers' list of what needs attention first (the rules themselves: tests/core/test_quality.py)."""
from __future__ import annotations

import html

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from freezegun import freeze_time

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

FULL = dict(COUNCIL_FIELDS, tags=[{"name": "spending"}], spatial_coverage=["E07000245"], theme=["GOVE"],
            temporal_start="2026-07-01", temporal_end="2026-09-30")


def _csv(name="July to September 2026", **more):
    return {"name": name, "url": f"https://example.org/{name.replace(' ', '-')}.csv", "format": "CSV",
            "description": "The quarter's payments.", "period_start": "2026-07-01", "period_end": "2026-09-30", **more}


def _token(user) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _failing(resource_id: str) -> None:
    """Record a failed check, as the validation job would (the search index is left behind on purpose)."""
    from ckanext.westsuffolk.validation import store

    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    store.write(resource, {"status": "failure", "schema_ref": resource.get("schema"), "error_count": 3,
                           "row_count": 10, "issues": [], "summary": [], "warnings": []})


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestQualityPages:
    def test_dataset_page_and_search_results_show_the_quality_summary(self, app):
        org = factories.Organization(title="Finance")
        dataset = factories.Dataset(owner_org=org["id"], title="Quality shown", update_frequency="quarterly",
                                    resources=[_csv()], **{k: v for k, v in FULL.items() if k != "update_frequency"})
        with freeze_time("2026-11-30"):
            page = html.unescape(app.get(tk.url_for("dataset.read", id=dataset["name"])).body)
            search = html.unescape(app.get(tk.url_for("dataset.search")).body)
        summary = page.split('id="westsuffolk-quality-title"')[1].split("</section>")[0]
        assert "3 of 5 stars" in summary and "Name the table schema" in summary  # no schema: no fourth star
        assert "No table schema" in summary
        assert "<dd>Up to date</dd>" in summary.replace("\n", "")
        assert "100% complete" in summary
        line = search.split('class="westsuffolk-quality-line"')[1].split("</p>")[0]
        assert "3 of 5 stars" in line and "Up to date" in line and "metadata 100% complete" in line

    def test_dashboard_per_service_area(self, app):
        finance, waste = factories.Organization(title="Finance"), factories.Organization(title="Waste")
        factories.Dataset(owner_org=finance["id"], resources=[_csv()], **FULL)
        factories.Dataset(owner_org=finance["id"], resources=[_csv(schema="spend-over-500@1.0.0")], **FULL)
        factories.Dataset(owner_org=waste["id"], notes="Bins.", contact_name="Waste Team",
                          contact_email="waste@westsuffolk.gov.uk", update_frequency="quarterly", personal_data="none")
        factories.Dataset(owner_org=waste["id"], private=True, title="Hidden draft", **FULL)
        with freeze_time("2026-11-30"):
            body = html.unescape(app.get(tk.url_for("westsuffolk_quality.index")).body)
        finance_row = next(row for row in body.split("<tr>") if ">Finance</a>" in row)
        cells = [c.split("</td>")[0] for c in finance_row.split("<td>")[1:]]
        assert cells[0] == "2"  # datasets
        assert cells[1] == "3.5"  # 3 stars and 4 stars
        assert cells[2] == "0 of 1"  # the schema-bound file is still pending
        assert cells[3] == "2 of 2" and cells[4] == "100%"
        waste_row = next(row for row in body.split("<tr>") if ">Waste</a>" in row)
        assert waste_row.split("<td>")[1].split("</td>")[0] == "1"  # the private one is not counted
        scoring = body.split('id="scoring"')[1].split("</section>")[0]
        assert scoring.count("<li>") == 5 and "Openness stars, 0 to 4" in scoring and "DCAT-AP" in scoring
        assert "CKAN-free" not in scoring  # the numbered paragraphs only

    def test_officers_see_what_needs_attention_first_in_their_service_areas(self, app):
        finance, waste = factories.Organization(title="Finance"), factories.Organization(title="Waste")
        officer, other = factories.User(), factories.User()
        tk.get_action("organization_member_create")({"ignore_auth": True}, {
            "id": finance["id"], "username": officer["name"], "role": "editor"})
        failing = factories.Dataset(owner_org=finance["id"], title="A failing file", private=True,
                                    resources=[_csv(schema="spend-over-500@1.0.0")], **FULL)
        factories.Dataset(owner_org=finance["id"], title="An overdue update",
                          resources=[_csv(created="2025-04-30T10:00:00")], **FULL)
        factories.Dataset(owner_org=finance["id"], title="Undescribed", notes="x", update_frequency="irregular",
                          contact_name="Finance Team", contact_email="finance@westsuffolk.gov.uk",
                          personal_data="none")
        factories.Dataset(owner_org=finance["id"], title="All good", resources=[_csv()], **FULL)
        factories.Dataset(owner_org=waste["id"], title="Someone else's problem", notes="x", personal_data="none",
                          contact_name="Waste Team", contact_email="waste@westsuffolk.gov.uk",
                          update_frequency="irregular")
        _failing(failing["resources"][0]["id"])
        url = tk.url_for("westsuffolk_quality.attention")
        assert app.get(url, follow_redirects=False).status_code == 302  # log in first
        # (not frozen: API tokens must not be issued in the future; the overdue update is overdue on any day after 2025)
        body = html.unescape(app.get(url, headers=_token(officer)).body)
        nothing = html.unescape(app.get(url, headers=_token(other)).body)
        everything = html.unescape(app.get(url, headers=_token(factories.Sysadmin())).body)
        titles = [row.split("</a>")[0].rsplit(">", 1)[-1] for row in body.split('<th scope="row">')[1:]]
        assert titles == ["A failing file", "An overdue update", "Undescribed"]
        assert "fails validation" in body and "An update was due by 30 July 2025" in body
        assert "Metadata missing: a file or link (distribution), keywords, the area covered" in body
        assert "Someone else's problem" not in body and "All good" not in body
        assert "You are not an editor of any service area" in nothing
        assert "Someone else's problem" in everything and "A failing file" in everything
