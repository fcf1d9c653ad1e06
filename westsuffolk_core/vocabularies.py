"""Controlled lists used by the dataset schema, the DCAT profile and the publish jobs.

ckan-free on purpose: one place for each list and its EU vocabulary mapping.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"

# value -> (label, EU frequency code)
UPDATE_FREQUENCIES: dict[str, tuple[str, str]] = {
    "daily": ("Daily", "DAILY"),
    "weekly": ("Weekly", "WEEKLY"),
    "monthly": ("Monthly", "MONTHLY"),
    "quarterly": ("Quarterly", "QUARTERLY"),
    "biannual": ("Twice a year", "ANNUAL_2"),
    "annual": ("Annually", "ANNUAL"),
    "irregular": ("Irregularly", "IRREG"),
    "never": ("Not updated (historical)", "NEVER"),
}

# EU data theme code -> label
THEMES: dict[str, str] = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}

PERSONAL_DATA = {"none": "No personal data", "anonymised": "Anonymised (no individual can be identified)"}
DATA_PROVENANCE = {
    "official": "Official council data",
    "synthetic": "Synthetic demonstration data (not real council records)",
}

DISTRICT_GSS_CODE = "E07000245"
DISTRICT_NAME = "West Suffolk (whole district)"


def frequency_uri(value: str) -> str | None:
    entry = UPDATE_FREQUENCIES.get(value)
    return EU_FREQUENCY + entry[1] if entry else None


def theme_uri(code: str) -> str | None:
    return EU_THEME + code if code in THEMES else None


@lru_cache(maxsize=1)
def wards() -> list[dict[str, str]]:
    """West Suffolk's wards (data/wards.csv: gss_code, name, councillors, verified)."""
    path = resources.files("westsuffolk_core").joinpath("data/wards.csv")
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row.get("gss_code")]


ESD_FUNCTION = "http://id.esd.org.uk/function/"
ESD_SERVICE = "http://id.esd.org.uk/service/"


@lru_cache(maxsize=2)
def _esd_list(kind: str, base: str) -> dict[str, str]:
    path = resources.files("westsuffolk_core").joinpath(f"data/esd-{kind}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {base + row["identifier"]: row["label"] for row in csv.DictReader(handle)}


def esd_functions() -> dict[str, str]:
    """LGA esd Functions: URI -> label, by label (data.gov.uk's `la_function`)."""
    return _esd_list("functions", ESD_FUNCTION)


def esd_services() -> dict[str, str]:
    """LGA esd Services: URI -> label, by label (data.gov.uk's `la_service`)."""
    return _esd_list("services", ESD_SERVICE)


def spatial_areas() -> dict[str, str]:
    """GSS code -> label: the whole district first, then each ward."""
    areas = {DISTRICT_GSS_CODE: DISTRICT_NAME}
    areas.update({row["gss_code"]: f"{row['name']} ward" for row in wards()})
    return areas
