"""Input schemas of the extension's actions (applied with @validate, as ckanext-files does)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

MAX_VALUE_LENGTH = 500
MAX_REASON_LENGTH = 2000
MAX_ASSET_ID_LENGTH = 100
MAX_QUARTERS, MAX_YEARS = 40, 10


def at_most(limit: int) -> Callable[[Any], Any]:
    def validator(value: Any) -> Any:
        if value and len(value) > limit:
            raise tk.Invalid(f"Write at most {limit} characters.")
        return value
    return validator


def between(low: int, high: int) -> Callable[[Any], Any]:
    def validator(value: Any) -> Any:
        if not low <= value <= high:
            raise tk.Invalid(f"Give a whole number from {low} to {high}.")
        return value
    return validator


def transparency_obligation(value: Any) -> Any:
    from westsuffolk_core import table_schemas

    known = sorted(d["name"] for d in table_schemas.list_schemas() if d.get("transparencyCode"))
    if value not in known:
        raise tk.Invalid(f"There is no Transparency Code table called {value!r}. Use one of: {', '.join(known)}.")
    return value


@validator_args
def resource_validation_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def resource_validation_run(not_empty: Validator, unicode_safe: Validator, default: ValidatorFactory,
                            boolean_validator: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "async": [default(False), boolean_validator]}


@validator_args
def personal_data_allow(not_empty: Validator, unicode_safe: Validator, strip_value: Validator,
                        ignore_missing: Validator) -> Schema:
    return {
        "value": [not_empty, unicode_safe, strip_value, not_empty, at_most(MAX_VALUE_LENGTH)],
        "reason": [not_empty, unicode_safe, strip_value, not_empty, at_most(MAX_REASON_LENGTH)],
        "asset_id": [ignore_missing, unicode_safe, strip_value, at_most(MAX_ASSET_ID_LENGTH)],
    }


@validator_args
def personal_data_allow_revoke(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def personal_data_allowed_list(default: ValidatorFactory, boolean_validator: Validator) -> Schema:
    return {"include_revoked": [default(False), boolean_validator]}


def ward_codes(value: Any) -> list[str]:
    """A list of ward codes, or one text of comma-separated codes (as in the compare page's address)."""
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    raise tk.Invalid("Give the wards as a list of ONS ward codes, or as one text with the codes separated by commas.")


@validator_args
def ward_compare(not_empty: Validator) -> Schema:
    return {"wards": [not_empty, ward_codes]}


@validator_args
def transparency_status(ignore_missing: Validator, unicode_safe: Validator, isodate: Validator,
                        default: ValidatorFactory, int_validator: Validator) -> Schema:
    return {
        "date": [ignore_missing, isodate],
        "obligation": [ignore_missing, unicode_safe, transparency_obligation],
        "quarters": [default(8), int_validator, between(1, MAX_QUARTERS)],
        "years": [default(3), int_validator, between(1, MAX_YEARS)],
    }
