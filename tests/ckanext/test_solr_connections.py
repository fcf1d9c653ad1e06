"""Each thread keeps its Solr client between requests (CKAN makes a new one, and a new TCP connection,
for every search); a changed Solr setting, another thread or a forked process gets its own."""
from __future__ import annotations

import threading

import pytest
from ckan.lib import search
from ckan.lib.search import common, index, query
from ckan.tests import factories, helpers

from ckanext.westsuffolk import solr_connections
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSolrConnections:
    def test_every_caller_of_make_connection_gets_the_kept_client(self):
        for module in (common, index, query, search):
            assert module.make_connection is solr_connections.make_connection
        assert common.make_connection() is common.make_connection()
        assert common.make_connection(decode_dates=False) is not common.make_connection()

    def test_searches_reuse_one_connection_and_still_find_new_datasets(self):
        client = common.make_connection()
        helpers.call_action("package_search", q="*:*")
        pool = client.get_session().get_adapter("http://")
        factories.Dataset(owner_org=factories.Organization()["id"], **COUNCIL_FIELDS, name="kept-connection")
        assert helpers.call_action("package_search", q="name:kept-connection")["count"] == 1
        assert common.make_connection() is client and client.get_session().get_adapter("http://") is pool

    def test_a_connection_solr_has_closed_is_replaced(self):
        client = common.make_connection()
        helpers.call_action("package_search", q="*:*")
        client.get_session().close()  # as when Solr drops an idle connection: the pool must open another
        assert helpers.call_action("package_search", q="*:*")["count"] >= 0

    def test_threads_processes_and_settings_each_get_their_own(self, monkeypatch, ckan_config):
        mine = common.make_connection()
        theirs = []
        thread = threading.Thread(target=lambda: theirs.append(common.make_connection()))
        thread.start()
        thread.join()
        assert theirs[0] is not mine
        monkeypatch.setattr(solr_connections.os, "getpid", lambda: -1)  # a forked job
        assert common.make_connection() is not mine
        monkeypatch.undo()
        assert common.make_connection() is mine
        monkeypatch.setitem(ckan_config, "solr_url", ckan_config["solr_url"].rstrip("/") + "/")
        assert common.make_connection() is not mine
