"""DCAT-AP 3 for the council's own dataset fields: profile `westsuffolk`, a small subclass of
`euro_dcat_ap_3` that hands it the standard fields and adds ours: EU vocabularies for frequency and
themes, GSS areas, the role contact point, the council as publisher, and dct:conformsTo pointing at
the published table schemas."""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import VCARD
from westsuffolk_core import table_schemas, vocabularies
from westsuffolk_core.dataset_fields import ASSET_ID_FIELD
from westsuffolk_core.schema_urls import schema_url

from . import config

GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
FILE_TYPE_URI = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE_URI = "https://www.iana.org/assignments/media-types/"
LANGUAGE_URI = "http://publications.europa.eu/resource/authority/language/"
CATALOGUE_DESCRIPTION = ("Open data and Local Government Transparency Code 2015 publications of West Suffolk "
                         "Council, under the Open Government Licence v3 unless stated otherwise.")
COUNCIL_NAME = "West Suffolk Council"


def resource_schema_url(ref: str) -> str | None:
    """The versioned descriptor URL for a resource's "name@version" (None for an unknown ref)."""
    try:
        name, version = table_schemas.parse_ref(ref)
        return schema_url(config.site_url(), name, version or table_schemas.get_descriptor(name)["version"])
    except table_schemas.SchemaNotFound:
        return None


# Our field names that the scheming-aware DCAT-AP 3 profile reads with another shape.
OWN_FIELDS = ("spatial_coverage", "theme")


class WestSuffolkDCATProfile(EuropeanDCATAP3Profile):
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        standard = {k: v for k, v in dataset_dict.items() if k not in OWN_FIELDS}
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

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        self._publisher(catalog_ref)
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

    def _format_as_iris(self, distribution) -> None:
        """DCAT-AP 3 wants dct:format and dcat:mediaType as IRIs of the EU and IANA registers."""
        g = self.g
        for fmt in list(g.objects(distribution, DCTERMS.format)):
            if isinstance(fmt, Literal):
                self._replace(distribution, DCTERMS.format, FILE_TYPE_URI + str(fmt).upper(),
                              DCTERMS.MediaTypeOrExtent)
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
