"""Test hook: WESTSUFFOLK_PUBLISH_CRASH_AT=<point> kills the process there (SIGKILL, no clean-up)."""
from __future__ import annotations

import os
import signal

from .settings import CRASH_AT_ENV

POINTS = ("after-dataset-create", "mid-upload", "after-upload", "mid-datastore", "before-publish")


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
