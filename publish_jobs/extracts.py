"""Find an asset's extract (glob under the extracts folder, or an http(s) address) and read it as text cells.

What officers need to know about how an extract is read (encodings, sheets, columns without a heading)
is in MAPPING.md; the mapping settings `encoding:` and `sheet:` reach `read_table`.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from westsuffolk_core import safe_fetch
from westsuffolk_core.spreadsheets import cell_text, sheet_has_content
from westsuffolk_core.validation.source import DOUBLE_ENCODED_BOM, FALLBACK_ENCODINGS
from westsuffolk_core.workbook_safety import workbook_problem

from .problems import AssetBlocked, Problem
from .settings import FETCH_ALLOWED_HOSTS_ENV, fetch_policy

# A UTF-8 byte-order mark, and the same mark saved twice ("ï»¿", seen in real exports)
BOMS = ("\ufeff", DOUBLE_ENCODED_BOM.decode("utf-8"))
ZIP, OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"  # .xlsx (a zip archive); Excel 97-2003 .xls
DELIMITERS = (",", ";", "\t", "|")  # the one the heading line uses most separates the columns; "," on a tie
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1 (Latin-1)"}


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    source: str
    row_numbers: list[int] | None = None  # the extract's row number of each row; default 2, 3, ...
    unnamed: list[str] = field(default_factory=list)  # labels given to columns without a heading: "column 11"
    repeated: list[str] = field(default_factory=list)  # labels of repeated headings: "Amount (column 7)"
    notes: list[str] = field(default_factory=list)  # how the extract was read, for the run report

    def __post_init__(self):
        if self.row_numbers is None:
            self.row_numbers = list(range(2, len(self.rows) + 2))


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


def read_table(source: str, sheet: str | int | None = None, encoding: str | None = None) -> Table:
    """Header and rows of a CSV or .xlsx extract (local path or URL) as stripped text.

    `sheet` (name, or 1-based number) picks a workbook's sheet; `encoding` states a CSV's encoding.
    Nothing is dropped: cells beyond the last heading, or under a blank heading, become "column N".
    """
    try:
        data = _fetch(source)
        if data.startswith(OLE2):
            raise AssetBlocked(Problem(
                f"The extract {source} is an Excel 97-2003 workbook (.xls), which cannot be read. "
                "Save it as an Excel workbook (.xlsx) or as CSV UTF-8.", source="extract"))
        if data.startswith(ZIP):
            unsafe = workbook_problem(data)  # damaged, a zip bomb or XML entities: never opened
            if unsafe:
                raise AssetBlocked(Problem(f"The extract {source} cannot be read: {unsafe} Open it in Excel, save it "
                                           "again and run the publish jobs again.", source="extract"))
            raw, notes = _xlsx_rows(data, sheet)
            if encoding:
                notes.append(f"The mapping's encoding: ({encoding}) was not needed: the extract is a "
                             "workbook.")
        else:
            text, notes = _decode(data, encoding)
            raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
            if sheet is not None:
                notes.append(f"The mapping's sheet: ({sheet}) was not needed: the extract is a CSV file.")
    except AssetBlocked:
        raise
    except Exception as error:
        raise AssetBlocked(Problem(f"The extract {source} could not be read: {error}",
                                   source="extract")) from None
    return _table(raw, source, notes)


def _table(raw: list[list], source: str, notes: list[str]) -> Table:
    numbered = [(number, [cell_text(cell).strip() for cell in row]) for number, row in enumerate(raw, 1)]
    numbered = [(number, cells) for number, cells in numbered if any(cells)]  # blank lines: skipped
    if not numbered:
        raise AssetBlocked(Problem(f"The extract {source} is empty.", source="extract"))
    width = max(len(cells) for _, cells in numbered)
    heading, *body = [cells + [""] * (width - len(cells)) for _, cells in numbered]
    for bom in BOMS * 2:  # a mark saved twice can follow a mark
        if heading[0].startswith(bom):
            heading[0] = heading[0][len(bom):].strip()
            if bom != BOMS[0]:
                notes.append('The first heading started with the stray characters "ï»¿" (a byte-order mark '
                             "saved twice); they were ignored.")
    kept = [i for i in range(width) if heading[i] or any(row[i] for row in body)]  # else unnamed and empty
    table = Table(header=[], rows=[[row[i] for i in kept] for row in body], source=source,
                  row_numbers=[number for number, _ in numbered[1:]], notes=notes)
    for i in kept:
        label = heading[i]
        if not label:
            label = f"column {i + 1}"
            table.unnamed.append(label)
        elif label in table.header:
            label = f"{label} (column {i + 1})"
            table.repeated.append(label)
        table.header.append(label)
    return table


def _fetch(source: str) -> bytes:
    """The extract's bytes: a local file, or a download through the safe fetcher (public addresses and
    the intranet hosts in WESTSUFFOLK_FETCH_ALLOWED_HOSTS only)."""
    if source.startswith(("http://", "https://")):
        try:
            return safe_fetch.fetch_bytes(source, fetch_policy())
        except safe_fetch.AddressNotAllowed as refused:
            raise AssetBlocked(Problem(
                f"The extract at {source} was not downloaded. {refused.message} If it is on the council's "
                f"intranet, add its host to {FETCH_ALLOWED_HOSTS_ENV} (see publish_jobs/README.md).",
                column="extract_location", source="extract")) from None
        except safe_fetch.FetchError as failed:
            raise AssetBlocked(Problem(
                f"The extract at {source} could not be downloaded: {failed.message} Check the extract location "
                "in the register.", column="extract_location", source="extract")) from None
    return Path(source).read_bytes()


def encoding_name(encoding: str) -> str:
    """'cp1252' -> 'Windows-1252'; raises LookupError for a name Python does not know."""
    codec = codecs.lookup(encoding).name
    return ENCODING_NAMES.get(codec, codec)


def _decode(data: bytes, stated: str | None) -> tuple[str, list[str]]:
    """The text of a CSV: as the mapping states, else UTF-8 (with or without a byte-order mark),
    else the portal's fallbacks (Windows-1252, then Latin-1); a note says when it was not UTF-8."""
    if stated:
        codec = "utf-8-sig" if codecs.lookup(stated).name == "utf-8" else stated
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise AssetBlocked(Problem(
                f"The extract is not {encoding_name(stated)} as the mapping's encoding: says: line {line} "
                f"holds the byte 0x{data[error.start]:02X}, which {encoding_name(stated)} does not use. "
                "Remove encoding: from the mapping to let the publish jobs recognise the encoding, or "
                "correct it.",
                source="extract")) from None
        name = encoding_name(stated)
        notes = [f"The extract was read as {name}, as the mapping's encoding: says."]
        return text, [] if name == "UTF-8" else notes
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for fallback in FALLBACK_ENCODINGS:
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text, [(f"The extract is not UTF-8; it was read as {encoding_name(fallback)}. Check that £ "
                       "and accented letters look right; if they do not, state the encoding in the mapping "
                       "(encoding:, see MAPPING.md).")]
    raise AssertionError("Latin-1 reads any bytes")


def _delimiter(text: str) -> str:
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    return max(DELIMITERS, key=first.count)  # max() keeps the first of equals: ","


def _xlsx_rows(data: bytes, stated: str | int | None) -> tuple[list[list], list[str]]:
    """Rows of one sheet: the one the mapping names, else the only sheet with anything in it."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = workbook.worksheets
        for sheet in sheets:
            sheet.reset_dimensions()  # some exporters write a wrong size; read every cell there is
        filled = [sheet for sheet in sheets if sheet_has_content(sheet)]
        if stated is not None:
            sheet = _stated_sheet(sheets, filled, stated)
            if sheet not in filled:
                raise AssetBlocked(Problem(
                    f"The sheet '{sheet.title}' that the mapping's sheet: names is empty. The sheets with "
                    f"something in them are: {_sheet_list(filled) or 'none'}.", source="extract"))
            notes = [f"Read the sheet '{sheet.title}' of the workbook, as the mapping's sheet: says."]
        elif len(filled) > 1:
            raise AssetBlocked(Problem(
                f"The workbook has {len(filled)} sheets with something in them: {_sheet_list(filled)}. Say "
                "which one to publish: add sheet: to the mapping with its name (for example "
                f"sheet: \"{filled[-1].title}\").", source="extract"))
        elif filled:
            sheet = filled[0]
            others = [s for s in sheets if s is not sheet]
            notes = [f"Read the sheet '{sheet.title}', the only sheet of the workbook with anything in it"
                     + (f" (its other sheets are empty: {_sheet_list(others)})." if others else ".")]
        else:
            return [], []
        return [list(row) for row in sheet.iter_rows(values_only=True)], notes
    finally:
        workbook.close()


def _sheet_list(sheets) -> str:
    return ", ".join(f"'{s.title}'" + (" (hidden)" if s.sheet_state != "visible" else "") for s in sheets)


def _stated_sheet(sheets, filled, stated: str | int):
    if isinstance(stated, int):
        if 1 <= stated <= len(sheets):
            return sheets[stated - 1]
        wrong = f"has no sheet number {stated} (it has {len(sheets)})"
    else:
        for sheet in sheets:
            if sheet.title == stated or sheet.title.strip().casefold() == stated.strip().casefold():
                return sheet
        wrong = f"has no sheet '{stated}'"
    raise AssetBlocked(Problem(
        f"The workbook {wrong}, which the mapping's sheet: names. Its sheets are: {_sheet_list(sheets)}; "
        f"those with something in them: {_sheet_list(filled) or 'none'}.", source="extract"))
