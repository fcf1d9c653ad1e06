"""Everything that happens to an asset before the portal is contacted: decide, map, check, hash."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from westsuffolk_core.personal_data import AllowList

from . import extracts, mapping, table_check
from .periods import period_range
from .problems import AssetBlocked, Problem
from .register import Asset
from .settings import HIDDEN_STATUSES, PUBLISHABLE_PERSONAL_DATA, PUBLISHABLE_STATUS

PUBLISH, HIDE, SKIP, REFUSE = "publish", "hide", "skip", "refuse"
APPROVAL_NEEDS = ("table_schema", "extract_location")


@dataclass
class Decision:
    action: str  # PUBLISH, HIDE (make private if on the portal), SKIP, REFUSE
    reason: str


@dataclass
class PreparedTable:
    schema_ref: str
    schema: dict
    csv_bytes: bytes
    sha256: str
    row_count: int
    period_start: dt.date
    period_end: dt.date
    extract: str
    notes: list[str] = field(default_factory=list)


def decide(asset: Asset) -> Decision:
    """What the register allows for this asset."""
    status, personal = asset.publication_status, asset.personal_data
    if status in HIDDEN_STATUSES:
        return Decision(HIDE, f"The register marks it {status.replace('_', ' ')}; it is kept private on the portal.")
    if status != PUBLISHABLE_STATUS:
        return Decision(SKIP, f"The register marks it {status.replace('_', ' ')}; nothing is published yet.")
    if personal not in PUBLISHABLE_PERSONAL_DATA:
        return Decision(REFUSE, f"It is approved but the register says it holds {personal.replace('_', ' ')} "
                                "data, which is never published. It is kept private on the portal.")
    return Decision(PUBLISH, "Approved, with no personal data.")


def prepare(asset: Asset, extracts_root: Path, allow: AllowList) -> PreparedTable:
    """The mapped, validated, scanned CSV ready to publish; AssetBlocked says why not.
    `allow` is the portal's personal-data allow-list: the check is the one the portal makes."""
    missing = [name for name in APPROVAL_NEEDS if not asset.values.get(name)]
    if missing:
        raise AssetBlocked([Problem("An approved asset needs this filled in.", column=name, source="register")
                            for name in missing])
    schema_ref, schema = table_check.resolve_schema(asset.table_schema)
    try:
        start, end = period_range(asset.period)
    except ValueError as error:
        raise AssetBlocked(Problem(str(error), column="period", source="register")) from None
    mapping_path = asset.register_dir / asset.column_mapping if asset.column_mapping else None
    rules = mapping.load_mapping(mapping_path, schema)
    source = extracts.locate(asset.extract_location, extracts_root)
    table = mapping.apply_mapping(extracts.read_table(source, rules.sheet, rules.encoding), rules, schema)

    data = to_csv(table.header, table.rows)
    with tempfile.TemporaryDirectory(prefix="westsuffolk-publish-") as folder:
        path = Path(folder) / f"{schema['name']}.csv"
        path.write_bytes(data)
        problems, warnings = table_check.check_file(path, schema_ref, table.source_rows, allow, asset.asset_id)
    if problems:
        raise AssetBlocked(problems)
    return PreparedTable(
        schema_ref=schema_ref, schema=schema, csv_bytes=data, sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(table.rows), period_start=start, period_end=end, extract=source,
        notes=table.notes + warnings)


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """The published bytes: UTF-8 without a byte-order mark, "\\n" line endings, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
