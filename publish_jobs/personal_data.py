"""Scan every outgoing text cell for things that identify a person; any finding blocks the asset."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ckanext.westsuffolk.personal_data import find, masked as _masked

from .problems import Problem

MAX_REPORTED = 20


@dataclass(frozen=True)
class Finding:
    row: int
    column: str
    kind: str
    sample: str


def scan(header: list[str], rows: list[list[str]], row_numbers: list[int], text_columns: list[str],
         allow_values: list[str] = (), allow_patterns: list[str] = ()) -> list[Finding]:
    """Findings in the text columns; allowed values (whole cell or the matched text) are skipped."""
    allowed = {value.lower() for value in allow_values}
    allowed_patterns = [re.compile(pattern) for pattern in allow_patterns]
    positions = [(header.index(name), name) for name in text_columns if name in header]
    findings = []
    for cells, number in zip(rows, row_numbers):
        for position, name in positions:
            text = cells[position]
            if not text or text.lower() in allowed:
                continue
            for kind, hit in find(text):
                if hit.lower() in allowed or any(p.fullmatch(hit) for p in allowed_patterns):
                    continue
                findings.append(Finding(row=number, column=name, kind=kind, sample=_masked(hit)))
    return findings


def as_problems(findings: list[Finding], asset_id: str | None = None) -> list[Problem]:
    problems = [
        Problem(f"This cell seems to contain {f.kind} ({f.sample}). Remove it from the extract, drop or "
                "redact the column in the mapping, or allow the value in the mapping if it is a published "
                "role mailbox or switchboard number.",
                asset_id=asset_id, row=f.row, column=f.column, source="personal data")
        for f in findings[:MAX_REPORTED]
    ]
    if len(findings) > MAX_REPORTED:
        problems.append(Problem(f"…and {len(findings) - MAX_REPORTED} more cells that seem to hold personal data.",
                                asset_id=asset_id, source="personal data"))
    return problems
