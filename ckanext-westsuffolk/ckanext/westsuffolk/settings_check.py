"""Sysadmin setting edits reach every worker within a second, without a database query per request
(applied when the plugin loads: plugin.update_config).

CKAN 2.12 reads `ckan.config_update` from the database at the start of every request, to notice a
setting a sysadmin changed in another process (`app_globals._check_uptodate`): about 0.6 ms of each
request, most of an API read's difference from a bare CKAN. Here each process checks at most once per
SECONDS. The process that saved a setting applies it at once (CKAN's config_option_update does that)."""
from __future__ import annotations

import threading
import time

from ckan.lib import app_globals

SECONDS = 1.0
_check_now = type(app_globals.app_globals)._check_uptodate
_last = {"checked": float("-inf")}
_lock = threading.Lock()


def _check_uptodate(self) -> None:
    with _lock:
        now = time.monotonic()
        if now - _last["checked"] < SECONDS:
            return
        _last["checked"] = now
    _check_now(self)


def apply() -> None:
    type(app_globals.app_globals)._check_uptodate = _check_uptodate
