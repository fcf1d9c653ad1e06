"""/ckan-admin/personal-data: the data protection officer's page. Every value the personal-data scan
lets through, who allowed it, when, why and for which asset; allow a value; revoke one."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

personal_data_blueprint = Blueprint("westsuffolk_personal_data", __name__, url_prefix="/ckan-admin/personal-data")


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else None}


LABELS = {"value": "Value", "reason": "Why it may be published", "asset_id": "Register asset"}
# What to do, in place of CKAN's generic "Missing value".
MISSING = {"value": "Enter the value exactly as it appears in the file.",
           "reason": "Say why this value may be published (it is recorded with your name)."}


def _worded(errors: dict) -> dict[str, list[str]]:
    return {key: [MISSING.get(key, message) if message == "Missing value" else message for message in messages]
            for key, messages in errors.items()}


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    try:
        tk.check_access("westsuffolk_personal_data_allow", _context())
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the data protection officer (a sysadmin) can see this page."))
    entries = tk.get_action("westsuffolk_personal_data_allowed_list")(_context(), {"include_revoked": True})
    errors = _worded(errors or {})
    body = tk.render("westsuffolk/admin/personal_data.html", {
        "entries": entries, "errors": errors, "form": form or {}, "labels": LABELS,
    })
    return body, status


@personal_data_blueprint.route("", methods=["GET"])
def index():
    return _page()


@personal_data_blueprint.route("", methods=["POST"])
def allow():
    form = {key: request.form.get(key, "") for key in ("value", "reason", "asset_id")}
    try:
        tk.get_action("westsuffolk_personal_data_allow")(_context(), dict(form))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the data protection officer (a sysadmin) can allow values."))
    except tk.ValidationError as error:
        return _page(error.error_dict, form, status=400)
    tk.h.flash_success(tk._("The value is allowed and recorded."))
    return tk.redirect_to("westsuffolk_personal_data.index")


@personal_data_blueprint.route("/<entry_id>/revoke", methods=["POST"])
def revoke(entry_id: str):
    try:
        tk.get_action("westsuffolk_personal_data_allow_revoke")(_context(), {"id": entry_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the data protection officer (a sysadmin) can revoke allowed values."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Allowed value not found"))
    except tk.ValidationError:
        pass  # already revoked: the page shows it
    tk.h.flash_success(tk._("The value is no longer allowed; its history is kept."))
    return tk.redirect_to("westsuffolk_personal_data.index")
