"""Scan every outgoing text cell for things that identify a person; any finding blocks the asset."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .problems import Problem

MAX_REPORTED = 20

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_CANDIDATE = re.compile(r"(?<![\w.])(?:\+\s?44|\(?0)[\d\s()-]{8,16}\d(?![\w.])")
UK_PHONE_PREFIXES = ("01", "02", "03", "07", "08")
NI_NUMBER = re.compile(
    r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
SORT_CODE = re.compile(r"(?<![\d-])\d{2}-\d{2}-\d{2}(?![\d-])")
BANK_ACCOUNT = re.compile(r"\b(?:a/c|acc(?:oun)?t?|account)\s*(?:no\.?|number)?\s*[:#]?\s*\d{8}\b", re.IGNORECASE)
IBAN = re.compile(r"\bGB\d{2}\s?[A-Z]{4}(?:\s?\d{2,4}){3,4}\b")
CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){14,18}\d(?!\d)")


@dataclass(frozen=True)
class Finding:
    row: int
    column: str
    kind: str
    sample: str


def _phones(text: str):
    for match in PHONE_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        if len(digits) in (10, 11) and digits.startswith(UK_PHONE_PREFIXES):
            yield match.group()


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _cards(text: str):
    for match in CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 15 <= len(digits) <= 19 and _luhn(digits):
            yield match.group()


DETECTORS = {
    "an e-mail address": lambda text: (m.group() for m in EMAIL.finditer(text)),
    "a UK phone number": _phones,
    "a National Insurance number": lambda text: (m.group() for m in NI_NUMBER.finditer(text)),
    "a bank sort code": lambda text: (m.group() for m in SORT_CODE.finditer(text)),
    "a bank account number": lambda text: (m.group() for m in BANK_ACCOUNT.finditer(text)),
    "an IBAN": lambda text: (m.group() for m in IBAN.finditer(text)),
    "a payment card number": _cards,
}


def _masked(text: str) -> str:
    """Enough to find the cell, not enough to repeat the personal data in a report."""
    return text[:3] + "…" if len(text) > 3 else "…"


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
            for kind, detect in DETECTORS.items():
                for hit in detect(text):
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
