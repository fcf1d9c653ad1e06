"""Ward pages in a real browser: a councillor picks two wards on /wards/compare with the keyboard only and
JavaScript off, sees the figures and downloads the CSV; axe-core finds no WCAG A/AA violation."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations, screenshot
from tests.integration.ward_demo import publish_ward_demo

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ABBEYGATE, BARDWELL = "E05012763", "E05012764"
MAX_TABS = 150


@pytest.fixture(scope="module")
def demo(portal_url):
    return publish_ward_demo(portal_url)


@pytest.fixture
def no_script_page(chromium, portal_url):
    context = chromium.new_context(base_url=portal_url, java_script_enabled=False, accept_downloads=True,
                                   viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus after {MAX_TABS} presses of Tab")


def test_pick_two_wards_with_the_keyboard_and_no_javascript_then_download_the_csv(no_script_page, demo):
    page = no_script_page
    page.goto("/wards/compare")
    assert page.evaluate("() => typeof window.ckan") == "undefined", "JavaScript is off"
    tab_to(page, f"#ward-{ABBEYGATE}")
    page.keyboard.press("Space")
    tab_to(page, f"#ward-{BARDWELL}")
    page.keyboard.press("Space")
    expect(page.locator(f"#ward-{ABBEYGATE}")).to_be_checked()
    tab_to(page, "button[type=submit].westsuffolk-wards__submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/wards/compare?ward={ABBEYGATE}&ward={BARDWELL}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare Abbeygate, Bardwell")
    fly_tipping = page.locator("section.westsuffolk-wards__table").filter(
        has=page.get_by_role("heading", name="Fly-tipping reports", exact=True))
    figures = fly_tipping.get_by_role("table").first
    expect(figures.get_by_role("row", name="Abbeygate")).to_contain_text("reports")
    expect(figures.get_by_role("row", name="West Suffolk (whole district)")).to_contain_text("per 1,000 residents")
    expect(page.get_by_role("link", name="Download this comparison as CSV")).to_be_visible()
    screenshot(page, "wards-compare-no-javascript")

    tab_to(page, "a[href*='/wards/compare.csv']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    fly = [r for r in rows if r["dataset"] == demo["IAR-0027"]["name"] and r["measure"] == "reports"
           and not r["category"]]
    assert {r["area_code"] for r in fly} == {ABBEYGATE, BARDWELL, "E07000245"}
    shown = figures.get_by_role("row", name="Abbeygate").get_by_role("cell").first.inner_text()
    [abbeygate] = [r for r in fly if r["area_code"] == ABBEYGATE]
    assert shown.startswith(f"{int(abbeygate['value']):,} report")


def test_a_bad_choice_is_explained_without_javascript(no_script_page, demo):
    page = no_script_page
    response = page.goto("/wards/compare?ward=E05012763&ward=E05O12764")
    assert response.status == 400
    summary = page.locator(".westsuffolk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("nearly matches E05012764 (Bardwell)")
    expect(page.locator(f"#ward-{ABBEYGATE}")).to_be_checked()
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#field-wards")


def test_axe_finds_no_wcag_violations_on_ward_pages(page, demo):
    six = "&".join(f"ward=E050127{n}" for n in (63, 74, 86, 91, 67, 71))
    pages = {
        "wards": "/wards",
        "ward": f"/wards/{ABBEYGATE}",
        "compare form": "/wards/compare",
        "compare six wards": f"/wards/compare?{six}",
        "compare with a problem": "/wards/compare?ward=E05099999&ward=E05012763",
        "one ward chosen": f"/wards/compare?ward={ABBEYGATE}",
    }
    failures = []
    for label, path in pages.items():
        response = page.goto(path)
        if response is None or response.status not in (200, 400):
            failures.append(f"{label} ({path}): HTTP {response.status if response else 'no response'}")
            continue
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(f"{label} ({path})", violations))
        if label in ("ward", "compare six wards"):
            screenshot(page, f"wards-{label.replace(' ', '-')}")
    assert not failures, "\n\n".join(failures)


def test_ward_pages_reflow_at_320_css_pixels(page, demo):
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    for path in ("/wards", f"/wards/{ABBEYGATE}", f"/wards/compare?ward={ABBEYGATE}&ward={BARDWELL}"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert not too_wide, f"pages wider than 320px: {too_wide}"
