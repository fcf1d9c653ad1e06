"""schema.org JSON-LD on the dataset page (ckanext-dcat's structured_data plugin), profile
`westsuffolk_schemaorg`: the stock `schemaorg` profile plus what search engines read and our fields hold
in their own shape: the council as creator, the GSS areas (district and wards) as spatial coverage, and
each file's own address as the distribution's contentUrl."""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from ckanext.dcat.profiles.schemaorg import SCHEMA, SchemaOrgProfile
from westsuffolk_core import vocabularies

from . import config
from .dcat import COUNCIL_NAME, GSS_URI


class WestSuffolkSchemaOrgProfile(SchemaOrgProfile):
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        super().graph_from_dataset(dataset_dict, dataset_ref)
        g = self.g
        council = BNode()  # (the GSS URI names the district as a place here)
        for old in list(g.objects(dataset_ref, SCHEMA.creator)):  # the stock one: the service area
            g.remove((dataset_ref, SCHEMA.creator, old))
        g.add((dataset_ref, SCHEMA.creator, council))
        g.add((council, RDF.type, SCHEMA.Organization))
        g.add((council, SCHEMA.name, Literal(COUNCIL_NAME)))
        g.add((council, SCHEMA.url, Literal(config.site_url())))
        g.add((council, SCHEMA.identifier, Literal(config.organisation_gss_code())))
        areas = vocabularies.spatial_areas()
        for code in dataset_dict.get("spatial_coverage") or []:
            place = URIRef(GSS_URI + code)
            g.add((dataset_ref, SCHEMA.spatialCoverage, place))
            g.add((place, RDF.type, SCHEMA.Place))
            g.add((place, SCHEMA.name, Literal(areas.get(code, code))))
            g.add((place, SCHEMA.identifier, Literal(code)))

    def _distribution_url_graph(self, distribution, resource_dict):
        super()._distribution_url_graph(distribution, resource_dict)
        if resource_dict.get("url") and not resource_dict.get("download_url"):
            self.g.add((distribution, SCHEMA.contentUrl, Literal(resource_dict["url"])))
