"""Integration fixtures: the real CKAN (in-process app and a gunicorn-served live portal).

A missing service is a failure, never a skip.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

WESTSUFFOLK_PLUGINS = "westsuffolk scheming_datasets dcat structured_data datastore datatables_view"
REPO = Path(__file__).resolve().parents[2]
# The council schema's required fields, for datasets made in tests.
COUNCIL_FIELDS = {
    "notes": "Test dataset.",
    "contact_name": "Open Data Team",
    "contact_email": "opendata@westsuffolk.gov.uk",
    "update_frequency": "quarterly",
    "personal_data": "none",
}


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"test portal (gunicorn) exited with {process.returncode}; see {log}")
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                return
        except requests.RequestException:  # gunicorn accepts before its workers have loaded CKAN
            pass
        time.sleep(0.5)
    pytest.fail(f"test portal did not answer at {url} within {timeout}s; see {log}")


@pytest.fixture(scope="session")
def portal_url(pytestconfig) -> str:
    """A real gunicorn serving CKAN with the test configuration (all plugins)."""
    ini = str(Path(pytestconfig.getoption("ckan_ini")).resolve())
    url = tk.config["ckan.site_url"].rstrip("/")
    bind = url.split("://", 1)[1]
    log = Path(os.environ.get("WESTSUFFOLK_LOGS", REPO / "var" / "log")) / "ckan-test-portal.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    host, port = bind.rsplit(":", 1)
    with socket.socket() as probe:
        if probe.connect_ex((host, int(port))) == 0:  # a portal left running would be tested instead of ours
            pytest.fail(f"{bind} is already in use (a test portal left running?): stop that process first")
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--threads", "4",
             "--timeout", "300", "--bind", bind, "ckanext.westsuffolk.wsgi:application"],
            env={**os.environ, "CKAN_INI": ini}, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def sysadmin_token(portal_url) -> str:
    """A fresh sysadmin and API token (function scope: other tests' clean_db may wipe users)."""
    user = factories.Sysadmin(name=f"e2e-admin-{secrets.token_hex(4)}")
    token = helpers.call_action("api_token_create", context={"user": user["name"]}, user=user["name"], name="e2e")
    return token["token"]
