"""The validation report page of a resource: what is wrong, where, and how to fix it."""
from __future__ import annotations

from itertools import groupby

import ckan.plugins.toolkit as tk
from flask import Blueprint

validation_blueprint = Blueprint("westsuffolk_validation", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else None}


@validation_blueprint.route("/dataset/<id>/resource/<resource_id>/validation")
def report(id: str, resource_id: str):
    context = _context()
    try:
        dataset = tk.get_action("package_show")(context, {"id": id})
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
        record = tk.get_action("westsuffolk_resource_validation_show")(context, {"id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Validation report not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to see this validation report"))
    if resource["package_id"] != dataset["id"]:
        return tk.abort(404, tk._("Validation report not found"))
    issues = sorted(record.get("issues", []), key=lambda i: (i["type"], i.get("row") or 0))
    groups = [(kind, list(items)) for kind, items in groupby(issues, key=lambda i: i["type"])]
    titles = {s["type"]: s for s in record.get("summary", [])}
    can_run = tk.h.check_access("westsuffolk_resource_validation_run", {"id": resource_id})
    return tk.render("westsuffolk/validation/report.html", {
        "pkg_dict": dataset, "resource": resource, "record": record, "groups": groups, "titles": titles,
        "can_run": can_run,
    })


@validation_blueprint.route("/dataset/<id>/resource/<resource_id>/validation/run", methods=["POST"])
def run(id: str, resource_id: str):
    try:
        tk.get_action("westsuffolk_resource_validation_run")(_context(), {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only officers of the owning service area can run validation."))
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Resource not found"))
    return tk.redirect_to("westsuffolk_validation.report", id=id, resource_id=resource_id)
