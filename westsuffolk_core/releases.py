"""What changed between two releases of a table with a primary key, and the release note that says it
in plain English ("12 contracts added, 3 ended, 1 changed (contract value).").

CKAN-free: the publish jobs compare the rows already in the portal's DataStore with the new extract
and write the note on the resource; the portal shows it. Values are compared by their table-schema
type (the DataStore gives 2024-09-01T00:00:00 and 1500.0 where the CSV says 2024-09-01 and 1500.00).
A note holds counts and column titles only, never a value or a key, so it can never repeat personal
data. The nouns come from the schema's `releaseNotes` ({"row": "contract", "rows": "contracts",
"removed": "ended"}); without them a note speaks of rows.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["KEYS_KEPT", "RowDiff", "diff", "first_note", "key_of", "note", "primary_key", "record"]

KEYS_KEPT = 100  # keys of each kind kept on the resource; the run report keeps them all
TRUE_WORDS = {"true", "1", "yes", "t"}


def primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


@dataclass
class RowDiff:
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # key -> changed fields
    rows: int = 0  # rows in the new release

    @property
    def nothing(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _normal(kind: str, value: Any) -> Any:
    """A value as its type means it, so the DataStore's and the CSV's spellings compare equal."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        if kind in ("integer", "year", "number"):
            return Decimal(text).normalize()
        if kind == "boolean":
            return text.lower() in TRUE_WORDS if not isinstance(value, bool) else value
        if kind == "date":
            return dt.date.fromisoformat(text[:10])
        if kind == "datetime":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (InvalidOperation, ValueError):
        return text
    return text


def _key_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _kinds(schema: dict) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in schema["fields"]}


def key_of(schema: dict, row: dict) -> tuple[str, ...]:
    """A row's primary key as `diff` spells it, whether the row came from the DataStore or a CSV."""
    kinds = _kinds(schema)
    return tuple(_key_text(_normal(kinds.get(name, "string"), row.get(name))) for name in primary_key(schema))


def diff(schema: dict, old_rows: Iterable[dict], new_rows: Iterable[dict]) -> RowDiff:
    """Rows added, removed and changed (with the fields that changed), matched by primary key."""
    key_fields = primary_key(schema)
    if not key_fields:
        raise ValueError(f"The table schema {schema.get('name')} has no primary key, so rows cannot be matched.")
    kinds = _kinds(schema)

    def index(rows: Iterable[dict]) -> dict[tuple[str, ...], dict[str, Any]]:
        found = {}
        for row in rows:
            values = {name: _normal(kind, row.get(name)) for name, kind in kinds.items()}
            found[tuple(_key_text(values[name]) for name in key_fields)] = values
        return found

    old, new = index(old_rows), index(new_rows)
    result = RowDiff(rows=len(new))
    result.added = sorted(key for key in new if key not in old)
    result.removed = sorted(key for key in old if key not in new)
    for key in sorted(set(old) & set(new)):
        fields = [name for name in kinds if old[key][name] != new[key][name]]
        if fields:
            result.changed[key] = fields
    return result


def _nouns(schema: dict) -> tuple[str, str, str]:
    words = schema.get("releaseNotes") or {}
    return words.get("row", "row"), words.get("rows", "rows"), words.get("removed", "removed")


def _title(schema: dict, name: str) -> str:
    found = next((f for f in schema["fields"] if f["name"] == name), {})
    title = found.get("title") or name.replace("_", " ")
    return title[0].lower() + title[1:] if title[1:2].islower() else title


def note(schema: dict, changes: RowDiff) -> str:
    """"12 contracts added, 3 ended, 1 changed (contract value)." — counts and column titles only."""
    row, rows, removed = _nouns(schema)
    if changes.nothing:
        return f"The same {rows} as before ({changes.rows:,}); only their order or spelling changed."
    counts = Counter(name for fields in changes.changed.values() for name in fields)
    columns = ", ".join(_title(schema, name) for name, _ in counts.most_common())
    parts = [(len(changes.added), "added"), (len(changes.removed), removed), (len(changes.changed), "changed")]
    words = []
    for count, verb in parts:
        if not count:
            continue
        noun = "" if words else f" {row if count == 1 else rows}"
        words.append(f"{count:,}{noun} {verb}" + (f" ({columns})" if verb == "changed" else ""))
    return ", ".join(words) + "."


def first_note(schema: dict, rows: int) -> str:
    row, plural, _ = _nouns(schema)
    return f"First release: {rows:,} {row if rows == 1 else plural}."


def record(changes: RowDiff, keys_kept: int = KEYS_KEPT) -> dict[str, Any]:
    """The diff as JSON, by key (the first `keys_kept` keys of each kind)."""
    def keys(found: list[tuple[str, ...]]) -> list:
        return [key[0] if len(key) == 1 else list(key) for key in found[:keys_kept]]

    changed_keys = list(changes.changed)
    return {
        "rows": changes.rows, "added": len(changes.added), "removed": len(changes.removed),
        "changed": len(changes.changed),
        "changed_columns": dict(Counter(name for fields in changes.changed.values() for name in fields)),
        "keys": {"added": keys(changes.added), "removed": keys(changes.removed), "changed": keys(changed_keys)},
        "keys_truncated": max(len(changes.added), len(changes.removed), len(changed_keys)) > keys_kept,
    }
