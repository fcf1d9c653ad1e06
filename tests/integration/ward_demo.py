"""The demo register's ward-level tables, published into the test portal by the real publish jobs (as
`make run` does), for the ward pages' integration and browser tests. Idempotent: a rerun writes nothing."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import requests
from ckan.tests import factories, helpers

from publish_jobs.settings import API_TOKEN_ENV, LOCK_FILE_ENV, PORTAL_URL_ENV

REGISTER = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo" / "register.xlsx"
# asset id -> table schema of the demo's ward-level tables
WARD_ASSETS = {
    "IAR-0021": "planning-applications", "IAR-0027": "fly-tipping-reports", "IAR-0028": "missed-bin-collections",
    "IAR-0029": "licensed-premises", "IAR-0030": "community-grants", "IAR-0031": "parking-penalty-charge-notices",
    "IAR-0032": "ward-populations", "IAR-0033": "councillors", "IAR-0034": "fly-tipping-reports",
}
OLDER_WARDS = "IAR-0034"


def publish_ward_demo(portal_url: str) -> dict[str, dict]:
    """Publish the ward-level assets of the demo register; return {asset id: public dataset}."""
    user = factories.Sysadmin(name=f"ward-demo-{secrets.token_hex(4)}")
    token = helpers.call_action("api_token_create", context={"user": user["name"]}, user=user["name"],
                                name="ward-demo")["token"]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, PORTAL_URL_ENV: portal_url, API_TOKEN_ENV: token,
               LOCK_FILE_ENV: str(Path(folder) / "publish.lock")}
        only = [arg for asset_id in WARD_ASSETS for arg in ("--only", asset_id)]
        process = subprocess.run(
            [sys.executable, "-m", "publish_jobs.cli", "run", "--register", str(REGISTER), *only,
             "--report", str(Path(folder) / "report.json"), "--lock-file", str(Path(folder) / "publish.lock")],
            env=env, capture_output=True, text=True, timeout=900)
        report_path = Path(folder) / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
    failed = [(a["asset_id"], a["message"]) for a in report.get("assets", []) if a.get("outcome") == "failed"]
    assert process.returncode == 0 and not failed, f"{failed}\n{process.stdout[-3000:]}\n{process.stderr[-2000:]}"
    found = {}
    for asset_id in WARD_ASSETS:
        response = requests.get(f"{portal_url}/api/3/action/package_search",
                                params={"fq": f'asset_register_id:"{asset_id}"', "rows": 2}, timeout=60).json()
        [dataset] = response["result"]["results"]
        found[asset_id] = dataset
    return found
