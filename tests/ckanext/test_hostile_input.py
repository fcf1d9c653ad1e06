"""Hostile input to the portal, over HTTP (CKAN's in-process app on the real PostgreSQL, Solr and Redis):
each gets a clear 4xx or message, never a 5xx, and nothing is lost or half-written.

Service-area boundaries (an officer acting on another area's dataset) are in test_service_areas.py,
private datasets on every anonymous read path in test_private_datasets.py, XSS in test_escaping.py,
the live gunicorn cases (10 MB form fields, cut-off uploads) in tests/integration/test_hostile_requests.py.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
from pathlib import Path

import jwt
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.core.test_hostile_files import LAUGHS, XXE, replace_part, valid_workbook
from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

SPEND = "spend-over-500@1.0.0"
SOLR_PAYLOADS = ["title:(", "{!xmlparser v='<!DOCTYPE a SYSTEM \"http://127.0.0.1:8983/\"><a/>'}",
                 '_query_:"{!dismax}x"', "\\", '"unterminated', "*:*", "capacity:private", "private:true",
                 "a AND OR NOT b", "{!lucene}capacity:private", "title:secret*", "[* TO *]", "((((((((((x",
                 "+capacity:private -capacity:public", "id:* OR capacity:*", "%00", "x" * 5000]
SECRET = "Confidential restructure"
PASSWORD = "correct-horse-battery-9"


def ok(response) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:500])


@pytest.fixture
def portal():
    """An officer (editor of Finance) with a token, a public and a private dataset there, a sysadmin."""
    officer = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
    public = factories.Dataset(owner_org=org["id"], title="Spending over 500", **COUNCIL_FIELDS)
    private = factories.Dataset(owner_org=org["id"], private=True, title=SECRET, **COUNCIL_FIELDS)
    sysadmin = factories.Sysadmin()
    return {
        "officer": officer, "org": org, "public": public, "private": private,
        "token": {"Authorization": factories.APIToken(user=officer["name"])["token"]},
        "admin": {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]},
    }


def log_in(app, name: str, remember: str | None = None):
    """Log in through the form (with its CSRF token), as a browser does: the client keeps the cookie."""
    page = app.get("/user/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.body).group(1)
    form = {"login": name, "password": PASSWORD, "_csrf_token": token}
    if remember is not None:
        form["remember"] = remember
    return app.post("/user/login", data=form, follow_redirects=False)


def shown(dataset_id: str) -> dict:
    return helpers.call_action("package_show", id=dataset_id)


def upload(app, portal, data: bytes, filename: str, schema: str | None = SPEND):
    fields = {"package_id": portal["public"]["id"], "name": "Upload", "upload": (io.BytesIO(data), filename)}
    if schema:
        fields["schema"] = schema
    return app.post("/api/3/action/resource_create", data=fields, headers=portal["token"])


def storage_files() -> set[Path]:
    root = Path(tk.config["ckan.storage_path"])
    return {path for path in root.rglob("*") if path.is_file() and "webassets" not in path.parts}


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestHostileFiles:
    @pytest.mark.ckan_config("ckan.max_resource_size", "1")
    def test_an_oversized_upload_is_refused_and_nothing_stored(self, app, portal):
        before = storage_files()
        response = upload(app, portal, b"expenditure_date,amount\n" + b"2024-04-01,600\n" * 90_000, "big.csv")
        ok(response)
        assert response.status_code in (400, 409, 413)
        assert shown(portal["public"]["id"])["resources"] == [] and storage_files() == before

    @pytest.mark.parametrize("schema", [SPEND, None])
    @pytest.mark.parametrize("kind", ["cut-off", "zip-bomb", "external-entity", "billion-laughs"])
    def test_hostile_workbooks_are_refused_with_a_message(self, app, portal, kind, schema):
        workbook = {"cut-off": valid_workbook()[:400],
                    "zip-bomb": replace_part(valid_workbook(), "xl/worksheets/sheet1.xml",
                                             b"<" + b" " * (100 * 1024 * 1024) + b">"),
                    "external-entity": replace_part(valid_workbook(), "xl/sharedStrings.xml", XXE),
                    "billion-laughs": replace_part(valid_workbook(), "xl/sharedStrings.xml", LAUGHS)}[kind]
        before = storage_files()
        response = upload(app, portal, workbook, "spend.xlsx", schema)
        ok(response)
        assert response.status_code == 409
        message = " ".join(response.json["error"]["upload"])
        assert "workbook" in message.lower() and "Nothing was saved" in message
        assert shown(portal["public"]["id"])["resources"] == [] and storage_files() == before

    @pytest.mark.parametrize("data", [b"expenditure_date,amount\n2024-04-01,\x00600\n", b"\x00" * 100])
    def test_nul_bytes_in_a_file_are_refused(self, app, portal, data):
        response = upload(app, portal, data, "spend.csv")
        ok(response)
        assert response.status_code == 409 and "not a CSV or Excel table" in json.dumps(response.json)
        assert shown(portal["public"]["id"])["resources"] == []

    def test_invalid_utf8_is_read_and_the_officer_told(self, app, portal):
        data = b"expenditure_date,amount\n2024-04-01,600\n" + "Café".encode("cp1252") + b",1\n"
        response = upload(app, portal, data, "notes.csv", schema=None)
        ok(response)
        assert response.status_code == 200
        report = helpers.call_action("westsuffolk_resource_validation_show", id=response.json["result"]["id"])
        assert any("not saved as UTF-8" in warning for warning in report["warnings"])

    @pytest.mark.parametrize("filename", ["../../../../../tmp/{tag}.csv", "..\\..\\..\\{tag}.csv", "/tmp/{tag}.csv",
                                          "{tag}.csv\x00.html", ".htaccess{tag}", "{tag}" + "x" * 600 + ".csv",
                                          "CON {tag}.csv", "\u202e{tag}vsc.exe", "%2e%2e%2f{tag}.csv"])
    def test_path_tricks_in_upload_filenames_stay_inside_the_storage(self, app, portal, filename):
        tag = f"westsuffolk-path-trick-{secrets.token_hex(4)}"
        name = filename.format(tag=tag)
        data = b"expenditure_date,amount\n2024-04-01,600\n"
        response = upload(app, portal, data, name, schema=None)
        ok(response)
        root = Path(tk.config["ckan.storage_path"]).resolve()
        written = [p for p in Path("/").glob("tmp/*") if tag in p.name] + [p for p in root.parent.glob("*") if tag in p.name]
        assert written == []  # nothing outside the storage folder
        if response.status_code == 200:
            resource = response.json["result"]
            stored = resource["url"].rsplit("/", 1)[-1]
            assert "/" not in stored and "\\" not in stored and "\x00" not in stored and stored.strip(".")
            assert len(stored) <= 255
            assert app.get(resource["url"]).get_data() == data  # served back whole, from inside the storage
            assert all(root in p.resolve().parents for p in storage_files())


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestHostileRequests:
    def test_deeply_nested_json_to_an_action_is_refused(self, app, portal):
        body = '{"name": "deep", "extras": ' + "[" * 100_000 + "]" * 100_000 + "}"
        response = app.post("/api/3/action/package_create", data=body,
                             headers={**portal["token"], "Content-Type": "application/json"})
        ok(response)
        assert response.status_code == 400 and "nested more than 64 levels" in response.get_data(as_text=True)

    def test_nesting_an_action_can_take_is_a_validation_error(self, app, portal):
        value: dict = {"x": 1}
        for _ in range(40):
            value = {"x": value}
        response = app.post("/api/3/action/package_patch", json={"id": portal["public"]["id"], "title": value},
                            headers=portal["token"])
        ok(response)
        assert response.status_code in (400, 409)
        assert shown(portal["public"]["id"])["title"] == "Spending over 500"

    @pytest.mark.parametrize("body", [b"{", b'{"name": "\xff\xfe"}', b"\xef\xbb\xbf{}", b"[]", b"null", b"1e999999"])
    def test_broken_json_is_a_400(self, app, portal, body):
        response = app.post("/api/3/action/package_create", data=body,
                            headers={**portal["token"], "Content-Type": "application/json"})
        ok(response)
        assert 400 <= response.status_code < 500

    def test_nul_characters_are_refused_everywhere_before_the_database(self, app, portal):
        dataset = portal["public"]
        api = app.post("/api/3/action/package_patch", json={"id": dataset["id"], "title": "a\x00b"},
                       headers=portal["token"])
        assert api.status_code == 400 and "NUL" in api.get_data(as_text=True)
        query = app.get("/dataset/?q=a%00b")
        assert query.status_code == 400
        form = app.post(f"/dataset/edit/{dataset['name']}", data={"title": "a\x00b"}, headers=portal["token"])
        assert form.status_code == 400
        assert shown(dataset["id"])["title"] == "Spending over 500"

    @pytest.mark.parametrize("field, size", [("title", 10 * 1024 * 1024), ("contact_name", 40_000),
                                             ("notes", 200_000), ("title", 10_001)])
    def test_oversized_fields_are_refused_by_name_and_nothing_written(self, app, portal, field, size):
        dataset = portal["public"]
        response = app.post("/api/3/action/package_patch", json={"id": dataset["id"], field: "x" * size},
                            headers=portal["token"])
        ok(response)
        assert response.status_code == 409
        assert "too long" in response.json["error"][field][0]
        after = shown(dataset["id"])
        assert after[field] == dataset[field] and after["metadata_modified"] == dataset["metadata_modified"]
        found = helpers.call_action("package_search", q=f"name:{dataset['name']}")["results"]
        assert found and found[0]["title"] == dataset["title"]  # the index was not left behind either

    def test_an_oversized_resource_field_is_refused(self, app, portal):
        response = app.post("/api/3/action/resource_create", headers=portal["token"], json={
            "package_id": portal["public"]["id"], "url": "https://example.org/x.csv", "name": "y" * 50_000})
        assert response.status_code == 409 and "too long" in response.json["error"]["name"][0]
        assert shown(portal["public"]["id"])["resources"] == []

    def test_invalid_utf8_in_the_address_is_not_an_error(self, app):
        for url in ("/dataset/?q=%ff%fe", "/api/3/action/package_search?q=%c3%28", "/dataset/%ff"):
            ok(app.get(url))

    def test_huge_rows_and_offsets_in_dataset_search(self, app, portal):
        rows = app.get("/api/3/action/package_search", query_string={"rows": "1000000000"})
        assert rows.status_code == 200 and len(rows.json["result"]["results"]) <= 1000
        for params in ({"start": "1000000000000"}, {"start": "-1"}, {"rows": "-5"}, {"rows": "abc"},
                       {"start": "9" * 40}, {"rows": "1e9"}):
            response = app.get("/api/3/action/package_search", query_string=params)
            ok(response)
            assert response.status_code in (200, 400, 409), params

    def test_huge_limits_and_offsets_in_datastore_search(self, app, portal):
        table = helpers.call_action("datastore_create", resource={"package_id": portal["public"]["id"], "name": "Wards"},
                                    fields=[{"id": "ward", "type": "text"}],
                                    records=[{"ward": "Abbeygate"}, {"ward": "Moreton Hall"}], force=True)
        rid = table["resource_id"]
        capped = app.get("/api/3/action/datastore_search", query_string={"resource_id": rid, "limit": 10 ** 12})
        assert capped.status_code == 200 and len(capped.json["result"]["records"]) == 2
        for params in ({"offset": 10 ** 18}, {"offset": 10 ** 30}, {"offset": -1}, {"limit": -1}, {"limit": "x"},
                       {"sort": "ward; DROP TABLE package"}, {"sort": "(select 1)"}, {"fields": "ward, (select 1)"},
                       {"filters": "not json"}, {"filters": json.dumps({"ward); DROP TABLE x; --": "a"})},
                       {"q": json.dumps({"ward": "x') OR 1=1 --"})}, {"distinct": "maybe"},
                       {"plain": "false", "q": "a & | ! ("}, {"language": "klingon", "q": "x"}):
            response = app.get("/api/3/action/datastore_search", query_string={"resource_id": rid, **params})
            ok(response)
        # SQL is offered to journalists, read-only and on DataStore tables only
        for sql in ("select * from package", "select * from pg_catalog.pg_user", f'DELETE FROM "{rid}"',
                    f'select * from "{rid}"; drop table "{rid}"'):
            refused = app.get("/api/3/action/datastore_search_sql", query_string={"sql": sql})
            assert 400 <= refused.status_code < 500, (sql, refused.status_code)
        assert helpers.call_action("datastore_search", resource_id=rid)["total"] == 2

    @pytest.mark.parametrize("payload", SOLR_PAYLOADS)
    def test_solr_syntax_in_every_search_field(self, app, portal, payload):
        api = "/api/3/action/package_search"
        for params in ({"q": payload}, {"fq": payload}, {"sort": payload}, {"fl": payload},
                       {"facet.field": json.dumps([payload])}, {"q": payload, "include_private": "true"}):
            response = app.get(api, query_string=params)
            ok(response)
            assert SECRET not in response.get_data(as_text=True), params
        for url, params in (("/dataset/", {"q": payload}), ("/dataset/", {"tags": payload}),
                            ("/dataset/", {"res_format": payload}), ("/dataset/", {"license_id": payload}),
                            ("/dataset/", {"organization": payload}), ("/dataset/", {"sort": payload}),
                            ("/organization/", {"q": payload}), (f"/organization/{portal['org']['name']}", {"q": payload}),
                            ("/group/", {"q": payload}), ("/api/2/util/tag/autocomplete", {"incomplete": payload}),
                            ("/api/3/action/package_autocomplete", {"q": payload}),
                            ("/api/3/action/format_autocomplete", {"q": payload}),
                            ("/api/3/action/organization_list", {"q": payload}),
                            ("/api/3/action/tag_list", {"query": payload}), ("/catalog.ttl", {"q": payload}),
                            ("/feeds/custom.atom", {"q": payload})):
            response = app.get(url, query_string=params)
            ok(response)
            assert SECRET not in response.get_data(as_text=True), (url, params)

    def test_remember_me_values_that_crashed_the_log_in(self, app, portal):
        for remember in ("abc", "9" * 40, "-5", "0"):
            assert log_in(app, portal["officer"]["name"], remember).status_code == 400, remember
        assert log_in(app, portal["officer"]["name"], "63072000").status_code == 302  # the form's own value


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestCsrfAndTokens:
    def test_a_form_post_without_its_csrf_token_is_refused(self, app, portal):
        dataset = portal["public"]
        # an anonymous post first: CKAN then exempts the page from CSRF checks for the rest of the process
        assert app.post(f"/dataset/edit/{dataset['name']}", data={"title": "x"}).status_code == 403
        assert log_in(app, portal["officer"]["name"]).status_code == 302
        response = app.post(f"/dataset/edit/{dataset['name']}", data={"name": dataset["name"], "title": "Forged"})
        assert response.status_code == 400
        created = app.post("/dataset/new", data={"name": "forged", "title": "Forged", "owner_org": portal["org"]["id"]})
        assert created.status_code == 400
        assert shown(dataset["id"])["title"] == "Spending over 500"
        with pytest.raises(tk.ObjectNotFound):
            shown("forged")

    def test_log_in_without_a_csrf_token_is_refused(self, app, portal):
        response = app.post("/user/login", data={"login": portal["officer"]["name"], "password": PASSWORD},
                            follow_redirects=False)
        assert response.status_code == 400

    def test_cookie_writes_to_the_api_need_a_csrf_token_even_after_a_token_request(self, app, portal):
        """CKAN exempts a view from CSRF for good once any request to it uses an API token (the publish jobs
        do, all the time): a cross-site form could then post to the API with an officer's cookies."""
        dataset = portal["public"]
        assert app.post("/api/3/action/package_patch", json={"id": dataset["id"], "notes": "By token."},
                        headers=portal["token"]).status_code == 200
        assert log_in(app, portal["officer"]["name"]).status_code == 302
        forged = app.post("/api/3/action/package_patch", data={"id": dataset["id"], "title": "Forged"})
        assert forged.status_code == 400
        assert shown(dataset["id"])["title"] == "Spending over 500"
        # CKAN's own scripts send the token in a header: they keep working
        page = app.get(f"/dataset/{dataset['name']}")
        token = re.search(r'<meta name="_csrf_token" content="([^"]+)"', page.body).group(1)
        allowed = app.post("/api/3/action/package_patch", json={"id": dataset["id"], "title": "Renamed"},
                           headers={"X-CSRFToken": token})
        assert allowed.status_code == 200 and shown(dataset["id"])["title"] == "Renamed"

    def _jwt(self, user_id: str, **claims) -> str:
        secret = tk.config["api_token.jwt.encode.secret"].split(":", 1)[1]
        token = helpers.call_action("api_token_create", context={"user": user_id}, user=user_id, name="real")
        real = jwt.decode(token["token"], secret, algorithms=["HS256"])
        return jwt.encode({**real, **claims}, secret, algorithm="HS256")

    def _refused(self, app, portal, token: str) -> None:
        headers = {"Authorization": token}
        write = app.post("/api/3/action/package_patch", json={"id": portal["public"]["id"], "title": "T"},
                         headers=headers)
        ok(write)
        assert write.status_code == 403
        read = app.get("/api/3/action/package_show", query_string={"id": portal["private"]["id"]}, headers=headers)
        assert read.status_code in (403, 404)
        assert shown(portal["public"]["id"])["title"] == "Spending over 500"

    def test_an_expired_token_is_refused(self, app, portal):
        past = int((dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).timestamp())
        self._refused(app, portal, self._jwt(portal["officer"]["name"], exp=past))

    def test_a_revoked_token_is_refused(self, app, portal):
        token = helpers.call_action("api_token_create", context={"user": portal["officer"]["name"]},
                                    user=portal["officer"]["name"], name="revoked")["token"]
        helpers.call_action("api_token_revoke", context={"user": portal["officer"]["name"]}, token=token)
        self._refused(app, portal, token)

    def test_a_forged_or_garbled_token_is_refused(self, app, portal):
        real = self._jwt(portal["officer"]["name"])
        forged = jwt.encode(jwt.decode(real, options={"verify_signature": False}), "guessed", algorithm="HS256")
        unsigned = jwt.encode(jwt.decode(real, options={"verify_signature": False}), None, algorithm="none")
        for token in (forged, unsigned, real[:-4] + "AAAA", "Bearer " + real[:20], "x" * 5000, "\u00e9"):
            self._refused(app, portal, token)

    def test_the_token_of_a_deleted_officer_is_refused(self, app, portal):
        token = portal["token"]["Authorization"]
        helpers.call_action("user_delete", id=portal["officer"]["name"])
        self._refused(app, portal, token)

    def test_the_token_of_an_officer_moved_out_of_the_service_area_is_refused(self, app, portal):
        sysadmin = factories.Sysadmin()
        helpers.call_action("organization_member_delete", context={"user": sysadmin["name"]}, id=portal["org"]["id"],
                            username=portal["officer"]["name"])
        self._refused(app, portal, portal["token"]["Authorization"])
