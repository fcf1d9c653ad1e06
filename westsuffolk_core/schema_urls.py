"""Where the portal publishes a table schema: the one place these URLs are built (the extension's
data.gov.uk fields and DCAT, and the publish jobs, which know the portal only by its address)."""
from __future__ import annotations

SCHEMA_TYPE = "Frictionless Table Schema"  # data.gov.uk's schema_type for these URLs


def schema_url(site_url: str, name: str, version: str | None = None) -> str:
    """/schemas/<name>.json (the latest: a stable link) or /schemas/<name>/<version>.json."""
    path = f"{name}/{version}" if version else name
    return f"{site_url.rstrip('/')}/schemas/{path}.json"
