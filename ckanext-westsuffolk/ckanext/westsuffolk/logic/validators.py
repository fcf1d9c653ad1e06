"""Validators for the council dataset schema, with messages an officer understands."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from westsuffolk_core import personal_data, vocabularies
from westsuffolk_core.dataset_fields import CATEGORY_FIELD
from westsuffolk_core.schema_urls import SCHEMA_TYPE, schema_url

from .. import config

__all__ = [
    "westsuffolk_default_schema_type",
    "westsuffolk_default_schema_url",
    "westsuffolk_end_after_start",
    "westsuffolk_personal_data",
    "westsuffolk_related_links",
    "westsuffolk_role_mailbox",
    "westsuffolk_table_schema_ref",
]

def westsuffolk_personal_data(value: Any) -> Any:
    if value not in vocabularies.PERSONAL_DATA:
        raise tk.Invalid(
            "Datasets on the portal must not contain personal data. Choose 'No personal data' or "
            "'Anonymised'. If the data is about identifiable people, it cannot be published here."
        )
    return value


def westsuffolk_role_mailbox(value: Any) -> Any:
    if not value:
        return value
    address = str(value).strip().lower()
    problem = personal_data.mailbox_problem(address)
    if problem:
        raise tk.Invalid(problem)
    return address


def westsuffolk_end_after_start(key, data, errors, context):
    """temporal_end / period_end must not be before the matching *_start field."""
    start_key = (*key[:-1], key[-1].replace("_end", "_start"))
    end, start = data.get(key), data.get(start_key)
    if end and start and str(end) < str(start):
        errors[key].append("The end date is before the start date. Check both dates.")


def westsuffolk_table_schema_ref(value: Any) -> Any:
    if not value:
        return value
    from westsuffolk_core import table_schemas

    try:
        name, version = table_schemas.parse_ref(str(value))
        table_schemas.get_descriptor(name, version)
    except (table_schemas.SchemaNotFound, ValueError) as error:
        raise tk.Invalid(str(error)) from None
    return f"{name}@{version or table_schemas.get_descriptor(name)['version']}"


def westsuffolk_related_links(value: Any) -> Any:
    if not value:
        return value
    links = [line.strip() for line in str(value).splitlines() if line.strip()]
    bad = [link for link in links if not re.match(r"^https?://\S+$", link)]
    if bad:
        raise tk.Invalid("Each related link must be a full web address starting http:// or https:// "
                         f"(one per line). Check: {', '.join(bad)}")
    return "\n".join(links)


def westsuffolk_default_schema_url(key, data, errors, context):
    """A Transparency Code dataset links its table schema unless the officer gave another URL."""
    category = data.get((CATEGORY_FIELD,))
    if not data.get(key) and category:
        data[key] = schema_url(config.site_url(), category)


def westsuffolk_default_schema_type(key, data, errors, context):
    # runs before schema_url's validators (fields validate in name order), so look at both
    if not data.get(key) and (data.get(("schema_url",)) or data.get((CATEGORY_FIELD,))):
        data[key] = SCHEMA_TYPE
