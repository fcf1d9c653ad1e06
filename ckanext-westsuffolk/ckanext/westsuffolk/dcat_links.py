"""A fix for ckanext-dcat 2.4.4: its catalogue pagination links (hydra:first, next, last...) put the
request's q, fq, modified_since and profiles into a URI as typed, so /catalog.ttl?q=two words (a space, a
quote, a brace) made rdflib refuse the URI and the catalogue answer a 500. The links are percent-encoded
here; installed once when the app is made (http_security), until ckanext-dcat encodes them itself."""
from __future__ import annotations

from urllib.parse import quote

LINK_KEYS = ("current", "first", "last", "next", "previous")
URI_SAFE = ":/?&=%+,;@!$'()*~-._"


def encoded(url: str) -> str:
    return quote(url, safe=URI_SAFE)


def install() -> None:
    from ckanext.dcat import logic

    original = logic._pagination_info
    if getattr(original, "westsuffolk_encoded", False):
        return

    def pagination_info(query, data_dict):
        info = original(query, data_dict)
        return {key: encoded(value) if key in LINK_KEYS and isinstance(value, str) else value
                for key, value in info.items()}

    pagination_info.westsuffolk_encoded = True
    logic._pagination_info = pagination_info
