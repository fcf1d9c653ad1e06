"""How long a dataset's and its resources' text fields may be, and that they are text, not JSON objects.
Solr indexes most fields as single terms of at most 32,766 bytes: a longer value makes indexing fail after
the database write (a 500, and the dataset missing from search), so it is refused first, field named."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

MAX_CHARACTERS = 10_000  # 3 bytes a character at most in UTF-8: under Solr's term limit
# Free text indexed as text (not one term): longer, still bounded
LONG_TEXT = {"notes": 100_000, "description": 100_000}


STRUCTURED = {"organization"}  # objects package_show returns, which clients send back unchanged on update


def _too_long(key: str, value: Any) -> str | None:
    if isinstance(value, dict) and key not in STRUCTURED:
        return "This must be text, not a JSON object."
    limit = LONG_TEXT.get(key, MAX_CHARACTERS)
    if isinstance(value, str) and len(value) > limit:
        return f"This is too long ({len(value):,} characters): at most {limit:,} are allowed."
    return None


def _fields(record: dict[str, Any]) -> dict[str, list[str]]:
    return {key: [problem] for key, value in record.items() if (problem := _too_long(key, value))}


def check_sizes(data_dict: dict[str, Any]) -> None:
    """Raise a ValidationError naming every field that is too long (resources and extras included)."""
    errors: dict[str, Any] = _fields(data_dict)
    for group in ("resources", "extras", "tags"):
        items = data_dict.get(group)
        if isinstance(items, list):
            found = [_fields(item) if isinstance(item, dict) else {} for item in items]
            if any(found):
                errors[group] = found
    if errors:
        raise tk.ValidationError(errors)
