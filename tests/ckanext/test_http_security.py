"""Security headers on every response, uploaded files that cannot run script on the portal's origin,
and session cookies: HttpOnly, SameSite, Secure over https."""
from __future__ import annotations

import io
import re
from pathlib import Path

import ckan
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from tests.integration.conftest import COUNCIL_FIELDS, WESTSUFFOLK_PLUGINS

HTML = b"<html><body><script>fetch('/api/3/action/package_search?include_private=true')</script>hi</body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
       b"<script>alert(1)</script><rect width='10' height='10'/></svg>")


@pytest.fixture
def public_dataset():
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"], **COUNCIL_FIELDS)
    return org, dataset


def script_sources(policy: str) -> str:
    return next(d for d in policy.split(";") if d.strip().startswith("script-src"))


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestHeaders:
    def test_every_kind_of_response_carries_the_headers(self, app, public_dataset):
        _, dataset = public_dataset
        for url, status in (("/", 200), ("/dataset/", 200), (f"/dataset/{dataset['name']}", 200),
                            ("/api/3/action/status_show", 200), ("/schemas", 200), ("/transparency", 200),
                            ("/schemas/spend-over-500/template.csv", 200), ("/no-such-page", 404),
                            ("/api/3/action/package_show?id=nope", 404), ("/base/images/ckan-logo.png", 200)):
            response = app.get(url, status=status)
            headers = response.headers
            assert headers["X-Content-Type-Options"] == "nosniff", url
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
            assert headers["X-Frame-Options"] == "SAMEORIGIN", url
            policy = headers["Content-Security-Policy"]
            assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy, url
            assert "Strict-Transport-Security" not in headers, url  # plain http

    def test_text_answers_say_they_are_utf8(self, app, public_dataset):
        """The Turtle catalogue has "£" in its descriptions: without a charset a browser shows "Â£"."""
        for url in ("/catalog.ttl", "/catalog.n3", f"/dataset/{public_dataset[1]['name']}.ttl"):
            response = app.get(url)
            assert response.headers["Content-Type"].lower().replace(" ", "").endswith(";charset=utf-8"), url
        assert app.get("/").headers["Content-Type"].lower().count("charset") == 1

    def test_public_pages_allow_no_inline_script(self, app, public_dataset):
        _, dataset = public_dataset
        for url in ("/", "/dataset/", f"/dataset/{dataset['name']}", "/schemas", "/schemas/spend-over-500",
                    "/transparency", "/organization/", "/about"):
            sources = script_sources(app.get(url).headers["Content-Security-Policy"])
            assert sources.split() == ["script-src", "'self'"], url

    def test_officer_forms_with_inline_handlers_are_listed_pages(self, app, public_dataset):
        _, dataset = public_dataset
        sysadmin = factories.Sysadmin()
        token = factories.APIToken(user=sysadmin["name"])["token"]
        form = app.get(f"/dataset/{dataset['name']}/resource/new", headers={"Authorization": token})
        assert "'unsafe-inline'" in script_sources(form.headers["Content-Security-Policy"])
        assert 'onclick="' in form.body  # CKAN's resource_upload_field.html: why the page is listed

    @pytest.mark.ckan_config("ckanext.westsuffolk.security.content_security_policy", "default-src 'none'")
    @pytest.mark.ckan_config("ckanext.westsuffolk.security.content_security_policy_report_only", "true")
    def test_the_policy_is_configurable_and_can_be_report_only(self, app):
        headers = app.get("/").headers
        assert headers["Content-Security-Policy-Report-Only"] == "default-src 'none'"
        assert "Content-Security-Policy" not in headers

    def test_hsts_when_served_over_https(self, app):
        response = app.get("/", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    def test_hsts_when_the_site_is_https_behind_a_proxy(self, app, monkeypatch):
        monkeypatch.setitem(tk.config, "ckan.site_url", "https://data.westsuffolk.gov.uk")
        assert "max-age=31536000" in app.get("/").headers["Strict-Transport-Security"]

    @pytest.mark.ckan_config("ckanext.westsuffolk.security.hsts_max_age", "0")
    def test_hsts_can_be_turned_off(self, app):
        assert "Strict-Transport-Security" not in app.get("/", base_url="https://localhost").headers


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestUploadedFiles:
    @pytest.mark.parametrize("data, filename", [(HTML, "report.html"), (SVG, "chart.svg"), (HTML, "page.htm"),
                                                (b"<?xml version='1.0'?><x/>", "feed.xml"),
                                                (b"alert(1)", "script.js"), (HTML, "spend.csv.html")])
    def test_files_that_could_run_script_are_downloaded_never_shown(self, app, create_with_upload, public_dataset,
                                                                   data, filename):
        _, dataset = public_dataset
        resource = create_with_upload(data, filename, package_id=dataset["id"], name="Upload")
        response = app.get(resource["url"])
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert filename in response.headers["Content-Disposition"]
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data() == data  # served unchanged, only never as a page

    def test_a_csv_is_served_whole_and_as_csv(self, app, create_with_upload, public_dataset):
        _, dataset = public_dataset
        data = b"Date,Amount\n2024-04-01,600\n"
        resource = create_with_upload(data, "spend.csv", package_id=dataset["id"], name="Spend")
        response = app.get(resource["url"])
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.get_data() == data
        assert "sandbox" in response.headers["Content-Security-Policy"]

    def test_a_link_resource_download_is_still_a_redirect(self, app, public_dataset):
        _, dataset = public_dataset
        resource = factories.Resource(package_id=dataset["id"], url="https://example.org/spend.csv")
        response = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download", follow_redirects=False)
        assert response.status_code == 302 and response.headers["Location"] == "https://example.org/spend.csv"

    def test_organisation_logos_cannot_be_svg_and_are_served_sandboxed(self, app):
        sysadmin = factories.Sysadmin()
        def logo(data, filename, content_type):
            return helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                                       name=filename.replace(".", "-"), image_upload=FileStorage(
                                           io.BytesIO(data), filename, content_type=content_type))

        with pytest.raises(tk.ValidationError, match="Unsupported upload type"):  # CKAN refuses SVG logos
            logo(SVG, "logo.svg", "image/svg+xml")
        png = (Path(ckan.__file__).parent / "public" / "base" / "images" / "ckan-logo.png").read_bytes()
        org = logo(png, "logo.png", "image/png")
        path = re.sub(r"^https?://[^/]+", "", org["image_display_url"])
        assert path.startswith("/uploads/group/")
        response = app.get(path)
        assert response.status_code == 200 and response.get_data() == png
        assert response.headers["Content-Type"] == "image/png"  # shown in place (an <img>), sandboxed if opened
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCookies:
    def _log_in(self, app, remember=True):
        user = factories.User(password="correct-horse-battery-9")
        page = app.get("/user/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.body).group(1)
        form = {"login": user["name"], "password": "correct-horse-battery-9", "_csrf_token": token}
        if remember:
            form["remember"] = "1209600000"  # CKAN's "remember me": a duration in milliseconds
        response = app.post("/user/login", data=form, follow_redirects=False)
        assert response.status_code == 302, response.body[:500]
        return response.headers.getlist("Set-Cookie")

    def test_session_and_remember_cookies_are_httponly_and_samesite(self, app):
        cookies = self._log_in(app)
        named = {cookie.split("=", 1)[0]: cookie for cookie in cookies}
        for name in (tk.config.get("SESSION_COOKIE_NAME") or "ckan", "remember_token"):
            assert name in named, cookies
            assert "HttpOnly" in named[name] and "SameSite=Lax" in named[name], named[name]
            assert "Secure" not in named[name]  # plain http: a Secure cookie would never come back

    def test_cookies_are_secure_on_an_https_site(self, monkeypatch):
        """(The app reads its cookie settings once, when made: the rule is checked on a fresh app config.)"""
        from types import SimpleNamespace

        from ckanext.westsuffolk.http_security import secure_cookies

        monkeypatch.setitem(tk.config, "ckan.site_url", "https://data.westsuffolk.gov.uk")
        config = {"SESSION_COOKIE_SAMESITE": "Lax", "REMEMBER_COOKIE_SAMESITE": None, "SESSION_COOKIE_SECURE": False,
                  "REMEMBER_COOKIE_SECURE": False, "REMEMBER_COOKIE_HTTPONLY": False}
        secure_cookies(SimpleNamespace(app=SimpleNamespace(config=config)))
        assert config == {"SESSION_COOKIE_SAMESITE": "Lax", "REMEMBER_COOKIE_SAMESITE": "Lax",
                          "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
                          "SESSION_COOKIE_HTTPONLY": True, "REMEMBER_COOKIE_HTTPONLY": True}

