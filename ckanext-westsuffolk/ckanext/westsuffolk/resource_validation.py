"""The old import path of the background check: jobs queued before the move to validation/jobs.py
still name it, so it stays until no such job can be left (one release)."""
from .validation.jobs import validate_resource_job as westsuffolk_validate_resource_job

__all__ = ["westsuffolk_validate_resource_job"]
