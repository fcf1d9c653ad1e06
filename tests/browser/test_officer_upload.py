"""An officer publishes a spending file through the web form, as a person would.

Invalid file: refused with the GOV.UK error summary, which takes focus and lists the row/column
problems; nothing is saved. Valid file: saved, with a "Valid" badge linking to the report. A dataset
whose checked file is not (yet) valid cannot be switched to public.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import EXAMPLES, SPEND, screenshot, unique

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SPEND_EXAMPLES = EXAMPLES / "spend-over-500"


def add_resource_through_the_form(page, dataset_name: str, csv_path, name: str) -> None:
    """Dataset page -> Add new resource -> Upload -> schema -> name -> save."""
    page.goto(f"/dataset/{dataset_name}")
    page.get_by_role("link", name=re.compile(r"why not add some|Add new resource|Add a file", re.I)).first.click()
    expect(page.locator("form#resource-edit")).to_be_visible()
    with page.expect_file_chooser() as chooser:
        page.locator("#resource-upload-button").click()
    chooser.value.set_files(str(csv_path))
    page.select_option("#field-schema", SPEND)
    page.fill("#field-name", name)
    page.locator("form#resource-edit button[name=save].btn-primary").click()
    page.wait_for_load_state()


def test_invalid_upload_is_refused_with_a_focused_error_summary_then_valid_upload_is_saved(
        page, ckan, officer, make_dataset, log_in):
    dataset = make_dataset(private=True)
    log_in(officer)

    # 1. The invalid file is refused: error summary, focused, with row/column problems; nothing saved.
    add_resource_through_the_form(page, dataset["name"], SPEND_EXAMPLES / "invalid.csv", "April to June 2024")
    summary = page.locator(".westsuffolk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(".westsuffolk-error-summary__title")).to_have_text("There is a problem")
    expect(summary).to_be_focused()
    problems = page.locator(".westsuffolk-upload-problems li")
    expect(problems.first).to_be_visible()
    texts = problems.all_inner_texts()
    assert any(re.search(r"Row \d+, column \"", line) for line in texts), texts
    assert page.locator("#field-name").input_value() == "April to June 2024"  # the form keeps what was typed
    screenshot(page, "error-summary")
    assert ckan.action.package_show(id=dataset["id"])["resources"] == []

    # 2. The valid file is saved; the resource page shows a "Valid" badge linking to its report.
    add_resource_through_the_form(page, dataset["name"], SPEND_EXAMPLES / "valid.csv", "April to June 2024")
    expect(page.locator(".westsuffolk-error-summary")).to_have_count(0)
    resources = ckan.action.package_show(id=dataset["id"])["resources"]
    assert len(resources) == 1 and resources[0]["schema"] == SPEND
    assert resources[0]["validation_status"] == "success"
    page.goto(f"/dataset/{dataset['name']}/resource/{resources[0]['id']}")
    badge = page.locator("a.westsuffolk-badge--success")
    expect(badge).to_contain_text("Valid")
    expect(badge).to_have_attribute("href", re.compile(rf"/resource/{resources[0]['id']}/validation$"))
    badge.click()
    expect(page.locator("h1")).to_contain_text("Validation report")
    expect(page.locator(".westsuffolk-report .westsuffolk-badge--success")).to_contain_text("Valid")

    screenshot(page, "validation-report")


def test_dataset_whose_file_is_not_valid_cannot_be_made_public_in_the_form(page, ckan, officer, make_dataset, log_in):
    """The file is a link that cannot be fetched: its background check stays pending or ends in error."""
    blocked = make_dataset(name=unique("blocked-spending"), private=True)
    ckan.action.resource_create(package_id=blocked["id"], name="Missing file", format="CSV", schema=SPEND,
                                url="http://127.0.0.1:9/does-not-exist.csv")
    status = ckan.action.package_show(id=blocked["id"])["resources"][0].get("validation_status")
    assert status != "success", status
    log_in(officer)
    page.goto(f"/dataset/edit/{blocked['name']}")
    page.select_option("#field-private", "False")
    page.get_by_role("button", name=re.compile(r"^Update", re.I)).click()
    page.wait_for_load_state()
    summary = page.locator(".westsuffolk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("cannot be made public")
    assert ckan.action.package_show(id=blocked["id"])["private"] is True
