"""Wards side by side: for each ward-level table, each chosen ward's figures (counts, sums, rates per
1,000 residents where ward populations are published), the district's for context, the breakdown by
category, the period, and a link to the rows behind every number. One builder for the compare page,
the ward pages, the CSV download and the `westsuffolk_ward_compare` action, so they always agree.

Rows are matched to wards by their normalised code (spaces removed, capitals: see
westsuffolk_core.ward_level). Rows coded to other wards (before the 2019 boundary changes, say) count
in the district's figure and in no ward's; a table coded only to other wards is shown by those wards.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

from westsuffolk_core import vocabularies
from westsuffolk_core.ward_level import (
    BOUNDARIES_FROM,
    Measure,
    code_problem,
    current_codes,
    is_ward_code,
    normalise_code,
)

from .. import config
from . import figures as figures_module
from .figures import Cell, TableFigures
from .sources import Table, tables

__all__ = ["MAX_WARDS", "MIN_WARDS", "Comparison", "WardInputError", "compare", "parse_wards"]

MIN_WARDS, MAX_WARDS = 2, 6
MAX_VALUES = 50  # values looked at in one request: beyond, the choice is refused as too many at once
PROBLEMS_SHOWN = 6  # messages about single values; the rest are counted
OTHER_VALUES = "All other values"
BLANK = "(blank)"
RATE_PLACES = Decimal("0.01")


class WardInputError(ValueError):
    """Ward codes that cannot be compared: every message says what to change."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


def parse_wards(values: Iterable[str], minimum: int = MIN_WARDS, maximum: int = MAX_WARDS
                ) -> tuple[list[str], list[str]]:
    """(codes, notes) from what was asked for: codes may be comma-separated, in any case, with spaces
    (the documented normalisation); a ward asked for twice is compared once, with a note. Unknown codes
    and too few or too many wards raise WardInputError."""
    codes: list[str] = []
    notes, problems = [], []
    known = current_codes()
    given = [raw for value in values for raw in str(value).split(",") if raw.strip()]
    if len(given) > MAX_VALUES:
        raise WardInputError([f"Choose at most {maximum} wards to compare (you gave {len(given):,} values)."])
    unshown = 0
    for raw in given:
        code = normalise_code(raw)
        if code in known:
            if code in codes:
                note = f"{known[code]} ({code}) was chosen more than once; it is compared once."
                if note not in notes:
                    notes.append(note)
            else:
                codes.append(code)
            continue
        if len(problems) == PROBLEMS_SHOWN:
            unshown += 1
            continue
        kind, detail = code_problem(raw)
        shown = _shortened(raw.strip())
        if kind == "other-wards":
            problems.append(f'"{shown}" is not one of West Suffolk\'s {len(known)} wards (in use since '
                            f"{BOUNDARIES_FROM}). Choose today's wards.")
        else:
            problems.append(f'"{shown}" is not one of West Suffolk\'s wards: {detail}.')
    if unshown:
        problems.append(f"{unshown:,} more value{'s are' if unshown != 1 else ' is'} not one of West Suffolk's "
                        "wards either.")
    if not problems:
        if len(codes) < minimum:
            problems.append(f"Choose at least {minimum} wards to compare (you chose {len(codes)}).")
        elif len(codes) > maximum:
            problems.append(f"Choose at most {maximum} wards to compare (you chose {len(codes)}).")
    if problems:
        raise WardInputError(problems)
    return codes, notes


def _shortened(value: str, length: int = 40) -> str:
    return value if len(value) <= length else value[:length - 1] + "…"


# ---------------------------------------------------------------------------- what is shown


@dataclass
class Figure:
    """One number, its unit, its rate per residents (when known) and where its rows are."""

    value: Decimal | int | None
    measure: Measure
    rate: Decimal | None = None
    rows_url: str | None = None  # the rows as CSV (DataStore dump with a filter)
    api_url: str | None = None  # the same rows through datastore_search

    def as_dict(self) -> dict[str, Any]:
        return {"value": _number(self.value), "unit": self.measure.unit,
                "rate": _number(self.rate), "rate_per_residents": self.measure.rate_per if self.rate is not None
                else None, "rows_url": self.rows_url, "api_url": self.api_url}


@dataclass
class MeasureView:
    measure: Measure
    wards: dict[str, Figure]
    district: Figure
    unavailable: str | None = None
    ranks: dict[str, int] = field(default_factory=dict)  # code -> 1 for the highest, among today's wards
    ranked_by_rate: bool = False

    def bars(self, wards: list[WardInfo]) -> list[dict[str, Any]]:
        """The chart: one bar per ward (rates when there are rates), the district's rate last."""
        def size(figure: Figure) -> Decimal | None:
            value = figure.rate if self.ranked_by_rate else figure.value
            return None if value is None else Decimal(value)

        rows = [(ward.name, self.wards[ward.code], False) for ward in wards if ward.code in self.wards]
        if self.ranked_by_rate and self.district.rate is not None:
            rows.append((vocabularies.DISTRICT_NAME, self.district, True))
        largest = max((abs(size(f)) for _, f, _ in rows if size(f) is not None), default=Decimal(0)) or Decimal(1)
        return [{"label": label, "figure": figure, "district": district,
                 "percent": float((abs(size(figure)) / largest * 100).quantize(Decimal("0.1")))
                 if size(figure) is not None else 0.0}
                for label, figure, district in rows]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.measure.name, "title": self.measure.title, "unit": self.measure.unit,
                "aggregate": self.measure.aggregate, "field": self.measure.field,
                "rate_per_residents": self.measure.rate_per, "unavailable": self.unavailable,
                "wards": {code: figure.as_dict() for code, figure in self.wards.items()},
                "district": self.district.as_dict(),
                "ranks": self.ranks, "ranked_by": "rate" if self.ranked_by_rate else "value"}


@dataclass
class CategoryRow:
    label: str
    value: str | None  # as stored (None: blank); OTHER_VALUES rows have no single value
    wards: dict[str, dict[str, Figure]]  # code -> measure name -> figure
    district: dict[str, Figure]
    other: bool = False


@dataclass
class CategoryView:
    field: str
    title: str
    rows: list[CategoryRow]

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "title": self.title, "values": [
            {"value": row.label if row.other else row.value, "label": row.label, "all_other_values": row.other,
             "wards": {code: {m: f.as_dict() for m, f in measures.items()} for code, measures in row.wards.items()},
             "district": {m: f.as_dict() for m, f in row.district.items()}} for row in self.rows]}


@dataclass
class TableView:
    table: Table
    measures: list[MeasureView]
    categories: list[CategoryView]
    first_date: Any = None
    last_date: Any = None
    date_title: str | None = None
    other_wards: list[dict[str, Any]] = field(default_factory=list)  # rows coded to wards not today's
    blank_rows: int = 0
    not_ward_codes: int = 0  # rows whose ward column holds something that is not a ward code
    older_wards_only: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.table.dataset.get("title") or self.table.schema_title

    def as_dict(self) -> dict[str, Any]:
        dataset, resource = self.table.dataset, self.table.resource
        start, end = self.table.period
        return {
            "dataset": {"name": dataset["name"], "title": dataset.get("title"), "url": _site(
                tk.url_for("dataset.read", id=dataset["name"])), "synthetic": self.table.synthetic},
            "resource": {"id": resource["id"], "name": resource.get("name"), "url": _site(tk.url_for(
                "resource.read", id=dataset["name"], resource_id=resource["id"]))},
            "table_schema": self.table.schema_ref, "table_title": self.table.schema_title,
            "period": {"start": start, "end": end},
            "dates": {"field": self.table.level.date, "title": self.date_title,
                      "first": _iso(self.first_date), "last": _iso(self.last_date)},
            "measures": [measure.as_dict() for measure in self.measures],
            "categories": [category.as_dict() for category in self.categories],
            "other_wards": self.other_wards, "blank_ward_rows": self.blank_rows,
            "not_ward_code_rows": self.not_ward_codes,
            "older_wards_only": self.older_wards_only, "notes": self.notes,
        }


@dataclass
class WardInfo:
    code: str
    name: str
    seats: int
    residents: int | None = None
    councillors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "seats": self.seats, "residents": self.residents,
                "councillors": self.councillors, "url": _site(tk.url_for("westsuffolk_wards.read", code=self.code))}


@dataclass
class Comparison:
    codes: list[str]
    wards: list[WardInfo]
    tables: list[TableView]
    left_out: list[Table]
    notes: list[str]
    district_residents: int | None = None
    population: Table | None = None
    councillors: Table | None = None
    residents: dict[str, int] = field(default_factory=dict)  # every ward's, where populations are published

    @property
    def synthetic(self) -> list[Table]:
        """The tables in this comparison whose data is synthetic (made up for the demonstration)."""
        used = [view.table for view in self.tables] + [t for t in (self.population, self.councillors) if t]
        return [table for table in used if table.synthetic]

    def url(self, endpoint: str = "westsuffolk_wards.compare") -> str:
        return _site(tk.url_for(endpoint, ward=self.codes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "wards": [ward.as_dict() for ward in self.wards],
            "district": {"code": vocabularies.DISTRICT_GSS_CODE, "name": vocabularies.DISTRICT_NAME,
                         "residents": self.district_residents},
            "population": _source(self.population), "councillors_source": _source(self.councillors),
            "tables": [view.as_dict() for view in self.tables],
            "left_out": [{"dataset": {"name": t.dataset["name"], "title": t.dataset.get("title")},
                          "table_schema": t.schema_ref, "reason": t.left_out,
                          "report_url": _site(t.report_url) if t.report_url else None} for t in self.left_out],
            "notes": self.notes,
            "url": self.url(), "csv_url": self.url("westsuffolk_wards.compare_csv"),
        }


# ---------------------------------------------------------------------------- building


def compare(codes: list[str], notes: list[str] | None = None, with_councillors: bool = True) -> Comparison:
    """The comparison of these (already checked) ward codes over every ward-level table."""
    found = tables()
    usable = [table for table in found if table.left_out is None]
    left_out = [table for table in found if table.left_out is not None and table.role == "figures"]
    population = _latest(table for table in usable if table.role == "population")
    councillor_table = _latest(table for table in usable if table.role == "councillors")
    residents, district_residents = _residents(population)
    wards = [WardInfo(code=code, name=current_codes()[code], seats=_seats().get(code, 0),
                      residents=residents.get(code)) for code in codes]
    if councillor_table is not None and with_councillors:
        _add_councillors(councillor_table, wards)
    views = []
    for table in usable:
        if table.role != "figures":
            continue
        view = _table_view(table, codes, residents, district_residents)
        if view is None:
            left_out.append(table)
        else:
            views.append(view)
    return Comparison(codes=codes, wards=wards, tables=views, left_out=left_out, notes=list(notes or []),
                      district_residents=district_residents, population=population, councillors=councillor_table,
                      residents=residents)


def _latest(candidates: Iterable[Table]) -> Table | None:
    return max(candidates, key=lambda t: (t.period[1] or "", t.period[0] or ""), default=None)


def _seats() -> dict[str, int]:
    return {row["gss_code"]: int(row.get("councillors") or 0) for row in vocabularies.wards()}


def _residents(population: Table | None) -> tuple[dict[str, int], int | None]:
    if population is None:
        return {}, None
    figures = figures_module.table_figures(population.resource_id, population.level)
    measure = population.level.measures[0]
    if measure.name in figures.unusable or measure.field in figures.missing:
        return {}, None
    known = current_codes()
    residents: dict[str, int] = {}
    for raw, cell in figures.by_code.items():
        code = normalise_code(raw) if raw is not None else None
        if code in known:
            residents[code] = residents.get(code, 0) + int(cell.sums.get(measure.name, 0))
    return residents, sum(residents.values()) or None


def _add_councillors(table: Table, wards: list[WardInfo]) -> None:
    figures = figures_module.table_figures(table.resource_id, table.level)
    variants = _variants(figures)
    for ward in wards:
        ward.councillors = figures_module.councillors(table.resource_id, table.level, variants.get(ward.code, []))


def _variants(figures: TableFigures) -> dict[str, list[str]]:
    """Normalised code -> the spellings stored in the table (" e05012763", "E05012763")."""
    found: dict[str, list[str]] = {}
    for raw in figures.by_code:
        if raw is not None:
            found.setdefault(normalise_code(raw), []).append(raw)
    return found


def _table_view(table: Table, codes: list[str], residents: dict[str, int],
                district_residents: int | None) -> TableView | None:
    """None (and the reason in table.left_out) when the table cannot be compared at all."""
    figures = figures_module.table_figures(table.resource_id, table.level)
    if table.level.ward_code in figures.missing:
        table.left_out = (f'Its DataStore table has no column "{table.level.ward_code}" (the ward code), so it '
                          "cannot be compared ward by ward.")
        return None
    known = current_codes()
    variants = _variants(figures)
    by_ward: dict[str, Cell] = {}
    for code, spellings in variants.items():
        cell = Cell()
        for raw in spellings:
            cell.add(figures.by_code[raw])
        by_ward[code] = cell
    total = figures.total
    today_rows = sum(cell.rows for code, cell in by_ward.items() if code in known)
    other = [{"code": code, "name": figures.names.get(variants[code][0]), "rows": cell.rows}
             for code, cell in sorted(by_ward.items()) if code not in known and is_ward_code(code)]
    blank = figures.by_code[None].rows if None in figures.by_code else 0
    not_codes = sum(cell.rows for code, cell in by_ward.items() if code not in known and not is_ward_code(code))
    view = TableView(table=table, measures=[], categories=[], first_date=figures.first_date,
                     last_date=figures.last_date, date_title=_field_title(table, table.level.date),
                     other_wards=other, blank_rows=blank, not_ward_codes=not_codes,
                     older_wards_only=today_rows == 0 and bool(other))
    filters = _Links(table, variants)
    for measure in table.level.measures:
        view.measures.append(_measure_view(measure, codes, by_ward, total, figures, residents, district_residents,
                                           filters))
    if not view.older_wards_only:
        for category in table.level.categories:
            if category in figures.categories:
                view.categories.append(_category_view(table, category, codes, figures, variants, by_ward, total,
                                                      filters))
    view.notes = _notes(table, figures, view)
    return view


def _field_title(table: Table, name: str | None) -> str | None:
    if not name:
        return None
    from westsuffolk_core import table_schemas

    schema_name, _, version = table.schema_ref.partition("@")
    for item in table_schemas.get_descriptor(schema_name, version or None)["fields"]:
        if item["name"] == name:
            return item.get("title") or name
    return name


def _value(measure: Measure, cell: Cell | None) -> Decimal | int:
    if cell is None:
        return 0 if measure.aggregate == "count" else Decimal(0)
    return cell.rows if measure.aggregate == "count" else cell.sums.get(measure.name, Decimal(0))


def _rate(value: Decimal | int | None, measure: Measure, residents: int | None) -> Decimal | None:
    if value is None or not measure.rate_per or not residents:
        return None
    return (Decimal(value) * measure.rate_per / residents).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _measure_view(measure: Measure, codes: list[str], by_ward: dict[str, Cell], total: Cell,
                  figures: TableFigures, residents: dict[str, int], district_residents: int | None,
                  links: _Links) -> MeasureView:
    unavailable = figures.unusable.get(measure.name)
    if measure.field and measure.field in figures.missing:
        unavailable = f'the DataStore table has no column "{measure.field}"'
    view = MeasureView(measure=measure, wards={}, district=Figure(None, measure), unavailable=unavailable,
                       ranked_by_rate=bool(measure.rate_per and residents))
    if unavailable:
        view.wards = {code: Figure(None, measure) for code in codes}
        return view
    for code in codes:
        value = _value(measure, by_ward.get(code))
        view.wards[code] = Figure(value, measure, _rate(value, measure, residents.get(code)),
                                  *links.rows(code))
    district_value = _value(measure, total)
    view.district = Figure(district_value, measure, _rate(district_value, measure, district_residents),
                           *links.rows(None))
    # ranks among today's wards (a ward without rows has none: 0)
    scores = {}
    for code in current_codes():
        value = _value(measure, by_ward.get(code))
        scores[code] = _rate(value, measure, residents.get(code)) if view.ranked_by_rate else value
    ordered = sorted((score for score in scores.values() if score is not None), reverse=True)
    view.ranks = {code: ordered.index(scores[code]) + 1 for code in codes if scores.get(code) is not None}
    return view


def _category_view(table: Table, category: str, codes: list[str], figures: TableFigures,
                   variants: dict[str, list[str]], by_ward: dict[str, Cell], total: Cell,
                   links: _Links) -> CategoryView:
    cells = figures.categories[category]
    measures = [m for m in table.level.measures if m.name not in figures.unusable]
    rows, district_seen = [], Cell()
    ward_seen = {code: Cell() for code in codes}
    for value in figures.category_values.get(category, []):
        ward_cells = {}
        for code in codes:
            cell = Cell()
            for raw in variants.get(code, []):
                if value in cells.get(raw, {}):
                    cell.add(cells[raw][value])
            ward_cells[code] = cell
            ward_seen[code].add(cell)
        district = Cell()
        for by_value in cells.values():
            if value in by_value:
                district.add(by_value[value])
        district_seen.add(district)
        rows.append(CategoryRow(
            label=BLANK if value is None else value, value=value,
            wards={code: {m.name: Figure(_value(m, ward_cells[code]), m, None,
                                         *links.rows(code, category, value)) for m in measures} for code in codes},
            district={m.name: Figure(_value(m, district), m, None, *links.rows(None, category, value))
                      for m in measures}))
    rest = {code: by_ward.get(code, Cell()).minus(ward_seen[code]) if code in by_ward else Cell() for code in codes}
    district_rest = total.minus(district_seen)
    if district_rest.rows or any(cell.rows for cell in rest.values()):
        rows.append(CategoryRow(label=OTHER_VALUES, value=None, other=True,
                                wards={code: {m.name: Figure(_value(m, rest[code]), m) for m in measures}
                                       for code in codes},
                                district={m.name: Figure(_value(m, district_rest), m) for m in measures}))
    return CategoryView(field=category, title=_field_title(table, category) or category, rows=rows)


def _notes(table: Table, figures: TableFigures, view: TableView) -> list[str]:
    notes = []
    if view.older_wards_only:
        notes.append(f"Every row of this table is coded to wards that are not today's (the wards changed on "
                     f"{BOUNDARIES_FROM}), so it cannot be compared ward by ward with today's wards. Its figures "
                     "by those wards are listed below; the district figure includes them.")
    elif view.other_wards:
        rows = sum(item["rows"] for item in view.other_wards)
        notes.append(f"{rows:,} row{'s are' if rows != 1 else ' is'} coded to wards that are not among today's "
                     f"(in use since {BOUNDARIES_FROM}): counted in the district figure, never in a ward's.")
    if view.blank_rows:
        notes.append(f"{view.blank_rows:,} row{'s have' if view.blank_rows != 1 else ' has'} no ward code: counted "
                     "in the district figure only.")
    if view.not_ward_codes:
        count = view.not_ward_codes
        notes.append(f"{count:,} row{'s have' if count != 1 else ' has'} a value in the ward column that is not a "
                     "ward code: counted in the district figure only.")
    for name in figures.missing:
        notes.append(f'The DataStore table has no column "{name}", which its table schema names.')
    return notes


class _Links:
    """Links to the rows behind a number: a DataStore filter on the ward's stored spellings."""

    def __init__(self, table: Table, variants: dict[str, list[str]]):
        self.table, self.variants = table, variants

    def rows(self, code: str | None, category: str | None = None, value: str | None = None
             ) -> tuple[str | None, str | None]:
        resource_id = self.table.resource_id
        filters: dict[str, Any] = {}
        if code is not None:
            spellings = self.variants.get(code)
            if not spellings:
                return None, None
            filters[self.table.level.ward_code] = spellings
        if category is not None:
            if value is None:
                return None, None  # blank values cannot be asked for with a filter
            filters[category] = value
        if not filters:
            return (_site(tk.url_for("resource.read", id=self.table.dataset["name"], resource_id=resource_id)),
                    _site("/api/3/action/datastore_search?" + urlencode({"resource_id": resource_id, "limit": 0})))
        encoded = json.dumps(filters, ensure_ascii=False, separators=(",", ":"))
        dump = f"/datastore/dump/{resource_id}?" + urlencode({"format": "csv", "filters": encoded})
        api = "/api/3/action/datastore_search?" + urlencode({"resource_id": resource_id, "filters": encoded})
        return _site(dump), _site(api)


def _site(path: str) -> str:
    return path if path.startswith("http") else config.site_url() + path


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _source(table: Table | None) -> dict[str, Any] | None:
    if table is None:
        return None
    start, end = table.period
    return {"dataset": table.dataset["name"], "title": table.dataset.get("title"), "resource_id": table.resource_id,
            "period": {"start": start, "end": end}, "synthetic": table.synthetic}
