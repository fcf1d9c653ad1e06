"""Validation results live in PostgreSQL (the extension's own migration), seen alike by every web
replica and worker; a one-off migration moves the old JSON files in; queued jobs keep their old path."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestValidationResultsInPostgres:
    def test_every_failing_resource_is_one_query(self, create_with_upload):
        from ckanext.westsuffolk.validation import store

        dataset = factories.Dataset(owner_org=factories.Organization()["id"], private=True, **COUNCIL_FIELDS)
        good = create_with_upload(b"Ward,Reports\nAbbeygate,4\n", "good.csv", package_id=dataset["id"], name="good")
        bad = factories.Resource(package_id=dataset["id"], url="https://example.org/x.csv", name="bad")
        store.write(bad, {"status": "failure", "issues": [], "schema_ref": None})
        assert store.failing() == [(bad["id"], dataset["id"], "failure")]
        assert store.read(good["id"])["status"] == "success"

    def test_the_one_off_migration_moves_json_results(self, migrate_db_for, ckan_config, monkeypatch, tmp_path):
        from ckanext.westsuffolk.validation import store

        monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
        dataset = factories.Dataset(owner_org=factories.Organization()["id"], **COUNCIL_FIELDS)
        resource = factories.Resource(package_id=dataset["id"], url="https://example.org/old.csv", name="old")
        folder = Path(tk.config["ckan.storage_path"]) / "westsuffolk-validation"
        folder.mkdir(parents=True, exist_ok=True)
        old = {"status": "failure", "schema_ref": "spend-over-500@1.0.0", "error_count": 3, "issues": []}
        (folder / f"{resource['id']}.json").write_text(json.dumps(old), encoding="utf-8")
        from ckan import model

        model.Session.remove()  # end this session's transaction: the migration drops and creates tables
        migrate_db_for("westsuffolk", "0001_allowed_values", False)  # back to before the table
        migrate_db_for("westsuffolk")
        moved = store.read(resource["id"])
        assert moved["status"] == "failure" and moved["error_count"] == 3
        assert store.failing() == [(resource["id"], resource["package_id"], "failure")]

    def test_jobs_queued_under_the_old_path_still_run(self):
        from ckanext.westsuffolk import resource_validation
        from ckanext.westsuffolk.validation import jobs

        assert resource_validation.westsuffolk_validate_resource_job is jobs.validate_resource_job
        path = f"{jobs.validate_resource_job.__module__}.{jobs.validate_resource_job.__name__}"
        assert path == "ckanext.westsuffolk.validation.jobs.validate_resource_job"
