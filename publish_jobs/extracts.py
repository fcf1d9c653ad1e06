"""Find an asset's extract (glob under the extracts folder, or an http(s) address) and read it as text cells."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .problems import AssetBlocked, Problem
from .cells import cell_text
from .settings import REQUEST_TIMEOUT_SECONDS

BOMS = ("\ufeff", "ï»¿")  # a UTF-8 byte-order mark, and the same mark decoded twice (seen in real exports)
FALLBACK_ENCODING = "cp1252"  # what Excel on Windows writes when it does not write UTF-8


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    source: str


def locate(location: str, extracts_root: Path) -> str:
    """The newest (last by name) file matching the location under the root, or the URL itself."""
    if location.startswith(("http://", "https://")):
        return location
    if Path(location).is_absolute():
        matches = sorted(Path("/").glob(location.lstrip("/")))
    else:
        matches = sorted(path for path in extracts_root.glob(location) if path.is_file())
    if not matches:
        raise AssetBlocked(Problem(
            f"No extract file matches '{location}' in {extracts_root}. Check the extract location "
            "in the register and that the extract has been saved there.",
            column="extract_location", source="extract"))
    return str(matches[-1])


def read_table(source: str) -> Table:
    """Header and rows of a CSV or .xlsx extract (local path or URL) as stripped text."""
    try:
        data = _fetch(source)
        if source.lower().split("?")[0].endswith(".xlsx"):
            raw = _xlsx_rows(data)
        else:
            raw = list(csv.reader(io.StringIO(_decode(data), newline="")))
    except AssetBlocked:
        raise
    except Exception as error:
        raise AssetBlocked(Problem(f"The extract {source} could not be read: {error}", source="extract")) from None
    raw = [row for row in raw if any(str(cell).strip() for cell in row)]
    if not raw:
        raise AssetBlocked(Problem(f"The extract {source} is empty.", source="extract"))
    header = [cell_text(cell).strip() for cell in raw[0]]
    for bom in BOMS:
        if header and header[0].startswith(bom):
            header[0] = header[0][len(bom):]
    width = len(header)
    rows = [([cell_text(cell).strip() for cell in row] + [""] * width)[:width] for row in raw[1:]]
    return Table(header=header, rows=rows, source=source)


def _fetch(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        import requests

        response = requests.get(source, timeout=REQUEST_TIMEOUT_SECONDS)
        if response.status_code != 200:
            raise AssetBlocked(Problem(
                f"The extract at {source} could not be downloaded (HTTP {response.status_code}).",
                column="extract_location", source="extract"))
        return response.content
    return Path(source).read_bytes()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(FALLBACK_ENCODING)


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
