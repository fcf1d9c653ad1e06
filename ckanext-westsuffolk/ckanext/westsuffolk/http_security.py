"""Security headers on every response, safe serving of uploaded files, and session cookie settings.

A blueprint without routes (registered with the others in views/__init__.py), so it needs no
middleware of its own and applies to the in-process test app and gunicorn alike. Before each request it
runs request_guard.check_request (malformed or hostile requests refused with a 400); after each:

- every response: Content-Security-Policy (ckanext.westsuffolk.security.content_security_policy; pages
  whose templates still hold inline script are listed in ...security.inline_script_endpoints and get
  'unsafe-inline' for scripts), X-Content-Type-Options: nosniff, Referrer-Policy, X-Frame-Options
  (frame-ancestors for old browsers), and Strict-Transport-Security when the portal is served over https;
- uploaded files (resource downloads and /uploads/...): a type that can run script (HTML, SVG, XML,
  JavaScript...) is served as application/octet-stream, anything not in
  ...security.inline_download_types as an attachment, and a sandboxing policy so nothing in a file
  runs with the portal's cookies;
- cookies: session and remember-me cookies are HttpOnly and SameSite=Lax, and Secure when the site
  URL is https.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError
from flask import Blueprint, Response, request
from werkzeug.exceptions import InternalServerError
from werkzeug.http import parse_options_header

from . import dcat_links, request_guard

__all__ = ["security_blueprint"]

security_blueprint = Blueprint("westsuffolk_security", __name__)

# Content types a browser may run script from, or sniff into HTML: never served as themselves.
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "text/javascript", "application/javascript", "application/x-javascript", "text/xsl",
                "application/x-shockwave-flash", "text/vtt", "multipart/x-mixed-replace")
# A downloaded file is a document of its own: it may show itself, never run script or load anything.
DOWNLOAD_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
UPLOADS_PATH = "/uploads/"


def _setting(name: str):
    return tk.config[f"ckanext.westsuffolk.security.{name}"]


def served_over_https() -> bool:
    return request.is_secure or tk.config["ckan.site_url"].lower().startswith("https://")


def has_inline_script(endpoint: str | None) -> bool:
    """Whether the page is listed in inline_script_endpoints ("resource.new" also names the dataset type's
    own blueprint endpoint, "dataset_resource.new")."""
    listed = _setting("inline_script_endpoints") or ()
    return bool(endpoint) and any(endpoint == name or endpoint.endswith(f"_{name}") for name in listed)


def content_security_policy(endpoint: str | None) -> str:
    """The policy for a page; endpoints known to carry inline script get 'unsafe-inline' for scripts."""
    policy = _setting("content_security_policy").strip()
    if has_inline_script(endpoint):
        directives = [d.strip() for d in policy.split(";") if d.strip()]
        for i, directive in enumerate(directives):
            if directive.split()[0] == "script-src" and "'unsafe-inline'" not in directive:
                directives[i] = f"{directive} 'unsafe-inline'"
        policy = "; ".join(directives)
    return policy


def is_uploaded_file(response: Response) -> bool:
    endpoint = request.endpoint or ""
    if endpoint.endswith("resource.download"):
        return response.status_code in (200, 206, 304)  # a link's download is a redirect: left alone
    return endpoint == "static" and request.path.startswith(UPLOADS_PATH)


def shown_inline(mimetype: str) -> bool:
    """Types in inline_download_types ("text/csv", or a whole family: "image") open in the browser."""
    for allowed in (t.lower() for t in (_setting("inline_download_types") or ())):
        if mimetype == allowed or ("/" not in allowed and mimetype.split("/", maxsplit=1)[0] == allowed):
            return True
    return False


def serve_file_safely(response: Response) -> None:
    mimetype = (response.mimetype or "").lower()
    active = mimetype in ACTIVE_TYPES or mimetype.endswith(("+xml", "/html"))
    if active and request.path.startswith(UPLOADS_PATH) and mimetype == "image/svg+xml":
        active = False  # logos shown with <img> (where SVG runs no script); opened directly, the policy applies
    if active:
        response.headers["Content-Type"] = "application/octet-stream"
        mimetype = "application/octet-stream"
    if not shown_inline(mimetype):
        _, options = parse_options_header(response.headers.get("Content-Disposition", ""))
        filename = options.get("filename") or request.path.rstrip("/").rsplit("/", 1)[-1]
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    if mimetype != "application/pdf":  # browsers refuse to show a PDF in a sandboxed document
        response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY


@security_blueprint.after_app_request
def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if is_uploaded_file(response):
        serve_file_safely(response)
    elif response.mimetype.startswith("text/") and "charset" not in response.mimetype_params:
        # CKAN writes UTF-8; without the charset a browser reads the Turtle catalogue's "£" as "Â£"
        headers["Content-Type"] = f"{response.mimetype}; charset=utf-8"
    headers.setdefault("Content-Security-Policy", content_security_policy(request.endpoint))
    if _setting("content_security_policy_report_only"):
        headers["Content-Security-Policy-Report-Only"] = headers.pop("Content-Security-Policy")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", _setting("referrer_policy"))
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    max_age = _setting("hsts_max_age")
    if max_age and served_over_https():
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response


SEARCH_NOT_UNDERSTOOD = ("The search could not be understood. Search with plain words, or remove brackets, quotes "
                         "and colons.")
# What Solr (or CKAN before it) says when the query itself is at fault, not the search service
QUERY_AT_FAULT = ("(HTTP 400)", "not supported in param", "must be defined at the beginning", "Invalid \"sort\"")


@security_blueprint.app_errorhandler(SearchError)
def search_not_understood(error: SearchError):
    """A search Solr cannot parse, on a page that does not catch it (the DCAT catalogue, the feeds): a 400
    saying so, not a 500. Any other search failure stays a server error."""
    if not any(part in str(error) for part in QUERY_AT_FAULT):
        raise InternalServerError() from error
    return Response(SEARCH_NOT_UNDERSTOOD, status=400, mimetype="text/plain")


def secure_cookies(state) -> None:
    """Session and remember-me cookies: HttpOnly, SameSite=Lax (CKAN leaves the remember-me cookie without
    SameSite, which some browsers send on cross-site posts), and Secure on an https site."""
    config = state.app.config
    config["SESSION_COOKIE_HTTPONLY"] = config["REMEMBER_COOKIE_HTTPONLY"] = True
    for key in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if config.get(key) not in ("Lax", "Strict"):
            config[key] = "Lax"
    if tk.config["ckan.site_url"].lower().startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


security_blueprint.record_once(secure_cookies)  # (record_once returns None: not usable as a decorator)
security_blueprint.before_app_request(request_guard.check_request)
security_blueprint.record_once(lambda state: dcat_links.install())
