"""Runs inside the second, stock CKAN (tests/integration/stock_ckan.py): creates its tables (CKAN's and
ckanext-harvest's migrations), one organisation and one harvest source per harvester, runs each harvest
the way `ckan harvester run-test SOURCE` does (gather, fetch and import in this process, no queue
consumers), and writes what it harvested as JSON.

    python -m tests.integration.harvest_consumer INI SOURCES_JSON OUT_JSON

SOURCES_JSON: [{"name", "url", "source_type", "config"}]. OUT_JSON: {source name: {"job": harvest_job_show,
"gather_errors": [...], "object_errors": [...], "datasets": [package_show of each dataset it holds]}}.
"""
from __future__ import annotations

import configparser
import json
import sys
from pathlib import Path

ORGANISATION = "west-suffolk-council"


def _refuse_shared_services(ini: str, config) -> None:
    """CKAN lets CKAN_* environment variables override the ini (scripts/test.sh exports the portal's):
    this CKAN must run on the database, site id and Redis database its own ini names, never the portal's."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini)
    for key in ("sqlalchemy.url", "ckan.site_id", "ckan.redis.url", "solr_url", "ckan.plugins"):
        value = config.get(key)
        if (" ".join(value) if isinstance(value, list) else value) != parser["app:main"][key]:
            raise SystemExit(f"{key} is {value!r}, not {parser['app:main'][key]!r} as in {ini}")


def main(ini: str, sources_json: str, out_json: str) -> int:
    import logging.config

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    logging.config.fileConfig(ini, disable_existing_loggers=False)  # its log: INFO from ckan and ckanext
    app = make_app(CKANConfigLoader(ini).get_config())
    from ckan.plugins import toolkit as tk

    _refuse_shared_services(ini, tk.config)
    from ckan import model
    from ckan.cli.db import _run_migrations

    from ckanext.harvest import utils
    from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError

    model.repo.init_db()  # `ckan db init`
    _run_migrations("harvest")  # `ckan db upgrade -p harvest`
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context() -> dict:
        return {"model": model, "session": model.Session, "user": site_user, "ignore_auth": True}

    org = tk.get_action("organization_create")(context(), {"name": ORGANISATION, "title": "West Suffolk Council"})
    results = {}
    for source in json.loads(Path(sources_json).read_text()):
        made = tk.get_action("harvest_source_create")(context(), {
            **source, "title": source["name"], "owner_org": org["id"], "frequency": "MANUAL",
            "config": json.dumps(source.get("config") or {})})
        with app._wsgi_app.test_request_context():  # as the CLI command does
            utils.run_test_harvester(made["name"], None)
        [job] = tk.get_action("harvest_job_list")(context(), {"source_id": made["id"]})
        objects = model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == job["id"])
        package_ids = sorted({o.package_id for o in objects if o.current and o.package_id})
        results[made["name"]] = {
            "job": tk.get_action("harvest_job_show")(context(), {"id": job["id"]}),
            "gather_errors": [e.message for e in model.Session.query(HarvestGatherError)
                              .filter(HarvestGatherError.harvest_job_id == job["id"])],
            "object_errors": [f"{e.object.guid} ({e.stage}): {e.message}" for e in model.Session.query(HarvestObjectError)
                              .join(HarvestObject).filter(HarvestObject.harvest_job_id == job["id"])],
            "datasets": [tk.get_action("package_show")(context(), {"id": i}) for i in package_ids],
        }
    Path(out_json).write_text(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
