"""Hostile files through the one validation engine (the portal's uploads and the publish jobs alike): each
gets a clear message, none raises, none takes the machine's memory or time."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from publish_jobs import extracts
from publish_jobs.problems import AssetBlocked
from tests.workbooks import workbook_bytes
from westsuffolk_core import validation, workbook_safety
from westsuffolk_core.personal_data import AllowList

SPEND = "spend-over-500@1.0.0"
XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
       b"<si><t>&xxe;</t></si></sst>")
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                     for i in range(1, 10))
          + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')


def valid_workbook() -> bytes:
    return workbook_bytes({"Spend": [["expenditure_date", "amount"], ["2024-04-01", 600]]})


def replace_part(data: bytes, name: str, content: bytes, compress=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with one part's content replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compress) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def check(tmp_path, data: bytes, name: str, schema: str | None = SPEND):
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    result = validation.validate_table(str(path), schema, personal_data=AllowList())
    assert time.monotonic() - started < 20
    return result


@pytest.mark.parametrize("schema", [SPEND, None])
def test_a_cut_off_workbook_is_said_to_be_incomplete(tmp_path, schema):
    data = valid_workbook()
    result = check(tmp_path, data[: len(data) // 2], "spend.xlsx", schema)
    assert result.status == "error"
    assert result.issues[0].type == "unsafe-workbook"
    assert "damaged or incomplete" in result.issues[0].message


@pytest.mark.parametrize("schema", [SPEND, None])
def test_a_zip_bomb_named_xlsx_is_refused_unopened(tmp_path, schema):
    bomb = replace_part(valid_workbook(), "xl/worksheets/sheet1.xml", b"<" + b" " * (300 * 1024 * 1024) + b">")
    assert len(bomb) < 1024 * 1024
    result = check(tmp_path, bomb, "spend.xlsx", schema)
    assert result.status == "error" and result.issues[0].type == "unsafe-workbook"
    assert "zip bomb" in result.issues[0].message


def test_a_workbook_expanding_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_safety, "MAX_EXPANDED_BYTES", 1000)
    result = check(tmp_path, valid_workbook(), "spend.xlsx")
    assert "would expand to" in result.issues[0].message


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml",
                                  "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels"])
@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_xml_entity_tricks_in_any_part_are_refused(tmp_path, part, payload):
    result = check(tmp_path, replace_part(valid_workbook(), part, payload), "spend.xlsx", None)
    assert result.status == "error" and result.issues[0].type == "unsafe-workbook"
    assert "DOCTYPE" in result.issues[0].message
    assert "root:" not in repr(result)  # /etc/passwd was never read


def test_a_doctype_hidden_behind_padding_is_still_found(tmp_path):
    padded = b'<?xml version="1.0"?>' + b"<!--" + b"x" * 200_000 + b"-->" + b" " * 50_000 + XXE.split(b"\n", 1)[1]
    result = check(tmp_path, replace_part(valid_workbook(), "xl/sharedStrings.xml", padded), "spend.xlsx", None)
    assert result.issues[0].type == "unsafe-workbook"


def test_real_workbooks_pass_the_checks(tmp_path):
    rows = [["expenditure_date", "amount"]] + [["2024-04-01", n] for n in range(20_000)]  # compresses well
    assert workbook_safety.workbook_problem(workbook_bytes({"Spend": rows})) is None
    assert workbook_safety.workbook_problem(valid_workbook()) is None


@pytest.mark.parametrize("data, name", [
    (b"Date,Amount\n2024-04-01,\x00600\n", "nul.csv"),
    (b"\x00" * 64 + b"Date,Amount\n", "nul-start.csv"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image.csv"),
    (b"PK\x03\x04" + b"\x00" * 100, "renamed.csv"),
])
def test_nul_bytes_and_binary_files_are_not_tables(tmp_path, data, name):
    for schema in (SPEND, None):
        result = check(tmp_path, data, name, schema)
        assert result.status == "error" and result.issues[0].type == "binary-file", (name, schema)


def test_invalid_utf8_is_read_with_a_warning_never_an_error(tmp_path):
    result = check(tmp_path, b"expenditure_date,amount\n2024-04-01,600\n\xff\xfe\x80,1\n", "bad.csv", None)
    assert result.status == "success"
    assert any("not saved as UTF-8" in w for w in result.warnings)


def test_a_cell_of_megabytes_is_reported_not_fatal(tmp_path):
    result = check(tmp_path, b"expenditure_date,amount\n" + b"x" * (5 * 1024 * 1024) + b",1\n", "huge.csv")
    assert result.status in ("failure", "error") and result.issues


def test_a_csv_cut_inside_a_quoted_cell_is_a_message(tmp_path):
    result = check(tmp_path, b'expenditure_date,amount\n"2024-04-01,600\n', "cut.csv")
    assert result.status in ("failure", "error") and result.issues


def test_the_publish_jobs_refuse_the_same_workbooks(tmp_path):
    for data in (replace_part(valid_workbook(), "xl/sharedStrings.xml", XXE), valid_workbook()[:300]):
        path = tmp_path / "extract.xlsx"
        path.write_bytes(data)
        with pytest.raises(AssetBlocked) as blocked:
            extracts.read_table(str(path))
        assert "cannot be read" in blocked.value.problems[0].message
