"""Each dataset's DCAT triples, kept per process and keyed by the dataset as the search index gave it.

Building a dataset's graph (the DCAT-AP 3 profile and ours) is about half the time of a catalogue page;
a harvester pages through the same unchanged datasets again and again, and the whole-page read cache is
cleared by any write anywhere. A dataset's triples depend only on its dict and a few settings, so the
key is a digest of those: a changed dataset, site URL or council code makes a new key, never a stale
answer. Least recently used entries go first: about 15 KB a dataset (measured over 1,025 datasets), so
MAX_DATASETS per process is about 30 MB at most."""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable

from cachetools import LRUCache

MAX_DATASETS = 2000
_kept: LRUCache = LRUCache(maxsize=MAX_DATASETS)
_lock = threading.Lock()  # LRUCache is not thread-safe; gunicorn runs threads

Triple = tuple


def key(dataset_dict: dict, *settings: object) -> str:
    text = json.dumps([dataset_dict, [str(s) for s in settings]], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def triples(digest: str, build: Callable[[], Iterable[Triple]]) -> tuple[Triple, ...]:
    """The kept triples for `digest`, or those `build` makes (then kept)."""
    with _lock:
        found = _kept.get(digest)
    if found is None:
        found = tuple(build())
        with _lock:
            _kept[digest] = found
    return found


def clear() -> None:
    with _lock:
        _kept.clear()
