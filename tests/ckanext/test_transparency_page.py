"""/transparency lists every Transparency Code requirement and the public datasets meeting it."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS
from westsuffolk_core import table_schemas


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_transparency_page_groups_requirements_and_links_datasets(app):
    org = factories.Organization()
    factories.Dataset(owner_org=org["id"], title="Spending over £500 2024", transparency_code_category="spend-over-500",
                      **COUNCIL_FIELDS)
    factories.Dataset(owner_org=org["id"], title="Secret draft fraud data", private=True,
                      transparency_code_category="fraud", **COUNCIL_FIELDS)
    body = app.get(tk.url_for("westsuffolk_transparency.index")).body
    code_tables = [d for d in table_schemas.list_schemas() if d.get("transparencyCode")]
    assert len(code_tables) == 15
    for descriptor in code_tables:
        assert descriptor["title"] in body
    assert "Published every quarter" in body and "Published every year" in body
    assert "Spending over £500 2024" in body
    assert "Secret draft fraud data" not in body
    assert "<strong>1</strong> of <strong>15</strong>" in body


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_requirement_lists_its_newest_datasets_and_links_to_all(app):
    """Years of quarterly returns must not make the page long on a phone: the newest few, then a search."""
    from ckanext.westsuffolk.views.transparency import DATASETS_SHOWN

    org = factories.Organization()
    for n in range(DATASETS_SHOWN + 2):
        factories.Dataset(owner_org=org["id"], title=f"Spending over £500 return {n}",
                          transparency_code_category="spend-over-500", **COUNCIL_FIELDS)
    body = app.get(tk.url_for("westsuffolk_transparency.index")).body
    listed = [n for n in range(DATASETS_SHOWN + 2) if f"Spending over £500 return {n}<" in body]
    assert listed == list(range(2, DATASETS_SHOWN + 2)), "the newest ones"
    link = tk.url_for("dataset.search", vocab_transparency="spend-over-500")
    assert f'href="{link}"' in body.replace("&amp;", "&")
    assert f"All {DATASETS_SHOWN + 2} datasets for" in body
    found = app.get(link).body
    assert all(f"Spending over £500 return {n}" in found for n in range(DATASETS_SHOWN + 2))
