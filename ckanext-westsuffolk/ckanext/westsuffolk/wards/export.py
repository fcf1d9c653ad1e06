"""A comparison as CSV: one row per figure (table, measure, category value, area), with its unit, rate,
period and the link to its rows. Text from the data (titles, ward and category names) is written so
that a spreadsheet never runs it: a cell starting like a formula gets a leading apostrophe."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from westsuffolk_core import vocabularies
from westsuffolk_core.validation.checks import looks_like_formula

from .comparison import Comparison, Figure, TableView

__all__ = ["HEADER", "comparison_csv", "safe_cell"]

HEADER = ["dataset", "dataset_title", "table_schema", "period_start", "period_end", "measure", "measure_title",
          "unit", "category", "category_value", "area_code", "area_name", "value", "rate", "rate_per_residents",
          "residents", "rows_url", "synthetic"]
_ALWAYS_GUARDED = ("\t", "\r", "\n")  # spreadsheets also act on cells starting with these


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @, tab or return first) gets a leading
    apostrophe; numbers are written as numbers (a negative number is not a formula)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_ALWAYS_GUARDED) or looks_like_formula(value):
        return "'" + value
    return value


def comparison_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in _rows(comparison):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def _rows(comparison: Comparison) -> Iterator[list]:
    areas = [(ward.code, ward.name, ward.residents) for ward in comparison.wards]
    district = (vocabularies.DISTRICT_GSS_CODE, vocabularies.DISTRICT_NAME, comparison.district_residents)
    for view in comparison.tables:
        for measure in view.measures:
            if measure.unavailable:
                continue
            for code, name, residents in areas:
                yield _row(view, measure.measure.name, measure.measure.title, "", "", code, name, residents,
                           measure.wards[code])
            yield _row(view, measure.measure.name, measure.measure.title, "", "", *district, measure.district)
        for category in view.categories:
            for row in category.rows:
                for name, figure in row.district.items():
                    title = figure.measure.title
                    for code, ward_name, residents in areas:
                        yield _row(view, name, title, category.field, row.label, code, ward_name, residents,
                                   row.wards[code][name])
                    yield _row(view, name, title, category.field, row.label, *district, figure)


def _row(view: TableView, measure: str, title: str, category: str, value: str, code: str, name: str,
         residents: int | None, figure: Figure) -> list:
    start, end = view.table.period
    return [view.table.dataset["name"], view.title, view.table.schema_ref, start or "", end or "", measure, title,
            figure.measure.unit, category, value, code, name, _plain(figure.value), _plain(figure.rate),
            figure.measure.rate_per if figure.rate is not None else "", residents if residents is not None else "",
            figure.rows_url or "", "yes" if view.table.synthetic else "no"]


def _plain(value: object) -> object:
    return "" if value is None else value
