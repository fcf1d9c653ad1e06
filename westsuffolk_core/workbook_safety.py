"""Look inside an Excel workbook (.xlsx, a zip of XML parts) before any spreadsheet library opens it, and
refuse what Excel never writes but attackers do:

- a damaged or cut-off zip (the upload stopped half-way);
- a zip bomb: parts that expand to far more than the file (a few MB that become gigabytes in memory);
- XML with a DOCTYPE (entity expansion, "billion laughs", or external entities that read local files or
  internal addresses): Office Open XML parts never carry one.

`workbook_problem` answers with a sentence for officers, or None when the workbook may be opened. Both the
portal's validation (validation/source.py) and the publish jobs' extract reading use it.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import zipfile

# Most bytes a workbook may expand to (all parts together), and the most one part may expand per byte.
MAX_EXPANDED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # real workbooks compress 5-30 times; a part of a few MB may reach ~100 (repeated cells)
RATIO_FLOOR = 10 * 1024 * 1024  # parts smaller than this expanded are never a bomb, whatever their ratio
MAX_PARTS = 10_000
MAX_PROLOG = 1024 * 1024  # what may come before a part's root element (declaration, comments, white space)
# the prolog's harmless pieces; anything else before the root element (a DOCTYPE) is refused
_PROLOG_PIECE = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def workbook_problem(source: str | os.PathLike | bytes) -> str | None:
    """Why the workbook must not be opened, in words for officers; None when it may be."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                return f"The workbook holds {len(parts):,} parts, far more than Excel writes."
            expanded = sum(part.file_size for part in parts)
            if expanded > MAX_EXPANDED_BYTES:
                return (f"The workbook would expand to {expanded / 1024 ** 3:.1f} GB when opened, more than the "
                        f"portal reads ({MAX_EXPANDED_BYTES / 1024 ** 3:.0f} GB).")
            for part in parts:
                ratio = part.file_size // max(part.compress_size, 1)
                if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                    return (f"The workbook's part {part.filename[:80]} is compressed {ratio:,} times, which real "
                            "workbooks never are (it may be a zip bomb).")
            for part in parts:
                if part.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_doctype(archive, part):
                    return (f"The workbook's part {part.filename[:80]} declares XML entities (a DOCTYPE), which Excel "
                            "never writes; such files can be used to attack servers.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return "The workbook is damaged or incomplete (perhaps the upload stopped before the end of the file)."
    return None


def _has_doctype(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether anything but white space, the XML declaration, processing instructions and comments comes
    before the root element: a DOCTYPE, however much padding hides it."""
    with archive.open(part) as stream:
        head = stream.read(MAX_PROLOG)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    head = head.removeprefix(codecs.BOM_UTF8)
    position = 0
    while True:
        piece = _PROLOG_PIECE.match(head, position)
        if piece is None:
            break
        position = piece.end()
    rest = head[position:position + 2]
    if not rest:
        return len(head) >= MAX_PROLOG  # nothing but prolog for a megabyte: not an Office part
    return rest.startswith(b"<!") or not rest.startswith(b"<")
