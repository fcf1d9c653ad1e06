"""Shared settings of the tests that run on the real CKAN (tests/ckanext, tests/integration,
tests/browser). The live-portal fixtures (portal_url, sysadmin_token) are in tests/conftest.py, once,
so every folder shares one gunicorn. A missing service is a failure, never a skip.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.tests import factories, helpers

WESTSUFFOLK_PLUGINS = "westsuffolk scheming_datasets dcat structured_data datastore datatables_view"
# The council schema's required fields, for datasets made in tests.
COUNCIL_FIELDS = {
    "notes": "Test dataset.",
    "contact_name": "Open Data Team",
    "contact_email": "opendata@westsuffolk.gov.uk",
    "update_frequency": "quarterly",
    "personal_data": "none",
}

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "publish_jobs" / "demo"


@pytest.fixture(scope="module")
def demo_portal(portal_url, tmp_path_factory):
    """The demo register published into the test portal by the real publish jobs (as `make run` does):
    {"url", "token" (a sysadmin's), "report" (the run's JSON report)}."""
    from publish_jobs.settings import API_TOKEN_ENV, LOCK_FILE_ENV, PORTAL_URL_ENV

    user = factories.Sysadmin(name=f"demo-admin-{secrets.token_hex(4)}")
    token = helpers.call_action("api_token_create", context={"user": user["name"]}, user=user["name"],
                                name="demo")["token"]
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, PORTAL_URL_ENV: portal_url, API_TOKEN_ENV: token, LOCK_FILE_ENV: str(folder / "lock")}
    report = folder / "report.json"
    run = subprocess.run([sys.executable, "-m", "publish_jobs.cli", "run", "--register", str(DEMO / "register.xlsx"),
                          "--report", str(report)], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"url": portal_url, "token": token, "report": json.loads(report.read_text())}
