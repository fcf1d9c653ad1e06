"""DataStore tables from table files: the one Frictionless -> PostgreSQL type mapping, columns from the
table schema or inferred over every value, canonical rows for COPY, and files that cannot be tables."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.workbooks import workbook_bytes
from westsuffolk_core import datastore_tables as t
from westsuffolk_core import table_schemas

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


def load(path: Path, schema: dict | None = None) -> tuple[t.Table, list[list[str]]]:
    out = io.StringIO()
    table = t.write_rows(str(path), schema, out)
    return table, list(csv.reader(io.StringIO(out.getvalue())))


def test_every_schema_type_has_a_postgresql_type():
    for descriptor in table_schemas.list_schemas():
        for field in t.datastore_fields(descriptor):
            assert field["type"] in set(t.DATASTORE_TYPES.values()), field


@pytest.mark.parametrize("name", [d["name"] for d in table_schemas.list_schemas()])
def test_every_example_loads_with_its_schema(name):
    descriptor = table_schemas.get_descriptor(name)
    table, rows = load(EXAMPLES / name / "valid.csv", descriptor)
    assert table.columns == [f["name"] for f in descriptor["fields"]]
    assert table.primary_key == t.primary_key(descriptor) and not table.inferred
    with open(EXAMPLES / name / "valid.csv", encoding="utf-8") as handle:
        assert len(rows) == table.row_count == sum(1 for _ in csv.reader(handle)) - 1


def test_inferred_types_fit_every_value(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Ward,Count,Share,Day,Open,Code,Later text,Stamp\n"
                    "A,1,0.5,2024-01-02,true,007,12,2024-01-02T10:00:00\n"
                    + "B,2,1,2024-01-03,FALSE,010,13,2024-01-02 11:30\n" * 20000
                    + "C,,-3.25e2,2024-02-29,True,1,N/A,\n", encoding="utf-8")
    table, rows = load(path)
    assert [(f["id"], f["type"]) for f in table.fields] == [
        ("Ward", "text"), ("Count", "int8"), ("Share", "numeric"), ("Day", "date"), ("Open", "bool"),
        ("Code", "text"), ("Later text", "text"), ("Stamp", "timestamp")]
    assert rows[0] == ["A", "1", "0.5", "2024-01-02", "true", "007", "12", "2024-01-02T10:00:00"]
    assert rows[-1][:5] == ["C", "", "-325", "2024-02-29", "true"] and table.row_count == 20002


def test_headings_become_valid_unique_column_names():
    assert t.column_names(["Amount", "amount", "", " _private", 'Say "hi"', "x" * 70, None]) == [
        "Amount", "amount 2", "column 3", "private", "Say 'hi'", "x" * 63, "column 7"]


def test_a_workbook_keeps_its_cell_types(tmp_path):
    import datetime as dt

    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook_bytes({"Data": [["When", "How many", "Cost"], [dt.datetime(2024, 5, 1), 3, 1.5],
                                              [dt.datetime(2024, 5, 2), 4, 2]]}))
    table, rows = load(path)
    assert [f["type"] for f in table.fields] == ["date", "int8", "numeric"]
    assert rows == [["2024-05-01", "3", "1.5"], ["2024-05-02", "4", "2"]]


@pytest.mark.parametrize(("content", "why"), [
    (b"", "empty"),
    (b"Ward,Count\n", "headings but no rows"),
    (b"<!DOCTYPE html>\n<html><body>404</body></html>\n", "web page"),
    (b"%PDF-1.7 not a table", "PDF"),
    ((",".join(f"c{n}" for n in range(10_000)) + "\n" + ",".join(["1"] * 10_000) + "\n").encode(), "10,000 columns"),
], ids=["empty", "header-only", "web-page", "pdf", "10000-columns"])
def test_files_that_cannot_be_tables_say_why(tmp_path, content, why):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(t.NotLoadable, match=why):
        load(path)


def test_mixed_encodings_are_read_whole(tmp_path):
    path = tmp_path / "mixed.csv"
    start = "Supplier,Amount\n" + "Plain Ltd,1\n" * 300_000  # past the first 4 MB, which decode as UTF-8
    path.write_bytes(start.encode("utf-8") + "Café Rouge,2\n".encode("cp1252"))
    table, rows = load(path)
    assert table.row_count == 300_001 and rows[-1] == ["Café Rouge", "2"]
