"""Regenerate the small bad-input fixtures: `python tests/data/bad-inputs/make_fixtures.py`.

Every file matches the test schema in tests/unit/test_validation.py
(date, department, supplier, amount, route, reference).
"""
import codecs
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "date,department,supplier,amount,route,reference\r\n"
ROW = "2024-03-31,Leisure,Acme Ltd,120.50,quote,R{n}\r\n"


def rows(count: int, start: int = 1) -> str:
    return "".join(ROW.format(n=n) for n in range(start, start + count))


FIXTURES = {
    "valid.csv": (HEADER + rows(3)).encode("utf-8"),
    "ragged.csv": (
        HEADER
        + rows(1)
        + "2024-03-31,Leisure,Acme Ltd,120.50,quote,R2,surplus\r\n"  # one cell too many
        + "2024-03-31,Leisure,Acme Ltd\r\n"  # three cells missing
    ).encode("utf-8"),
    # "£" and "é" as Windows-1252 bytes (A3, E9), as Excel on Windows saves "CSV"
    "windows-1252.csv": (HEADER + "2024-03-31,Leisure,Café Rouge,£12.50,quote,R1\r\n").encode("cp1252"),
    # 0x81 is not a Windows-1252 character: only ISO-8859-1 (Latin-1) reads it
    "latin-1.csv": (HEADER + "2024-03-31,Leisure,Caf\xe9 \x81,12.50,quote,R1\r\n").encode("latin-1"),
    "utf8-bom.csv": codecs.BOM_UTF8 + (HEADER + rows(2)).encode("utf-8"),
    # the UTF-8 BOM decoded as Windows-1252 and saved again as UTF-8: C3 AF C2 BB C2 BF
    "double-bom.csv": codecs.BOM_UTF8.decode("cp1252").encode("utf-8") + (HEADER + rows(2)).encode("utf-8"),
    "empty.csv": b"",
    "header-only.csv": HEADER.encode("utf-8"),
    "png-named.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00",
    "formulas.csv": (
        HEADER
        + '2024-03-31,Leisure,"=HYPERLINK(""http://evil.example"",""Click"")",120.50,quote,R1\r\n'
        + "2024-03-31,+cmd,Acme Ltd,120.50,quote,R2\r\n"
        + "2024-03-31,Leisure,-2+3,-12.50,quote,R3\r\n"
        + "2024-03-31,Leisure,Acme Ltd,120.50,quote,@SUM(A1:A9)\r\n"
        + "2024-03-31,Leisure,-12.50,-7,quote,R5\r\n"  # signed numbers are not formulas
    ).encode("utf-8"),
    "wrong-headings.csv": (
        b"Date,department,amount,supplier,route,reference,notes\r\n"
         b"2024-03-31,Leisure,120.50,Acme Ltd,quote,R1,x\r\n"
    ),
    "missing-column.csv": ("date,department,supplier,amount,route\r\n" + "2024-03-31,Leisure,Acme,1.00,quote\r\n").encode(),
    "bad-values.csv": (
        HEADER
        + "31/03/2024,Leisure,Acme Ltd,£1,200.00,quote,R1\r\n"  # unquoted comma: also ragged
        + "2024-03-31,,Acme Ltd,abc,auction,R1\r\n"
        + "\r\n"
    ).encode("utf-8"),
}


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", HEADER + rows(1))
    return buffer.getvalue()


if __name__ == "__main__":
    FIXTURES["zip-named.csv"] = zip_bytes()
    for name, content in FIXTURES.items():
        (HERE / name).write_bytes(content)
