"""Machines die: `make backup` writes the catalogue, the DataStore, the uploaded files and the validation
results into one dated archive, and `make restore` brings it back into empty databases with the Solr index
rebuilt. The restore here goes into databases of its own (ckan_restore_test, datastore_restore_test: never
the shared test or dev databases), a storage folder of its own and its own site id in the test Solr core;
every dataset, resource, validation result, uploaded file and DataStore row must be back."""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import REPO
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

RESTORE_CKAN_DB, RESTORE_DATASTORE_DB = "ckan_restore_test", "datastore_restore_test"
RESTORE_SITE_ID = "westsuffolk_restore_test"
SPEND_CSV = (REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv").read_bytes()


def drop_restore_databases() -> None:
    for name in (RESTORE_CKAN_DB, RESTORE_DATASTORE_DB):  # only these two names, ever
        subprocess.run(["runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "--force", name], check=True)


def rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql))]
    finally:
        engine.dispose()


def datastore_contents(url: str) -> dict[str, list[tuple]]:
    tables = [name for (name,) in rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "AND tablename <> '_table_metadata' ORDER BY 1")]
    return {name: sorted(rows(url, f'SELECT * FROM "{name}"'), key=repr) for name in tables}


def files(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file() and "webassets" not in path.relative_to(root).parts}


CATALOGUE = {
    "datasets": "SELECT id, name, title, private, state, owner_org, metadata_modified FROM package ORDER BY id",
    "resources": "SELECT id, package_id, url, url_type, state, extras FROM resource ORDER BY id",
    "validation": "SELECT resource_id, status, record::text FROM westsuffolk_validation_result ORDER BY 1",
    # the restored site's own user (named after its site id) is made by the index rebuild: left out
    "users": f"SELECT id, name, sysadmin, state FROM \"user\" WHERE name <> '{RESTORE_SITE_ID}' ORDER BY id",
    "tokens": "SELECT id, user_id FROM api_token ORDER BY id",
}


def catalogue(url: str) -> dict[str, list[tuple]]:
    return {name: rows(url, sql) for name, sql in CATALOGUE.items()}


def run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "scripts" / script), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_backup_restores_into_empty_databases_with_everything_back(app, tmp_path):
    officer = factories.User()
    org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
    token = {"Authorization": factories.APIToken(user=officer["name"])["token"]}
    public = factories.Dataset(owner_org=org["id"], title="Spending over 500", **COUNCIL_FIELDS)
    private = factories.Dataset(owner_org=org["id"], private=True, title="Draft restructure", **COUNCIL_FIELDS)
    uploaded = app.post("/api/3/action/resource_create", headers=token, data={
        "package_id": public["id"], "name": "Spending", "schema": "spend-over-500@1.0.0",
        "upload": (io.BytesIO(SPEND_CSV), "spend.csv")})
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)[:500]
    helpers.call_action("datastore_create", resource={"package_id": private["id"], "name": "Wards"}, force=True,
                        fields=[{"id": "ward", "type": "text"}, {"id": "homes", "type": "int"}],
                        records=[{"ward": f"Ward {n}", "homes": n} for n in range(500)])
    source_url, source_datastore = tk.config["sqlalchemy.url"], tk.config["ckan.datastore.write_url"]
    storage = Path(tk.config["ckan.storage_path"])
    before = catalogue(source_url)
    assert before["validation"] and any(url_type == "upload" for *_, url_type, _s, _e in before["resources"])
    before_rows, before_files = datastore_contents(source_datastore), files(storage)
    assert any(len(table) == 500 for table in before_rows.values()) and before_files

    backup = run_script("backup.sh", "test", env={"WESTSUFFOLK_BACKUP_DIR": str(tmp_path / "backups")})
    assert backup.returncode == 0, backup.stderr[-2000:]
    archives = list((tmp_path / "backups").glob("westsuffolk-*.tar.gz"))
    assert len(archives) == 1 and archives[0].stat().st_size > 0

    drop_restore_databases()
    target = {"WESTSUFFOLK_CKAN_DB": RESTORE_CKAN_DB, "WESTSUFFOLK_DATASTORE_DB": RESTORE_DATASTORE_DB,
              "WESTSUFFOLK_CKAN_INI": str(tmp_path / "restored.ini"), "WESTSUFFOLK_SITE_ID": RESTORE_SITE_ID,
              "WESTSUFFOLK_STORAGE_PATH": str(tmp_path / "storage")}
    solr = tk.config["solr_url"].rstrip("/")
    try:
        restore = run_script("restore.sh", str(archives[0]), "test", env=target)
        assert restore.returncode == 0, restore.stdout[-2000:] + restore.stderr[-2000:]
        restored_url = source_url.rsplit("/", 1)[0] + "/" + RESTORE_CKAN_DB
        restored_datastore = source_datastore.rsplit("/", 1)[0] + "/" + RESTORE_DATASTORE_DB
        assert catalogue(restored_url) == before
        assert datastore_contents(restored_datastore) == before_rows
        assert files(tmp_path / "storage") == before_files
        # the read-only DataStore role reads the restored tables (the DataStore API's connection)
        read_url = tk.config["ckan.datastore.read_url"].rsplit("/", 1)[0] + "/" + RESTORE_DATASTORE_DB
        for table, contents in before_rows.items():
            assert rows(read_url, f'SELECT count(*) FROM "{table}"') == [(len(contents),)]
        # the Solr index rebuilt from the restored catalogue: every dataset, private ones too
        indexed = requests.get(f"{solr}/select", params={"q": f"site_id:{RESTORE_SITE_ID}", "rows": 1000,
                                                          "fl": "id", "wt": "json"}, timeout=30).json()
        live = {dataset_id for dataset_id, _n, _t, _p, state, *_ in before["datasets"] if state == "active"}
        assert {doc["id"] for doc in indexed["response"]["docs"]} == live

        again = run_script("restore.sh", str(archives[0]), "test", env=target)
        assert again.returncode != 0 and "is not empty" in again.stderr  # never over a live catalogue
    finally:
        requests.post(f"{solr}/update", params={"commit": "true"}, timeout=30,
                      json={"delete": {"query": f"site_id:{RESTORE_SITE_ID}"}})
        drop_restore_databases()


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_lost_solr_index_is_rebuilt_by_make_run(pytestconfig):
    """`make run` (services.sh init run) indexes what the index lacks: a lost Solr core comes back whole."""
    from ckan.lib.search import clear_all

    org = factories.Organization()
    made = {factories.Dataset(owner_org=org["id"], private=n == 0, **COUNCIL_FIELDS)["id"] for n in range(3)}
    step = "search-index rebuild --only-missing"
    assert step in (REPO / "scripts" / "services.sh").read_text()  # what init run does, on every `make run`
    clear_all()  # the index is lost (this site's documents; a new Solr core is empty too)
    assert helpers.call_action("package_search", include_private=True)["count"] == 0
    ckan = str(Path(sys.executable).with_name("ckan"))
    rebuilt = subprocess.run([ckan, "-c", pytestconfig.getoption("ckan_ini"), *step.split()], capture_output=True,
                             text=True, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    found = helpers.call_action("package_search", include_private=True, rows=100)["results"]
    assert {dataset["id"] for dataset in found} == made
