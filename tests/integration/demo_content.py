"""The demo asset register published into the test portal by the real publish jobs (as `make run`
does), so page tests see datasets exactly as the publish jobs create them. Idempotent: a rerun on
a portal that already has them writes nothing."""
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

from publish_jobs.register import load_register
from publish_jobs.settings import API_TOKEN_ENV, LOCK_FILE_ENV, PORTAL_URL_ENV

REGISTER = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo" / "register.xlsx"


def publish_demo(portal_url: str) -> list[dict]:
    """Publish the demo register; return the public datasets it made (package_show dicts)."""
    user = factories.Sysadmin(name=f"demo-publisher-{secrets.token_hex(4)}")
    token = helpers.call_action("api_token_create", context={"user": user["name"]}, user=user["name"],
                                name="demo")["token"]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, PORTAL_URL_ENV: portal_url, API_TOKEN_ENV: token,
               LOCK_FILE_ENV: str(Path(folder) / "publish.lock")}
        process = subprocess.run(
            [sys.executable, "-m", "publish_jobs.cli", "run", "--register", str(REGISTER),
             "--report", str(Path(folder) / "report.json")],
            env=env, capture_output=True, text=True, timeout=900)
        report_path = Path(folder) / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
    failed = [(a["asset_id"], a["message"], a.get("problems")) for a in report.get("assets", [])
              if a.get("outcome") == "failed"]
    assert process.returncode == 0 and not failed, (failed or process.stdout[-3000:]) and str(failed)[:4000] \
        + process.stderr[-2000:]
    found = requests.get(f"{portal_url}/api/3/action/package_search",
                         params={"fq": "asset_register_id:IAR-*", "rows": 1000}, timeout=60).json()["result"]
    ours = {asset.asset_id for asset in load_register(REGISTER).assets}  # not other checkouts' leftovers
    results = [dataset for dataset in found["results"] if dataset["asset_register_id"] in ours]
    assert len(results) >= 10, f"the demo register published only {len(results)} datasets"
    return results
