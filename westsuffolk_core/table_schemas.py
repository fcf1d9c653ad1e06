"""Registry of the council's published Frictionless Table Schemas.

Free of CKAN: the portal and the publish jobs both read schemas through here.
Layout of the `westsuffolk_schemas` package (the repository's schemas/ folder):

    <name>.json                     latest version of each table schema
    versions/<name>/<version>.json  older versions, kept so old references still resolve
    examples/<name>/valid.csv       example files (and invalid.csv, expected-errors.json)

A schema reference ("ref") is "name@version", or just "name" for the latest.
"""
from __future__ import annotations

import copy
import functools
import io
import json
import re
from importlib.resources import files
from pathlib import Path

import frictionless

from . import csv_safety

__all__ = [
    "SchemaNotFound",
    "csv_template",
    "example_path",
    "get_descriptor",
    "get_schema",
    "latest_ref",
    "list_schemas",
    "parse_ref",
    "versions",
]

_PACKAGE = "westsuffolk_schemas"
_VERSIONS_DIR = "versions"
_EXAMPLES_DIR = "examples"
_EXAMPLE_KINDS = ("valid", "invalid")
_REF_SEPARATOR = "@"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class SchemaNotFound(LookupError):
    """A schema name, version or reference the registry does not know."""

    def __init__(self, ref: str, problem: str | None = None):
        self.ref = ref
        known = ", ".join(sorted(_index())) or "none"
        problem = problem or f'There is no table schema called "{ref}".'
        super().__init__(f"{problem} The table schemas available are: {known}.")


def parse_ref(ref: str) -> tuple[str, str | None]:
    """Split "name@1.0.0" into ("name", "1.0.0"); "name" gives ("name", None)."""
    name, sep, version = ref.strip().partition(_REF_SEPARATOR)
    if not _NAME.match(name) or (sep and not _SEMVER.match(version)):
        raise SchemaNotFound(
            ref,
            f'"{ref}" is not a schema reference. Write the schema name, optionally '
            f"followed by @ and a version number, for example spend-over-500@1.0.0.",
        )
    return name, version or None


def list_schemas() -> list[dict]:
    """The latest descriptor of every table schema, sorted by title."""
    latest = [get_descriptor(name) for name in _index()]
    return sorted(latest, key=lambda descriptor: descriptor.get("title", descriptor["name"]))


def versions(name: str) -> list[str]:
    """Every published version of a schema, oldest first (the last is the latest)."""
    return list(_versions_of(name))


def get_descriptor(name: str, version: str | None = None) -> dict:
    """A copy of the schema descriptor (the latest when version is None)."""
    by_version = _versions_of(name)
    if version is None:
        version = next(reversed(by_version))
    if version not in by_version:
        raise SchemaNotFound(
            name,
            f'The table schema "{name}" has no version {version}; '
            f"its versions are {', '.join(by_version)}.",
        )
    return copy.deepcopy(_load(by_version[version]))


def get_schema(ref: str) -> frictionless.Schema:
    """A frictionless Schema for a reference such as "spend-over-500@1.0.0"."""
    return frictionless.Schema.from_descriptor(get_descriptor(*parse_ref(ref)))


def latest_ref(name: str) -> str:
    """The reference of the latest version, e.g. "spend-over-500@1.0.0"."""
    return f"{name}{_REF_SEPARATOR}{versions(name)[-1]}"


def example_path(name: str, kind: str = "valid") -> Path | None:
    """The example CSV of a schema ("valid" or "invalid"), or None if there is none."""
    if kind not in _EXAMPLE_KINDS:
        raise ValueError(f"kind must be one of {_EXAMPLE_KINDS}, not {kind!r}")
    _versions_of(name)  # unknown names raise SchemaNotFound
    path = _root() / _EXAMPLES_DIR / name / f"{kind}.csv"
    return path if path.is_file() else None


def csv_template(name: str, version: str | None = None) -> str:
    """An empty CSV for officers to fill in: the header row only, "\\n" line ending (formula-guarded)."""
    header = [field["name"] for field in get_descriptor(name, version)["fields"]]
    buffer = io.StringIO()
    csv_safety.writer(buffer, lineterminator="\n").writerow(header)
    return buffer.getvalue()


def _root() -> Path:
    # The package is always installed as plain files (setup.py package_data).
    return Path(str(files(_PACKAGE)))


def _semver_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in _SEMVER.match(version).groups())


@functools.cache
def _index() -> dict[str, dict[str, Path]]:
    """{name: {version: path}} for every schema file, versions oldest first."""
    root = _root()
    index = {}
    for latest in root.glob("*.json"):
        found = {_load(path)["version"]: path for path in (root / _VERSIONS_DIR / latest.stem).glob("*.json")}
        found[_load(latest)["version"]] = latest
        index[latest.stem] = dict(sorted(found.items(), key=lambda item: _semver_key(item[0])))
    return index


def _versions_of(name: str) -> dict[str, Path]:
    try:
        return _index()[name]
    except KeyError:
        raise SchemaNotFound(name) from None


@functools.cache
def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
