"""/transparency's deadline grid and summary, the action westsuffolk_transparency_status and the Atom
feed, on the real CKAN with the clock frozen."""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers
from freezegun import freeze_time

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from westsuffolk_core import table_schemas

ATOM = "{http://www.w3.org/2005/Atom}"


def _resource(name, start, end, created, **more):
    return {"name": name, "url": f"https://example.org/{name.replace(' ', '-')}.csv", "format": "CSV",
            "period_start": start, "period_end": end, "created": f"{created}T09:00:00", **more}


@pytest.fixture
def code_datasets():
    org = factories.Organization(title="Finance")
    spend = factories.Dataset(owner_org=org["id"], title="Spending over £500 2026",
                              transparency_code_category="spend-over-500", resources=[
                                  _resource("July to September 2026", "2026-07-01", "2026-09-30", "2026-10-20"),
                                  _resource("April to June 2026", "2026-04-01", "2026-06-30", "2026-08-15"),
                                  {"name": "Notes", "url": "https://example.org/notes.csv", "format": "CSV"},
                              ], **COUNCIL_FIELDS)
    factories.Dataset(owner_org=org["id"], title="Secret fraud draft", private=True,
                      transparency_code_category="fraud", resources=[
                          _resource("2025-26", "2025-04-01", "2026-03-31", "2026-05-01")], **COUNCIL_FIELDS)
    return spend


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestTransparencyStatus:
    def test_page_shows_the_grid_the_summary_and_what_officers_must_fix(self, app, code_datasets):
        with freeze_time("2026-11-30"):
            body = html.unescape(app.get(tk.url_for("westsuffolk_transparency.index")).body)
        lead = body.split('class="westsuffolk-status-summary__lead">')[1].split("</p>")[0]
        assert lead.startswith("14 returns are overdue: ")  # every obligation but spend, which is on time
        assert "Spending over £500 for" not in lead
        assert "Purchase card transactions for July to September 2026 (due 31 October 2026)" in lead
        row = body.split('id="obligation-spend-over-500"')[1].split("</tr>")[0]
        cells = [cell.split("</td>")[0] for cell in row.split("<td")[1:]]
        assert len(cells) == 8
        assert "Published on time" in cells[0] and "20 Oct 2026" in cells[0]
        assert "Published late" in cells[1] and "15 Aug 2026" in cells[1]
        assert "Missing" in cells[2] and "due 30 Apr 2026" in cells[2]
        assert "Jul–Sep 2026" in body and "2025-26" in body
        fraud = body.split('id="obligation-fraud"')[1].split("</tr>")[0]
        assert "Overdue" in fraud  # the private dataset does not count
        assert "Secret fraud draft" not in body
        problems = body.split('id="problems-title"')[1].split("</section>")[0]
        assert "The file 'Notes' of 'Spending over £500 2026' has no period" in problems
        assert f'/dataset/{code_datasets["name"]}' in problems
        assert "<strong>1</strong> of <strong>15</strong>" in body  # the requirements list is still there

    def test_the_same_as_json_on_any_day(self, app, code_datasets):
        with freeze_time("2026-11-30"):
            now = helpers.call_action("westsuffolk_transparency_status")
            earlier = helpers.call_action("westsuffolk_transparency_status", date="2026-10-15",
                                          obligation="spend-over-500", quarters=2)
            response = app.get("/api/3/action/westsuffolk_transparency_status?obligation=contracts&years=1")
        assert now["today"] == "2026-11-30" and now["counts"]["overdue"] == 14
        [spend] = [o for o in now["obligations"] if o["name"] == "spend-over-500"]
        assert spend["paragraph"].startswith("Part 2") and spend["deadline"] == "1 month after the end of the quarter"
        assert [p["status"] for p in spend["periods"][:3]] == ["on_time", "late", "missing"]
        assert earlier["today"] == "2026-10-15"
        [spend] = earlier["obligations"]
        # on 15 October, July to September was due soon, and the file published on 20 October did not exist
        assert [(p["period"], p["status"]) for p in spend["periods"]] == [("2026-Q3", "due_soon"), ("2026-Q2", "late")]
        assert response.status_code == 200  # anonymous
        [contracts] = response.json["result"]["obligations"]
        assert contracts["name"] == "contracts"

    def test_bad_input_to_the_action_is_refused_in_plain_words(self, code_datasets):
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("westsuffolk_transparency_status", obligation="spend-over-5000", quarters=0,
                                date="yesterday")
        errors = refused.value.error_dict
        assert "There is no Transparency Code table called 'spend-over-5000'" in errors["obligation"][0]
        assert "from 1 to 40" in errors["quarters"][0]
        assert "date" in errors

    def test_atom_feed_has_an_entry_per_return_and_status(self, app, code_datasets):
        with freeze_time("2026-11-30"):
            response = app.get(tk.url_for("westsuffolk_transparency.feed"))
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.body)
        titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
        assert "Spending over £500, July to September 2026: published on time" in titles
        assert "Spending over £500, April to June 2026: published late" in titles
        assert "Purchase card transactions, July to September 2026: overdue" in titles
        assert not any("Missing" in title or "missing" in title for title in titles)
        ids = [entry.find(f"{ATOM}id").text for entry in feed.iter(f"{ATOM}entry")]
        assert len(ids) == len(set(ids))
        assert any(i.endswith("#spend-over-500/2026-Q3/on_time") for i in ids)
        updated = [entry.find(f"{ATOM}updated").text for entry in feed.iter(f"{ATOM}entry")]
        assert updated == sorted(updated, reverse=True)
        assert feed.find(f"{ATOM}subtitle").text.startswith("14 returns are overdue")


SPEND = "'Spending over £500 2026'"
BAD_FILES = {  # a file of the spending dataset beside its good quarters -> what officers are told
    "no period": ("Refund to Mrs Jane Haywood", {},  # its name names a person: said without repeating it
                  f"The file (name withheld: it seems to name a person; rename the file) of {SPEND} has no period"),
    "overlapping periods": ("June and July extra", {"period_start": "2026-06-01", "period_end": "2026-07-31"},
                            (f"'June and July extra' of {SPEND} and 'July to September 2026' of {SPEND} overlap, "
                            "both covering 1 July 2026 to 31 July 2026: keep one file per period")),
    "a period in the future": ("Autumn 2026", {"period_start": "2026-10-01", "period_end": "2026-12-31"},
                               (f"The file 'Autumn 2026' of {SPEND} says it covers up to 31 December 2026, which is "
                               "still to come, so it is not counted")),
}
PERSON = ("Haywood", "jane.haywood@gmail.com", "07700 900123")


def _page(app) -> tuple[str, str]:
    """(the officers' problems section, the whole page) of /transparency on 30 November 2026."""
    with freeze_time("2026-11-30"):
        response = app.get(tk.url_for("westsuffolk_transparency.index"))
    assert response.status_code == 200
    body = html.unescape(response.body)
    assert 'id="obligation-spend-over-500"' in body  # the grid still renders
    return body.split('id="problems-title"')[1].split("</section>")[0], body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckanext.westsuffolk.validation.block_public_on_failure", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestBadInputOnTheTransparencyPage:
    """Each kind of bad input: a clear message to officers, the page still renders, nothing personal shown."""

    @pytest.mark.parametrize("case", BAD_FILES)
    def test_a_bad_file(self, app, code_datasets, case):
        name, period, message = BAD_FILES[case]
        helpers.call_action("resource_create", package_id=code_datasets["id"], name=name,
                            description="Asked for by jane.haywood@gmail.com on 07700 900123",
                            url="https://example.org/extra.csv", format="CSV", **period)
        problems, body = _page(app)
        assert message in problems
        assert f'/dataset/{code_datasets["name"]}' in problems
        for personal in PERSON:
            assert personal not in problems
        row = body.split('id="obligation-spend-over-500"')[1].split("</tr>")[0]
        assert "Published on time" in row  # the good file still counts

    def test_a_dataset_naming_a_table_that_has_no_schema(self, app, code_datasets, monkeypatch):
        org = factories.Organization(title="Audit")
        factories.Dataset(owner_org=org["id"], title="Fraud 2025-26", transparency_code_category="fraud",
                          resources=[_resource("2025-26", "2025-04-01", "2026-03-31", "2026-05-01")], **COUNCIL_FIELDS)
        every = table_schemas.list_schemas()  # the fraud schema is withdrawn after the dataset named it
        monkeypatch.setattr(table_schemas, "list_schemas", lambda: [d for d in every if d["name"] != "fraud"])
        problems, body = _page(app)
        assert ("'Fraud 2025-26' says it meets the Transparency Code table 'fraud', which has no table schema on "
                "this portal, so it is not counted") in problems
        assert 'id="obligation-fraud"' not in body
