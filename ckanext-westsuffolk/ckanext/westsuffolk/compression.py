"""Compressed responses (Brotli or gzip, as the browser asks) for every page, stylesheet, script and
API answer, in the app itself so the dev stack, the tests and docker/ all get them without a proxy.
Set ckanext.westsuffolk.compress_responses = false where a reverse proxy compresses instead."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress


def compress(app: Flask, enabled: bool) -> Flask:
    if enabled:
        app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
        app.config.setdefault("COMPRESS_BR_LEVEL", 5)
        # static files (webassets, /base) are sent as streams: compress those too (downloads such as
        # CSV files are not in COMPRESS_MIMETYPES and pass untouched)
        app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
        Compress(app)
    return app
