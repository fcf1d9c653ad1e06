"""Anonymous reads that harvesters and journalists repeat: the DCAT catalogue (/catalog.*) and
package_search, kept in Redis for a while and served from there until anything in the search index
changes. The key holds a version number that every index write, dataset change and purge raises
(plugin.py), so an answer is never older than the index it came from; logged-in requests (which may
see private datasets) always go to CKAN."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from flask import Flask, Response, g, request

log = logging.getLogger(__name__)
VERSION_KEY = "westsuffolk:reads:version"
SETTLING_KEY = "westsuffolk:reads:settling"
SETTLING_SECONDS = 5  # a bump comes just before Solr commits: answers made meanwhile are not kept
PREFIX = "westsuffolk:reads:"
SECONDS = 600
CACHED_PATHS = ("/catalog.", "/api/3/action/package_search", "/api/action/package_search")
_HEADERS = ("Content-Type", "Access-Control-Allow-Origin", "Vary")


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


def _key() -> str | None:
    if request.method != "GET" or not request.path.startswith(CACHED_PATHS) or request.headers.get("Authorization"):
        return None
    if tk.current_user.is_authenticated:
        return None
    version, settling = _redis().pipeline(transaction=False).get(VERSION_KEY).exists(SETTLING_KEY).execute()
    g.westsuffolk_read_settling = bool(settling)  # answers made while Solr commits are not kept
    return f"{PREFIX}{int(version or 0)}:{request.full_path}"


def _serve():
    try:
        key = _key()
        cached = _redis().hgetall(key) if key else None
    except Exception:
        log.warning("read cache unavailable", exc_info=True)
        return None
    g.westsuffolk_read_key = key
    if cached:
        g.westsuffolk_read_key = None  # a hit is not stored again
        headers = {name: cached[name.encode()].decode() for name in _HEADERS if name.encode() in cached}
        return Response(cached[b"body"], status=200, headers=headers)
    return None


def _store(response: Response) -> Response:
    key = getattr(g, "westsuffolk_read_key", None)
    if key and response.status_code == 200 and not response.direct_passthrough:
        try:
            if getattr(g, "westsuffolk_read_settling", True):
                return response
            fields = {"body": response.get_data()}
            fields.update({name: response.headers[name] for name in _HEADERS if name in response.headers})
            with _redis().pipeline() as pipe:
                pipe.hset(key, mapping=fields)
                pipe.expire(key, SECONDS)
                pipe.execute()
        except Exception:
            log.warning("could not store a read in the cache", exc_info=True)
    return response


def install(app: Flask) -> Flask:
    """Register after any compression, so bodies are kept uncompressed and compressed on the way out."""
    app.before_request(_serve)
    app.after_request(_store)
    return app
