"""A setting a sysadmin saves in another worker is seen within a second, and requests in between do not
each ask the database (CKAN asks on every request)."""
from __future__ import annotations

import time

import pytest
from ckan import model
from ckan.lib import app_globals

from ckanext.westsuffolk import settings_check
from tests.integration.conftest import WESTSUFFOLK_PLUGINS


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestSettingsCheck:
    def test_another_workers_edit_is_seen_within_a_second_without_a_query_per_request(self, app, monkeypatch):
        clock = [10_000.0]
        checks = []
        check_now = settings_check._check_now
        monkeypatch.setattr(settings_check.time, "monotonic", lambda: clock[0])
        monkeypatch.setitem(settings_check._last, "checked", float("-inf"))
        monkeypatch.setattr(settings_check, "_check_now", lambda self: checks.append(clock[0]) or check_now(self))

        def site_title() -> str:
            return app.get("/api/3/action/status_show").json["result"]["site_title"]

        original = site_title()
        try:
            for _ in range(5):
                site_title()
            assert len(checks) == 1, "one database check in the second, not one per request"
            model.set_system_info("ckan.site_title", "Edited in another worker")  # as config_option_update does
            model.set_system_info("ckan.config_update", str(time.time()))
            assert site_title() == original
            clock[0] += settings_check.SECONDS + 0.01
            assert site_title() == "Edited in another worker"
            assert len(checks) == 2
        finally:
            model.delete_system_info("ckan.site_title")
            model.delete_system_info("ckan.config_update")
            app_globals.reset()
