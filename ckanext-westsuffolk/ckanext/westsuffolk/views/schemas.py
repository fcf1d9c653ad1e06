"""Published table schemas: /schemas, /schemas/<name> and the raw descriptors, template and example.

Routes (blueprint "westsuffolk_schemas"):

    /schemas                         index: title, version, Transparency Code obligation, conforming datasets
    /schemas/<name>                  readable page: fields, downloads, versions, conforming datasets
    /schemas/<name>.json             latest descriptor (JSON, CORS for GET)
    /schemas/<name>/<version>.json   a given version, old ones included
    /schemas/<name>/template.csv     blank CSV template (header row only)
    /schemas/<name>/example.csv      the valid example file

"Conforming" datasets have `transparency_code_category` equal to the schema name, or a resource
whose `schema` is "<name>@<version>". Solr sees the dataset field as the string field
`transparency_code_category` (CKAN copies scheming extras to top-level keys, indexed by the `*`
dynamic field) and the resource field as `res_extras_schema` (text) — the latter only when
`ckan.extra_resource_fields` lists `schema`.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, send_file

from westsuffolk_core import table_schemas, vocabularies
from westsuffolk_core.dataset_fields import CATEGORY_FIELD
from westsuffolk_core.validation.messages import constraint_sentences

__all__ = ["schemas_blueprint"]

schemas_blueprint = Blueprint("westsuffolk_schemas", __name__, url_prefix="/schemas")

RESOURCE_SCHEMA_FIELD = "res_extras_schema"
CONFORMING_SHOWN = 50
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"}


# ---------------------------------------------------------------------------- route handlers

def index() -> str:
    counts = conforming_counts()
    schemas = [schema_summary(d, counts.get(d["name"], 0)) for d in table_schemas.list_schemas()]
    return tk.render("westsuffolk/schemas/index.html", {"schemas": schemas})


def read(name: str) -> str:
    descriptor = _descriptor_or_404(name)
    return tk.render("westsuffolk/schemas/read.html", {
        "schema": schema_summary(descriptor, None),
        "fields": [field_row(field) for field in descriptor.get("fields", [])],
        "primary_key": _as_list(descriptor.get("primaryKey")),
        "versions": list(reversed(table_schemas.versions(name))),
        "has_example": table_schemas.example_path(name) is not None,
        "conforming": conforming_datasets(name),
    })


def latest_json(name: str) -> Response:
    return _json_response(_descriptor_or_404(name))


def version_json(name: str, version: str) -> Response:
    return _json_response(_descriptor_or_404(name, version))


def template_csv(name: str) -> Response:
    _descriptor_or_404(name)
    response = Response(table_schemas.csv_template(name), mimetype="text/csv")
    return _download(response, f"{name}-template.csv")


def example_csv(name: str) -> Response:
    _descriptor_or_404(name)
    path = table_schemas.example_path(name)
    if path is None:
        tk.abort(404, tk._("The table schema %s has no example file.") % name)
    response = send_file(path, mimetype="text/csv", max_age=300)
    return _download(response, f"{name}-example.csv")


schemas_blueprint.add_url_rule("", view_func=index, endpoint="index")
schemas_blueprint.add_url_rule("/<name>", view_func=read, endpoint="read")
schemas_blueprint.add_url_rule("/<name>.json", view_func=latest_json, endpoint="latest_json")
schemas_blueprint.add_url_rule("/<name>/<version>.json", view_func=version_json, endpoint="version_json")
schemas_blueprint.add_url_rule("/<name>/template.csv", view_func=template_csv, endpoint="template_csv")
schemas_blueprint.add_url_rule("/<name>/example.csv", view_func=example_csv, endpoint="example_csv")


# ---------------------------------------------------------------------------- view helpers

def schema_summary(descriptor: dict, conforming_count: int | None) -> dict[str, Any]:
    """What the index row and the read page's header show about a schema."""
    code = descriptor.get("transparencyCode") or {}
    return {
        "name": descriptor["name"],
        "title": descriptor.get("title") or descriptor["name"],
        "description": descriptor.get("description", ""),
        "version": descriptor.get("version", ""),
        "obligation": code.get("obligation"),
        "frequency": frequency_label(code.get("frequency")),
        "conforming_count": conforming_count,
    }


def frequency_label(frequency: str | None) -> str | None:
    """"quarterly" -> "Quarterly" (the portal's own labels); "once" -> "Once"."""
    if not frequency:
        return None
    entry = vocabularies.UPDATE_FREQUENCIES.get(frequency)
    return entry[0] if entry else frequency.capitalize()


def field_row(field: dict) -> dict[str, Any]:
    """One row of the fields table: name, title, type (with format), constraints in words."""
    field_type = field.get("type", "any")
    field_format = field.get("format")
    if field_format and field_format != "default":
        field_type = f"{field_type} ({field_format})"
    return {
        "name": field["name"],
        "title": field.get("title", ""),
        "type": field_type,
        "constraints": constraint_sentences(field),
        "description": field.get("description", ""),
    }


def conforming_fq(name: str) -> str:
    """Solr filter for datasets conforming to a schema (wrapped in +( ): CKAN prepends +capacity)."""
    refs = " OR ".join(_solr_phrase(f"{name}@{version}") for version in table_schemas.versions(name))
    return f"+({CATEGORY_FIELD}:{_solr_phrase(name)} OR {RESOURCE_SCHEMA_FIELD}:({refs}))"


def conforming_datasets(name: str, rows: int = CONFORMING_SHOWN) -> dict[str, Any]:
    """{"count": total, "results": [{"name", "title"}...]} visible to the current user."""
    result = _package_search({
        "fq": conforming_fq(name),
        "fl": ["name", "title"],
        "sort": "title_string asc",
        "rows": rows,
        "include_private": True,
    })
    return {"count": result["count"], "results": result["results"]}


def conforming_counts() -> dict[str, int]:
    """{schema name: number of conforming datasets}.

    The facet on the category field counts every dataset that declares a schema; then the datasets
    whose resources reference a schema are read page by page (ckan.search.rows_max at a time, so none
    is left out however many there are) and each counts once for each other schema it references.
    """
    result = _package_search({
        "fq": f"+{CATEGORY_FIELD}:[* TO *]", "rows": 0, "facet.field": [CATEGORY_FIELD], "facet.limit": -1,
        "include_private": True,
    })
    counts = {
        item["name"]: item["count"] for item in result["search_facets"].get(CATEGORY_FIELD, {}).get("items", [])
    }
    rows, start = int(tk.config.get("ckan.search.rows_max") or 1000), 0
    while True:
        page = _package_search({
            "fq": f"+{RESOURCE_SCHEMA_FIELD}:[* TO *]", "fl": ["id", f"extras_{CATEGORY_FIELD}", RESOURCE_SCHEMA_FIELD],
            "sort": "id asc", "rows": rows, "start": start, "include_private": True,
        })
        for dataset in page["results"]:
            category = dataset.get(CATEGORY_FIELD)  # CKAN returns extras_<field> as <field>
            for schema_name in {ref.partition("@")[0] for ref in _as_list(dataset.get(RESOURCE_SCHEMA_FIELD)) if ref}:
                if schema_name != category:
                    counts[schema_name] = counts.get(schema_name, 0) + 1
        start += rows
        if not page["results"] or start >= page["count"]:
            return counts


# ---------------------------------------------------------------------------- internals

def _descriptor_or_404(name: str, version: str | None = None) -> dict:
    try:
        return table_schemas.get_descriptor(name, version)
    except table_schemas.SchemaNotFound:
        if version is None:
            tk.abort(404, tk._("There is no published table schema called %s.") % name)
        tk.abort(404, tk._("The table schema %s has no published version %s.") % (name, version))


def _json_response(descriptor: dict) -> Response:
    body = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return Response(body, mimetype="application/json", headers=_CORS)


def _download(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers.update(_CORS)
    return response


def _package_search(data_dict: dict) -> dict:
    return tk.get_action("package_search")({}, data_dict)


def _solr_phrase(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
