"""What personal data looks like in a table cell, which council addresses are roles, not people,
and the one allow-list for values published on purpose.

CKAN-free: portal uploads and the publish jobs are checked by the same detectors and the same
AllowList (through `validation.validate_table`), so both give the same answer."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any

__all__ = [
    "COUNCIL_MAIL_DOMAIN",
    "DETECTORS",
    "EMAIL_KIND",
    "NAME_KIND",
    "NAME_WITH_TITLE",
    "AllowList",
    "AllowedValue",
    "compact",
    "find",
    "findings",
    "is_payee_heading",
    "is_role_mailbox",
    "looks_like_personal_address",
    "mailbox_problem",
    "masked",
    "might_hold_personal_data",
    "names_with_titles",
]

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


EMAIL_KIND = "an e-mail address"
DETECTORS: dict[str, Callable[[str], Iterator[str]]] = {
    EMAIL_KIND: _matches(EMAIL),
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


def mailbox_problem(address: str) -> str | None:
    """Why `address` cannot be published as a dataset's contact; None for a council role mailbox.
    (The dataset form and the asset register both ask this.)"""
    local, _, domain = address.strip().lower().partition("@")
    if not local or domain != COUNCIL_MAIL_DOMAIN:
        return (f"Enter a council role mailbox ending @{COUNCIL_MAIL_DOMAIN}, "
                f"for example opendata@{COUNCIL_MAIL_DOMAIN}.")
    if looks_like_personal_address(local):
        return ("This looks like a person's own address. Use a team or role mailbox "
                f"(for example transparency@{COUNCIL_MAIL_DOMAIN}) so the contact survives staff changes "
                "and no personal data is published.")
    return None


# --- names of private individuals ------------------------------------------------------------
# A personal title before a name in a column saying who was paid ("MRS JANE HAYWOOD",
# "CCA & MRS CA BOLLAND") is a strong, cheap signal of a private individual; organisations that
# happen to carry a title ("Dr Roberts & Partners", "Lady Margaret Hall") name what they are.
NAME_KIND = "a private individual's name (a personal title such as Mrs before a name)"
NAME_WITH_TITLE = re.compile(
    r"(?<![\w&'’])(?:mrs?|miss|ms|mx|dr|revd?|sir|dame|lady|lord|prof|master)\.?\s+[a-z][a-z'’.-]*",
    re.IGNORECASE)
ORGANISATION_WORDS = re.compile(
    r"\b(?:ltd|limited|plc|llp|cic|inc|co|company|corp|trust|council|services|group|association|society|"
    r"club|church|school|college|academy|partners|partnership|surgery|practice|hall|fund|appeal|charity|"
    r"foundation|university|hospital|nhs|federation|centre|center|estate|estates)\b", re.IGNORECASE)
PAYEE_WORDS = frozenset({
    "payee", "beneficiary", "beneficiaries", "supplier", "recipient", "vendor", "creditor", "merchant",
    "customer", "claimant", "tenant", "landlord", "contractor", "grantee", "payer", "debtor",
})
_WORD = re.compile(r"[a-z]+")


def names_with_titles(text: str) -> list[str]:
    """Titled names in a cell, unless the cell names an organisation."""
    if not NAME_WITH_TITLE.search(text) or ORGANISATION_WORDS.search(text):
        return []
    return [match.group() for match in NAME_WITH_TITLE.finditer(text)]


def is_payee_heading(*headings: str | None) -> bool:
    """Whether a column heading (field name or title) says who was paid or served."""
    return any(PAYEE_WORDS & set(_WORD.findall(heading.lower())) for heading in headings if heading)


# --- the one allow-list ------------------------------------------------------------------
_NOT_COMPARED = re.compile(r"[^0-9a-z@._+-]")


def compact(text: str) -> str:
    """How allowed values are compared: letters, digits and the characters of an address only, in
    lower case ("(01284) 763 233" = "01284763233", "Mrs Bee's Cakes" = "MRS BEES CAKES")."""
    return _NOT_COMPARED.sub("", text.lower())


@dataclass(frozen=True)
class AllowedValue:
    """A value that looks personal but is published on purpose, and who decided so, when, why."""

    value: str
    reason: str
    asset_id: str | None = None  # None: anywhere on the portal
    allowed_by: str = ""
    allowed_at: str = ""
    id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class AllowList:
    """The one rule that lets a finding through: a council role mailbox, or a value the data
    protection officer allowed (anywhere, or for one asset of the register). The portal keeps the
    entries; the publish jobs read them from the portal, so both give the same answer."""

    def __init__(self, entries: Iterable[AllowedValue] = ()):
        self.entries = tuple(entries)
        self._anywhere = {compact(e.value) for e in self.entries if not e.asset_id}
        self._by_asset: dict[str, set[str]] = {}
        for entry in self.entries:
            if entry.asset_id:
                self._by_asset.setdefault(entry.asset_id, set()).add(compact(entry.value))

    @classmethod
    def from_dicts(cls, records: Iterable[dict[str, Any]]) -> AllowList:
        known = {f.name for f in fields(AllowedValue)}
        return cls(AllowedValue(**{k: v for k, v in record.items() if k in known}) for record in records)

    def allows(self, kind: str, hit: str, cell: str = "", asset_id: str | None = None) -> bool:
        if kind == EMAIL_KIND and is_role_mailbox(hit):
            return True
        allowed = self._anywhere | self._by_asset.get(asset_id or "", set())
        return compact(hit) in allowed or (bool(cell) and compact(cell) in allowed)

    def findings(self, text: str, *, payee: bool = False, asset_id: str | None = None) -> list[tuple[str, str]]:
        """(kind, masked sample) of what in `text` is personal data and not allowed."""
        hits = list(findings(text))
        if payee:
            hits += [(NAME_KIND, name) for name in names_with_titles(text)]
        return [(kind, masked(hit)) for kind, hit in hits if not self.allows(kind, hit, text, asset_id)]
