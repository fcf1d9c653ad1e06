"""Anonymous reads that harvesters and journalists repeat: the DCAT catalogue (/catalog.*),
package_search and package_show, kept in Redis for a while and served from there until anything in the
search index changes. The key holds a version number that every index write, dataset change and purge
raises (plugin.py), so an answer is never older than the index it came from; logged-in requests (which
may see private datasets) always go to CKAN. Answers are kept as sent, compressed or not (the key holds
the Accept-Encoding asked for), so a hit costs no compression either."""
from __future__ import annotations

import json
import logging

import ckan.plugins.toolkit as tk
from flask import Flask, Response, g, request

log = logging.getLogger(__name__)
VERSION_KEY = "westsuffolk:reads:version"
SETTLING_KEY = "westsuffolk:reads:settling"
SETTLING_SECONDS = 5  # a bump comes just before Solr commits: answers made meanwhile are not kept
PREFIX = "westsuffolk:reads:"
SECONDS = 600
CACHED_PATHS = ("/catalog.", "/api/3/action/package_search", "/api/action/package_search",
                "/api/3/action/package_show", "/api/action/package_show")
_HEADERS = ("Content-Type", "Content-Encoding", "Access-Control-Allow-Origin", "Vary")


_client: list = []  # one client per process (thread-safe; it holds CKAN's connection pool)


def _redis():
    if not _client:
        from ckan.lib.redis import connect_to_redis

        _client.append(connect_to_redis())
    return _client[0]


def bump() -> None:
    """Anything a cached answer may show has changed."""
    try:
        with _redis().pipeline() as pipe:
            pipe.incr(VERSION_KEY)
            pipe.set(SETTLING_KEY, 1, ex=SETTLING_SECONDS)
            pipe.execute()
    except Exception:  # a cache that cannot be reached must never stop a write
        log.warning("could not invalidate the read cache", exc_info=True)


# One round trip: the current version, whether Solr is settling, and the answer kept for this request.
_LOOKUP = """
local key = ARGV[1] .. (redis.call('GET', KEYS[1]) or '0') .. ARGV[2]
return {key, redis.call('EXISTS', KEYS[2]), redis.call('GET', key)}
"""
_scripts: list = []


def _lookup(path: str) -> tuple[bytes, bool, bytes | None]:
    if not _scripts:
        _scripts.append(_redis().register_script(_LOOKUP))
    key, settling, kept = _scripts[0](keys=[VERSION_KEY, SETTLING_KEY], args=[PREFIX, path])
    return key, bool(settling), kept


def _cacheable() -> bool:
    return (request.method == "GET" and request.path.startswith(CACHED_PATHS)
            and not request.headers.get("Authorization") and not tk.current_user.is_authenticated)


def _packed(response: Response) -> bytes:
    headers = {name: response.headers[name] for name in _HEADERS if name in response.headers}
    return json.dumps(headers).encode() + b"\n" + response.get_data()


def _unpacked(kept: bytes) -> Response:
    headers, body = kept.split(b"\n", 1)
    return Response(body, status=200, headers=json.loads(headers))


def _serve():
    g.westsuffolk_read_key = None
    if not _cacheable():
        return None
    encodings = request.headers.get("Accept-Encoding", "").replace(" ", "").lower()
    try:
        key, settling, kept = _lookup(f":{encodings}:{request.full_path}")
    except Exception:
        log.warning("read cache unavailable", exc_info=True)
        return None
    if kept:
        return _unpacked(kept)
    if not settling:  # answers made while Solr commits are not kept
        g.westsuffolk_read_key = key
    return None


def _store(response: Response) -> Response:
    key = getattr(g, "westsuffolk_read_key", None)
    if key and response.status_code == 200 and not response.direct_passthrough:
        packed = _packed(response)

        def keep() -> None:  # after the answer has gone: the visitor does not wait for Redis
            try:
                _redis().set(key, packed, ex=SECONDS)
            except Exception:
                log.warning("could not store a read in the cache", exc_info=True)

        response.call_on_close(keep)
    return response


def install(app: Flask) -> Flask:
    """Register before compression: Flask runs after-request functions last-registered first, so
    `_store` keeps the body as compressed for this Accept-Encoding, and a hit (Content-Encoding set) is
    not compressed again."""
    app.before_request(_serve)
    app.after_request(_store)
    return app
