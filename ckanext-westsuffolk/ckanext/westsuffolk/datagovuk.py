"""What data.gov.uk reads when it harvests a CKAN source: the extras `schema_url`, `schema_type`,
`la_function` and `la_service`. Scheming keeps them as top-level fields, so shown datasets also carry
them as extras, and echoed extras are dropped again on the way in (a get-modify-put round trip)."""
from __future__ import annotations

from typing import Any

HARVESTED_FIELDS = ("schema_url", "schema_type", "la_function", "la_service")


def add_extras(pkg_dict: dict[str, Any]) -> None:
    extras = [e for e in pkg_dict.get("extras", []) if e.get("key") not in HARVESTED_FIELDS]
    extras += [{"key": key, "value": pkg_dict[key]} for key in HARVESTED_FIELDS if pkg_dict.get(key)]
    pkg_dict["extras"] = extras


def strip_echoed_extras(data_dict: dict[str, Any]) -> None:
    if data_dict.get("extras"):
        data_dict["extras"] = [e for e in data_dict["extras"] if e.get("key") not in HARVESTED_FIELDS]

