"""How good a dataset is, worked out from facts about it — the one place the scoring is written down.

CKAN-free: it reads a dataset as a plain dict, the shape the portal's API returns, and is told whether
the portal publishes DCAT for it. /quality shows the numbered paragraphs below to residents as they are.

1. Valid against its schema: every file that names a table schema passed its latest check (valid),
   one failed or could not be read (fails validation), one is still waiting to be checked (pending),
   or no file names a table schema, so nothing is checked against one (no table schema).

2. Openness stars, 0 to 4, on Tim Berners-Lee's five-star scale; each star needs the ones before it.
   1 star: an open licence (open by the Open Definition: the Open Government Licence, CC BY, ODbL…)
   and at least one file or link. 2 stars: a file in a machine-readable structured format (CSV, a
   spreadsheet, JSON, XML, GeoJSON…, not a PDF or an image). 3 stars: a file in an open format that
   no one company controls (CSV, ODS, JSON, XML, GeoJSON, RDF…, not XLS, XLSX or a shapefile).
   4 stars: the data is described for machines: a table schema address (the dataset's schema URL,
   or a file naming a table schema) and DCAT metadata published by the portal. The fifth star (links
   to other people's data) is not awarded: the portal does not add such links.

3. Up to date or overdue, by the update frequency: the next update is due one interval (a day, a
   week, a month, a quarter, six months, a year) after the data was last updated — the day the newest
   file was added or replaced, or, with no file, the day the dataset's record was. It is up to date
   until that day and overdue after it; irregular and historical data have no schedule. (Whether
   each Transparency Code return came on time, period by period, is on the Transparency Code page.)

4. Metadata completeness, a percentage, and what is missing, in plain words: the council dataset
   schema's required fields and the DCAT-AP 3 properties (mandatory and recommended) the portal
   carries — title, description, service area (publisher), licence, contact (a team and a role
   mailbox), update frequency, personal data statement, at least one file or link, keywords, area
   covered, period covered (from and to), data theme, a format and a description for every file,
   and for Transparency Code data the table schema URL that data.gov.uk reads.

5. What needs attention first, most urgent first: a file that fails validation, then an overdue
   update, then missing metadata.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from .deadlines import add_months, long_date

__all__ = [
    "INVALID",
    "MACHINE_READABLE",
    "NO_SCHEMA",
    "OPEN_FORMATS",
    "PENDING",
    "VALID",
    "Quality",
    "assess",
    "completeness",
    "freshness",
    "last_updated",
    "next_due",
    "stars",
    "validity",
]

VALID, INVALID, PENDING, NO_SCHEMA = "valid", "invalid", "pending", "no_schema"
FRESH, OVERDUE, NO_SCHEDULE, NO_DATA = "fresh", "overdue", "no_schedule", "no_data"
VALIDITY_LABELS = {VALID: "Valid against its schema", INVALID: "Fails validation", PENDING: "Validation pending",
                   NO_SCHEMA: "No table schema"}
FRESHNESS_LABELS = {FRESH: "Up to date", OVERDUE: "Update overdue", NO_SCHEDULE: "No update schedule",
                    NO_DATA: "No data yet"}

# Formats a program can read as structured data (2★) and those that are also open standards (3★).
OPEN_FORMATS = frozenset({"CSV", "TSV", "ODS", "JSON", "GEOJSON", "XML", "RDF", "TTL", "JSON-LD", "JSONLD", "N3",
                          "NT", "KML", "GML", "GPX", "GPKG", "GEOPACKAGE", "TXT", "PARQUET", "SPARQL"})
MACHINE_READABLE = OPEN_FORMATS | {"XLS", "XLSX", "XLSM", "SHP", "SHAPEFILE", "MDB", "DBF", "ZIP"}
# frequency: the interval to the next update (months, days)
SCHEDULES: dict[str, tuple[int, int]] = {
    "daily": (0, 1), "weekly": (0, 7), "monthly": (1, 0), "quarterly": (3, 0), "biannual": (6, 0), "annual": (12, 0),
}
FREQUENCY_WORDS = {"daily": "every day", "weekly": "every week", "monthly": "every month", "quarterly": "every quarter",
                   "biannual": "twice a year", "annual": "every year"}


def _list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.startswith("["):
        try:
            return list(json.loads(value))
        except ValueError:
            return [value]
    return [value] if value else []


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _files(dataset: dict) -> list[dict]:
    return [r for r in dataset.get("resources") or [] if r.get("url")]


def _format(resource: dict) -> str:
    text = (resource.get("format") or "").strip().upper().lstrip(".")
    if not text:
        path = (resource.get("url") or "").split("?", 1)[0].rsplit("/", 1)[-1]
        text = path.rsplit(".", 1)[-1].upper() if "." in path else ""
    return text


# ---- 1. valid against its schema -------------------------------------------------------------
def validity(dataset: dict) -> str:
    found = {str(r.get("validation_status") or PENDING) for r in _files(dataset) if r.get("schema")}
    if not found:
        return NO_SCHEMA
    if found & {"failure", "error"}:
        return INVALID
    return VALID if found == {"success"} else PENDING


# ---- 2. openness stars -----------------------------------------------------------------------
@dataclass(frozen=True)
class Stars:
    count: int
    next_star: str | None  # what the next star needs, in plain words


def stars(dataset: dict, dcat: bool = True) -> Stars:
    files = _files(dataset)
    formats = {_format(r) for r in files}
    if not _is_open(dataset):
        return Stars(0, "Publish it under an open licence, such as the Open Government Licence.")
    if not files:
        return Stars(0, "Add a file or a link to the data.")
    if not formats & MACHINE_READABLE:
        return Stars(1, "Add the data in a machine-readable format such as CSV, not only as a document or image.")
    if not formats & OPEN_FORMATS:
        return Stars(2, "Add the data in an open format such as CSV, as well as the spreadsheet.")
    schema = bool(dataset.get("schema_url")) or any(r.get("schema") for r in files)
    if not (schema and dcat):
        return Stars(3, "Name the table schema the files follow (the portal then publishes its URI in the "
                        "DCAT metadata)." if not schema else "The portal must publish DCAT metadata for it.")
    return Stars(4, None)


def _is_open(dataset: dict) -> bool:
    if "isopen" in dataset:
        return bool(dataset["isopen"])
    return (dataset.get("license_id") or "") in {"uk-ogl", "OGL-UK-3.0", "cc-by", "cc-by-sa", "cc-zero", "odc-by",
                                                  "odc-odbl", "odc-pddl"}


# ---- 3. fresh or overdue ---------------------------------------------------------------------
@dataclass(frozen=True)
class Freshness:
    status: str
    due: dt.date | None = None  # when the next update is due
    newest: dt.date | None = None  # when the data was last updated


def last_updated(dataset: dict) -> dt.date | None:
    """When the data last changed: the newest file (added or replaced), else the dataset's own record."""
    dates = [d for r in _files(dataset) for d in (_date(r.get("last_modified") or r.get("created")),) if d]
    return max(dates) if dates else _date(dataset.get("metadata_modified"))


def next_due(frequency: str | None, updated: dt.date | None) -> dt.date | None:
    """One interval of the update frequency after the last update; None without a schedule."""
    schedule = SCHEDULES.get(frequency or "")
    if schedule is None or updated is None:
        return None
    months, days = schedule
    return add_months(updated, months) + dt.timedelta(days=days)


def freshness(dataset: dict, today: dt.date) -> Freshness:
    if not _files(dataset):
        return Freshness(NO_DATA)
    updated = last_updated(dataset)
    due = next_due(dataset.get("update_frequency"), updated)
    if due is None:
        return Freshness(NO_SCHEDULE, None, updated)
    return Freshness(FRESH if today <= due else OVERDUE, due, updated)


# ---- 4. metadata completeness ----------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    key: str
    missing: str  # what is missing, in plain words
    source: str  # council schema, DCAT-AP, data.gov.uk


def _checks(dataset: dict) -> list[tuple[Check, bool]]:
    files = _files(dataset)
    tags = dataset.get("tags") or [t for t in (dataset.get("tag_string") or "").split(",") if t.strip()]
    checks = [
        (Check("title", "a title", "council schema; DCAT-AP mandatory"), bool(dataset.get("title"))),
        (Check("description", "a description", "council schema; DCAT-AP mandatory"),
         bool((dataset.get("notes") or "").strip())),
        (Check("publisher", "a service area (publisher)", "council schema; DCAT-AP recommended"),
         bool(dataset.get("owner_org") or dataset.get("organization"))),
        (Check("licence", "a licence", "council schema; DCAT-AP recommended"),
         bool(dataset.get("license_id")) and dataset.get("license_id") != "notspecified"),
        (Check("contact", "a contact team and role mailbox (contact point)", "council schema; DCAT-AP recommended"),
         bool(dataset.get("contact_name") and dataset.get("contact_email"))),
        (Check("frequency", "an update frequency", "council schema; DCAT-AP optional"),
         bool(dataset.get("update_frequency"))),
        (Check("personal_data", "a personal data statement", "council schema"), bool(dataset.get("personal_data"))),
        (Check("distribution", "a file or link (distribution)", "DCAT-AP recommended"), bool(files)),
        (Check("keywords", "keywords", "DCAT-AP recommended"), bool(tags)),
        (Check("spatial", "the area covered", "DCAT-AP recommended"), bool(_list(dataset.get("spatial_coverage")))),
        (Check("temporal", "the period covered (from and to)", "DCAT-AP recommended"),
         bool(dataset.get("temporal_start") and dataset.get("temporal_end"))),
        (Check("theme", "a data theme", "DCAT-AP recommended"), bool(_list(dataset.get("theme")))),
    ]
    if files:  # without files, "a file or link" says it
        checks += [
            (Check("file_formats", "a format for every file", "DCAT-AP recommended"), all(_format(r) for r in files)),
            (Check("file_descriptions", "a description for every file", "DCAT-AP recommended"),
             all((r.get("description") or "").strip() for r in files)),
        ]
    if dataset.get("transparency_code_category"):
        checks.append((Check("schema_url", "the table schema URL (read by data.gov.uk)", "data.gov.uk"),
                       bool(dataset.get("schema_url"))))
    return checks


def completeness(dataset: dict) -> tuple[int, list[str]]:
    """(percentage of the checks met, rounded down; what is missing, in plain words)."""
    checks = _checks(dataset)
    missing = [check.missing for check, met in checks if not met]
    return (len(checks) - len(missing)) * 100 // len(checks), missing


# ---- together --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quality:
    validity: str
    stars: int
    next_star: str | None
    freshness: str
    due: dt.date | None
    newest: dt.date | None
    completeness: int
    missing: list[str]
    attention: list[tuple[int, str]] = field(default_factory=list)  # (1 most urgent, message)

    @property
    def validity_label(self) -> str:
        return VALIDITY_LABELS[self.validity]

    @property
    def freshness_label(self) -> str:
        return FRESHNESS_LABELS[self.freshness]

    @property
    def summary(self) -> str:
        """One line: "4 of 5 stars · Valid against its schema · Up to date · Metadata 93% complete"."""
        return (f"{self.stars} of 5 stars · {self.validity_label} · {self.freshness_label} · "
                f"Metadata {self.completeness}% complete")

    def as_dict(self) -> dict[str, Any]:
        return {"validity": self.validity, "stars": self.stars, "next_star": self.next_star,
                "freshness": self.freshness, "next_update_due": self.due.isoformat() if self.due else None,
                "newest_data": self.newest.isoformat() if self.newest else None,
                "completeness": self.completeness, "missing": self.missing, "summary": self.summary,
                "attention": [{"priority": p, "message": m} for p, m in self.attention]}


def assess(dataset: dict, today: dt.date | None = None, dcat: bool = True) -> Quality:
    """Every measure for one dataset on `today` (default: the clock's today)."""
    today = today or dt.date.today()
    valid = validity(dataset)
    star = stars(dataset, dcat)
    fresh = freshness(dataset, today)
    percent, missing = completeness(dataset)
    attention = []
    if valid == INVALID:
        attention.append((1, ("A file fails validation against its table schema: open its validation report and "
                             "upload a corrected file.")))
    if fresh.status == OVERDUE:
        every = FREQUENCY_WORDS.get(dataset.get("update_frequency") or "", "regularly")
        attention.append((2, (f"An update was due by {long_date(fresh.due)}: the dataset is updated {every} and "
                             f"its newest file is from {long_date(fresh.newest)}.")))
    if missing:
        attention.append((3, f"Metadata missing: {', '.join(missing)}."))
    return Quality(valid, star.count, star.next_star, fresh.status, fresh.due, fresh.newest, percent, missing,
                   attention)
