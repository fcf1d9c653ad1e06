"""A second, stock CKAN 2.12 that harvests the live test portal the way data.gov.uk or another council
does: ckanext-harvest 1.6.3 (its `ckan` harvester) and ckanext-dcat (its `dcat_rdf` harvester), no
westsuffolk, no scheming. It has a database of its own (made and dropped here, never the shared ones),
its own site id in the test Solr core and its own Redis database; its configuration is the test
portal's own (rendered from docker/ckan.ini.template) with the stock plugins and without our settings.
The harvest runs in one process of its own (harvest_consumer.py), never in the test process, which
has the portal's configuration loaded."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from tests.conftest import REPO

HARVEST_DB = "ckan_harvest_test"
HARVEST_SITE_ID = "westsuffolk_harvest_test"
PLUGINS = "harvest ckan_harvester dcat dcat_rdf_harvester"
# The portal uses Redis databases 0 (dev) and 1 (tests). redis-py 8 (CKAN 2.12) times a read out after 5 s,
# which kills ckanext-harvest 1.6.3's queue consumers when a queue is idle (ckan/ckanext-harvest#581):
# a long socket_timeout on the URL is the setting that reaches them (docker/README.md).
REDIS_DB = 3
REDIS_OPTIONS = "?socket_timeout=86400"
# Our settings a stock CKAN has not got (their plugins are not loaded there).
OURS = re.compile(r"^(scheming\.|ckanext\.westsuffolk\.|ckanext\.dcat\.rdf\.profiles|ckanext\.dcat\.structured_data\."
                  r"|ckan\.extra_resource_fields|ckan\.views\.default_views|ckan\.datastore\.)")


# Settings a stock CKAN gets instead of the portal's (the site URL is never served: no web server runs).
STOCK_SETTINGS = {"ckan.plugins": PLUGINS, "ckan.site_id": HARVEST_SITE_ID, "ckan.site_url": "http://127.0.0.1:5009"}


def _stock_line(line: str, storage: str) -> str:
    key = line.split("=", 1)[0].strip()
    if key in STOCK_SETTINGS:
        return f"{key} = {STOCK_SETTINGS[key]}"
    if key == "ckan.storage_path":
        return f"{key} = {storage}"
    if key == "sqlalchemy.url":
        return re.sub(r"/[^/]+$", f"/{HARVEST_DB}", line)
    if key == "ckan.redis.url":
        return re.sub(r"/\d+$", f"/{REDIS_DB}{REDIS_OPTIONS}", line)
    return line


def stock_ini(portal_ini: str, storage: str) -> str:
    """The test portal's configuration, made stock: plugins, database, site id, Redis database, storage."""
    lines = Path(portal_ini).read_text().splitlines()
    return "\n".join(_stock_line(line, storage) for line in lines if not OURS.match(line.split("=", 1)[0].strip())) + "\n"


def _postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120)


def _drop(solr_url: str) -> None:
    _postgres("dropdb", "--if-exists", "--force", HARVEST_DB)  # this one name, ever
    requests.post(f"{solr_url.rstrip('/')}/update", params={"commit": "true"}, timeout=30,
                  json={"delete": {"query": f"site_id:{HARVEST_SITE_ID}"}}).raise_for_status()


def _own_environment() -> dict[str, str]:
    """The environment without CKAN's overrides (CKAN_SQLALCHEMY_URL, CKAN_SITE_ID, ... exported for the
    portal by scripts/test.sh): they would point this CKAN at the portal's database and Solr documents."""
    return {key: value for key, value in os.environ.items() if not key.startswith("CKAN")}


def harvest(portal_ini: str, solr_url: str, sources: list[dict], log: Path) -> dict:
    """Harvest `sources` into a new, empty stock CKAN; return harvest_consumer.py's answer. The
    database and the Solr documents are dropped again afterwards."""
    _drop(solr_url)
    _postgres("createdb", "--owner", "ckan_default", "--encoding", "utf-8", "--template", "template0", HARVEST_DB)
    try:
        with tempfile.TemporaryDirectory() as folder:
            ini, sources_file, out = (Path(folder) / name for name in ("ckan.ini", "sources.json", "out.json"))
            ini.write_text(stock_ini(portal_ini, folder))
            sources_file.write_text(json.dumps(sources))
            with open(log, "ab") as output:
                run = subprocess.run([sys.executable, "-m", "tests.integration.harvest_consumer", str(ini),
                                      str(sources_file), str(out)], cwd=REPO, stdout=output,
                                     stderr=subprocess.STDOUT, timeout=600, env=_own_environment())
            assert run.returncode == 0, f"the stock CKAN's harvest failed; see {log}"
            return json.loads(out.read_text())
    finally:
        _drop(solr_url)
