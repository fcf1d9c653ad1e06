"""DCAT-AP 3 for the council's own dataset fields: profile `westsuffolk`, a small subclass of
`euro_dcat_ap_3` that hands it the standard fields and adds ours: EU vocabularies for frequency and
themes, GSS areas, the role contact point, the council as publisher, and dct:conformsTo pointing at
the published table schemas."""
from __future__ import annotations

import mimetypes
import re

import ckan.plugins.toolkit as tk
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import VCARD
from ckanext.dcat.profiles.euro_dcat_ap_base import namespaces as dcat_ap_namespaces
from westsuffolk_core import table_schemas, vocabularies
from westsuffolk_core.dataset_fields import ASSET_ID_FIELD
from westsuffolk_core.schema_urls import schema_url

from . import config, dcat_fragments

GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
FILE_TYPE_URI = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE_URI = "https://www.iana.org/assignments/media-types/"
LANGUAGE_URI = "http://publications.europa.eu/resource/authority/language/"
CATALOGUE_DESCRIPTION = ("Open data and Local Government Transparency Code 2015 publications of West Suffolk "
                         "Council, under the Open Government Licence v3 unless stated otherwise.")
COUNCIL_NAME = "West Suffolk Council"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
_HASH = re.compile(r"(?:sha256:)?([0-9a-fA-F]{64})")
API_GUIDE_PATH = "/api-guide"
DATASTORE_SEARCH_PATH = "/api/3/action/datastore_search"


def resource_schema_url(ref: str) -> str | None:
    """The versioned descriptor URL for a resource's "name@version" (None for an unknown ref)."""
    try:
        name, version = table_schemas.parse_ref(ref)
        return schema_url(config.site_url(), name, version or table_schemas.get_descriptor(name)["version"])
    except table_schemas.SchemaNotFound:
        return None


_SCHEMA_URL = re.compile(r".*/schemas/([a-z0-9][a-z0-9-]*)/(\d+\.\d+\.\d+)\.json")


def schema_ref_of(url: str) -> str | None:
    """"name@version" of one of our versioned schema URLs (None for any other URL)."""
    match = _SCHEMA_URL.fullmatch(url)
    return f"{match.group(1)}@{match.group(2)}" if match else None


# Our field names that the scheming-aware DCAT-AP 3 profile reads with another shape.
OWN_FIELDS = ("spatial_coverage", "theme")


def _distribution_resource(resource: dict, dataset_uri: str, site: str) -> dict:
    """The resource as the standard profile should write it: a typed sha256 checksum (DCAT-AP wants
    hexBinary and an algorithm), and the DataStore API as a dcat:DataService when it holds the table."""
    resource = dict(resource)
    match = _HASH.fullmatch(resource.get("hash") or "")
    resource["hash"], resource["hash_algorithm"] = (match.group(1).lower(), SHA256) if match else ("", "")
    if resource.get("datastore_active") in (True, "true", "True"):
        endpoint = f"{site}{DATASTORE_SEARCH_PATH}?resource_id={resource['id']}"
        resource["access_services"] = [{
            "uri": endpoint, "title": f"DataStore API: {resource.get('name') or resource['id']}",
            "description": "Query the rows of this table: filters, full-text search, sort, paging and fields. "
                           "The whole table: /datastore/dump/<resource id> (CSV, TSV, JSON or XML).",
            "endpoint_url": [endpoint], "endpoint_description": f"{site}{API_GUIDE_PATH}",
            "serves_dataset": [dataset_uri],
        }]
    return resource


class WestSuffolkDCATProfile(EuropeanDCATAP3Profile):
    """ckanext-dcat makes a profile per dataset, and the base class asks scheming for the dataset schema
    each time (an action call and a deep copy, about 1 ms): the schema is fixed, so it is read once."""

    _schemas: dict = {}

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        self.g, self.compatibility_mode = graph, compatibility_mode
        self._default_lang = tk.config.get("ckan.locale_default", "en")
        self._default_locale_lang = None
        try:
            schema_show = tk.get_action("scheming_dataset_schema_show")
        except KeyError:  # scheming not loaded (a parser in another CKAN)
            schema_show = None
        if schema_show is not None and dataset_type not in self._schemas:
            self._schemas[dataset_type] = schema_show({}, {"type": dataset_type})
        self._dataset_schema = self._schemas.get(dataset_type) if schema_show is not None else None
        if self._dataset_schema:
            self._form_languages = self._dataset_schema.get("form_languages")

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        """The dataset's triples, built once per version of the dataset (dcat_fragments)."""
        graph = self.g
        digest = dcat_fragments.key(dataset_dict, dataset_ref, self.compatibility_mode, config.site_url(),
                                    config.organisation_gss_code())
        found = dcat_fragments.triples(digest, lambda: self._built(dataset_dict, dataset_ref))
        if not getattr(graph, "_westsuffolk_prefixes", False):  # the standard profile binds these per dataset
            for prefix, namespace in dcat_ap_namespaces.items():
                graph.bind(prefix, namespace)
            graph._westsuffolk_prefixes = True
        context = getattr(graph, "default_context", graph)
        graph.addN((s, p, o, context) for s, p, o in found)

    def _built(self, dataset_dict, dataset_ref):
        graph, self.g = self.g, Graph(bind_namespaces="none")
        try:
            self._describe(dataset_dict, dataset_ref)
            return tuple(self.g)
        finally:
            self.g = graph

    def _describe(self, dataset_dict, dataset_ref):
        standard = {k: v for k, v in dataset_dict.items() if k not in OWN_FIELDS}
        site = config.site_url()
        standard["resources"] = [_distribution_resource(r, str(dataset_ref), site)
                                 for r in dataset_dict.get("resources", [])]
        super().graph_from_dataset(standard, dataset_ref)
        g = self.g
        self._replace(dataset_ref, DCTERMS.accrualPeriodicity,
                      vocabularies.frequency_uri(dataset_dict.get("update_frequency") or ""), DCTERMS.Frequency)
        for code in dataset_dict.get("theme") or []:
            uri = vocabularies.theme_uri(code)
            if uri:
                self._typed(dataset_ref, DCAT.theme, uri, SKOS.Concept)
                g.add((URIRef(uri), SKOS.prefLabel, Literal(vocabularies.THEMES[code], lang="en")))
        for code in dataset_dict.get("spatial_coverage") or []:
            self._typed(dataset_ref, DCTERMS.spatial, GSS_URI + code, DCTERMS.Location)
        for distribution in g.objects(dataset_ref, DCAT.distribution):
            self._format_as_iris(distribution)
            if dataset_dict.get("license_url") and not any(g.objects(distribution, DCTERMS.license)):
                self._typed(distribution, DCTERMS.license, dataset_dict["license_url"], DCTERMS.LicenseDocument)
        by_id = {str(d).rsplit("/", 1)[-1]: d for d in g.objects(dataset_ref, DCAT.distribution)}
        for resource in dataset_dict.get("resources", []):
            distribution = by_id.get(resource.get("id"))
            if distribution is not None and (resource.get("period_start") or resource.get("period_end")):
                self._period(distribution, resource.get("period_start"), resource.get("period_end"))
        self._publisher(dataset_ref)
        self._contact(dataset_ref, dataset_dict)
        if dataset_dict.get(ASSET_ID_FIELD):
            g.add((dataset_ref, DCTERMS.identifier, Literal(dataset_dict["id"])))
        urls = {r["schema"]: resource_schema_url(r["schema"])
                for r in dataset_dict.get("resources", []) if r.get("schema")}
        for resource in dataset_dict.get("resources", []):
            url = urls.get(resource.get("schema"))
            if url:
                distribution = next(
                    (d for d in g.objects(dataset_ref, DCAT.distribution)
                     if str(d).endswith(resource["id"])), None)
                if distribution is not None:
                    self._typed(distribution, DCTERMS.conformsTo, url, DCTERMS.Standard)
        for url in sorted(filter(None, urls.values())):
            self._typed(dataset_ref, DCTERMS.conformsTo, url, DCTERMS.Standard)

    def parse_dataset(self, dataset_dict, dataset_ref):
        """Reading our own output back (another council portal harvesting us): the standard fields, and
        each distribution's period and table schema as the resource fields they came from."""
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        by_uri = {r.get("uri"): r for r in dataset_dict.get("resources", [])}
        for distribution in self.g.objects(dataset_ref, DCAT.distribution):
            resource = by_uri.get(str(distribution))
            if resource is None:
                continue
            for period in self.g.objects(distribution, DCTERMS.temporal):
                for key, predicate in (("period_start", DCAT.startDate), ("period_end", DCAT.endDate)):
                    value = self.g.value(period, predicate)
                    if value is not None:
                        resource[key] = str(value)
            for url in map(str, self.g.objects(distribution, DCTERMS.conformsTo)):
                ref = schema_ref_of(url)
                if ref:
                    resource["schema"], resource["schema_url"] = ref, url
        return dataset_dict

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        self._publisher(catalog_ref)
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        self._replace(catalog_ref, DCTERMS.language, LANGUAGE_URI + "ENG", DCTERMS.LinguisticSystem)
        if not any(g.objects(catalog_ref, DCTERMS.description)):
            g.add((catalog_ref, DCTERMS.description, Literal(CATALOGUE_DESCRIPTION, lang="en")))

    def _typed(self, subject, predicate, uri: str, rdf_class) -> None:
        """Link to a controlled-vocabulary IRI and state its class (DCAT-AP range shapes check it)."""
        self.g.add((subject, predicate, URIRef(uri)))
        self.g.add((URIRef(uri), RDF.type, rdf_class))

    def _replace(self, subject, predicate, uri: str | None, rdf_class) -> None:
        if uri:
            self.g.remove((subject, predicate, None))
            self._typed(subject, predicate, uri, rdf_class)

    def _period(self, distribution, start: str | None, end: str | None) -> None:
        """The period a file covers (dct:temporal on the distribution, as on the dataset)."""
        period = BNode()
        self.g.add((distribution, DCTERMS.temporal, period))
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for predicate, value in ((DCAT.startDate, start), (DCAT.endDate, end)):
            if value:
                self.g.add((period, predicate, Literal(value[:10], datatype=XSD.date)))

    def _format_as_iris(self, distribution) -> None:
        """DCAT-AP 3 wants dct:format and dcat:mediaType as IRIs of the EU and IANA registers. The format
        keeps its label (rdfs:label on a dct:IMT), so harvesters that read labels get "CSV", not the IRI."""
        g = self.g
        for fmt in list(g.objects(distribution, DCTERMS.format)):
            if isinstance(fmt, Literal):
                label = str(fmt)
                uri = FILE_TYPE_URI + label.upper()
                self._replace(distribution, DCTERMS.format, uri, DCTERMS.MediaTypeOrExtent)
                g.add((URIRef(uri), RDF.type, DCTERMS.IMT))
                g.add((URIRef(uri), RDFS.label, Literal(label)))
                media_type = mimetypes.guess_type(f"file.{label.lower()}")[0]
                if media_type:
                    g.add((URIRef(uri), RDF.value, Literal(media_type)))
        for media in list(g.objects(distribution, DCAT.mediaType)):
            if isinstance(media, Literal):
                self._replace(distribution, DCAT.mediaType, MEDIA_TYPE_URI + str(media), DCTERMS.MediaType)

    def _publisher(self, subject) -> None:
        """The council (by its GSS code) publishes everything; service areas are internal."""
        g = self.g
        for old in list(g.objects(subject, DCTERMS.publisher)):
            g.remove((subject, DCTERMS.publisher, old))
            if not any(g.subject_predicates(old)):
                g.remove((old, None, None))
        council = URIRef(GSS_URI + config.organisation_gss_code())
        g.add((subject, DCTERMS.publisher, council))
        g.add((council, RDF.type, FOAF.Agent))
        g.add((council, RDF.type, FOAF.Organization))
        g.add((council, FOAF.name, Literal(COUNCIL_NAME)))

    def _contact(self, dataset_ref, dataset_dict) -> None:
        if not dataset_dict.get("contact_email"):
            return
        g = self.g
        for old in list(g.objects(dataset_ref, DCAT.contactPoint)):
            g.remove((dataset_ref, DCAT.contactPoint, old))
            g.remove((old, None, None))
        contact = BNode()
        g.add((dataset_ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(dataset_dict.get("contact_name") or COUNCIL_NAME)))
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + dataset_dict["contact_email"])))
