"""Compressed responses (Brotli or gzip, as the browser asks) for every page, stylesheet, script and
API answer, in the app itself so the dev stack, the tests and docker/ all get them without a proxy.
Set ckanext.westsuffolk.compress_responses = false where a reverse proxy compresses instead."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress

RDF_MEDIA_TYPES = ("text/turtle", "application/rdf+xml", "application/ld+json", "text/n3", "application/n-triples")


def compress(app: Flask, enabled: bool) -> Flask:
    if enabled:
        app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
        # quality 4: a 55 KB search answer in 0.16 ms to 2.9 KB (quality 5: 0.57 ms to 2.8 KB; gzip 6:
        # 0.24 ms to 3.5 KB), so compressing never costs more than it saves
        app.config.setdefault("COMPRESS_BR_LEVEL", 4)
        # static files (webassets, /base) are sent as streams: compress those too (downloads such as
        # CSV files are not in COMPRESS_MIMETYPES and pass untouched)
        app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
        # the DCAT catalogue and dataset RDF too (a harvester pages through hundreds of kilobytes)
        Compress(app).compress_mimetypes_set.update(RDF_MEDIA_TYPES)
    return app
