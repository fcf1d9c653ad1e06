"""Ward pages: every ward, one ward's figures, and wards side by side (no JavaScript needed).

Routes (blueprint "westsuffolk_wards"):

    /wards                       every ward: name, code, councillors' seats, residents; the ward-level tables
    /wards/<gss-code>            one ward: councillors, residents, its figures from every ward-level table
                                 (with the district's and its rank), the datasets about it
    /wards/compare?ward=…&ward=… 2 to 6 wards side by side; the form is plain HTML (GET), so the address
                                 of a comparison is its permanent link
    /wards/compare.csv?ward=…    the same comparison as CSV

Codes in addresses are read as the ward pages read data: " e05012763" is E05012763.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, redirect, request

from westsuffolk_core import vocabularies
from westsuffolk_core.ward_level import BOUNDARIES_FROM, code_problem, current_codes, normalise_code

from ..wards import display
from ..wards.comparison import MAX_WARDS, MIN_WARDS, WardInputError, compare, parse_wards
from ..wards.export import comparison_csv
from ..wards.sources import anonymous

__all__ = ["wards_blueprint"]

wards_blueprint = Blueprint("westsuffolk_wards", __name__, url_prefix="/wards")

SPATIAL_FIELD = "extras_spatial_coverage"
DATASETS_SHOWN = 50


def index() -> str:
    comparison = compare([], with_councillors=False)
    residents = comparison.residents
    wards = [{"code": row["gss_code"], "name": row["name"], "seats": int(row.get("councillors") or 0),
              "residents": residents.get(row["gss_code"])} for row in _wards_by_name()]
    return tk.render("westsuffolk/wards/index.html", {
        "wards": wards, "comparison": comparison, "fmt": display, "boundaries_from": BOUNDARIES_FROM,
        "district": vocabularies.DISTRICT_NAME,
    })


def read(code: str):
    canonical = normalise_code(code)
    if canonical != code and canonical in current_codes():
        return redirect(tk.url_for("westsuffolk_wards.read", code=canonical), code=301)
    if canonical not in current_codes():
        kind, detail = code_problem(code)
        if kind == "other-wards":
            message = (f"{code} is not one of West Suffolk's {len(current_codes())} wards (in use since "
                       f"{BOUNDARIES_FROM}).")
        else:
            message = f"{code} is not one of West Suffolk's wards: {detail}."
        return tk.abort(404, message)
    comparison = compare([canonical])
    return tk.render("westsuffolk/wards/read.html", {
        "ward": comparison.wards[0], "comparison": comparison, "fmt": display, "ward_count": len(current_codes()),
        "datasets": _datasets_about(canonical, comparison), "boundaries_from": BOUNDARIES_FROM,
        "district": vocabularies.DISTRICT_NAME,
    })


def compare_page():
    asked = request.args.getlist("ward")
    extra: dict[str, Any] = {"asked": asked, "errors": [], "comparison": None, "hint": None, "chosen": []}
    status = 200
    if any(value.strip() for value in asked):
        try:
            codes, notes = parse_wards(asked)
        except WardInputError as problem:
            extra["chosen"] = _recognised(asked)
            if len(extra["chosen"]) == 1 and len(problem.messages) == 1 and problem.messages[0].startswith(
                    "Choose at least"):
                name = current_codes()[extra["chosen"][0]]
                extra["hint"] = f"Choose 1 to {MAX_WARDS - 1} more wards to compare with {name}."
            else:
                extra["errors"], status = problem.messages, 400
        else:
            extra["chosen"] = codes
            extra["comparison"] = compare(codes, notes)
    return tk.render("westsuffolk/wards/compare.html", {
        **extra, "wards": _wards_by_name(), "fmt": display, "min_wards": MIN_WARDS, "max_wards": MAX_WARDS,
        "boundaries_from": BOUNDARIES_FROM, "district": vocabularies.DISTRICT_NAME,
    }), status


def compare_csv() -> Response:
    try:
        codes, notes = parse_wards(request.args.getlist("ward"))
    except WardInputError as problem:
        return Response("\n".join(problem.messages) + "\n", status=400, mimetype="text/plain")
    comparison = compare(codes, notes, with_councillors=False)
    response = Response(comparison_csv(comparison), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="wards-{"-".join(codes)}.csv"'
    return response


wards_blueprint.add_url_rule("", view_func=index, endpoint="index", strict_slashes=False)
wards_blueprint.add_url_rule("/compare", view_func=compare_page, endpoint="compare")
wards_blueprint.add_url_rule("/compare.csv", view_func=compare_csv, endpoint="compare_csv")
wards_blueprint.add_url_rule("/<code>", view_func=read, endpoint="read")


# ---------------------------------------------------------------------------- helpers


def _wards_by_name() -> list[dict[str, str]]:
    return sorted(vocabularies.wards(), key=lambda row: row["name"].casefold())


def _recognised(values: list[str]) -> list[str]:
    """The wards of a form sent with a problem, ticked again so that nothing has to be chosen twice."""
    codes = []
    for value in values:
        for raw in value.split(","):
            code = normalise_code(raw)
            if code in current_codes() and code not in codes:
                codes.append(code)
    return codes


def _datasets_about(code: str, comparison) -> dict[str, Any]:
    """Public datasets whose area covered names this ward (ward-level tables are listed with their figures)."""
    used = [view.table for view in comparison.tables] + comparison.left_out
    ward_level = {table.dataset["name"] for table in used}
    result = tk.get_action("package_search")(anonymous(), {
        "fq": f'+{SPATIAL_FIELD}:"{code}"', "rows": DATASETS_SHOWN, "sort": "title_string asc",
        "fl": ["name", "title"],
    })
    return {"count": result["count"], "results": [d for d in result["results"] if d["name"] not in ward_level]}
