"""Names and defaults of the publish jobs: one place for each."""
from __future__ import annotations

import os
from pathlib import Path

PORTAL_URL_ENV = "WESTSUFFOLK_PORTAL_URL"
API_TOKEN_ENV = "WESTSUFFOLK_API_TOKEN"
CRASH_AT_ENV = "WESTSUFFOLK_PUBLISH_CRASH_AT"
LOCK_FILE_ENV = "WESTSUFFOLK_PUBLISH_LOCK"
# Intranet hosts extracts may be downloaded from (space-separated names, "*.suffix" or networks; see
# westsuffolk_core.safe_fetch): any other http(s) extract location must be a public address.
FETCH_ALLOWED_HOSTS_ENV = "WESTSUFFOLK_FETCH_ALLOWED_HOSTS"

REGISTER_SCHEMA_NAME = "information-asset-register"  # a table schema in the registry (schemas/)

DEFAULT_LICENCE = "uk-ogl"
DEFAULT_THEME = "GOVE"
PUBLISHABLE_STATUS = "approved"
PUBLISHABLE_PERSONAL_DATA = ("none", "anonymised")
# Register statuses that take a dataset out of public view (it is never deleted).
HIDDEN_STATUSES = ("withdrawn", "not_for_publication")
SYNTHETIC_NOTE = (
    "This is synthetic demonstration data made up for the West Suffolk open data portal; "
    "it does not describe real council records."
)
HASH_PREFIX = "sha256:"
LIST_SEPARATOR = ";"

REQUEST_TIMEOUT_SECONDS = 60
EXTRACT_MAX_BYTES = 200 * 1024 * 1024
RETRY_ATTEMPTS = 5
VALIDATION_WAIT_SECONDS = 60


def default_lock_path() -> Path:
    """Lock file shared by every run on this machine (override with the env variable)."""
    explicit = os.environ.get(LOCK_FILE_ENV)
    if explicit:
        return Path(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return Path(runtime) / "westsuffolk-publish.lock"


def fetch_policy():
    """How extracts at http(s) locations are downloaded (the same safe fetcher as the portal's)."""
    from westsuffolk_core.safe_fetch import FetchPolicy

    return FetchPolicy.from_settings(os.environ.get(FETCH_ALLOWED_HOSTS_ENV, ""), max_bytes=EXTRACT_MAX_BYTES,
                                     timeout=REQUEST_TIMEOUT_SECONDS)
