"""The status of a file's check, wherever it is stored or shown (one enum, one place)."""
from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """Compares equal to its text ("success"), so stored records and templates need no conversion."""

    PENDING = "pending"  # queued: checked in the background
    SUCCESS = "success"  # valid against its schema (if any), no personal data found
    FAILURE = "failure"  # problems in the rows or headings, or personal data
    ERROR = "error"  # the file could not be read as a table (or fetched)

    def __str__(self) -> str:
        return self.value


# Worst first: a dataset's status in listings is the worst of its resources'.
WORST_FIRST = (Status.FAILURE, Status.ERROR, Status.PENDING, Status.SUCCESS)


class LoadStatus(str, Enum):
    """Whether a resource's current file is in the DataStore (the API field datastore_load_status)."""

    PENDING = "pending"  # waiting for its check, or queued
    LOADING = "loading"  # rows being read and copied in (progress in the validation record)
    LOADED = "loaded"  # the DataStore table holds this file
    FAILED = "failed"  # loading went wrong; the DataStore keeps the table it had
    NOT_LOADED = "not-loaded"  # not a table, or the file did not pass its check

    def __str__(self) -> str:
        return self.value
