"""The accountability pages in a real browser: /transparency (returns grid), /quality (dashboard and the
officers' list), What the council holds (search without JavaScript, links to datasets), and the quality
summary and release notes on a dataset page — axe-core finds no WCAG A/AA violation, they reflow at 320px,
and the wide tables scroll inside a focusable region instead of the page."""
from __future__ import annotations

import contextlib
import csv
import json
import secrets

import pytest
from ckanapi import NotFound
from playwright.sync_api import expect

from tests.browser.conftest import COUNCIL_FIELDS, EXAMPLES, axe_violations, describe_violations, screenshot, unique
from tests.browser.test_accessibility import wait_for_ckan_modules
from westsuffolk_core import table_schemas
from westsuffolk_core.dataset_fields import REGISTER_DATASET

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

REGISTER_EXAMPLE = EXAMPLES / "information-assets" / "valid.csv"
NOTE = "12 contracts added, 3 ended, 1 changed (contract value)."


@pytest.fixture
def register(ckan, officer) -> dict:
    """The published register as the publish jobs leave it: a public dataset whose table is in the DataStore.
    Its published asset (the example's IAR-0001, renumbered so no other test's dataset carries its id) links
    to a public dataset carrying that asset id."""
    asset_id = f"IAR-{9000 + secrets.randbelow(1000)}"
    with contextlib.suppress(NotFound):
        ckan.action.dataset_purge(id=REGISTER_DATASET)
    spend = ckan.action.package_create(name=unique("spending"), title="Spending over £500 (register test)",
                                       owner_org=officer.org["id"], asset_register_id=asset_id, private=False,
                                       **COUNCIL_FIELDS)
    dataset = ckan.action.package_create(name=REGISTER_DATASET, title="What the council holds",
                                         owner_org=officer.org["id"], private=False, **COUNCIL_FIELDS)
    with open(REGISTER_EXAMPLE, "rb") as upload:
        resource = ckan.action.resource_create(package_id=dataset["id"], name="Information asset register",
                                               format="CSV", schema=table_schemas.latest_ref("information-assets"),
                                               upload=upload)
    with open(REGISTER_EXAMPLE, encoding="utf-8", newline="") as handle:
        records = [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(handle)]
    records[0]["asset_id"] = asset_id
    fields = [{"id": f["name"], "type": "date" if f["type"] == "date" else "text"}
              for f in table_schemas.get_descriptor("information-assets")["fields"]]
    with contextlib.suppress(NotFound):  # a portal that loads checked uploads itself has made the table already
        ckan.action.datastore_delete(resource_id=resource["id"], force=True)
    ckan.action.datastore_create(resource_id=resource["id"], fields=fields, records=records,
                                 primary_key=["asset_id"], force=True)
    return {"dataset": dataset, "spend": spend}


@pytest.fixture
def released(ckan, make_dataset) -> dict:
    """A public Transparency Code dataset whose file was republished with a release note."""
    dataset = make_dataset(private=False, transparency_code_category="contracts", tags=[{"name": "contracts"}],
                           spatial_coverage=["E07000245"], theme=["GOVE"])
    resource = ckan.action.resource_create(package_id=dataset["id"], name="2026-Q3", format="CSV",
                                           url="https://example.org/contracts.csv", description="Contracts.",
                                           period_start="2026-07-01", period_end="2026-09-30")
    ckan.action.resource_patch(id=resource["id"], release_note=NOTE,
                               release_diff=json.dumps({"added": 12, "released_at": "2026-11-30T05:00:00+00:00"}))
    return dataset


def test_axe_finds_no_violations_on_the_accountability_pages(page, register, released, officer, log_in):
    pages = {
        "transparency code returns": "/transparency",
        "data quality": "/quality",
        "what the council holds": "/what-the-council-holds",
        "what the council holds, searched": "/what-the-council-holds?q=personal&status=not_for_publication",
        "dataset with quality and release notes": f"/dataset/{released['name']}",
    }
    failures = []
    for label, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{label}: HTTP {response.status if response else '-'}"
        wait_for_ckan_modules(page)
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(f"{label} ({path})", violations))
        screenshot(page, f"accountability-{label.replace(' ', '-').replace(',', '')}")
    log_in(officer)
    page.goto("/quality/attention")
    wait_for_ckan_modules(page)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("officers' attention list", violations))
    assert not failures, "\n\n".join(failures)


def test_pages_reflow_at_320_css_pixels_and_wide_tables_scroll_in_place(page, register, released):
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    for path in ["/transparency", "/quality", "/what-the-council-holds", f"/dataset/{released['name']}"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert not too_wide, f"pages wider than 320px: {too_wide}"
    page.goto("/transparency")
    region = page.get_by_role("region", name="Quarterly returns: the last eight quarters")
    region.focus()
    expect(region).to_be_focused()  # a keyboard user can scroll the grid
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")


def test_transparency_page_says_what_is_overdue_first_and_offers_the_feed_and_json(page):
    page.goto("/transparency")
    lead = page.locator(".westsuffolk-status-summary__lead")
    expect(lead).to_contain_text("overdue")
    grid = page.get_by_role("table", name="Quarterly returns: the last eight quarters")
    expect(grid.get_by_role("columnheader")).to_have_count(9)
    expect(grid.get_by_role("rowheader", name="Spending over £500")).to_be_visible()
    feed = page.get_by_role("link", name="Atom feed of returns")
    assert page.request.get(feed.get_attribute("href")).headers["content-type"].startswith("application/atom+xml")
    api = page.request.get(page.get_by_role("link", name="the same as JSON (API)").get_attribute("href")).json()
    assert api["success"] and api["result"]["summary"][0] == lead.inner_text()


def test_a_resident_searches_what_the_council_holds_without_javascript(chromium, portal_url, register):
    context = chromium.new_context(base_url=portal_url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto("/what-the-council-holds")
        page.get_by_label("Search the register").fill("personal")
        page.get_by_label("Publication status").select_option("not_for_publication")
        page.get_by_role("button", name="Find assets").click()
        expect(page.get_by_role("status")).to_contain_text("1 of 6 assets match.")
        row = page.get_by_role("row", name="Council tax single person discounts")
        expect(row).to_contain_text("It holds personal data about individuals")
        page.get_by_role("link", name="Show all").click()
        page.get_by_role("link", name="Spending over £500").click()
        expect(page).to_have_url(f"{portal_url}/dataset/{register['spend']['name']}")
        expect(page.get_by_role("heading", name="Data quality")).to_be_visible()
    finally:
        context.close()
