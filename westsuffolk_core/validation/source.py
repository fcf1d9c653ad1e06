"""Look at the start of an uploaded file, cheaply, before frictionless reads it:
is it empty, binary, Excel or text; which encoding; which byte-order mark.
"""
from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass, field

from ..workbook_safety import workbook_problem

# How much of the file is read to decide the encoding (the rest is streamed later).
SNIFF_BYTES = 4 * 1024 * 1024

TEXT_FORMATS = ("csv", "tsv")
EXCEL_FORMATS = ("xlsx",)
UTF8 = "utf-8-sig"  # reads UTF-8 and drops a byte-order mark silently
FALLBACK_ENCODINGS = ("cp1252", "latin-1")  # Excel on Windows, then ISO-8859-1 (never fails)

# A UTF-8 byte-order mark that was itself re-encoded as UTF-8 ("ï»¿").
DOUBLE_ENCODED_BOM = codecs.BOM_UTF8.decode("cp1252").encode("utf-8")

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Word
# Leading bytes of common non-table files -> what to call them.
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a compressed (gzip) file",
    b"Rar!": "a compressed (RAR) file",
    b"7z\xbc\xaf": "a compressed (7-Zip) file",
    _ZIP: "a zip archive (perhaps an Excel workbook renamed to .csv)",
    _OLE2: "an Excel 97-2003 workbook (.xls) or another Office document",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "ISO-8859-1 (Latin-1)"}


def next_encoding(encoding: str | None) -> str | None:
    """The encoding to try when `encoding` proved wrong further into the file (None: no other)."""
    order = (UTF8, *FALLBACK_ENCODINGS)
    return order[order.index(encoding) + 1] if encoding in order[:-1] else None


def encoding_warning(encoding: str) -> str:
    return (
        f"The file was not saved as UTF-8; it was read as {_ENCODING_NAMES[encoding]}. "
        "Check that characters such as £ and é look right, and next time save it as "
        '"CSV UTF-8 (Comma delimited)".'
    )


DOUBLE_BOM_WARNING = (
    'The first heading started with the stray characters "ï»¿" (a byte-order mark saved twice); '
    "they were ignored. Save the file again as \"CSV UTF-8 (Comma delimited)\" to remove them."
)


@dataclass
class SourceFacts:
    """What the start of a file says about how to read it."""

    path: str
    format: str
    encoding: str | None = None
    skip_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    problem: str | None = None  # an issue type when the file cannot be read as a table
    detail: str | None = None


def _format_from_name(path: str) -> str:
    return os.path.splitext(path)[1].lstrip(".").lower()


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return "a binary file (it contains bytes that never appear in text)"
    return None


def _text_encoding(head: bytes, whole: bool) -> str:
    """UTF-8 if the sampled bytes decode as UTF-8, else the first fallback that does."""
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
        return UTF8
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            head.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def inspect_source(path: str, format: str | None = None, text_formats=TEXT_FORMATS) -> SourceFacts:
    """Decide how to read `path`; sets `problem` instead of raising for unreadable files.
    `text_formats`: the text formats that may be read (tables by default; any text when scanning)."""
    facts = SourceFacts(path=path, format=(format or _format_from_name(path) or "csv").lower())
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        facts.problem, facts.detail = "scheme-error", exc.strerror or str(exc)
        return facts
    if size == 0:
        facts.problem = "empty-file"
        return facts

    if facts.format in EXCEL_FORMATS:
        if not head.startswith(_ZIP):
            facts.problem = "binary-file" if _binary_kind(head) else "unsupported-format"
            facts.detail = _binary_kind(head) or "The file is named .xlsx but is not an Excel workbook."
        else:
            unsafe = workbook_problem(path)  # damaged, a zip bomb, or XML entities: never opened
            if unsafe:
                facts.problem, facts.detail = "unsafe-workbook", unsafe
        return facts
    if facts.format == "xls" or head.startswith(_OLE2):
        facts.problem = "unsupported-format"
        facts.detail = "Old Excel 97-2003 workbooks (.xls) cannot be checked."
        return facts
    if facts.format not in text_formats:
        facts.problem = "unsupported-format"
        facts.detail = f'Files of type ".{facts.format}" cannot be checked; only CSV and Excel (.xlsx) can.'
        return facts

    kind = _binary_kind(head)
    if kind:
        facts.problem, facts.detail = "binary-file", kind
        return facts

    if head.startswith(DOUBLE_ENCODED_BOM):
        facts.skip_bytes = len(DOUBLE_ENCODED_BOM)
        facts.warnings.append(DOUBLE_BOM_WARNING)
    facts.encoding = _text_encoding(head[facts.skip_bytes :], whole=size <= SNIFF_BYTES)
    if facts.encoding in FALLBACK_ENCODINGS:
        facts.warnings.append(encoding_warning(facts.encoding))
    return facts


class _SkippingFileIO(io.FileIO):
    """A file that starts `skip` bytes in: positions are relative to that point."""

    def __init__(self, path: str, skip: int):
        super().__init__(path, "rb")
        self._skip = skip
        super().seek(skip)

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos += self._skip
        return super().seek(pos, whence) - self._skip

    def tell(self) -> int:
        return super().tell() - self._skip


def open_skipping(path: str, skip: int) -> io.BufferedReader:
    """Open `path` for reading as if its first `skip` bytes were not there."""
    return io.BufferedReader(_SkippingFileIO(path, skip))
