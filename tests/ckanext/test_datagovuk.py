"""What data.gov.uk's CKAN harvester reads: its extras (schema_url, schema_type, la_*, contact-*, foi-*,
temporal_coverage-*, mandate, update_frequency, unpublished) on shown datasets, and none echoed back in."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.westsuffolk.datagovuk import TRANSPARENCY_CODE_URL
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

LA_FUNCTION = "http://id.esd.org.uk/function/11"


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestHarvestedExtras:
    def test_transparency_dataset_links_its_schema_and_shows_harvested_extras(self):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], transparency_code_category="spend-over-500",
                                    la_function=LA_FUNCTION, **COUNCIL_FIELDS)
        shown = helpers.call_action("package_show", id=dataset["id"])
        site = tk.config["ckan.site_url"]
        assert shown["schema_url"] == f"{site}/schemas/spend-over-500.json"
        assert shown["schema_type"] == "Frictionless Table Schema"
        extras = {e["key"]: e["value"] for e in shown["extras"]}
        assert extras == {"schema_url": shown["schema_url"], "schema_type": "Frictionless Table Schema",
                          "la_function": LA_FUNCTION, "contact-name": "Open Data Team",
                          "contact-email": "opendata@westsuffolk.gov.uk", "foi-name": tk.config[
                              "ckanext.westsuffolk.foi_name"], "foi-email": tk.config["ckanext.westsuffolk.foi_email"],
                          "foi-web": tk.config["ckanext.westsuffolk.foi_web"], "update_frequency": "quarterly",
                          "mandate": TRANSPARENCY_CODE_URL, "unpublished": "false"}

    def test_a_get_modify_put_round_trip_keeps_working(self):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], transparency_code_category="fraud", **COUNCIL_FIELDS)
        shown = helpers.call_action("package_show", id=dataset["id"])
        shown["title"] = "Counter-fraud work 2024"
        updated = helpers.call_action("package_update", **shown)
        assert updated["title"] == "Counter-fraud work 2024"
        assert [e["key"] for e in updated["extras"]].count("schema_url") == 1

    def test_an_officer_given_schema_url_is_kept(self):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], transparency_code_category="fraud",
                                    schema_url="https://example.org/schema.json", **COUNCIL_FIELDS)
        assert helpers.call_action("package_show", id=dataset["id"])["schema_url"] == "https://example.org/schema.json"


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_lga_function_and_service_are_chosen_from_the_esd_lists():
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"], la_function="http://id.esd.org.uk/function/22",
                                la_service="http://id.esd.org.uk/service/1512", **COUNCIL_FIELDS)
    extras = {e["key"]: e["value"] for e in helpers.call_action("package_show", id=dataset["id"])["extras"]}
    assert extras["la_service"] == "http://id.esd.org.uk/service/1512"  # data.gov.uk reads the URI
    with pytest.raises(tk.ValidationError) as refused:
        factories.Dataset(owner_org=org["id"], la_service="http://example.org/not-an-esd-service", **COUNCIL_FIELDS)
    assert "la_service" in refused.value.error_dict
