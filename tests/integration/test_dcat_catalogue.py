"""The catalogue as consumers get it, made the way the publish jobs make it: the demo register
published by the real publish jobs into the live test portal, then read over HTTP like data.gov.uk and
data.europa.eu read it: DCAT-AP 3.0.1 SHACL shapes (0 violations), ckanext-dcat's own RDF parser (a
round trip, field by field), the extras data.gov.uk's CKAN harvester reads, and the dataset page's
schema.org JSON-LD."""
from __future__ import annotations

import json

import pyshacl
import rdflib
import requests
from ckan.tests import factories, helpers
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import REFERENCE

SHAPES = REFERENCE / "dcat-ap-3.0.1"


def shacl(graph: rdflib.Graph, shapes_file: str) -> tuple[int, int, str]:
    """(violations, warnings, report text) of `graph` against one DCAT-AP shapes file."""
    _ok, results, text = pyshacl.validate(
        graph, shacl_graph=rdflib.Graph().parse(SHAPES / shapes_file),
        ont_graph=rdflib.Graph().parse(SHAPES / "imports.ttl"), inference="none", allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    severities = list(results.objects(None, sh.resultSeverity))
    return severities.count(sh.Violation), severities.count(sh.Warning) + severities.count(sh.Info), text


def catalogue(url: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    page = f"{url}/catalog.ttl"
    while page:
        response = requests.get(page, timeout=120)
        assert response.status_code == 200, response.text[:500]
        part = rdflib.Graph().parse(data=response.content.decode("utf-8"), format="turtle")  # Turtle is UTF-8
        graph += part
        hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
        page = next((str(o) for o in part.objects(None, hydra.next)), None)
    return graph


def demo_datasets(demo_portal) -> list[dict]:
    """The public datasets the demo register published (package_show as anyone sees it)."""
    names = [a["dataset"] for a in demo_portal["report"]["assets"] if a["outcome"] in ("created", "updated", "unchanged")
             and a.get("dataset")]
    assert len(names) >= 10, demo_portal["report"]["summary"]
    return [show(demo_portal["url"], name) for name in names]


def show(url: str, name: str, token: str | None = None) -> dict:
    headers = {"Authorization": token} if token else {}
    response = requests.get(f"{url}/api/3/action/package_show", params={"id": name}, headers=headers, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.json()["result"]


def test_the_catalogue_has_no_dcat_ap_violations(demo_portal):
    graph = catalogue(demo_portal["url"])
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {f"{demo_portal['url']}/dataset/{d['id']}" for d in demo_datasets(demo_portal)} <= set(map(str, datasets))
    for shapes_file in ("shapes.ttl", "range.ttl"):
        violations, _warnings, text = shacl(graph, shapes_file)
        assert violations == 0, f"{shapes_file}:\n{text[:5000]}"
    _violations, warnings, _text = shacl(graph, "shapes_recommended.ttl")
    print(f"\nDCAT-AP 3.0.1 recommended shapes: {warnings} warnings over {len(datasets)} datasets")


def test_private_draft_and_deleted_datasets_never_appear(demo_portal):
    org = factories.Organization()
    hidden = [factories.Dataset(owner_org=org["id"], private=True, notes="Private.", personal_data="none"),
              factories.Dataset(owner_org=org["id"], state="draft", notes="Draft.", personal_data="none"),
              factories.Dataset(owner_org=org["id"], notes="Deleted.", personal_data="none")]
    helpers.call_action("package_delete", id=hidden[2]["id"])
    text = "".join(requests.get(f"{demo_portal['url']}/catalog.{fmt}", timeout=60).text for fmt in ("ttl", "jsonld"))
    for dataset in hidden:
        assert dataset["id"] not in text and dataset["name"] not in text
        assert requests.get(f"{demo_portal['url']}/dataset/{dataset['name']}.ttl", timeout=60).status_code in (403, 404)


def test_a_datastore_table_is_described_as_a_data_service(demo_portal):
    dataset = demo_datasets(demo_portal)[0]
    [resource] = [r for r in dataset["resources"] if r["datastore_active"]]
    graph = rdflib.Graph().parse(data=requests.get(f"{demo_portal['url']}/dataset/{dataset['name']}.ttl",
                                                   timeout=60).text, format="turtle")
    distribution = rdflib.URIRef(f"{demo_portal['url']}/dataset/{dataset['id']}/resource/{resource['id']}")
    [service] = graph.objects(distribution, DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in graph
    [endpoint] = graph.objects(service, DCAT.endpointURL)
    assert str(endpoint).endswith(f"/api/3/action/datastore_search?resource_id={resource['id']}")
    assert any(graph.objects(service, DCTERMS.title))
    assert (service, DCAT.servesDataset, rdflib.URIRef(f"{demo_portal['url']}/dataset/{dataset['id']}")) in graph
    answer = requests.get(str(endpoint), timeout=60).json()
    assert answer["success"] and answer["result"]["total"] == resource["validation_row_count"]


def parsed(url: str, profiles: list[str]) -> dict[str, dict]:
    """The catalogue read back with ckanext-dcat's own RDF parser, by dataset URI."""
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=profiles)
    parser.parse(catalogue(url).serialize(format="turtle"), _format="turtle")
    return {next(e["value"] for e in d["extras"] if e["key"] == "uri"): d for d in parser.datasets()}


def test_a_dcat_round_trip_keeps_formats_schemas_and_periods(demo_portal):
    url = demo_portal["url"]
    stock, ours = parsed(url, ["euro_dcat_ap_3"]), parsed(url, ["westsuffolk"])
    for dataset in demo_datasets(demo_portal):
        uri = f"{url}/dataset/{dataset['id']}"
        for read in (stock[uri], ours[uri]):
            extras = {e["key"]: e["value"] for e in read["extras"]}
            extras.update({k: read[k] for k in ("temporal_start", "temporal_end", "contact_name", "contact_email",
                                                "frequency") if read.get(k)})  # top-level where scheming is on
            assert (read["title"], read["notes"], read["license_id"]) == (
                dataset["title"], dataset["notes"], dataset["license_id"])
            assert sorted(t["name"] for t in read["tags"]) == sorted(t["name"] for t in dataset["tags"])
            assert (extras["temporal_start"], extras["temporal_end"]) == (dataset["temporal_start"],
                                                                          dataset["temporal_end"])
            assert (extras["contact_name"], extras["contact_email"]) == (dataset["contact_name"],
                                                                         dataset["contact_email"])
            assert extras["frequency"].endswith("/" + dataset["update_frequency"].upper())
            by_uri = {r["uri"]: r for r in read["resources"]}
            for resource in dataset["resources"]:
                got = by_uri[f"{uri}/resource/{resource['id']}"]
                assert (got["name"], got["url"], got["format"]) == (resource["name"], resource["url"], "CSV")
                schema_url = resource["schema_url"]
                assert schema_url.endswith(resource["schema"].replace("@", "/") + ".json")
                assert json.loads(got["conforms_to"]) == [schema_url] if isinstance(got["conforms_to"], str) \
                    else got["conforms_to"] == [schema_url]
        for resource in dataset["resources"]:
            got = {r["uri"]: r for r in ours[uri]["resources"]}[f"{uri}/resource/{resource['id']}"]
            assert (got["period_start"], got["period_end"], got["schema"]) == (
                resource["period_start"], resource["period_end"], resource["schema"])


def test_datagovuk_reads_every_field_where_its_ckan_harvester_looks(demo_portal):
    from ckanext.westsuffolk.datagovuk import TRANSPARENCY_CODE_URL

    frequencies = {"annual": "annual", "quarterly": "quarterly", "monthly": "monthly", "never": "never",
                   "biannual": "biannually", "irregular": "irregular", "weekly": "weekly", "daily": "daily"}
    for dataset in demo_datasets(demo_portal):
        extras = {e["key"]: e["value"] for e in dataset["extras"]}
        assert extras["contact-name"] == dataset["contact_name"]
        assert extras["contact-email"] == dataset["contact_email"]
        assert extras["foi-email"] and extras["foi-name"] and extras["foi-web"].startswith("https://")
        assert (extras["temporal_coverage-from"], extras["temporal_coverage-to"]) == (
            dataset["temporal_start"], dataset["temporal_end"])
        assert extras["update_frequency"] == frequencies[dataset["update_frequency"]]
        assert extras["unpublished"] == "false"
        assert (extras["schema_url"], extras["schema_type"]) == (dataset["schema_url"], dataset["schema_type"])
        if dataset.get("transparency_code_category"):
            assert extras["mandate"] == TRANSPARENCY_CODE_URL
        for key in ("la_service", "la_function"):
            assert extras.get(key) == (dataset.get(key) or None)
        for resource in dataset["resources"]:
            assert resource["date"] == resource["period_start"].replace("-", "/")
            assert resource["resource_type"] == "file"
            assert resource["schema_url"].endswith(resource["schema"].replace("@", "/") + ".json")
            assert resource["schema_type"] == "Frictionless Table Schema"


def test_the_harvesters_search_results_carry_the_same_fields(demo_portal):
    """ckanext-harvest's CKAN harvester takes each dataset from package_search results, not package_show."""
    for dataset in demo_datasets(demo_portal):
        found = requests.get(f"{demo_portal['url']}/api/3/action/package_search",
                             params={"fq": f"id:{dataset['id']}"}, timeout=60).json()["result"]["results"]
        [listed] = found
        assert {e["key"]: e["value"] for e in listed["extras"]} == {e["key"]: e["value"] for e in dataset["extras"]}
        assert [{k: r.get(k) for k in ("date", "resource_type", "schema_url", "schema_type")} for r in listed["resources"]] \
            == [{k: r.get(k) for k in ("date", "resource_type", "schema_url", "schema_type")} for r in dataset["resources"]]


def test_the_dataset_page_carries_schema_org_json_ld(demo_portal):
    import re

    dataset = demo_datasets(demo_portal)[0]
    page = requests.get(f"{demo_portal['url']}/dataset/{dataset['name']}", timeout=60).text
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    graph = json.loads(block)["@graph"]
    [node] = [n for n in graph if n.get("@type") == "schema:Dataset"]
    ids = {n["@id"]: n for n in graph if "@id" in n}

    def one(value):
        return value[0] if isinstance(value, list) else value

    def deref(value):
        value = one(value)
        return ids.get(value["@id"], value) if isinstance(value, dict) and "@id" in value else value

    assert node["schema:name"] == dataset["title"] and node["schema:description"] == dataset["notes"]
    assert "open-government-licence" in json.dumps(node["schema:license"])
    creator = deref(node["schema:creator"])
    assert creator["schema:name"] == "West Suffolk Council"
    assert node["schema:temporalCoverage"] == f"{dataset['temporal_start']}/{dataset['temporal_end']}"
    places = [deref(p) for p in (node["schema:spatialCoverage"] if isinstance(node["schema:spatialCoverage"], list)
                                 else [node["schema:spatialCoverage"]])]
    assert {p["schema:identifier"] for p in places} == set(dataset["spatial_coverage"])
    downloads = [deref(d) for d in (node["schema:distribution"] if isinstance(node["schema:distribution"], list)
                                    else [node["schema:distribution"]])]
    assert {d["schema:contentUrl"] for d in downloads} == {r["url"] for r in dataset["resources"]}
    assert {d["schema:encodingFormat"] for d in downloads} == {"CSV"}
