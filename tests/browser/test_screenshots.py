"""`make screenshots`: home, search, dataset and resource pages at 1280 and 320 CSS px, with the demo
register published, written to var/screenshots/<page>-<width>.png."""
from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.integration.demo_content import publish_demo

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_screenshots_of_the_public_pages(page, portal_url):
    spend = next(d for d in publish_demo(portal_url) if d.get("asset_register_id") == "IAR-0001")
    pages = {"home": "/", "search": "/dataset/?q=spending", "dataset": f"/dataset/{spend['name']}",
             "resource": f"/dataset/{spend['name']}/resource/{spend['resources'][0]['id']}"}
    written = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(path)
            written.append(screenshot(page, f"{name}-{width}"))
    assert all(path.stat().st_size > 10_000 for path in written)
    print("\n".join(["screenshots:"] + [str(p.relative_to(SCREENSHOTS.parent.parent)) for p in written]))
