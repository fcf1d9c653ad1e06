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
