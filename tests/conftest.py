"""Shared test settings and paths to the repository's data, once. CKAN's own pytest plugin is off by
default (pyproject.toml), so tests/core, tests/publish_jobs and tests/deploy need no ini and no
services; scripts/test.sh turns it on with --ckan-ini for tests/ckanext, integration and browser."""
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

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"
REAL_SPEND = REFERENCE / "real-spend"


@pytest.fixture(scope="session")
def real_spend_dir() -> Path:
    if not REAL_SPEND.is_dir():
        pytest.fail(f"reference files missing: {REAL_SPEND} (the project's shared/ folder sits beside the repo)")
    return REAL_SPEND


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the westsuffolk plugin's own tables (migration/westsuffolk), created and
    emptied, and the activity plugin's (change history on dataset pages): CKAN's reset only rebuilds
    and empties core tables."""
    from ckan.plugins import plugin_loaded

    reset_db()
    if plugin_loaded("westsuffolk"):
        from ckan import model

        from ckanext.westsuffolk.model import AllowedValueRecord, ValidationResultRecord

        migrate_db_for("westsuffolk")
        for table in (AllowedValueRecord, ValidationResultRecord):  # CKAN's reset empties only its own
            model.Session.query(table).delete()
        model.Session.commit()
    migrate_activity()


def migrate_activity() -> None:
    """Apply the activity plugin's migrations, as `ckan db upgrade` (scripts/test.sh) does for the
    enabled plugins, whether or not the plugin is loaded in this process: the live portal loads it."""
    from ckan import model

    import ckanext.activity

    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(Path(ckanext.activity.__file__).parent / "migration" / "activity" / "alembic.ini")
    try:
        model.repo.upgrade_db("head")
    finally:
        model.repo._alembic_ini = original


# --- the live test portal (one gunicorn for every folder; CKAN imported only when used) ---

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
    from ckan.plugins import toolkit as tk

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
             "--timeout", "300", "--limit-request-line", "8190", "--bind", bind,
             "ckanext.westsuffolk.wsgi:application"],
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
    from ckan.tests import factories, helpers

    user = factories.Sysadmin(name=f"e2e-admin-{secrets.token_hex(4)}")
    token = helpers.call_action("api_token_create", context={"user": user["name"]}, user=user["name"], name="e2e")
    return token["token"]
