"""Residents' pages in a real browser, with the demo register published by the publish jobs:
axe-core (WCAG 2.0/2.1/2.2 A and AA, experimental rules included) on every public page type logged
out and as an officer and on search with filters applied; keyboard-only and JavaScript-off journeys
from the home page to a downloaded file; reflow at 320 CSS px and at 200% zoom."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    WCAG_TAGS_WITH_EXPERIMENTAL,
    axe_violations,
    describe_violations,
)
from tests.integration.demo_content import publish_demo

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

SPEND = "IAR-0001"  # the demo register's "Spending over £500"


@pytest.fixture(scope="module")
def demo(portal_url) -> dict:
    datasets = publish_demo(portal_url)
    spend = next(d for d in datasets if d.get("asset_register_id") == SPEND)
    return {"datasets": datasets, "spend": spend, "resource": spend["resources"][0]}


def public_pages(demo: dict) -> dict[str, str]:
    spend, resource = demo["spend"], demo["resource"]
    org = spend["organization"]["name"]
    return {
        "home": "/",
        "search": "/dataset/",
        "search with filters": f"/dataset/?q=spending&vocab_theme=ECON&res_format=CSV&vocab_validation=success"
                               f"&organization={org}",
        "search with no results": "/dataset/?q=zzzznothing",
        "search that cannot run": "/dataset/?q=title:(",
        "dataset": f"/dataset/{spend['name']}",
        "change history": f"/dataset/activity/{spend['name']}",
        "resource": f"/dataset/{spend['name']}/resource/{resource['id']}",
        "validation report": f"/dataset/{spend['name']}/resource/{resource['id']}/validation",
        "service areas": "/organization/",
        "service area": f"/organization/{org}",
        "service area with filters": f"/organization/{org}?vocab_frequency=quarterly",
        "service area about": f"/organization/about/{org}",
        "table schemas": "/schemas",
        "table schema": "/schemas/spend-over-500",
        "transparency code": "/transparency",
        "about": "/about",
    }


def scan(page, pages: dict[str, str]) -> list[str]:
    failures = []
    for label, path in pages.items():
        response = page.goto(path)
        if response is None or response.status != 200:
            failures.append(f"{label} ({path}): HTTP {response.status if response else 'no response'}")
            continue
        violations = axe_violations(page, WCAG_TAGS_WITH_EXPERIMENTAL)
        if violations:
            failures.append(describe_violations(f"{label} ({path})", violations))
    return failures


def test_axe_finds_nothing_on_public_pages_logged_out(page, demo):
    failures = scan(page, public_pages(demo))
    assert not failures, "\n\n".join(failures)


def test_axe_finds_nothing_on_public_pages_logged_in_as_an_officer(page, demo, officer, log_in):
    log_in(officer)
    failures = scan(page, public_pages(demo))
    assert not failures, "\n\n".join(failures)


def _tab_to(page, predicate_js: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate_js}")


def test_keyboard_only_journey_from_home_to_a_downloaded_file(page, demo):
    spend = demo["spend"]
    page.goto("/")
    _tab_to(page, "el.id === 'field-main-search'")
    page.keyboard.type("spending")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dataset/?q=spending*")
    _tab_to(page, "el.textContent.trim().startsWith('Economy and finance (')")
    page.keyboard.press("Enter")
    page.wait_for_url("**vocab_theme=ECON*")
    _tab_to(page, f"el.tagName === 'A' && el.textContent.trim() === {spend['title']!r}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dataset/{spend['name']}")
    _tab_to(page, "el.classList.contains('westsuffolk-download__button')")
    box = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return [r.width, r.height]; }")
    assert box[0] >= 24 and box[1] >= 24
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")


def test_journey_with_javascript_off_from_home_to_a_downloaded_file(chromium, portal_url, demo):
    spend = demo["spend"]
    context = chromium.new_context(base_url=portal_url, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/")
        page.fill("#field-main-search", "spending")
        page.locator("#field-main-search").press("Enter")
        page.wait_for_url("**/dataset/?q=spending*")
        page.get_by_role("link", name="Economy and finance (").first.click()
        page.wait_for_url("**vocab_theme=ECON*")
        page.select_option("#field-order-by", label="Name (A to Z)")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**sort=title_string*")
        expect(page.locator(".westsuffolk-applied")).to_contain_text("Theme: Economy and finance")
        page.get_by_role("link", name=spend["title"], exact=True).click()
        page.wait_for_url(f"**/dataset/{spend['name']}")
        button = page.locator(".westsuffolk-download__button").first
        expect(button).to_be_visible()
        expect(button).to_contain_text("CSV")
        page.get_by_role("link", name="Preview and details").first.click()
        expect(page.locator("table.westsuffolk-table").first).to_be_visible()
        with page.expect_download() as download:
            page.locator(".westsuffolk-download__button").first.click()
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        context.close()


@pytest.mark.parametrize("width, height, label", [(320, 800, "320 CSS px"), (640, 450, "200% zoom of 1280x900")])
def test_public_pages_reflow_without_sideways_scrolling(page, demo, width, height, label):
    page.set_viewport_size({"width": width, "height": height})
    too_wide = {}
    for name, path in public_pages(demo).items():
        page.goto(path)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[name] = scroll
    assert not too_wide, f"pages wider than {width}px at {label}: {too_wide}"


def test_gravatar_is_never_asked_for(page, demo, officer, log_in):
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "gravatar" in request.url else None)
    log_in(officer)
    for path in ("/", "/dataset/", f"/dataset/{demo['spend']['name']}", "/dashboard/datasets", "/dataset/new"):
        page.goto(path)
    assert not asked, asked


def test_dataset_form_asks_for_the_update_frequency_and_has_sections(page, officer, log_in):
    log_in(officer)
    page.goto("/dataset/new")
    expect(page.locator("#field-update_frequency")).to_have_value("")
    legends = page.locator("fieldset.westsuffolk-form-section legend h2").all_inner_texts()
    assert "About the data" in legends and "When and where" in legends, legends
    statement = page.locator("form#dataset-edit .action-info").inner_text()
    assert "Open Database License" not in statement and "Open Government Licence v3.0" in statement
