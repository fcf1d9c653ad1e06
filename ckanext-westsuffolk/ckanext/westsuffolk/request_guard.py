"""Requests refused before CKAN handles them, with a clear 400, where CKAN itself would fail with a 500 or
let them through (run before every request by http_security's blueprint):

- JSON nested deeper than any action needs (CKAN's parser would exhaust Python's recursion limit);
- NUL characters in the query string, form fields or a JSON body (PostgreSQL cannot store them);
- form posts without the Save button's value (or the resource form's hidden id) to the CKAN pages that
  would fail on it;
- a search on a service area's page that Solr cannot parse (CKAN's page would fail to render);
- the log-in form's "remember me" duration when it is not a sensible number of milliseconds;
- cookie-authenticated writes without a CSRF token to a view that CKAN has exempted from CSRF checks
  because some earlier request to it used an API token or had no user at all (CKAN exempts the view for
  the life of the process, for every later request: after one anonymous post, a cross-site form could
  post to that page or the API with an officer's cookies); and log-ins without the form's CSRF token.
"""
from __future__ import annotations

import re
from itertools import accumulate

import ckan.plugins.toolkit as tk
from flask import current_app, g, request
from werkzeug.exceptions import BadRequest

MAX_JSON_DEPTH = 64
MAX_REMEMBER_MS = 10 * 365 * 24 * 3600 * 1000
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
_NUL_ESCAPE = re.compile(rb"\\u0000", re.IGNORECASE)
_STRING = re.compile(rb'"(?:[^"\\\\]|\\\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def refuse(message: str) -> None:
    raise BadRequest(message)


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests: brackets outside strings (strings are removed first, in C)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def check_request() -> None:
    if request.method in SAFE_METHODS:
        if _has_nul(request.args.values()) or _has_nul(request.args.keys()):
            refuse("The address contains a NUL character (%00), which the portal does not accept.")
        _check_area_search()
        return
    if _has_nul(request.args.values()):
        refuse("The address contains a NUL character (%00), which the portal does not accept.")
    content_type = request.mimetype or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _has_nul(request.form.values()) or _has_nul(request.form.keys()):
            refuse("A form field contains a NUL character, which the portal cannot store. Remove it and try again.")
    elif request.content_length or request.headers.get("Transfer-Encoding"):
        body = request.get_data(cache=True)  # kept for CKAN, which reads the same body after us
        if json_depth(body) > MAX_JSON_DEPTH:
            refuse(f"The request's JSON is nested more than {MAX_JSON_DEPTH} levels deep; no action needs that.")
        if _NUL_ESCAPE.search(body):
            refuse("The request's JSON contains a NUL character (\\u0000), which the portal cannot store.")
    if any(field not in request.form for field in _required_form_fields()):
        refuse("The form arrived incomplete (a hidden field or its Save button was missing). Reload the page and "
               "try again.")
    if (request.endpoint or "").endswith("user.login"):
        remember = request.form.get("remember")
        if remember is not None and not (remember.isdigit() and 0 < int(remember) <= MAX_REMEMBER_MS):
            refuse("The log-in form's 'remember me' value is not valid. Reload the log-in page and try again.")
    _protect_against_csrf()


def _required_form_fields() -> tuple[str, ...]:
    """Fields that CKAN's view of this form page reads without checking they are there (a KeyError, 500)."""
    endpoint = request.endpoint or ""
    if endpoint.endswith("resource.new"):
        return ("save", "id")
    if endpoint.endswith(("resource.edit", "admin.config")):
        return ("save",)
    if endpoint.endswith(("dataset.new", "dataset.edit")) and "_ckan_phase" in request.form:
        return ("save",)
    return ()


def _check_area_search() -> None:
    """A service area's (or group's) page with a search Solr cannot parse: CKAN's page then fails to
    render (a 500); say what is wrong instead."""
    endpoint = request.endpoint or ""
    if not endpoint.endswith(("organization.read", "group.read")):
        return
    q, sort = request.args.get("q", ""), request.args.get("sort")
    if not q and not sort:
        return
    from ckan.lib.search import SearchError

    search = {"q": q, "rows": 0, "include_private": True}
    if sort:
        search["sort"] = sort
    try:
        tk.get_action("package_search")({"user": g.get("user")}, search)
    except (SearchError, tk.ValidationError):
        refuse("The search could not be understood. Search with plain words, or remove brackets, quotes and "
               "colons.")


def _protect_against_csrf() -> None:
    """CSRF protection where CKAN drops it: a cookie-authenticated write to a view exempted at run time,
    and the log-in form (CKAN skips CSRF for anonymous requests: a forged log-in into another account)."""
    if not tk.config.get("WTF_CSRF_ENABLED", True):
        return
    csrf = current_app.extensions.get("csrf")
    view = current_app.view_functions.get(request.endpoint or "")
    if csrf is None or view is None:
        return
    if (request.endpoint or "").endswith("user.login"):
        if not request.headers.get(tk.config.get("apikey_header_name") or "Authorization"):
            csrf.protect()
        return
    if g.get("login_via_auth_header"):  # a token (or no user at all): nothing a forged form could use
        return
    if f"{view.__module__}.{view.__name__}" in csrf._exempt_views:  # (Flask-WTF keeps no public list)
        csrf.protect()  # raises CSRFError (400) without a valid token
