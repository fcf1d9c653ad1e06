"""Ward-level tables: the `wardLevel` convention of a table schema, and West Suffolk's ward codes.

A table schema marks itself ward-level with a schema-level custom property (frictionless keeps it):

    "wardLevel": {
      "wardCode": "ward_code",            the column holding the ward's ONS GSS code (E05 + 6 digits)
      "wardName": "ward_name",            optional: a column with the ward's name, checked against the code
      "date": "reported_date",            optional: a date column; its first and last dates are shown
      "measures": [                       what is worth comparing between wards
        {"name": "reports", "title": "Fly-tipping reports", "aggregate": "count", "unit": "reports",
         "ratePer": 1000},                ratePer: also shown per 1,000 residents (where populations are published)
        {"name": "cost", "title": "Cost of clearing", "aggregate": "sum", "field": "clearance_cost",
         "unit": "GBP"}                   unit "GBP" is shown as pounds (£); any other unit is a noun
      ],
      "categories": ["waste_type"],       optional: columns to break the measures down by
      "role": "figures"                   "figures" (default), "population" (its first measure is the
    }                                     ward's residents) or "councillors" ("councillor" and "party" name
                                          the columns listing each ward's councillors)

A new ward-level table is a new schema file, not code. The codes are normalised the same way
everywhere (validation, the ward pages and the comparison): every space is removed and letters are
made capitals, so " e05012763" is read as E05012763. CKAN-free: the portal and the publish jobs use it.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .vocabularies import DISTRICT_GSS_CODE, wards

__all__ = [
    "AGGREGATES",
    "BOUNDARIES_FROM",
    "GBP",
    "PROPERTY",
    "ROLES",
    "Measure",
    "WardLevel",
    "WardLevelError",
    "code_for_name",
    "code_problem",
    "current_codes",
    "distance",
    "is_ward_code",
    "names_match",
    "normalise_code",
    "ward_level",
    "ward_name",
]

PROPERTY = "wardLevel"
ROLES = ("figures", "population", "councillors")
AGGREGATES = ("count", "sum")
GBP = "GBP"  # the unit shown as pounds
NUMBER_TYPES = ("number", "integer")
BOUNDARIES_FROM = "2 May 2019"  # today's 43 wards (The West Suffolk (Electoral Changes) Order 2018)
_WARD_CODE = re.compile(r"E05\d{6}")
CODE_LENGTH = 9  # "E05" and six digits
_SPACES = re.compile(r"\s+")
_NAME_NOISE = re.compile(r"[^0-9a-z]+")
SUGGESTIONS = 3  # nearest wards named in a message
_MEASURE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class WardLevelError(ValueError):
    """A `wardLevel` property that cannot be used: says which part is wrong and how to fix it."""


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    aggregate: str  # "count" (rows) or "sum" (of `field`)
    unit: str
    field: str | None = None
    rate_per: int | None = None  # residents: 1000 gives "per 1,000 residents"

    @property
    def is_money(self) -> bool:
        return self.unit == GBP


@dataclass(frozen=True)
class WardLevel:
    ward_code: str
    measures: tuple[Measure, ...]
    ward_name: str | None = None
    date: str | None = None
    categories: tuple[str, ...] = ()
    role: str = "figures"
    councillor: str | None = None
    party: str | None = None

    def measure(self, name: str) -> Measure | None:
        return next((m for m in self.measures if m.name == name), None)

    @property
    def sum_fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.field for m in self.measures if m.aggregate == "sum"))


def ward_level(descriptor: dict) -> WardLevel | None:
    """The `wardLevel` of a table schema descriptor, None when it has none; WardLevelError when it is
    not usable (a column it names is not in the schema, a sum over a text column...)."""
    spec = descriptor.get(PROPERTY)
    if spec is None:
        return None
    where = f'The "{PROPERTY}" of table schema "{descriptor.get("name", "?")}"'
    if not isinstance(spec, dict):
        raise WardLevelError(f"{where} must be an object.")
    fields = {field["name"]: field for field in descriptor.get("fields", [])}

    def column(key: str, required: bool = False) -> str | None:
        name = spec.get(key)
        if name is None and not required:
            return None
        if not isinstance(name, str) or name not in fields:
            raise WardLevelError(f'{where}: "{key}" must name one of the schema\'s fields, not {name!r}.')
        return name

    role = spec.get("role", "figures")
    if role not in ROLES:
        raise WardLevelError(f'{where}: "role" must be one of {", ".join(ROLES)}, not {role!r}.')
    code = column("wardCode", required=True)
    date = column("date")
    if date and fields[date].get("type") not in ("date", "datetime"):
        raise WardLevelError(f'{where}: "date" must name a date field; "{date}" is not one.')
    categories = spec.get("categories", [])
    if not isinstance(categories, list):
        raise WardLevelError(f'{where}: "categories" must be a list of field names.')
    for name in categories:
        if name not in fields:
            raise WardLevelError(f'{where}: the category "{name}" is not one of the schema\'s fields.')
    measures = tuple(_measure(item, fields, where) for item in spec.get("measures", []))
    if not measures:
        raise WardLevelError(f'{where}: give at least one measure (for example a count of rows).')
    if len({m.name for m in measures}) != len(measures):
        raise WardLevelError(f"{where}: each measure needs its own name.")
    if role == "population" and measures[0].aggregate != "sum":
        raise WardLevelError(f"{where}: the first measure of a population table must add up the residents.")
    level = WardLevel(ward_code=code, ward_name=column("wardName"), date=date, measures=measures,
                      categories=tuple(categories), role=role,
                      councillor=column("councillor", required=role == "councillors"),
                      party=column("party"))
    return level


def _measure(item: object, fields: dict[str, dict], where: str) -> Measure:
    if not isinstance(item, dict):
        raise WardLevelError(f"{where}: each measure must be an object.")
    name, aggregate = item.get("name"), item.get("aggregate")
    if not isinstance(name, str) or not _MEASURE_NAME.match(name):
        raise WardLevelError(f"{where}: a measure's name must be lower case letters, digits and _ ({name!r}).")
    if aggregate not in AGGREGATES:
        raise WardLevelError(f'{where}: measure "{name}" must have "aggregate" count or sum, not {aggregate!r}.')
    field = item.get("field")
    if aggregate == "sum":
        if field not in fields or fields[field].get("type") not in NUMBER_TYPES:
            raise WardLevelError(f'{where}: measure "{name}" adds up "{field}", which must be a number field.')
    elif field is not None:
        raise WardLevelError(f'{where}: measure "{name}" counts rows, so it takes no "field".')
    rate_per = item.get("ratePer")
    if rate_per is not None and (not isinstance(rate_per, int) or isinstance(rate_per, bool) or rate_per < 1):
        raise WardLevelError(f'{where}: "ratePer" of measure "{name}" must be a whole number of residents.')
    unit = item.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise WardLevelError(f'{where}: measure "{name}" needs a "unit" (for example "reports" or "GBP").')
    return Measure(name=name, title=item.get("title") or name.replace("_", " ").capitalize(), aggregate=aggregate,
                   unit=unit.strip(), field=field, rate_per=rate_per)


# ---------------------------------------------------------------------------- ward codes


def normalise_code(text: str) -> str:
    """The documented normalisation: every space (also no-break ones) removed, letters in capitals."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


def is_ward_code(code: str) -> bool:
    """Whether a (normalised) code has the form of an ONS ward code: E05 and six digits."""
    return bool(_WARD_CODE.fullmatch(code))


@lru_cache(maxsize=1)
def current_codes() -> dict[str, str]:
    """GSS code -> name of today's wards (westsuffolk_core/data/wards.csv)."""
    return {row["gss_code"]: row["name"] for row in wards()}


def ward_name(code: str) -> str | None:
    return current_codes().get(code)


def _name_key(name: str) -> str:
    return _NAME_NOISE.sub("", name.casefold().replace("&", "and"))


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {_name_key(name): code for code, name in current_codes().items()}


def names_match(given: str, official: str) -> bool:
    """"Clare Hundon and Kedington" matches "Clare, Hundon & Kedington": case, spaces, punctuation
    and & / and do not matter."""
    return _name_key(given) == _name_key(official)


def code_for_name(name: str) -> str | None:
    return _codes_by_name().get(_name_key(name))


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) that turn a into b."""
    previous_row, row = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        earlier, previous_row, row = previous_row, row, [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if earlier is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                row[j] = min(row[j], earlier[j - 2] + 1)
    return row[-1]


def _described(code: str) -> str:
    return f"{code} ({current_codes()[code]})"


def _closest_codes(code: str, within: int) -> list[str]:
    if abs(len(code) - CODE_LENGTH) > within:
        return []  # every ward code has 9 characters: no edit count to work out (a long value costs nothing)
    scored = sorted((distance(code, known), known) for known in current_codes())
    return [known for score, known in scored if score <= within and score == scored[0][0]]


def code_problem(raw: str, given_name: str | None = None) -> tuple[str, str | None] | None:
    """What is wrong with a ward code, None when it is one of today's wards (after normalisation).

    Returns (kind, detail): kind "other-wards" is a well-formed ward code far from every one of today's
    (wards before the 2019 boundary changes, say: shown separately, never added to today's wards); any
    other kind is a mistake, and detail says which ward the value nearly matches, when one does."""
    code = normalise_code(raw)
    if code in current_codes():
        return None
    if code == DISTRICT_GSS_CODE:
        return "district", "it is the code of the whole district, not of a ward"
    by_name = code_for_name(raw)
    if by_name:
        return "name", f"it is a ward's name: write its code, {_described(by_name)}"
    named = code_for_name(given_name) if given_name else None
    if is_ward_code(code):
        close = _closest_codes(code, within=1)
        if not close:
            return "other-wards", None
        return "typo", _nearly(close, named)
    close = _closest_codes(code, within=2)
    if close:
        return "typo", _nearly(close, named)
    if named:
        return "typo", f"the ward name in the same row is {_described(named)}"
    names = difflib.get_close_matches(_name_key(raw), list(_codes_by_name()), n=1, cutoff=0.75)
    if names:
        return "typo", f"it looks like a ward's name: write its code, {_described(_codes_by_name()[names[0]])}"
    return "unknown", "ward codes are E05 followed by six digits"


def _nearly(close: list[str], named: str | None) -> str:
    """Which ward a mistyped code was meant to be: the ward named in the same row when its code is one
    of the nearest, else the nearest codes (three at most)."""
    if named in close:
        return f"it nearly matches {_described(named)}, the ward named in the same row"
    if named:
        return f"the ward name in the same row is {_described(named)}"
    shown = ", ".join(_described(code) for code in close[:SUGGESTIONS])
    if len(close) == 1:
        return f"it nearly matches {shown}"
    more = len(close) - SUGGESTIONS
    return f"it nearly matches {shown}" + (f" or {more} other ward{'s' if more > 1 else ''}" if more > 0 else "")
