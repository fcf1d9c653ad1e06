"""An officer of one service area cannot change another area's datasets through any write action: each is
refused with a 403 (over HTTP, with the officer's API token) and the other area's dataset, its resources,
views, DataStore rows, validation record, members and collaborators are exactly as they were."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

# action -> the payload it gets (keys filled from the fixture: {dataset}, {resource}, {view}, {org}, {own}...)
WRITES = {
    "package_update": {"id": "{dataset}", "name": "{dataset_name}", "title": "Taken over", "owner_org": "{org}",
                       **COUNCIL_FIELDS},
    "package_patch": {"id": "{dataset}", "title": "Taken over"},
    "package_revise": {"match": '{{"id": "{dataset}"}}', "update": '{{"title": "Taken over"}}'},
    "package_delete": {"id": "{dataset}"},
    "dataset_purge": {"id": "{dataset}"},
    "package_owner_org_update": {"id": "{dataset}", "organization_id": "{own_org}"},
    "package_resource_reorder": {"id": "{dataset}", "order": ["{resource}"]},
    "resource_create": {"package_id": "{dataset}", "name": "Planted", "url": "https://example.org/x.csv"},
    "resource_update": {"id": "{resource}", "name": "Renamed", "url": "https://example.org/y.csv"},
    "resource_patch": {"id": "{resource}", "name": "Renamed"},
    "resource_delete": {"id": "{resource}"},
    "resource_view_create": {"resource_id": "{resource}", "view_type": "datatables_view", "title": "Planted"},
    "resource_view_update": {"id": "{view}", "resource_id": "{resource}", "view_type": "datatables_view",
                             "title": "Renamed"},
    "resource_view_reorder": {"id": "{resource}", "order": ["{view}"]},
    "resource_view_delete": {"id": "{view}"},
    "resource_view_clear": {"view_types": ["datatables_view"]},
    "resource_create_default_resource_views": {"resource": {"id": "{resource}"}, "package": {"id": "{dataset}"}},
    "package_create_default_resource_views": {"package": {"id": "{dataset}"}},
    "package_relationship_create": {"subject": "{own_dataset}", "object": "{dataset}", "type": "depends_on"},
    "package_collaborator_create": {"id": "{dataset}", "user_id": "{officer}", "capacity": "editor"},
    "member_create": {"id": "{group}", "object": "{dataset}", "object_type": "package", "capacity": "public"},
    "bulk_update_private": {"datasets": ["{dataset}"], "org_id": "{org}"},
    "bulk_update_public": {"datasets": ["{dataset}"], "org_id": "{org}"},
    "bulk_update_delete": {"datasets": ["{dataset}"], "org_id": "{org}"},
    "organization_member_create": {"id": "{org}", "username": "{officer}", "role": "admin"},
    "organization_patch": {"id": "{org}", "title": "Taken over"},
    "organization_update": {"id": "{org}", "name": "{org_name}", "title": "Taken over"},
    "organization_delete": {"id": "{org}"},
    "package_create": {"name": "planted-in-other-area", "title": "Planted", "owner_org": "{org}", **COUNCIL_FIELDS},
    "datastore_create": {"resource_id": "{resource}", "records": [{"ward": "Planted"}], "force": True},
    "datastore_upsert": {"resource_id": "{resource}", "records": [{"ward": "Planted"}], "method": "insert",
                         "force": True},
    "datastore_delete": {"resource_id": "{resource}", "force": True},
    "datastore_records_delete": {"resource_id": "{resource}", "filters": {}, "force": True},
    "datastore_run_triggers": {"resource_id": "{resource}"},
    "westsuffolk_resource_validation_run": {"id": "{resource}"},
}


def fill(value, names):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    return value


@pytest.fixture
def areas():
    """Finance's officer; Housing's dataset (with a resource, a view, DataStore rows and a group)."""
    officer = factories.User()
    finance = factories.Organization(name="finance", users=[{"name": officer["name"], "capacity": "editor"}])
    housing = factories.Organization(name="housing")
    own = factories.Dataset(owner_org=finance["id"], **COUNCIL_FIELDS)
    group = factories.Group(users=[{"name": officer["name"], "capacity": "member"}])
    return {"officer": officer, "finance": finance, "housing": housing, "own": own, "group": group,
            "token": {"Authorization": factories.APIToken(user=officer["name"])["token"]}}


def housing_dataset(areas, private: bool) -> dict:
    dataset = factories.Dataset(owner_org=areas["housing"]["id"], private=private, title="Housing repairs",
                                **COUNCIL_FIELDS)
    table = helpers.call_action("datastore_create", resource={"package_id": dataset["id"], "name": "Repairs"},
                                fields=[{"id": "ward", "type": "text"}], records=[{"ward": "Abbeygate"}], force=True)
    view = helpers.call_action("resource_view_list", id=table["resource_id"])
    view = view[0] if view else helpers.call_action("resource_view_create", resource_id=table["resource_id"],
                                                    view_type="datatables_view", title="Table")
    return {"dataset": dataset, "resource": table["resource_id"], "view": view["id"]}


def snapshot(areas, target) -> dict:
    dataset = helpers.call_action("package_show", id=target["dataset"]["id"])
    housing = helpers.call_action("organization_show", id=areas["housing"]["id"], include_users=True)
    return {
        "dataset": {k: v for k, v in dataset.items() if k not in ("validation_status",)},
        "views": helpers.call_action("resource_view_list", id=target["resource"]),
        "rows": helpers.call_action("datastore_search", resource_id=target["resource"])["records"],
        "housing": (housing["title"], housing["state"], sorted((u["name"], u["capacity"]) for u in housing["users"])),
        "group": helpers.call_action("group_show", id=areas["group"]["id"], include_datasets=True)["package_count"],
        "collaborators": helpers.call_action("package_collaborator_list", id=target["dataset"]["id"]),
        "relationships": helpers.call_action("package_relationships_list", id=areas["own"]["id"]),
        "planted": helpers.call_action("package_search", q="name:planted-in-other-area", include_private=True)["count"],
    }


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", "true")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestAnotherServiceArea:
    @pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
    @pytest.mark.parametrize("action", list(WRITES))
    def test_every_write_action_is_refused_and_nothing_changes(self, app, areas, action, private):
        target = housing_dataset(areas, private)
        names = {"dataset": target["dataset"]["id"], "dataset_name": target["dataset"]["name"],
                 "resource": target["resource"], "view": target["view"], "org": areas["housing"]["id"],
                 "org_name": areas["housing"]["name"], "own_org": areas["finance"]["id"],
                 "own_dataset": areas["own"]["id"], "officer": areas["officer"]["name"],
                 "group": areas["group"]["id"]}
        before = snapshot(areas, target)
        response = app.post(f"/api/3/action/{action}", json=fill(WRITES[action], names), headers=areas["token"])
        assert response.status_code == 403, (action, response.status_code, response.get_data(as_text=True)[:300])
        assert response.json["success"] is False
        assert snapshot(areas, target) == before, action

    def test_the_web_forms_refuse_too(self, app, areas):
        target = housing_dataset(areas, private=False)
        name = target["dataset"]["name"]
        for url in (f"/dataset/edit/{name}", f"/dataset/{name}/resource/new",
                    f"/dataset/{name}/resource/{target['resource']}/edit", f"/dataset/delete/{name}",
                    f"/organization/edit/{areas['housing']['name']}", f"/organization/member_new/{areas['housing']['name']}"):
            # CKAN shows its delete confirmation page to anyone who may read the dataset; the post is refused
            assert app.get(url, headers=areas["token"]).status_code == (200 if "/delete/" in url else 403), url
            form = {"title": "Taken over", "name": name, "url": "https://example.org/x.csv", "save": "", "id": ""}
            assert app.post(url, data=form, headers=areas["token"]).status_code == 403, url
            incomplete = app.post(url, data={"title": "Taken over"}, headers=areas["token"])  # no Save button
            assert incomplete.status_code in (400, 403), url
        assert helpers.call_action("package_show", id=name)["title"] == "Housing repairs"

    def test_the_officer_still_writes_in_their_own_area(self, app, areas):
        response = app.post("/api/3/action/package_patch", json={"id": areas["own"]["id"], "title": "Renamed"},
                            headers=areas["token"])
        assert response.status_code == 200 and response.json["result"]["title"] == "Renamed"
        grouped = app.post("/api/3/action/member_create", headers=areas["token"], json={
            "id": areas["group"]["id"], "object": areas["own"]["id"], "object_type": "package", "capacity": "public"})
        assert grouped.status_code == 200  # their own dataset into their group: allowed, as before
