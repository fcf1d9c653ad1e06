"""datastore_search under concurrent requests: CKAN's alias lookup read its row after giving the connection
back to the pool ("cursor already closed", a 500 at 200 visitors in bench/load.py). The fixed lookup
answers as before, and many threads at once never fail."""
from __future__ import annotations

import threading
import uuid

import pytest
from ckan.tests import factories, helpers

from ckanext.datastore.backend import DatastoreBackend
from ckanext.datastore.backend.postgres import DatastorePostgresqlBackend
from ckanext.westsuffolk import datastore_fixes
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestAliasLookup:
    def test_the_fix_is_in_place_and_answers_as_before(self):
        assert DatastorePostgresqlBackend.resource_id_from_alias is datastore_fixes.resource_id_from_alias
        dataset = factories.Dataset(owner_org=factories.Organization()["id"], **COUNCIL_FIELDS)
        alias = f"ward-counts-{uuid.uuid4().hex[:8]}"  # the shared DataStore keeps aliases between tests
        table = helpers.call_action("datastore_create", resource={"package_id": dataset["id"], "name": "Wards"}, force=True,
                                    aliases=alias, fields=[{"id": "ward", "type": "text"}],
                                    records=[{"ward": "Abbeygate"}])
        backend = DatastoreBackend.get_active_backend()
        assert backend.resource_id_from_alias(table["resource_id"]) == (True, None)
        assert backend.resource_id_from_alias(alias) == (True, table["resource_id"])
        assert backend.resource_id_from_alias("no-such-table") == (False, None)

    def test_many_threads_at_once_never_fail(self, app):
        dataset = factories.Dataset(owner_org=factories.Organization()["id"], **COUNCIL_FIELDS)
        table = helpers.call_action("datastore_create", resource={"package_id": dataset["id"], "name": "Wards"}, force=True,
                                    fields=[{"id": "ward", "type": "text"}], records=[{"ward": "Abbeygate"}])
        backend = DatastoreBackend.get_active_backend()
        problems: list[BaseException] = []

        def lookups() -> None:
            try:
                for _ in range(200):
                    assert backend.resource_id_from_alias(table["resource_id"]) == (True, None)
            except BaseException as problem:
                problems.append(problem)

        threads = [threading.Thread(target=lookups) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert problems == []
