"""The API guide for journalists (/api-guide): every example is built from this portal's own ids (a
real dataset, its DataStore table, one of its columns and values), so it can be copied and run as it
is; tests/integration/test_api_guide.py runs each one against the live test portal."""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from urllib.parse import quote

import ckan.plugins.toolkit as tk
from flask import Blueprint

from .. import config

api_guide_blueprint = Blueprint("westsuffolk_api_guide", __name__)
PATH = "/api-guide"


@dataclass
class Example:
    kind: str  # "curl" or "python"
    code: str
    token: bool = False  # needs an officer's API token in $CKAN_TOKEN


@dataclass
class Section:
    id: str
    title: str
    examples: list[Example] = field(default_factory=list)


@dataclass
class Ids:
    """The real ids the examples use."""

    site: str
    dataset: str = "DATASET-NAME"
    organization: str = "ORGANIZATION"
    resource: str = "RESOURCE-ID"
    column: str = "COLUMN"
    value: str = "VALUE"
    sort: str = "_id"
    wards: tuple[str, str] = ("E05012763", "E05012774")  # Abbeygate, Haverhill Central


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else None}


def _shown(name: str) -> dict | None:
    try:
        return tk.get_action("package_show")(_context(), {"id": name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def example_ids(dataset_name: str | None) -> Ids:
    """The dataset asked for (when public), else the newest public dataset with a DataStore table."""
    ids = Ids(site=config.site_url())
    dataset = _shown(dataset_name) if dataset_name else None
    if dataset is None or dataset.get("private"):
        found = tk.get_action("package_search")({}, {"fq": "res_datastore_active:true", "rows": 1,
                                                     "sort": "metadata_modified desc"})["results"]
        found = found or tk.get_action("package_search")({}, {"rows": 1, "sort": "metadata_modified desc"})["results"]
        dataset = found[0] if found else None
    if dataset is None:
        return ids
    ids.dataset = dataset["name"]
    ids.organization = (dataset.get("organization") or {}).get("name") or ids.organization
    table = next((r for r in dataset.get("resources", []) if tk.asbool(r.get("datastore_active"))), None)
    if table is None:
        return ids
    ids.resource = table["id"]
    try:
        rows = tk.get_action("datastore_search")({}, {"resource_id": table["id"], "limit": 1})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return ids
    text = [f["id"] for f in rows["fields"] if f["type"] == "text" and f["id"] != "_id"]
    numbers = [f["id"] for f in rows["fields"] if f["type"] in ("numeric", "int8", "int4", "date")]
    if text and rows["records"]:
        ids.column = text[-1] if len(text) > 1 else text[0]
        ids.value = str(rows["records"][0][ids.column] or "")
    ids.sort = numbers[0] if numbers else ids.sort
    return ids


def _curl(url: str, *params: tuple[str, str], extra: str = "") -> Example:
    """curl -G with each parameter URL-encoded, one per line."""
    lines = [f"curl -sS -G {extra}{shlex.quote(url)}".replace("  ", " ")]
    lines += [f"  --data-urlencode {shlex.quote(f'{k}={v}')}" for k, v in params]
    return Example("curl", " \\\n".join(lines))


def _python(body: str, token: bool = False) -> Example:
    opening = ("import os\nfrom ckanapi import RemoteCKAN\n\n"
               "portal = RemoteCKAN({site!r}, apikey=os.environ['CKAN_TOKEN'])\n" if token else
               "from ckanapi import RemoteCKAN\n\nportal = RemoteCKAN({site!r})\n")
    return Example("python", opening + body, token=token)


def sections(ids: Ids) -> list[Section]:
    site, api = ids.site, f"{ids.site}/api/3/action"
    quoted = '"' + ids.resource + '"'
    sql = f'SELECT "{ids.column}", COUNT(*) AS rows FROM {quoted} GROUP BY 1 ORDER BY 2 DESC LIMIT 5'
    filters = json.dumps({ids.column: ids.value})
    found = [
        _curl(f"{api}/package_search", ("q", "spending"), ("rows", "10")),
        _curl(f"{api}/package_search", ("fq", f"organization:{ids.organization}"),
              ("facet.field", '["organization","tags","res_format"]'), ("rows", "0")),
        _curl(f"{api}/package_search", ("rows", "20"), ("start", "20"), ("sort", "metadata_modified desc")),
        _python("result = portal.action.package_search(q='spending', rows=10, start=0,\n"
                "                                      **{'facet.field': ['organization', 'res_format']})\n"
                "print(result['count'], [d['name'] for d in result['results']])\n"
                "print(result['search_facets']['organization']['items'])"),
    ]
    one = [
        _curl(f"{api}/package_show", ("id", ids.dataset)),
        _python(f"dataset = portal.action.package_show(id={ids.dataset!r})\n"
                "for resource in dataset['resources']:\n"
                "    print(resource['id'], resource['format'], resource['url'], resource['datastore_active'])"),
    ]
    rows = [
        _curl(f"{api}/datastore_search", ("resource_id", ids.resource), ("limit", "5")),
        _curl(f"{api}/datastore_search", ("resource_id", ids.resource), ("filters", filters),
              ("sort", f"{ids.sort} desc"), ("fields", f"{ids.column},{ids.sort}"), ("limit", "10"), ("offset", "0")),
        _curl(f"{api}/datastore_search", ("resource_id", ids.resource), ("q", ids.value.split(" ")[0] or "a")),
        _python(f"table = portal.action.datastore_search(resource_id={ids.resource!r},\n"
                f"                                       filters={json.loads(filters)!r},\n"
                f"                                       sort={ids.sort + ' desc'!r}, limit=10, offset=0)\n"
                "print(table['total'], [f['id'] + ': ' + f['type'] for f in table['fields']])\n"
                "for record in table['records']:\n"
                "    print(record)"),
    ]
    dump = f"{site}/datastore/dump/{ids.resource}"
    dumps = [Example("curl", f"curl -sS -o table.{fmt} {shlex.quote(f'{dump}?format={fmt}')}")
             for fmt in ("csv", "tsv", "json", "xml")]
    dumps.append(Example("curl", f"curl -sS -o table-for-excel.csv {shlex.quote(f'{dump}?bom=true')}"))
    sql_examples = [
        _curl(f"{api}/datastore_search_sql", ("sql", sql)),
        _python(f"result = portal.action.datastore_search_sql(sql={sql!r})\nprint(result['records'])"),
    ]
    dcat = [Example("curl", f"curl -sS {shlex.quote(url)}") for url in (
        f"{site}/catalog.ttl", f"{site}/catalog.jsonld?page=1", f"{site}/dataset/{ids.dataset}.ttl",
        f"{site}/dataset/{ids.dataset}.rdf")]
    feeds = [Example("curl", f"curl -sS {shlex.quote(url)}") for url in (
        f"{site}/feeds/dataset.atom", f"{site}/feeds/organization/{quote(ids.organization)}.atom",
        f"{site}/feeds/custom.atom?q=spending")]
    cors = [Example("curl", f"curl -sS -i -H 'Origin: https://newsroom.example' "
                            f"{shlex.quote(f'{api}/package_search?rows=0')}")]
    mine = f"organization:{ids.organization}"
    tokens = [
        Example("curl", f"curl -sS -G -H \"Authorization: $CKAN_TOKEN\" {shlex.quote(f'{api}/package_search')} \\\n"
                        f"  --data-urlencode 'include_private=true' --data-urlencode {shlex.quote('fq=' + mine)}",
                token=True),
        _python(f"mine = portal.action.package_search(include_private=True, fq={mine!r})\n"
                "print(mine['count'])", token=True),
    ]
    first, second = ids.wards
    wards = [
        _curl(f"{api}/westsuffolk_ward_compare", ("wards", f"{first},{second}")),
        _python(f"result = portal.action.westsuffolk_ward_compare(wards=[{first!r}, {second!r}])\n"
                "for table in result['tables']:\n"
                "    for measure in table['measures']:\n"
                "        values = {code: figure['value'] for code, figure in measure['wards'].items()}\n"
                "        print(table['dataset']['title'], '|', measure['title'], values, 'district:',\n"
                "              measure['district']['value'], measure['unit'], table['period'])\n"
                "print(result['url'])"),
        Example("curl", f"curl -sS -o wards.csv {shlex.quote(f'{site}/wards/compare.csv?ward={first}&ward={second}')}"),
    ]
    made = [Section("find", "Find datasets: search, facets and paging", found),
            Section("fetch", "Fetch one dataset", one),
            Section("rows", "Query a table's rows", rows),
            Section("dump", "Download a whole table", dumps),
            Section("sql", "SQL", sql_examples),
            Section("wards", "Compare wards", wards),
            Section("dcat", "DCAT for catalogues", dcat),
            Section("feeds", "Atom feeds", feeds),
            Section("cors", "From a web page (CORS)", cors),
            Section("tokens", "API tokens for officers", tokens)]
    for section in made:
        for example in section.examples:
            if example.kind == "python":
                example.code = example.code.replace("{site!r}", repr(site))
    return made


@api_guide_blueprint.route(PATH)
def guide():
    ids = example_ids(tk.request.args.get("dataset"))
    return tk.render("westsuffolk/api_guide.html", {
        "ids": ids, "sections": {s.id: s for s in sections(ids)},
        "sql_enabled": tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")),
        "rows_max": tk.config.get("ckan.datastore.search.rows_max"),
    })
