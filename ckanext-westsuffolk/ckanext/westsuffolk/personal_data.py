"""What personal data looks like in a table cell, and which council addresses are roles, not people.

ckan-free: the publish jobs scan every outgoing cell with `find`, and portal uploads are checked
with the same detectors (the `personal_data_cell` frictionless check in validation_checks)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator

__all__ = ["DETECTORS", "find", "masked", "is_role_mailbox", "looks_like_personal_address",
           "COUNCIL_MAIL_DOMAIN", "might_hold_personal_data", "findings"]

COUNCIL_MAIL_DOMAIN = "westsuffolk.gov.uk"
# A role mailbox names a team or function; "first.last@" names a person.
ROLE_WORDS = frozenset({
    "data", "open", "team", "foi", "finance", "transparency", "info", "information", "enquiries",
    "customer", "services", "planning", "waste", "housing", "licensing", "parking", "hr", "procurement",
    "democratic", "elections", "property", "estates", "audit", "governance", "legal", "environmental",
    "health", "leisure", "communications", "press", "payroll", "revenues", "benefits", "fraud",
    "chief", "executive", "director", "head", "manager", "officer", "office", "operations", "resources",
    "service", "support", "admin", "council", "leader", "chair", "cabinet", "members", "mayor",
})
_PERSON_SHAPED = re.compile(r"^[a-z]+[.\-_][a-z]+\d*$")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_CANDIDATE = re.compile(r"(?<![\w.])(?:\+\s?44|\(?0)[\d\s()-]{8,16}\d(?![\w.])")
UK_PHONE_PREFIXES = ("01", "02", "03", "07", "08")
NI_NUMBER = re.compile(
    r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
SORT_CODE = re.compile(r"(?<![\d-])\d{2}-\d{2}-\d{2}(?![\d-])")
BANK_ACCOUNT = re.compile(r"\b(?:a/c|acc(?:oun)?t?|account)\s*(?:no\.?|number)?\s*[:#]?\s*\d{8}\b", re.IGNORECASE)
IBAN = re.compile(r"\bGB\d{2}\s?[A-Z]{4}(?:\s?\d{2,4}){3,4}\b")
CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){14,18}\d(?!\d)")


def _phones(text: str) -> Iterator[str]:
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


def _cards(text: str) -> Iterator[str]:
    for match in CARD_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 15 <= len(digits) <= 19 and _luhn(digits):
            yield match.group()


def _matches(pattern: re.Pattern) -> Callable[[str], Iterator[str]]:
    return lambda text: (m.group() for m in pattern.finditer(text))


DETECTORS: dict[str, Callable[[str], Iterator[str]]] = {
    "an e-mail address": _matches(EMAIL),
    "a UK phone number": _phones,
    "a National Insurance number": _matches(NI_NUMBER),
    "a bank sort code": _matches(SORT_CODE),
    "a bank account number": _matches(BANK_ACCOUNT),
    "an IBAN": _matches(IBAN),
    "a payment card number": _cards,
}


# Every detector needs an "@" or a run of 6+ digits, spaces, brackets or hyphens: one cheap search
# skips most text; one search with all candidate patterns skips most of the rest.
_CHEAP = re.compile(r"@|\d[\d\s()-]{4,}\d").search
_ANY_CANDIDATE = re.compile("|".join(f"(?:{p.pattern})" for p in (
    EMAIL, PHONE_CANDIDATE, NI_NUMBER, SORT_CODE, BANK_ACCOUNT, IBAN, CARD_CANDIDATE)), re.IGNORECASE).search


def might_hold_personal_data(text: str) -> bool:
    return bool(_CHEAP(text)) and bool(_ANY_CANDIDATE(text))


def find(text: str) -> Iterator[tuple[str, str]]:
    """(kind, matched text) for everything in `text` that looks like personal data."""
    if not might_hold_personal_data(text):
        return
    for kind, detect in DETECTORS.items():
        for hit in detect(text):
            yield kind, hit


@lru_cache(maxsize=65536)
def findings(text: str) -> tuple[tuple[str, str], ...]:
    """`find` for repeated cell values (payees, codes) in a long table, cached."""
    return tuple(find(text))


def masked(text: str) -> str:
    """Enough to find the cell, not enough to repeat the personal data in a report."""
    return text[:3] + "…" if len(text) > 3 else "…"


def looks_like_personal_address(local_part: str) -> bool:
    words = set(re.split(r"[.\-_]", local_part))
    return bool(_PERSON_SHAPED.match(local_part)) and not words & ROLE_WORDS


def is_role_mailbox(address: str) -> bool:
    """A council address naming a team or role (publishable), not a person."""
    local, _, domain = address.strip().lower().partition("@")
    return bool(local) and domain == COUNCIL_MAIL_DOMAIN and not looks_like_personal_address(local)
