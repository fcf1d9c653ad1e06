"""Reading extracts: every column kept, any encoding and line end, the right sheet of a workbook."""
import codecs
import datetime as dt

import pytest

from publish_jobs import extracts
from publish_jobs.cells import plain_number
from publish_jobs.problems import AssetBlocked
from tests.workbooks import workbook_bytes
from westsuffolk_core.spreadsheets import cell_text

HEADING = "Date,Payee,Amount\r\n"


def write(tmp_path, data, name="x.csv"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def read(tmp_path, data, name="x.csv", **options):
    return extracts.read_table(write(tmp_path, data, name), **options)


# --- nothing dropped silently -------------------------------------------------------------------------------

def test_cells_beyond_the_last_heading_become_a_named_column(tmp_path):
    table = read(tmp_path, HEADING + "2024-08-01,Acme Ltd,600\r\n2024-08-02,Acme Ltd,700,checked\r\n")
    assert table.header == ["Date", "Payee", "Amount", "column 4"]
    assert table.unnamed == ["column 4"]
    assert table.rows == [["2024-08-01", "Acme Ltd", "600", ""], ["2024-08-02", "Acme Ltd", "700", "checked"]]


def test_a_blank_heading_over_values_becomes_a_named_column(tmp_path):
    table = read(tmp_path, "Date,,Amount\r\n2024-08-01,x,600\r\n")
    assert table.header == ["Date", "column 2", "Amount"]


def test_unnamed_columns_without_values_are_ignored_quietly(tmp_path):
    table = read(tmp_path, "Date,,Payee,Amount,,\r\n"
                           "2024-08-01,,Acme Ltd,600,,,\r\n2024-08-02,,Acme Ltd,700,,,,\r\n")
    assert table.header == ["Date", "Payee", "Amount"]
    assert table.rows == [["2024-08-01", "Acme Ltd", "600"], ["2024-08-02", "Acme Ltd", "700"]]
    assert table.unnamed == [] and table.notes == []


def test_a_named_column_without_values_is_kept_for_the_mapping_to_decide(tmp_path):
    assert read(tmp_path, "Date,Notes\r\n2024-08-01,\r\n").header == ["Date", "Notes"]


def test_a_repeated_heading_is_told_apart_by_its_position(tmp_path):
    table = read(tmp_path, "Amount,Payee,Amount\r\n1,Acme Ltd,2\r\n")
    assert table.header == ["Amount", "Payee", "Amount (column 3)"]
    assert table.repeated == ["Amount (column 3)"]
    assert table.rows == [["1", "Acme Ltd", "2"]]


def test_row_numbers_are_the_extracts_own_after_blank_lines(tmp_path):
    table = read(tmp_path, "\r\n" + HEADING + "2024-08-01,A Ltd,1\r\n,,\r\n\r\n2024-08-02,B Ltd,2\r\n")
    assert table.row_numbers == [3, 6]


# --- encodings and line ends --------------------------------------------------------------------------------

ROW = "2024-08-01,Café Rouge Ltd – Bury,£12.50\r\n"


@pytest.mark.parametrize("data", [
    (HEADING + ROW).encode("utf-8"),
    codecs.BOM_UTF8 + (HEADING + ROW).encode("utf-8"),
])
def test_utf8_with_or_without_a_byte_order_mark_is_read_without_a_note(tmp_path, data):
    table = read(tmp_path, data)
    assert table.header == ["Date", "Payee", "Amount"]
    assert table.rows == [["2024-08-01", "Café Rouge Ltd – Bury", "£12.50"]]
    assert table.notes == []


def test_a_byte_order_mark_saved_twice_is_removed_with_a_note(tmp_path):
    data = codecs.BOM_UTF8.decode("cp1252").encode("utf-8") + (HEADING + ROW).encode("utf-8")
    table = read(tmp_path, data)
    assert table.header[0] == "Date"
    assert "ï»¿" in table.notes[0] and "ignored" in table.notes[0]


def test_windows_1252_is_recognised_and_noted(tmp_path):
    table = read(tmp_path, (HEADING + ROW).encode("cp1252"))
    assert table.rows == [["2024-08-01", "Café Rouge Ltd – Bury", "£12.50"]]  # "–": 0x96 only in Windows-1252
    assert table.notes == [(
        "The extract is not UTF-8; it was read as Windows-1252. Check that £ and accented letters look "
        "right; if they do not, state the encoding in the mapping (encoding:, see MAPPING.md).")]


def test_bytes_windows_1252_lacks_fall_back_to_latin_1(tmp_path):
    table = read(tmp_path, (HEADING + "2024-08-01,Caf\xe9 \x81,1\r\n").encode("latin-1"))
    assert table.rows[0][1] == "Café \x81"
    assert "ISO-8859-1 (Latin-1)" in table.notes[0]


@pytest.mark.parametrize("stated, name", [("cp1252", "Windows-1252"), ("windows-1252", "Windows-1252"),
                                          ("latin-1", "ISO-8859-1 (Latin-1)")])
def test_a_stated_encoding_is_used_and_noted(tmp_path, stated, name):
    table = read(tmp_path, (HEADING + "2024-08-01,Café Ltd,1\r\n").encode("cp1252"), encoding=stated)
    assert table.rows[0][1] == "Café Ltd"
    assert table.notes == [f"The extract was read as {name}, as the mapping's encoding: says."]


def test_stated_utf8_removes_the_byte_order_mark_and_adds_no_note(tmp_path):
    table = read(tmp_path, codecs.BOM_UTF8 + (HEADING + ROW).encode("utf-8"), encoding="utf-8")
    assert table.header[0] == "Date" and table.notes == []


def test_a_wrong_stated_encoding_stops_the_asset_naming_the_line(tmp_path):
    data = (HEADING + "2024-08-01,A Ltd,1\r\n" + ROW).encode("cp1252")
    with pytest.raises(AssetBlocked) as caught:
        read(tmp_path, data, encoding="utf-8")
    [problem] = caught.value.problems
    assert "not UTF-8 as the mapping's encoding: says: line 3 holds the byte 0xE9" in problem.message
    assert "Remove encoding:" in problem.message


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_crlf_cr_and_lf_line_ends(tmp_path, line_end):
    text = line_end.join(["Date,Payee,Amount", '2024-08-01,"Two', 'lines Ltd",1', "2024-08-02,B Ltd,2", ""])
    table = read(tmp_path, text)
    assert table.rows == [["2024-08-01", f"Two{line_end}lines Ltd", "1"], ["2024-08-02", "B Ltd", "2"]]
    assert table.row_numbers == [2, 3]


def test_semicolons_separate_columns_when_the_heading_line_uses_them(tmp_path):
    table = read(tmp_path, "Date;Payee;Amount\r\n2024-08-01;Acme, Ltd;1.234,56\r\n")
    assert table.rows == [["2024-08-01", "Acme, Ltd", "1.234,56"]]


# --- workbooks ----------------------------------------------------------------------------------------------

def workbook(tmp_path, sheets, name="x.xlsx", hidden=()):
    path = tmp_path / name
    path.write_bytes(workbook_bytes(sheets, hidden))
    return str(path)


DATA = [["Date", "Payee", "Amount"], [dt.datetime(2024, 8, 1), "Acme Ltd", 600.1],
        [dt.date(2024, 8, 2), "B Ltd", 7]]
COVER = [["Spending over £500"], [], ["See the sheet Data"]]


def test_the_only_sheet_with_anything_in_it_is_read_and_named(tmp_path):
    table = extracts.read_table(workbook(tmp_path, {"Sheet1": [], "Data": DATA, "Sheet3": []}))
    assert table.rows == [["2024-08-01", "Acme Ltd", "600.1"], ["2024-08-02", "B Ltd", "7"]]
    assert table.notes == [("Read the sheet 'Data', the only sheet of the workbook with anything in it "
                            "(its other sheets are empty: 'Sheet1', 'Sheet3').")]


def test_a_workbook_with_two_filled_sheets_needs_sheet_in_the_mapping(tmp_path):
    with pytest.raises(AssetBlocked) as caught:
        extracts.read_table(workbook(tmp_path, {"Cover": COVER, "Data": DATA, "Notes": [["x"]], "Empty": []},
                                     hidden=("Notes",)))
    [problem] = caught.value.problems
    assert problem.message == (
        "The workbook has 3 sheets with something in them: 'Cover', 'Data', 'Notes' (hidden). Say which one "
        "to publish: add sheet: to the mapping with its name (for example sheet: \"Notes\").")


@pytest.mark.parametrize("sheet", ["Data", " data ", 2])
def test_sheet_by_name_or_number(tmp_path, sheet):
    table = extracts.read_table(workbook(tmp_path, {"Cover": COVER, "Data": DATA}), sheet=sheet)
    assert table.header == ["Date", "Payee", "Amount"] and len(table.rows) == 2
    assert table.notes == ["Read the sheet 'Data' of the workbook, as the mapping's sheet: says."]


@pytest.mark.parametrize("sheet, wrong", [("Dat", "has no sheet 'Dat'"),
                                          (3, "has no sheet number 3 (it has 2)")])
def test_a_sheet_the_workbook_lacks_is_named_with_the_sheets_it_has(tmp_path, sheet, wrong):
    with pytest.raises(AssetBlocked) as caught:
        extracts.read_table(workbook(tmp_path, {"Cover": COVER, "Data": DATA}), sheet=sheet)
    assert caught.value.problems[0].message == (
        f"The workbook {wrong}, which the mapping's sheet: names. Its sheets are: 'Cover', 'Data'; "
        "those with something in them: 'Cover', 'Data'.")


def test_an_empty_chosen_sheet_is_refused(tmp_path):
    with pytest.raises(AssetBlocked, match="The sheet 'Sheet2' that the mapping's sheet: names is empty"):
        extracts.read_table(workbook(tmp_path, {"Data": DATA, "Sheet2": []}), sheet="Sheet2")


def test_an_empty_workbook_is_refused(tmp_path):
    with pytest.raises(AssetBlocked, match="is empty"):
        extracts.read_table(workbook(tmp_path, {"Sheet1": []}))


def test_a_workbook_is_recognised_by_its_content_not_its_name(tmp_path):
    path = workbook(tmp_path, {"Data": DATA}, name="download")
    assert extracts.read_table(path).header == ["Date", "Payee", "Amount"]


def test_workbook_cells_beyond_the_headings_are_kept(tmp_path):
    rows = [["Date", None, "Amount"], ["2024-08-01", None, 1, "x"]]
    table = extracts.read_table(workbook(tmp_path, {"Data": rows}))
    assert table.header == ["Date", "Amount", "column 4"]


def test_old_excel_files_are_refused_with_what_to_do(tmp_path):
    with pytest.raises(AssetBlocked, match=r"Excel 97-2003 workbook \(\.xls\).*Save it as an Excel workbook"):
        read(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="x.xls")


def test_settings_the_file_does_not_need_are_noted(tmp_path):
    assert read(tmp_path, HEADING, sheet="Data").notes == [
        "The mapping's sheet: (Data) was not needed: the extract is a CSV file."]
    table = extracts.read_table(workbook(tmp_path, {"Data": DATA}), encoding="cp1252")
    assert "The mapping's encoding: (cp1252) was not needed: the extract is a workbook." in table.notes


# --- cells --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (None, ""), (600.0, "600"), (0.1 + 0.2, "0.3"), (1234.5600000000002, "1234.56"),
    (1e20, "100000000000000000000"), (7, "7"), (dt.datetime(2020, 6, 24), "2020-06-24"),
    (dt.datetime(2020, 6, 24, 10, 30), "2020-06-24T10:30:00"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("text, number", [
    ("£1,250.50", "1250.50"), ("£ 2,000.00", "2000.00"), ("(1,234.56)", "-1234.56"), ("(£12.50)", "-12.50"),
    ("1,234.56-", "-1234.56"), ("-£3.20", "-3.20"), ("£-3.20", "-3.20"), ("€5", "5"), ("$7.5", "7.5"),
    ("1\u00a0234.5", "1234.5"), ("\u221212", "-12"), (".5", "0.5"), ("+4", "4"),
    ("1,5", None), ("12,34,567", None), ("abc", None), ("-", None), ("£", None), ("(-5)", None),
])
def test_plain_number_with_the_usual_separators(text, number):
    assert plain_number(text) == number


@pytest.mark.parametrize("text, number", [
    ("1.234,56", "1234.56"), ("(1.234,56 €)", "-1234.56"), ("12,5", "12.5"), ("1.5", None),
    ("1,234.56", None),
])
def test_plain_number_with_a_decimal_comma(text, number):
    assert plain_number(text, decimal=",", thousands=".") == number


# --- extracts at web addresses: the safe fetcher ------------------------------------------------------------

def test_an_extract_at_an_internal_address_is_refused_with_the_setting_to_change(monkeypatch):
    monkeypatch.delenv("WESTSUFFOLK_FETCH_ALLOWED_HOSTS", raising=False)
    with pytest.raises(AssetBlocked) as blocked:
        extracts.read_table("http://127.0.0.1:8983/solr/ckan/select?q=*:*&wt=csv")
    message = blocked.value.problems[0].message
    assert "This address is not allowed" in message and "WESTSUFFOLK_FETCH_ALLOWED_HOSTS" in message


def test_an_extract_on_a_trusted_intranet_host_is_read(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = HEADING.encode() + b"2024-08-01,Acme Ltd,600\r\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("WESTSUFFOLK_FETCH_ALLOWED_HOSTS", "127.0.0.1/32")
        table = extracts.read_table(f"http://127.0.0.1:{httpd.server_address[1]}/spend.csv")
        assert table.header == ["Date", "Payee", "Amount"] and table.rows == [["2024-08-01", "Acme Ltd", "600"]]
    finally:
        httpd.shutdown()
        httpd.server_close()
