"""Shared settings of the tests that run on the real CKAN (tests/ckanext, tests/integration,
tests/browser). The live-portal fixtures (portal_url, sysadmin_token) are in tests/conftest.py, once,
so every folder shares one gunicorn. A missing service is a failure, never a skip.
"""
from __future__ import annotations

WESTSUFFOLK_PLUGINS = "westsuffolk scheming_datasets dcat structured_data datastore datatables_view"
# The council schema's required fields, for datasets made in tests.
COUNCIL_FIELDS = {
    "notes": "Test dataset.",
    "contact_name": "Open Data Team",
    "contact_email": "opendata@westsuffolk.gov.uk",
    "update_frequency": "quarterly",
    "personal_data": "none",
}
