"""Browser fixtures: Debian's chromium driven by Playwright against the live test portal.

Playwright never downloads a browser here: the system chromium is launched by path. Data is made
through the portal's own API (ckanapi) as a fresh sysadmin; officers log in through the web form.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ckanapi import RemoteCKAN

from tests.conftest import REPO
from tests.integration.conftest import COUNCIL_FIELDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = REPO / "var" / "screenshots"
EXAMPLES = REPO / "schemas" / "examples"
SPEND = "spend-over-500@1.0.0"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
# axe's experimental rules hold checks the WCAG tags alone skip, e.g. label-content-name-mismatch (2.5.3)
WCAG_TAGS_WITH_EXPERIMENTAL = ["wcag2a", "wcag21a", "wcag2aa", "wcag21aa", "wcag22aa", "experimental"]


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def playwright_session():
    from playwright import sync_api  # a missing Playwright is a failure, never a skip

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (Playwright must not download one)")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, chromium, portal_url):
    context = chromium.new_context(base_url=portal_url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        path = screenshot(page, f"failure-{request.node.name}")
        print(f"\nscreenshot of the failing page ({page.url}): {path}")
    context.close()


@pytest.fixture
def ckan(portal_url, sysadmin_token) -> Iterator[RemoteCKAN]:
    with RemoteCKAN(portal_url, apikey=sysadmin_token) as remote:
        yield remote


@dataclass
class Officer:
    name: str
    password: str
    org: dict


@pytest.fixture
def officer(ckan) -> Officer:
    """A council officer: an editor of a fresh service area."""
    name = unique("officer")
    password = secrets.token_urlsafe(12) + "Aa1!"
    ckan.action.user_create(name=name, email=f"{name}@westsuffolk.gov.uk", password=password, fullname="Test Officer")
    org = ckan.action.organization_create(name=unique("finance"), title="Finance (browser test)",
                                          users=[{"name": name, "capacity": "editor"}])
    return Officer(name=name, password=password, org=org)


@pytest.fixture
def make_dataset(ckan, officer) -> Callable[..., dict]:
    def make(**fields) -> dict:
        data = dict(name=unique("spending-over-500"), title="Spending over £500 (browser test)",
                    owner_org=officer.org["id"], **COUNCIL_FIELDS)
        data.update(fields)
        return ckan.action.package_create(**data)
    return make


@pytest.fixture
def log_in(page) -> Callable[[Officer], None]:
    def log_in(user: Officer) -> None:
        page.goto("/user/login")
        page.fill("#field-login", user.name)
        page.fill("#field-password", user.password)
        page.locator("form").filter(has=page.locator("#field-password")).locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f".account [href$='/user/{user.name}']").count() or "/dashboard" in page.url, \
            f"log-in failed for {user.name}: landed on {page.url}"
    return log_in


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, tags: list[str] = WCAG_TAGS) -> list[dict]:
    """axe-core (shipped by axe-playwright-python) run for the WCAG 2.0/2.1/2.2 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags},
                                       "resultTypes": ["violations"]})
    return results.response["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
    return "\n".join(lines)
