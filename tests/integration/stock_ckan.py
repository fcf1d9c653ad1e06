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
import time
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


class StockCKAN:
    """`with StockCKAN(portal_ini, solr_url, log) as stock:` a new, empty stock CKAN (its database made, its
    ini written); on leaving, its database and Solr documents are dropped."""

    def __init__(self, portal_ini: str, solr_url: str, log: Path):
        self.portal_ini, self.solr_url, self.log = portal_ini, solr_url, log

    def __enter__(self) -> StockCKAN:
        _drop(self.solr_url)
        _postgres("createdb", "--owner", "ckan_default", "--encoding", "utf-8", "--template", "template0", HARVEST_DB)
        self._folder = tempfile.TemporaryDirectory()
        self.folder = Path(self._folder.name)
        self.ini = self.folder / "ckan.ini"
        self.ini.write_text(stock_ini(self.portal_ini, str(self.folder)))
        return self

    def __exit__(self, *_exc) -> None:
        self._folder.cleanup()
        _drop(self.solr_url)

    def harvest(self, sources: list[dict]) -> dict:
        """Run harvest_consumer.py (tables, sources, both harvests); return its answer."""
        sources_file, out = self.folder / "sources.json", self.folder / "out.json"
        sources_file.write_text(json.dumps(sources))
        with open(self.log, "ab") as output:
            run = subprocess.run([sys.executable, "-m", "tests.integration.harvest_consumer", str(self.ini),
                                  str(sources_file), str(out)], cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                                 timeout=600, env=_own_environment())
        assert run.returncode == 0, f"the stock CKAN's harvest failed; see {self.log}"
        return json.loads(out.read_text())

    def idle_gather_consumers(self, redis_options: dict[str, str], idle: float) -> dict[str, tuple[int | None, str]]:
        """Start `ckan harvester gather-consumer` once per {name: options of ckan.redis.url} (side by side),
        leave their queue empty for `idle` seconds once each is waiting on it (BLPOP), and return
        {name: (exit code, or None while it still waits; its output)}."""
        import redis

        processes, waiting = {}, {}
        for name, options in redis_options.items():
            ini = self.folder / f"consumer-{name}.ini"
            ini.write_text(re.sub(r"(?m)^(ckan\.redis\.url = .*/\d+)\?.*$",
                                  rf"\g<1>?client_name={name}{'&' + options if options else ''}", self.ini.read_text()))
            processes[name] = subprocess.Popen(
                [str(Path(sys.executable).with_name("ckan")), "-c", str(ini), "harvester", "gather-consumer"],
                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_own_environment())
        client = redis.Redis.from_url(re.search(r"(?m)^ckan\.redis\.url = (redis://[^?\s]*)", self.ini.read_text())[1])
        deadline = time.monotonic() + 120
        try:
            while len(waiting) < len(processes) and time.monotonic() < deadline:
                blocked = {c.get("name") for c in client.client_list() if c.get("cmd") == "blpop"}
                for name, process in processes.items():
                    if name not in waiting and (name in blocked or process.poll() is not None):
                        waiting[name] = time.monotonic()
                time.sleep(0.2)
            assert len(waiting) == len(processes), "the gather consumers did not start within 120 s"
            time.sleep(max(0.0, max(waiting.values()) + idle - time.monotonic()))
            results = {name: process.poll() for name, process in processes.items()}
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
                process.wait(timeout=30)
        return {name: (results[name], processes[name].stdout.read().decode(errors="replace"))
                for name in processes}


