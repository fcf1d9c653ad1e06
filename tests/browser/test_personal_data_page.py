"""The data protection officer's page, used as a person would: keyboard only, no axe violations;
allowing a value and revoking it, with the history kept. And an officer's upload with personal data
in a second sheet is refused with the sheet named."""
from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Officer, axe_violations, describe_violations, unique
from tests.workbooks import PERSONAL_SHEET, workbook_bytes

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture
def dpo(ckan) -> Officer:
    name = unique("dpo")
    password = secrets.token_urlsafe(12) + "Aa1!"
    ckan.action.user_create(name=name, email=f"{name}@westsuffolk.gov.uk", password=password,
                            fullname="Data Protection Officer")
    ckan.action.user_patch(id=name, sysadmin=True)
    return Officer(name=name, password=password, org={})


def test_the_dpo_allows_and_revokes_a_value_with_the_keyboard(page, dpo, log_in):
    log_in(dpo)
    page.goto("/ckan-admin/personal-data")
    assert axe_violations(page) == [], describe_violations(page.url, axe_violations(page))
    value = f"01284 {secrets.randbelow(900000) + 100000}"
    page.locator("#field-value").focus()
    page.keyboard.type(value)
    page.keyboard.press("Tab")
    page.keyboard.type("The service's published helpline")
    page.keyboard.press("Tab")
    page.keyboard.type("IAR-0042")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    row = page.locator("tr", has_text=value)
    expect(row).to_contain_text("IAR-0042")
    expect(row).to_contain_text(dpo.name)
    row.get_by_role("button", name=f"Revoke {value}").click()
    page.wait_for_load_state()
    expect(page.locator("tr", has_text=value)).to_contain_text(f"Revoked by {dpo.name}")
    assert axe_violations(page) == [], describe_violations(page.url, axe_violations(page))


def test_an_allow_without_a_reason_is_refused_with_the_error_summary(page, dpo, log_in):
    log_in(dpo)
    page.goto("/ckan-admin/personal-data")
    page.fill("#field-value", "01284 763233")
    page.locator("form[action$='/ckan-admin/personal-data'] button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".westsuffolk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Why it may be published: Say why this value may be published")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#field-reason")


def test_a_workbook_with_personal_data_in_a_second_sheet_is_refused(page, ckan, officer, make_dataset, log_in,
                                                                    tmp_path):
    import re

    dataset = make_dataset(private=True)
    path = tmp_path / "stats.xlsx"
    path.write_bytes(workbook_bytes({"Summary": [["Ward", "Reports"], ["Abbeygate", 4]], "Contacts": PERSONAL_SHEET},
                                    hidden=("Contacts",)))
    log_in(officer)
    page.goto(f"/dataset/{dataset['name']}")
    page.get_by_role("link", name=re.compile(r"why not add some|Add new resource|Add a file", re.I)).first.click()
    with page.expect_file_chooser() as chooser:
        page.locator("#resource-upload-button").click()
    chooser.value.set_files(str(path))
    page.fill("#field-name", "Ward statistics")
    page.locator("form#resource-edit button[name=save].btn-primary").click()
    page.wait_for_load_state()
    body = page.locator("body")
    expect(page.locator(".westsuffolk-error-summary")).to_be_visible()
    expect(body).to_contain_text('Sheet "Contacts"')
    expect(body).not_to_contain_text("jane.doe@gmail.com")
    assert ckan.action.package_show(id=dataset["id"])["resources"] == []
