"""The pieces behind the residents' pages, without a portal: facet indexing and labels, the plain
words of an unparseable search, next-update dates, sizes, table previews and charts, wording."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ckanext.westsuffolk import facets, pages, preview

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
I18N = Path(facets.__file__).parent / "i18n" / "en_GB" / "LC_MESSAGES"


def test_council_fields_are_indexed_as_facetable_lists():
    validated = {"theme": ["ECON", "GOVE"], "spatial_coverage": ["E07000245"], "transparency_code_category":
                 "spend-over-500", "update_frequency": "quarterly",
                 "resources": [{"schema": "spend-over-500@1.0.0", "validation_status": "success"},
                               {"schema": "spend-over-500@1.0.0", "validation_status": "failure"}, {}]}
    doc = facets.index_fields({"validated_data_dict": json.dumps(validated), "vocab_theme": ["stale"]})
    assert doc[facets.THEME] == ["ECON", "GOVE"]
    assert doc[facets.AREA] == ["E07000245"]
    assert doc[facets.TRANSPARENCY] == ["spend-over-500"]
    assert doc[facets.FREQUENCY] == ["quarterly"]
    assert doc[facets.VALIDATION] == ["failure"]  # the worst file decides


def test_a_dataset_without_council_fields_drops_stale_facet_values():
    doc = facets.index_fields({"validated_data_dict": json.dumps({"resources": [{"format": "PDF"}]}),
                               facets.THEME: ["ECON"]})
    assert facets.THEME not in doc and doc[facets.VALIDATION] == [facets.NO_SCHEMA]


@pytest.mark.parametrize("field, value, label", [
    (facets.THEME, "ECON", "Economy and finance"),
    (facets.AREA, "E07000245", "West Suffolk (whole district)"),
    (facets.FREQUENCY, "biannual", "Twice a year"),
    (facets.VALIDATION, "failure", "Invalid"),
    (facets.VALIDATION, facets.NO_SCHEMA, "No table schema"),
    (facets.TRANSPARENCY, "spend-over-500", "Spending over £500"),
    (facets.LICENCE, "uk-ogl", "Open Government Licence v3.0"),
])
def test_facet_values_read_in_residents_words(field, value, label):
    assert facets.value_label(field, value) == label


def test_ward_facet_values_are_ward_names():
    ward = next(code for code in pages.vocabularies.spatial_areas() if code != "E07000245")
    label = facets.value_label(facets.AREA, ward)
    assert label and not label.startswith("E0") and not label.endswith(" ward")


def test_search_results_get_labels_in_place():
    results = {"search_facets": {facets.THEME: {"items": [{"name": "TRAN", "display_name": "TRAN", "count": 2}]},
                                 "organization": {"items": [{"name": "finance", "display_name": "Finance", "count": 1}]}}}
    facets.label_facets(results)
    assert results["search_facets"][facets.THEME]["items"][0]["display_name"] == "Transport"
    assert results["search_facets"]["organization"]["items"][0]["display_name"] == "Finance"


@pytest.mark.parametrize("query, plain", [
    ("title:(", "title"), ("*:*", ""), ("{!lucene}spending OR x", "lucene spending x"),
    ('"parking" AND (fees', "parking fees"), ("<script>alert(1)</script>", "script alert 1 script"),
])
def test_plain_query_keeps_only_words(query, plain):
    assert facets.plain_query(query) == plain


def test_plain_query_is_bounded():
    assert len(facets.plain_query("word " * 5000)) <= facets.PLAIN_QUERY_MAX


@pytest.mark.parametrize("frequency, updated, due", [
    ("quarterly", dt.date(2024, 11, 30), dt.date(2025, 2, 28)),
    ("monthly", dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
    ("annual", dt.date(2024, 4, 1), dt.date(2025, 4, 1)),
    ("weekly", dt.date(2024, 4, 1), dt.date(2024, 4, 8)),
    ("irregular", dt.date(2024, 4, 1), None),
    ("never", dt.date(2024, 4, 1), None),
    ("quarterly", None, None),
])
def test_next_update_due_follows_the_update_frequency(frequency, updated, due):
    assert pages.next_update_due(frequency, updated) == due


def test_last_updated_is_the_newest_file():
    pkg = {"metadata_modified": "2024-01-01T00:00:00", "resources": [
        {"last_modified": "2024-03-02T10:00:00"}, {"created": "2024-05-06T10:00:00"}]}
    assert pages.last_updated(pkg) == dt.date(2024, 5, 6)
    assert pages.british_date(dt.date(2024, 5, 6)) == "6 May 2024"


@pytest.mark.parametrize("size, text", [(589, "589 bytes"), (51_234, "50 KB"), (5_000, "4.9 KB"),
                                        (3 * 1024 * 1024, "3.0 MB"), (None, ""), ("x", "")])
def test_file_sizes_read_like_gov_uk(size, text):
    assert pages.file_size(size) == text


def test_preview_reads_the_first_rows_of_a_csv_file():
    path = EXAMPLES / "spend-over-500" / "valid.csv"
    result = preview._file_preview(str(path), "csv", "spend-over-500@1.0.0", "v1")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert list(result.columns) == header
    assert 0 < len(result.rows) <= preview.PREVIEW_ROWS
    assert all(len(row) == len(header) for row in result.rows)


def test_preview_reads_windows_1252_and_xlsx_files(tmp_path):
    import openpyxl

    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("name,amount\nCafé £,12.50\n".encode("cp1252"))
    assert preview._file_preview(str(legacy), "csv", "", "1").rows == (("Café £", "12.50"),)
    book = openpyxl.Workbook()
    book.active.append(["name", "when", "amount"])
    book.active.append(["Paper", dt.datetime(2024, 7, 1), 12.0])
    book.save(tmp_path / "table.xlsx")
    result = preview._file_preview(str(tmp_path / "table.xlsx"), "xlsx", "", "1")
    assert result.rows == (("Paper", "2024-07-01", "12"),)


def test_chart_adds_up_the_measure_by_the_schemas_category():
    fields = [{"name": "line_type", "type": "string", "title": "Line type", "constraints": {"enum": ["income", "spend"]}},
              {"name": "amount", "type": "number", "title": "Amount"}]
    chart = preview.build_chart(["line_type", "amount"], iter([["income", "10"], ["spend", "2.5"], ["income", "1,000"],
                                                               ["spend", "not a number"]]), fields)
    assert dict(chart.bars) == {"income": 1010.0, "spend": 2.5}
    assert chart.title == "Total amount by line type" and chart.rows_read == 4


def test_chart_groups_dates_by_month_and_needs_a_number_field():
    fields = [{"name": "when", "type": "date"}, {"name": "amount", "type": "number"}]
    chart = preview.build_chart(["when", "amount"], iter([["2024-07-01", "1"], ["2024-07-30", "2"], ["2024-08-01", "5"]]),
                                fields)
    assert chart.bars == (("2024-07", 3.0), ("2024-08", 5.0))
    assert preview.chart_fields([{"name": "uprn", "type": "integer"}, {"name": "when", "type": "date"}]) is None
    assert preview.build_chart(["x"], iter([]), fields) is None  # headings that do not match: no chart


def test_service_area_wording_catalogue_is_compiled_from_its_source():
    with open(I18N / "ckanext-westsuffolk.po", encoding="utf-8") as po, open(I18N / "ckanext-westsuffolk.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    def pairs_of(catalog):
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string if isinstance(m.string, str) else tuple(m.string)
                for m in catalog if m.id}

    pairs = pairs_of(source)
    assert pairs == pairs_of(compiled), \
        "recompile: pybabel compile -i ckanext-westsuffolk.po -o ckanext-westsuffolk.mo -l en_GB"
    assert pairs["Organizations"] == "Service areas"
