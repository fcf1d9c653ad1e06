"""The catalogue as consumers get it, made the way the publish jobs make it: the demo register
published by the real publish jobs into the live test portal, then read over HTTP like data.gov.uk and
data.europa.eu read it: DCAT-AP 3.0.1 SHACL shapes (0 violations), ckanext-dcat's own RDF parser (a
round trip, field by field), the extras data.gov.uk's CKAN harvester reads, and the dataset page's
schema.org JSON-LD."""
from __future__ import annotations

import collections
import json
import re

import pyshacl
import rdflib
import requests
from ckan.tests import factories, helpers
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import REFERENCE
from westsuffolk_core import table_schemas, vocabularies

SHAPES = REFERENCE / "dcat-ap-3.0.1"
GSS = "http://statistics.data.gov.uk/id/statistical-geography/"


SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def shacl(graph: rdflib.Graph, shapes_file: str) -> tuple[int, rdflib.Graph, str]:
    """(violations, results graph, report text) of `graph` against one DCAT-AP shapes file."""
    _ok, results, text = pyshacl.validate(
        graph, shacl_graph=rdflib.Graph().parse(SHAPES / shapes_file),
        ont_graph=rdflib.Graph().parse(SHAPES / "imports.ttl"), inference="none", allow_warnings=True)
    return list(results.objects(None, SH.resultSeverity)).count(SH.Violation), results, text


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
    published = demo_datasets(demo_portal)
    assert {f"{demo_portal['url']}/dataset/{d['id']}" for d in published} <= set(map(str, datasets))
    # every Transparency Code dataset, as the publish jobs create it (the register's own schemas are not
    # ones; ward-level tables are not Transparency Code tables)
    missing = ({d["name"] for d in table_schemas.list_schemas() if "transparencyCode" in d}
               - {d["transparency_code_category"] for d in published})
    assert missing <= {"information-asset-register", "information-assets"}, missing
    for shapes_file in ("shapes.ttl", "range.ttl"):
        violations, _results, text = shacl(graph, shapes_file)
        assert violations == 0, f"{shapes_file}:\n{text[:5000]}"
    _violations, results, _text = shacl(graph, "shapes_recommended.ttl")
    ours = tuple(f"{demo_portal['url']}/dataset/{d['id']}" for d in published)
    paths = collections.Counter(
        re.split(r"[/#]", str(results.value(result, SH.resultPath)))[-1]
        for result in results.subjects(SH.resultSeverity, None)
        if str(results.value(result, SH.focusNode)).startswith(ours))
    print(f"\nDCAT-AP 3.0.1 recommended shapes over the {len(published)} demo datasets (and their distributions): "
          f"{sum(paths.values())} warnings: " + ", ".join(f"{path} {n}" for path, n in paths.most_common()))


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


def value(read: dict, key: str):
    """A field as ckanext-dcat's parser gives it: top-level (scheming-aware) or as an extra."""
    extras = {e["key"]: e["value"] for e in read.get("extras", [])}
    found = read.get(key, extras.get(key))
    return json.loads(found) if isinstance(found, str) and found.startswith("[") else found


# How each field of a shown dataset reads back through DCAT with ckanext-dcat's euro_dcat_ap_3 parser
# (what a data.europa.eu-style harvester of /catalog.ttl gets): {field: (expected(dataset), read(parsed))}.
DATASET_READS = {
    "id": (lambda d: d["id"], lambda r: value(r, "identifier")),
    "title": (lambda d: d["title"], lambda r: r["title"]),
    "notes": (lambda d: d["notes"], lambda r: r["notes"]),
    "license_id": (lambda d: d["license_id"], lambda r: r["license_id"]),
    "tags": (lambda d: sorted(t["name"] for t in d["tags"]), lambda r: sorted(t["name"] for t in r["tags"])),
    "contact_name": (lambda d: d["contact_name"], lambda r: value(r, "contact_name")),
    "contact_email": (lambda d: d["contact_email"], lambda r: value(r, "contact_email")),
    "temporal_start": (lambda d: d["temporal_start"], lambda r: value(r, "temporal_start")),
    "temporal_end": (lambda d: d["temporal_end"], lambda r: value(r, "temporal_end")),
    "update_frequency": (lambda d: vocabularies.frequency_uri(d["update_frequency"]), lambda r: value(r, "frequency")),
    "theme": (lambda d: sorted(map(vocabularies.theme_uri, d["theme"])), lambda r: sorted(value(r, "theme"))),
    "spatial_coverage": (lambda d: [GSS + c for c in d["spatial_coverage"]], lambda r: [value(r, "spatial_uri")]),
    "schema_url": (lambda d: [d["schema_url"]], lambda r: value(r, "conforms_to")),
    "metadata_created": (lambda d: d["metadata_created"], lambda r: value(r, "issued")),
    "metadata_modified": (lambda d: d["metadata_modified"], lambda r: value(r, "modified")),
    "license_url": (lambda d: {d["license_url"]}, lambda r: {x["license"] for x in r["resources"]}),
}
RESOURCE_READS = {
    "id": (lambda d, x: f"{d['_uri']}/resource/{x['id']}", lambda r: r["uri"]),
    "url": (lambda d, x: x["url"], lambda r: r["url"]),
    "name": (lambda d, x: x["name"], lambda r: r["name"]),
    "description": (lambda d, x: x["description"], lambda r: r["description"]),
    "format": (lambda d, x: x["format"], lambda r: r["format"]),  # the label, not the EU file-type IRI
    "size": (lambda d, x: x["size"], lambda r: r["size"]),
    "hash": (lambda d, x: x["hash"].removeprefix("sha256:"), lambda r: r["hash"]),
    "mimetype": (lambda d, x: "https://www.iana.org/assignments/media-types/" + x["mimetype"], lambda r: r["mimetype"]),
    "created": (lambda d, x: x["created"], lambda r: r["issued"]),
    "metadata_modified": (lambda d, x: x["metadata_modified"], lambda r: r["modified"]),
    "schema": (lambda d, x: [x["schema_url"]], lambda r: value(r, "conforms_to")),
    "schema_url": (lambda d, x: [x["schema_url"]], lambda r: value(r, "conforms_to")),
    "datastore_active": (lambda d, x: [f"{d['_site']}/api/3/action/datastore_search?resource_id={x['id']}"]
                         if x["datastore_active"] else None,
                         lambda r: value(r, "access_services")[0]["endpoint_url"] if r.get("access_services") else None),
}
# Our own profile, read back by another portal running it, also keeps each file's period and schema.
OWN_PROFILE_RESOURCE_READS = {
    "period_start": (lambda d, x: x["period_start"], lambda r: r["period_start"]),
    "period_end": (lambda d, x: x["period_end"], lambda r: r["period_end"]),
    "date": (lambda d, x: x["date"], lambda r: r["period_start"].replace("-", "/")),
    "schema": (lambda d, x: x["schema"], lambda r: r["schema"]),
}
# Deliberate losses through DCAT (a field here is not compared; one in neither list fails the test).
DATASET_NOT_CARRIED = {
    "name": "a harvester makes its own name from the title; the dataset URI (dct:identifier: the id) is kept",
    "owner_org": "the council (GSS E07000245) is the dct:publisher of everything; service areas are internal",
    "organization": "as owner_org", "license_title": "derived from license_id",
    "isopen": "derived from license_id", "creator_user_id": "an officer's account, never published",
    "private": "only public datasets are ever in the catalogue", "state": "only active datasets are",
    "type": "always 'dataset'", "num_resources": "a count of the distributions",
    "num_tags": "a count of the keywords",
    "personal_data": "the portal's own check; a published dataset always says 'none'",
    "asset_register_id": "the council's internal register reference; dct:identifier carries the portal id",
    "data_provenance": "shown on the dataset page; DCAT-AP 3 has no property for official/synthetic data",
    "transparency_code_category": "our own list; the Code's table schema (dct:conformsTo) names the same thing, "
                                  "and data.gov.uk reads `mandate` through its CKAN harvester",
    "schema_type": "implied by dct:conformsTo (every schema link is a Frictionless Table Schema)",
    "la_function": "the LGA's lists are data.gov.uk's, read through its CKAN harvester (extras)",
    "la_service": "as la_function",
    "related_links": "shown on the dataset page only",
    "extras": "data.gov.uk's CKAN-harvester echo of the fields above (tested below)",
    "resources": "compared one by one (RESOURCE_READS)",
}
RESOURCE_NOT_CARRIED = {
    "package_id": "the distribution hangs off its dataset", "position": "DCAT distributions are unordered",
    "state": "only active resources are published", "url_type": "an upload and a link are both dcat:downloadURL",
    "last_modified": "the file's own date; dct:modified carries the resource's",
    "resource_type": "every distribution is a file (data.gov.uk's echo field)",
    "schema_type": "implied by dct:conformsTo", "validation_status": "the portal's own check",
    "validation_error_count": "the portal's own check", "validation_row_count": "the portal's own check",
    "validated_at": "the portal's own check", "datastore_load_status": "the portal's own loading",
    "mimetype_inner": "never set", "cache_url": "never set", "cache_last_updated": "never set",
    "period_start": "DCAT-AP 3.0.1 gives a distribution no period and ckanext-dcat's parsers read none; the portal "
                    "writes dct:temporal on it anyway (our profile reads it back) and the CKAN harvester keeps it",
    "period_end": "as period_start", "date": "data.gov.uk's echo of period_start",
    "release_note": "what changed since the last file, for people: shown on the dataset page and in its activity",
    "release_diff": "the row-level diff behind the release note (JSON by key); DCAT has no property for it",
}


def compare(shown: dict, read: dict, reads: dict, not_carried: dict, where: str, site: dict | None = None) -> list[str]:
    """Every non-empty field of `shown` (a dataset, or a resource with `site` = its dataset's URIs) either
    reads back equal from `read` or is a deliberate loss; returns the rest."""
    losses = []
    for key, have in shown.items():
        if have in (None, "", [], {}):
            continue
        if key in reads:
            want_of, got_of = reads[key]
            want, got = (want_of(shown) if site is None else want_of(site, shown)), got_of(read)
            if want != got:
                losses.append(f"{where} {key}: {want!r} read back as {got!r}")
        elif key not in not_carried:
            losses.append(f"{where} {key}: {have!r} is not carried and not written down as deliberate")
    return losses


def test_a_dcat_harvest_keeps_every_field_but_the_deliberate_losses(demo_portal):
    """ckanext-dcat's own RDF parser reads /catalog.ttl; every field is compared with package_show."""
    url = demo_portal["url"]
    stock, ours = parsed(url, ["euro_dcat_ap_3"]), parsed(url, ["westsuffolk"])
    losses: list[str] = []
    for dataset in demo_datasets(demo_portal):
        uri = f"{url}/dataset/{dataset['id']}"
        losses += compare(dataset, stock[uri], DATASET_READS, DATASET_NOT_CARRIED, dataset["name"])
        for profile, read, reads in (("euro_dcat_ap_3", stock[uri], RESOURCE_READS),
                                     ("westsuffolk", ours[uri], {**RESOURCE_READS, **OWN_PROFILE_RESOURCE_READS})):
            by_uri = {r["uri"]: r for r in read["resources"]}
            assert len(by_uri) == len(dataset["resources"])
            for resource in dataset["resources"]:
                losses += compare(resource, by_uri[f"{uri}/resource/{resource['id']}"], reads, RESOURCE_NOT_CARRIED,
                                  f"{dataset['name']} resource {resource['name']} ({profile})",
                                  site={"_uri": uri, "_site": url})
    assert not losses, "\n".join(losses)


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
