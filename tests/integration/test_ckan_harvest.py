"""National catalogues harvest us with ckanext-harvest: a second, stock CKAN 2.12 (stock_ckan.py: no
westsuffolk, no scheming, a database of its own) harvests the live test portal, with the demo register
published by the real publish jobs, with ckanext-harvest 1.6.3's `ckan` harvester (the one data.gov.uk
recommends for CKAN sources) and ckanext-dcat's `dcat_rdf` harvester (/catalog.ttl), each run the way
`ckan harvester run-test` runs it (harvest_consumer.py). Every field of the 15 Transparency Code datasets
is compared with what the portal shows: a loss that is not written down as deliberate, with its reason,
fails. Private, draft and deleted datasets never arrive; the harvests have 0 errors. And the Redis
setting docker/README.md gives councils that run the harvester's queue consumers is shown to be needed."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.westsuffolk import datagovuk
from tests.conftest import REPO
from tests.integration import stock_ckan
from tests.integration.conftest import COUNCIL_FIELDS
from tests.integration.test_dcat_catalogue import (
    DATASET_NOT_CARRIED,
    DATASET_READS,
    RESOURCE_NOT_CARRIED,
    RESOURCE_READS,
    compare,
    demo_datasets,
    show,
)
from westsuffolk_core import vocabularies

pytestmark = [pytest.mark.live, pytest.mark.timeout(900)]

CKAN_SOURCE, DCAT_SOURCE = "westsuffolk-ckan", "westsuffolk-dcat"
REDIS_PY_TIMEOUT = 5  # redis-py 8's default socket_timeout (redis._defaults.DEFAULT_SOCKET_TIMEOUT)
# An officer sets data.gov.uk's LGA lists on one dataset (the publish jobs leave them to officers).
LA_FUNCTION, LA_SERVICE = next(iter(vocabularies.esd_functions())), next(iter(vocabularies.esd_services()))


@pytest.fixture(scope="module")
def harvested(demo_portal, pytestconfig):
    """The demo portal, with a private, a draft and a deleted dataset beside the demo's in one of its
    organisations, harvested by both harvesters of one stock CKAN: {"ckan"/"dcat": the consumer's answer,
    "source": the Transparency Code datasets as anyone sees them, "hidden": the ids that must not arrive}."""
    url, token = demo_portal["url"], {"Authorization": demo_portal["token"]}
    demo = demo_datasets(demo_portal)
    code_datasets = [d for d in demo if d.get("transparency_code_category")]
    assert len(code_datasets) >= 3, [d["name"] for d in code_datasets]
    first, hidden = code_datasets[0], []
    sources = [
        {"name": CKAN_SOURCE, "url": url, "source_type": "ckan", "config": {}},
        {"name": DCAT_SOURCE, "url": f"{url}/catalog.ttl", "source_type": "dcat_rdf",
         "config": {"rdf_format": "text/turtle"}},
    ]
    log = Path(os.environ.get("WESTSUFFOLK_LOGS", REPO / "var" / "log")) / "ckan-harvest-test.log"
    try:
        patched = requests.post(f"{url}/api/3/action/package_patch", headers=token, timeout=60,
                                json={"id": first["id"], "la_function": LA_FUNCTION, "la_service": LA_SERVICE})
        assert patched.status_code == 200, patched.text[:500]
        hidden = [factories.Dataset(owner_org=first["owner_org"], private=True, **COUNCIL_FIELDS),
                  factories.Dataset(owner_org=first["owner_org"], state="draft", **COUNCIL_FIELDS),
                  factories.Dataset(owner_org=first["owner_org"], **COUNCIL_FIELDS)]
        helpers.call_action("package_delete", id=hidden[2]["id"])
        source = [show(url, d["name"]) for d in code_datasets]  # as the harvesters find them
        with stock_ckan.StockCKAN(pytestconfig.getoption("ckan_ini"), tk.config["solr_url"], log) as stock:
            started = time.monotonic()
            answer = stock.harvest(sources)
            print(f"\nstock CKAN: both harvests, from an empty database, in {time.monotonic() - started:.1f} s")
            consumers = stock.idle_gather_consumers(
                {"default": "", "patient": stock_ckan.REDIS_OPTIONS.lstrip("?")}, idle=REDIS_PY_TIMEOUT + 3)
    finally:
        requests.post(f"{url}/api/3/action/package_patch", headers=token, timeout=60,
                      json={"id": first["id"], "la_function": "", "la_service": ""})
        for dataset in hidden:
            helpers.call_action("dataset_purge", id=dataset["id"])
    return {"ckan": answer[CKAN_SOURCE], "dcat": answer[DCAT_SOURCE], "source": source, "url": url,
            "hidden": [d["id"] for d in hidden], "consumers": consumers}


# What the `ckan` harvester (package_search results into a stock CKAN's package_create) does not keep, and
# why: every other field of the portal's package_show must arrive equal, under its own name.
# Council fields a stock CKAN has no field for, and the data.gov.uk extra each arrives as (value made from
# the field's): checked, not just listed.
ARRIVES_AS_EXTRA = {
    "contact_name": ("contact-name", str), "contact_email": ("contact-email", str),
    "temporal_start": ("temporal_coverage-from", str), "temporal_end": ("temporal_coverage-to", str),
    "update_frequency": ("update_frequency", datagovuk.UPDATE_FREQUENCY.get),
    "schema_url": ("schema_url", str), "schema_type": ("schema_type", str),
    "la_function": ("la_function", str), "la_service": ("la_service", str),
    "transparency_code_category": ("mandate", lambda _category: datagovuk.TRANSPARENCY_CODE_URL),
}
CKAN_DATASET_NOT_CARRIED = {
    "spatial_coverage": "data.gov.uk reads no area from a CKAN source (ckan_fields.md); DCAT carries it (dct:spatial)",
    "theme": "data.gov.uk reads no theme from a CKAN source; DCAT carries it (dcat:theme)",
    "asset_register_id": "the council's internal register reference; the dataset id is kept",
    "data_provenance": "shown on the dataset page; data.gov.uk has no field for official/synthetic data",
    "personal_data": "the portal's own check; a published dataset always says 'none'",
    "related_links": "shown on the dataset page only",
    "owner_org": "the harvesting catalogue files every dataset under its harvest source's publisher "
                 "(the council); service areas are internal",
    "organization": "as owner_org",
    "creator_user_id": "an officer's account on the portal; the copy is made by the harvester's own user",
    "metadata_created": "when the harvesting catalogue made its copy (metadata_modified is kept)",
}
CKAN_RESOURCE_NOT_CARRIED = {
    "url_type": "ckanext-harvest drops it: an upload becomes a link to the portal's file (the url is kept)",
    "metadata_modified": "when the harvesting catalogue made its copy (last_modified and the period are kept)",
}


def _names(tags: list[dict]) -> list[str]:
    return sorted(t["name"] for t in tags)


def _extras(dataset: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset.get("extras", [])}


def ckan_losses(shown: dict, copy: dict) -> list[str]:
    """Every non-empty field of the portal's dataset either arrives equal in the harvested copy or is a
    deliberate loss; every extra arrives with its value (the harvester adds its own harvest_* extras)."""
    losses = []
    for key, have in shown.items():
        got = copy.get(key)
        if have in (None, "", [], {}) or key in CKAN_DATASET_NOT_CARRIED or key == "resources":
            continue
        if key in ARRIVES_AS_EXTRA:
            name, made = ARRIVES_AS_EXTRA[key]
            if _extras(copy).get(name) != made(have):
                losses.append(f"{shown['name']} {key}: {have!r} arrived as extra {name} {_extras(copy).get(name)!r}")
        elif key == "extras":
            missing = {k: v for k, v in _extras(shown).items() if _extras(copy).get(k) != v}
            losses += [f"{shown['name']} extra {k}: {v!r} arrived as {_extras(copy).get(k)!r}" for k, v in missing.items()]
        elif (_names(have) != _names(got or [])) if key == "tags" else have != got:
            losses.append(f"{shown['name']} {key}: {have!r} arrived as {got!r}")
    copies = {r["id"]: r for r in copy["resources"]}
    for resource in shown["resources"]:
        got = copies.get(resource["id"], {})
        losses += [f"{shown['name']} resource {resource['name']} {key}: {have!r} arrived as {got.get(key)!r}"
                   for key, have in resource.items()
                   if have not in (None, "", [], {}) and key not in CKAN_RESOURCE_NOT_CARRIED and got.get(key) != have]
    return losses


def dcat_losses(shown: dict, copy: dict, site: str) -> list[str]:
    """The dcat_rdf harvester's copy (ckanext-dcat's euro_dcat_ap_3 parser, stored by a stock CKAN) compared
    with the same reads and deliberate losses as ckanext-dcat's parser alone (test_dcat_catalogue.py)."""
    uri = f"{site}/dataset/{shown['id']}"
    losses = compare(shown, copy, DATASET_READS, DATASET_NOT_CARRIED, shown["name"])
    copies = {r.get("uri"): r for r in copy["resources"]}
    for resource in shown["resources"]:
        losses += compare(resource, copies.get(f"{uri}/resource/{resource['id']}", {}), RESOURCE_READS,
                          RESOURCE_NOT_CARRIED, f"{shown['name']} resource {resource['name']}",
                          site={"_uri": uri, "_site": site})
    return losses


def public_datasets(url: str) -> dict[str, dict]:
    """Every dataset anyone can find on the portal (package_search as an anonymous harvester), by id."""
    found = requests.get(f"{url}/api/3/action/package_search", params={"rows": 1000}, timeout=60).json()
    assert found["result"]["count"] <= 1000
    return {d["id"]: d for d in found["result"]["results"]}


def assert_no_errors(answer: dict) -> None:
    assert answer["job"]["status"] == "Finished", answer["job"]
    assert (answer["gather_errors"], answer["object_errors"], answer["job"]["stats"].get("errored", 0)) == ([], [], 0)


def test_the_ckan_harvester_brings_every_field_data_gov_uk_reads(harvested):
    answer, url = harvested["ckan"], harvested["url"]
    assert_no_errors(answer)
    copies = {d["id"]: d for d in answer["datasets"]}
    assert set(copies) == set(public_datasets(url))
    losses = []
    for shown in harvested["source"]:
        copy = copies[shown["id"]]
        losses += ckan_losses(shown, copy)
        # data.gov.uk's names, all there (la_* where an officer set them: on the first dataset here)
        wanted = set(datagovuk.EXTRAS) - ({"la_function", "la_service"} - set(_extras(shown)))
        assert wanted <= set(_extras(copy)), (shown["name"], wanted - set(_extras(copy)))
        for resource in copy["resources"]:
            assert all(resource.get(key) for key in datagovuk.RESOURCE_FIELDS), (shown["name"], resource)
    assert {"la_function", "la_service"} <= set(_extras(copies[harvested["source"][0]["id"]]))
    assert not losses, "\n".join(losses)


def test_the_dcat_rdf_harvester_keeps_every_field_but_the_deliberate_losses(harvested):
    answer, url = harvested["dcat"], harvested["url"]
    assert_no_errors(answer)
    copies = {_extras(d)["uri"]: d for d in answer["datasets"]}
    assert set(copies) == {f"{url}/dataset/{i}" for i in public_datasets(url)}
    # what consumers lost before (issue 10) is compared, never written off as deliberate
    assert {"contact_name", "contact_email", "temporal_start", "temporal_end", "spatial_coverage",
            "update_frequency", "theme"} <= DATASET_READS.keys()
    assert {"format", "schema_url", "schema"} <= RESOURCE_READS.keys()
    losses = []
    for shown in harvested["source"]:
        losses += dcat_losses(shown, copies[f"{url}/dataset/{shown['id']}"], url)
    assert not losses, "\n".join(losses)


def test_private_draft_and_deleted_datasets_are_never_harvested(harvested):
    for answer in (harvested["ckan"], harvested["dcat"]):
        text = str(answer["datasets"])
        assert not [i for i in harvested["hidden"] if i in text]


def test_harvest_queue_consumers_need_a_socket_timeout_on_the_redis_url(harvested):
    """docker/README.md's advice for councils that run ckanext-harvest 1.6.3 with CKAN 2.12 (redis-py 8):
    without ?socket_timeout= on ckan.redis.url a gather consumer dies once its queue has been empty for
    5 s (ckan/ckanext-harvest#581); with it, it keeps waiting."""
    code, output = harvested["consumers"]["default"]
    assert code not in (None, 0) and "TimeoutError" in output, (code, output[-2000:])
    code, output = harvested["consumers"]["patient"]
    assert code is None, (code, output[-2000:])
