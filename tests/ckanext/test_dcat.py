"""DCAT-AP 3.0.1 output for national catalogues, checked with pyshacl against the official shapes."""
from __future__ import annotations

import pyshacl
import pytest
import rdflib
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers
from rdflib.namespace import DCAT, DCTERMS

from tests.conftest import REFERENCE, REPO
from tests.integration.conftest import WESTSUFFOLK_PLUGINS

SHAPES = REFERENCE / "dcat-ap-3.0.1"
EU = "http://publications.europa.eu/resource/authority/"


def conforms(graph: rdflib.Graph, shapes_file: str) -> tuple[bool, str]:
    ok, _, text = pyshacl.validate(
        graph, shacl_graph=rdflib.Graph().parse(SHAPES / shapes_file),
        ont_graph=rdflib.Graph().parse(SHAPES / "imports.ttl"), inference="none", allow_warnings=True,
    )
    return ok, text


@pytest.fixture
def published_dataset(create_with_upload):
    org = factories.Organization(name="resources-and-property", title="Resources and Property")
    dataset = factories.Dataset(
        owner_org=org["id"], name="spending-over-500", title="Spending over £500",
        notes="Every payment over £500.", contact_name="Finance Transparency Team",
        contact_email="transparency@westsuffolk.gov.uk", update_frequency="quarterly", personal_data="none",
        spatial_coverage=["E07000245", "E05012763"], theme=["GOVE", "ECON"],
        temporal_start="2024-04-01", temporal_end="2024-06-30", tag_string="spending,transparency",
    )
    create_with_upload((REPO / "schemas/examples/spend-over-500/valid.csv").read_bytes(), "spend.csv",
                       package_id=dataset["id"], name="April to June 2024", format="CSV",
                       schema="spend-over-500@1.0.0")
    return helpers.call_action("package_show", id=dataset["id"])


@pytest.mark.ckan_config("ckan.plugins", WESTSUFFOLK_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "reset_storages")
class TestDcat:
    def test_dataset_rdf_conforms_to_dcat_ap_3_mandatory_and_range_shapes(self, app, published_dataset):
        response = app.get(tk.url_for("dcat.read_dataset", _id=published_dataset["name"], _format="ttl"))
        assert response.status_code == 200
        graph = rdflib.Graph().parse(data=response.body, format="turtle")
        for shapes_file in ("shapes.ttl", "range.ttl"):
            ok, text = conforms(graph, shapes_file)
            assert ok, f"{shapes_file}:\n{text}"

    def test_council_fields_use_eu_vocabularies_gss_and_schema_urls(self, app, published_dataset):
        body = app.get(tk.url_for("dcat.read_dataset", _id=published_dataset["name"], _format="ttl")).body
        graph = rdflib.Graph().parse(data=body, format="turtle")
        dataset = next(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
        site = tk.config["ckan.site_url"]
        assert set(map(str, graph.objects(dataset, DCTERMS.accrualPeriodicity))) == {EU + "frequency/QUARTERLY"}
        assert set(map(str, graph.objects(dataset, DCAT.theme))) == {EU + "data-theme/GOVE", EU + "data-theme/ECON"}
        assert "http://statistics.data.gov.uk/id/statistical-geography/E07000245" in set(
            map(str, graph.objects(dataset, DCTERMS.spatial)))
        assert set(map(str, graph.objects(dataset, DCTERMS.conformsTo))) == {f"{site}/schemas/spend-over-500/1.0.0.json"}
        publisher = next(graph.objects(dataset, DCTERMS.publisher))
        assert str(publisher).endswith("E07000245")
        distribution = next(graph.objects(dataset, DCAT.distribution))
        assert str(next(graph.objects(distribution, DCTERMS.license))).startswith(
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3")
        assert str(next(graph.objects(distribution, DCTERMS.format))) == EU + "file-type/CSV"

    def test_catalog_endpoint_lists_public_datasets_and_conforms(self, app, published_dataset):
        response = app.get(tk.url_for("dcat.read_catalog", _format="ttl"))
        graph = rdflib.Graph().parse(data=response.body, format="turtle")
        assert len(set(graph.subjects(rdflib.RDF.type, DCAT.Dataset))) == 1
        ok, text = conforms(graph, "shapes.ttl")
        assert ok, text

    def test_each_dataset_is_described_once_until_it_changes(self, app, published_dataset, monkeypatch):
        """A dataset's triples are kept (dcat_fragments) and give the same catalogue; an edit is a new key,
        so the catalogue never shows the old description."""
        from rdflib.compare import isomorphic

        from ckanext.westsuffolk import dcat, dcat_fragments

        dcat_fragments.clear()
        built = []
        describe = dcat.WestSuffolkDCATProfile._describe
        monkeypatch.setattr(dcat.WestSuffolkDCATProfile, "_describe",
                            lambda self, *args: built.append(args[1]) or describe(self, *args))

        def catalogue() -> rdflib.Graph:
            url = tk.url_for("dcat.read_catalog", _format="ttl", ext_request=len(built) + len(catalogues))
            graph = rdflib.Graph().parse(data=app.get(url).body, format="turtle")
            catalogues.append(graph)
            return graph

        catalogues: list[rdflib.Graph] = []
        first, again = catalogue(), catalogue()
        assert len(built) == 1, "the unchanged dataset is described once"
        assert isomorphic(first, again)
        assert first.namespace_manager.store.namespace("dcat") == rdflib.URIRef(str(DCAT))  # prefixes kept
        helpers.call_action("package_patch", id=published_dataset["id"], title="Spending over £500 (revised)")
        titles = set(map(str, catalogue().objects(None, DCTERMS.title)))
        assert len(built) == 2
        assert "Spending over £500 (revised)" in titles and "Spending over £500" not in titles
