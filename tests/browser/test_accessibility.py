"""WCAG 2.2 AA checks in a real browser: axe-core on the public pages, and the keyboard path in.

axe-core only finds what a machine can; the keyboard test checks the skip link by hand, as a
keyboard user would use it.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    EXAMPLES,
    SPEND,
    axe_violations,
    describe_violations,
    screenshot,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

DATASETS_PER_PAGE = 20  # CKAN's default: one more makes the search page show its pager


@pytest.fixture
def published(ckan, officer, make_dataset) -> dict:
    """A public dataset with a valid spending file, plus enough tagged siblings to paginate."""
    tag = unique("browsertest")
    dataset = make_dataset(private=False, tags=[{"name": tag}, {"name": "spending"}])
    with open(EXAMPLES / "spend-over-500" / "valid.csv", "rb") as upload:
        resource = ckan.action.resource_create(package_id=dataset["id"], name="April to June 2024",
                                               format="CSV", schema=SPEND, upload=upload)
    resource = ckan.action.resource_show(id=resource["id"])  # resource_create answers before the result is stored
    assert resource["validation_status"] == "success", resource
    for n in range(DATASETS_PER_PAGE):
        make_dataset(name=unique(f"sibling-{n}"), title=f"Sibling dataset {n}", private=False, tags=[{"name": tag}])
    return {"dataset": dataset, "resource": resource, "tag": tag}


def wait_for_ckan_modules(page) -> None:
    """CKAN starts its JS modules after fetching the locale data: wait for ours to be running
    (public pages load no JavaScript at all: nothing to wait for)."""
    if not page.evaluate("() => !!document.querySelector('script[src]')"):
        return
    page.wait_for_function("() => window.ckan && ckan.module && ckan.module.instances"
                           " && (ckan.module.instances['westsuffolk-skip-link'] || []).length > 0")


def test_axe_finds_no_wcag_a_or_aa_violations(page, published):
    dataset, resource = published["dataset"], published["resource"]
    pages = {
        "home": "/",
        "dataset search": f"/dataset/?tags={published['tag']}",
        "dataset": f"/dataset/{dataset['name']}",
        "resource": f"/dataset/{dataset['name']}/resource/{resource['id']}",
        "validation report": f"/dataset/{dataset['name']}/resource/{resource['id']}/validation",
        "table schemas": "/schemas",
        "table schema": "/schemas/spend-over-500",
        "transparency code": "/transparency",
        "log in": "/user/login",
        "about and accessibility statement": "/about",
    }
    failures = []
    for label, path in pages.items():
        response = page.goto(path)
        if response is None or response.status != 200:
            failures.append(f"{label} ({path}): HTTP {response.status if response else 'no response'}")
            continue
        wait_for_ckan_modules(page)
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(f"{label} ({path})", violations))
        if label == "home":
            screenshot(page, "home")
        elif label == "dataset":
            screenshot(page, "dataset")
    assert not failures, "\n\n".join(failures)


def test_officer_forms_have_no_axe_violations(page, officer, make_dataset, log_in):
    dataset = make_dataset(private=True)
    log_in(officer)
    failures = []
    for path in ("/dataset/new", f"/dataset/edit/{dataset['name']}", f"/dataset/{dataset['name']}/resource/new"):
        page.goto(path)
        wait_for_ckan_modules(page)
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(path, violations))
    assert not failures, "\n\n".join(failures)


def test_error_summary_page_has_no_axe_violations(page, officer, make_dataset, log_in):
    dataset = make_dataset(private=True)
    log_in(officer)
    page.goto(f"/dataset/{dataset['name']}/resource/new")
    with page.expect_file_chooser() as chooser:
        page.locator("#resource-upload-button").click()
    chooser.value.set_files(str(EXAMPLES / "spend-over-500" / "invalid.csv"))
    page.select_option("#field-schema", SPEND)
    page.fill("#field-name", "April to June 2024")
    page.locator("form#resource-edit button[name=save].btn-primary").click()
    expect(page.locator(".westsuffolk-error-summary")).to_be_focused()
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)


@pytest.mark.parametrize("path", ["/", "/dataset/", "/about"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page, path):
    page.goto(path)
    wait_for_ckan_modules(page)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_have_class("westsuffolk-skip-link")
    box = skip.bounding_box()
    assert box and box["height"] >= 24 and box["width"] >= 24, f"skip link not visible when focused: {box}"

    page.keyboard.press("Enter")
    focused = page.evaluate("() => document.activeElement && document.activeElement.id")
    assert focused == "content", f"focus went to #{focused!r}, not the main content"
    assert page.url.endswith("#content") or page.url.endswith(path)
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('#content')")
    assert inside, "the Tab after the skip link left the main content"


@pytest.mark.parametrize("tabs, what", [(2, "first header link"), (None, "site search box")])
def test_focus_indicator_is_yellow_and_at_least_3px(page, tabs, what):
    page.goto("/dataset/")
    wait_for_ckan_modules(page)
    if tabs:
        for _ in range(tabs):
            page.keyboard.press("Tab")
    else:
        page.focus("#field-sitewide-search")
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return {tag: document.activeElement.tagName, width: parseFloat(s.outlineWidth) || 0, outline: s.outlineColor,
                shadow: s.boxShadow, background: s.backgroundColor};
    }""")
    yellow = "rgb(255, 221, 0)"
    assert yellow in (style["outline"], style["background"]) or yellow in style["shadow"], (what, style)
    assert style["width"] >= 3 or "4px" in style["shadow"], (what, style)


def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(page, published):
    """WCAG 1.4.10: at 320 CSS px (1280px zoomed to 400%) nothing makes the whole page scroll sideways."""
    dataset, resource = published["dataset"], published["resource"]
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    for path in ["/", "/dataset/", f"/dataset/{dataset['name']}", f"/dataset/{dataset['name']}/resource/{resource['id']}",
                 f"/dataset/{dataset['name']}/resource/{resource['id']}/validation", "/about", "/user/login"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert not too_wide, f"pages wider than 320px: {too_wide}"


def test_header_and_footer_carry_the_council_links(page):
    page.goto("/dataset/")
    header = page.locator("header.westsuffolk-header")
    expect(header.get_by_role("link", name="West Suffolk Council Open Data")).to_have_attribute("href", "/")
    nav = header.get_by_role("navigation", name="Main")
    for name, href in [("Datasets", "/dataset/"), ("Service areas", "/organization/"),
                       ("Table schemas", "/schemas"), ("About", "/about")]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute("href", href)
    expect(nav.get_by_role("link", name="Datasets", exact=True)).to_have_attribute("aria-current", "page")
    footer = page.locator("footer")
    expect(footer.get_by_role("link", name="Open Government Licence v3.0")).to_have_attribute(
        "href", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    expect(footer.get_by_role("link", name="Accessibility statement")).to_have_attribute("href", "/about#accessibility")
    expect(footer.get_by_role("link", name="opendata@westsuffolk.gov.uk")).to_have_attribute(
        "href", "mailto:opendata@westsuffolk.gov.uk")
    footer.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Accessibility statement")).to_be_visible()
