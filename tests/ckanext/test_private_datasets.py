"""Private datasets: nothing of them reaches an anonymous visitor on any read path: pages, the Action API,
DCAT, feeds, the DataStore, the validation report, the file download, activity streams. Each path is
asked for the private dataset (by name and by id) and for listings that would include it; its title,
name, ids, tag, resource name, file contents and DataStore rows must appear nowhere, and no path may
fail with a 5xx. The public dataset beside it is shown, so each listing is known to work.

Two kinds of marker: SECRET is in what a visitor cannot know (title, notes, contact, resource names, the
file's cells, the DataStore rows) and must never appear; MARK is in what a visitor may type (the name, the
tag, a search) and must not appear unless the request itself carried it (a search box repeats its query)."""
from __future__ import annotations

import io
import json

import pytest
from ckan.tests import factories, helpers

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

MARK = "zq7private"  # the private dataset's name and tag
SECRET = "Xy9hidden"  # its title, notes, contact, resource names, file cells and DataStore rows
TITLE = "Restructure plan"  # the rest of its title (shown by a search for SECRET, were it leaking)
PUBLIC = "Spending over 500 (public)"


@pytest.fixture
def datasets(app):
    officer = factories.User()
    org = factories.Organization(name="housing", users=[{"name": officer["name"], "capacity": "editor"}])
    group = factories.Group(name="housing-group")
    token = {"Authorization": factories.APIToken(user=officer["name"])["token"]}
    public = factories.Dataset(owner_org=org["id"], title=PUBLIC, tags=[{"name": "spending"}],
                               groups=[{"id": group["id"]}], **COUNCIL_FIELDS)
    private = factories.Dataset(
        owner_org=org["id"], private=True, name=f"{MARK}-restructure", title=f"{SECRET} {TITLE}",
        tags=[{"name": f"{MARK}-tag"}], groups=[{"id": group["id"]}],
        **{**COUNCIL_FIELDS, "notes": f"{SECRET} notes", "contact_name": f"{SECRET} contact"})
    uploaded = app.post("/api/3/action/resource_create", headers=token, data={
        "package_id": private["id"], "name": f"{SECRET} file", "format": "CSV",
        "upload": (io.BytesIO(f"ward,note\nAbbeygate,{SECRET}-cell\n".encode()), f"{MARK}.csv")})
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)[:300]
    admin = {"user": factories.Sysadmin()["name"]}  # the activity plugin records who made each change
    table = helpers.call_action("datastore_create", context=dict(admin),
                                resource={"package_id": private["id"], "name": f"{SECRET} table"},
                                fields=[{"id": "ward", "type": "text"}], records=[{"ward": f"{SECRET}-row"}],
                                force=True)
    helpers.call_action("datastore_create", context=dict(admin),
                        resource={"package_id": public["id"], "name": "Public table"},
                        fields=[{"id": "ward", "type": "text"}], records=[{"ward": "Abbeygate"}], force=True)
    resource = uploaded.json["result"]
    return {"org": org, "group": group, "public": public, "private": private, "file": resource,
            "table": table["resource_id"]}


def leaked(data, path: str, query: dict, body: str) -> list[str]:
    """What of the private dataset this answer shows that the request did not carry itself."""
    asked = path + json.dumps(query)
    return [secret for secret in (SECRET, TITLE, MARK, data["private"]["id"], data["file"]["id"], data["table"])
            if secret in body and secret not in asked]


def read_paths(data) -> list[tuple[str, dict]]:
    """(path, query) of every anonymous read path, aimed at the private dataset or listings holding it."""
    p, f, t = data["private"], data["file"], data["table"]
    org, group = data["org"]["name"], data["group"]["name"]
    paths = []
    for ref in (p["name"], p["id"]):  # pages, by name and by id
        paths += [(f"/dataset/{ref}", {}), (f"/dataset/{ref}/resource/{f['id']}", {}),
                  (f"/dataset/{ref}/resource/{f['id']}/download/{MARK}.csv", {}),
                  (f"/dataset/{ref}/resource/{f['id']}/validation", {}),
                  (f"/dataset/{ref}/resource/{t}", {}), (f"/dataset/{ref}.rdf", {}), (f"/dataset/{ref}.ttl", {}),
                  (f"/dataset/{ref}.jsonld", {}), (f"/dataset/activity/{ref}", {}),
                  (f"/dataset/{ref}/resource/{f['id']}/view/", {}), (f"/dataset/groups/{ref}", {})]
    paths += [
        ("/dataset/", {}), ("/dataset/", {"q": MARK}), ("/dataset/", {"q": SECRET}),
        ("/api/3/action/package_search", {"q": SECRET}), ("/api/3/action/resource_search", {"query": f"name:{SECRET}"}), ("/dataset/", {"tags": f"{MARK}-tag"}),
        ("/dataset/", {"q": "capacity:private"}), ("/dataset/", {"organization": org}),
        (f"/organization/{org}", {}), (f"/organization/{org}", {"q": MARK}), ("/organization/", {}),
        (f"/organization/activity/{org}", {}), (f"/group/{group}", {}), ("/group/", {}),
        ("/", {}), ("/transparency", {}), ("/schemas", {}),
        # DCAT and feeds
        ("/catalog.ttl", {}), ("/catalog.rdf", {}), ("/catalog.jsonld", {}), ("/catalog.ttl", {"q": MARK}),
        ("/feeds/dataset.atom", {}), ("/feeds/custom.atom", {"q": MARK}), (f"/feeds/organization/{org}.atom", {}),
        (f"/feeds/group/{group}.atom", {}), (f"/feeds/tag/{MARK}-tag.atom", {}),
        # the Action API
        ("/api/3/action/package_show", {"id": p["id"]}), ("/api/3/action/package_show", {"id": p["name"]}),
        ("/api/3/action/package_search", {"q": MARK, "include_private": "true"}),
        ("/api/3/action/package_search", {"fq": "capacity:private", "include_private": "true"}),
        ("/api/3/action/package_search", {"q": "*:*", "rows": "1000", "include_drafts": "true"}),
        ("/api/3/action/package_list", {}), ("/api/3/action/current_package_list_with_resources", {}),
        ("/api/3/action/package_autocomplete", {"q": MARK}), ("/api/2/util/dataset/autocomplete", {"incomplete": MARK}),
        ("/api/3/action/resource_show", {"id": f["id"]}), ("/api/3/action/resource_view_list", {"id": f["id"]}),
        ("/api/3/action/resource_search", {"query": f"name:{MARK}"}),
        ("/api/3/action/package_relationships_list", {"id": p["id"]}),
        ("/api/3/action/package_collaborator_list", {"id": p["id"]}),
        ("/api/3/action/organization_show", {"id": org, "include_datasets": "true"}),
        ("/api/3/action/group_show", {"id": group, "include_datasets": "true"}),
        ("/api/3/action/group_package_show", {"id": group}),
        ("/api/3/action/organization_list", {"all_fields": "true"}),
        ("/api/3/action/tag_list", {}), ("/api/3/action/tag_show", {"id": f"{MARK}-tag"}),
        ("/api/3/action/tag_search", {"query": MARK}), ("/api/3/action/tag_autocomplete", {"query": MARK}),
        ("/api/2/util/tag/autocomplete", {"incomplete": MARK}),
        ("/api/3/action/package_activity_list", {"id": p["id"]}),
        ("/api/3/action/organization_activity_list", {"id": org}),
        ("/api/3/action/recently_changed_packages_activity_list", {}),
        ("/api/3/action/westsuffolk_resource_validation_show", {"id": f["id"]}),
        # the DataStore
        ("/api/3/action/datastore_search", {"resource_id": t}), ("/api/3/action/datastore_info", {"id": t}),
        ("/api/3/action/datastore_search", {"resource_id": "_table_metadata"}),
        ("/api/3/action/datastore_search_sql", {"sql": f'SELECT * FROM "{t}"'}),
        (f"/datastore/dump/{t}", {}), (f"/datastore/dump/{t}", {"format": "json"}),
        (f"/datastore/dictionary_download/{t}", {}),
    ]
    return paths


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS + " activity")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestNoLeaksToAnonymousVisitors:
    def test_no_read_path_shows_anything_of_a_private_dataset(self, app, datasets):
        paths = read_paths(datasets)
        assert len(paths) >= 70
        leaks, failures = [], []
        for path, query in paths:
            response = app.get(path, query_string=query)
            if response.status_code >= 500:
                failures.append((path, query, response.status_code))
            body = response.get_data(as_text=True) + json.dumps(dict(response.headers))
            leaks += [(path, query, secret) for secret in leaked(datasets, path, query, body)]
        assert failures == []
        assert leaks == []

    def test_the_api_answers_posted_searches_the_same(self, app, datasets):
        for action, body in (("package_search", {"q": MARK, "include_private": True, "include_drafts": True}),
                             ("package_search", {"fq": f"tags:{MARK}-tag", "include_private": True}),
                             ("datastore_search", {"resource_id": datasets["table"], "q": MARK}),
                             ("tag_list", {"all_fields": True})):
            response = app.post(f"/api/3/action/{action}", json=body)
            assert response.status_code < 500, action
            assert leaked(datasets, action, body, response.get_data(as_text=True)) == [], action

    def test_listings_do_show_the_public_dataset(self, app, datasets):
        """The paths above do work: the public dataset beside the private one is listed."""
        for path, query in (("/dataset/", {}), (f"/organization/{datasets['org']['name']}", {}),
                            ("/catalog.ttl", {}), ("/feeds/dataset.atom", {}),
                            ("/api/3/action/package_search", {"include_private": "true"})):
            response = app.get(path, query_string=query)
            assert response.status_code == 200 and PUBLIC in response.get_data(as_text=True), path
        rows = app.get("/api/3/action/datastore_search", query_string={"resource_id": datasets["table"]})
        assert rows.status_code == 403

    def test_an_officer_of_the_area_does_see_it(self, app, datasets):
        """The private dataset exists and is readable by its own service area (the test is not vacuous)."""
        member = helpers.call_action("organization_show", id=datasets["org"]["id"], include_users=True)["users"]
        editor = next(user for user in member if user["capacity"] == "editor")
        token = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
        response = app.get(f"/dataset/{datasets['private']['name']}", headers=token)
        assert response.status_code == 200 and SECRET in response.get_data(as_text=True)

    def test_the_datastore_table_list_is_for_sysadmins_only(self, app, datasets):
        anonymous = app.get("/api/3/action/datastore_search", query_string={"resource_id": "_table_metadata"})
        assert anonymous.status_code == 403
        admin = {"Authorization": factories.APIToken(user=factories.Sysadmin()["name"])["token"]}
        listed = app.get("/api/3/action/datastore_search", headers=admin, query_string={
            "resource_id": "_table_metadata", "filters": json.dumps({"name": datasets["table"]})})
        assert listed.status_code == 200
        assert datasets["table"] in {record["name"] for record in listed.json["result"]["records"]}
