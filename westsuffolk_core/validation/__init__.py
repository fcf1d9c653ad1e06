"""The one validator of the portal (uploads) and the publish jobs (extracts): a file against a
Frictionless Table Schema, and any file for personal data, worded for the officer who fixes it."""
from .engine import DEFAULT_LIMIT_ERRORS, validate_table
from .results import CHECK_PERSONAL_DATA, CHECK_SCHEMA, IssueGroup, ValidationIssue, ValidationResult

__all__ = [
           "CHECK_PERSONAL_DATA",
           "CHECK_SCHEMA",
           "DEFAULT_LIMIT_ERRORS",
           "IssueGroup",
           "ValidationIssue",
           "ValidationResult",
           "validate_table",
]
