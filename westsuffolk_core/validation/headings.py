"""Match a file's column headings to a table schema by name, not by position.

"Supplier Name" in column 9 is matched to the field `beneficiary` (one of its `alsoKnownAs`
headings in the schema descriptor), "Transaction No." to `transaction_number` (the same words,
abbreviated), "Organistion Name" to `organisation_name` (a typo), wherever they stand; what is
left over is an extra or a missing column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from frictionless import Schema

ALIASES = "alsoKnownAs"  # field property: headings real exports use for this field
SIMILAR_ENOUGH = 0.75  # likeness score (see _likeness)
STOP_WORDS = frozenset({"or", "and", "of", "the", "a", "an", "to", "in", "for"})
ABBREVIATIONS = {"no": "number", "num": "number", "nbr": "number", "ref": "reference", "amt": "amount",
                 "desc": "description", "org": "organisation", "organization": "organisation", "dept": "department",
                 "cat": "category", "qty": "quantity", "val": "value", "txn": "transaction", "trans": "transaction"}
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def plain(heading: str) -> str:
    """A heading reduced to lower-case words joined by "_": "Expense Type" -> "expense_type"."""
    return _NOT_ALPHANUMERIC.sub("_", (heading or "").lower()).strip("_")


@dataclass(frozen=True)
class HeadingProblem:
    """One heading problem; `type`/`variant` select the wording in validation.messages."""

    type: str
    column: int | None = None  # 1-based
    value: str | None = None  # the heading as found
    field: str | None = None  # the schema field it is (or should be)
    variant: str | None = None
    detail: str | None = None


def _names(field) -> tuple[set[str], set[str]]:
    own = {plain(field.name), plain(field.title or "")} - {""}
    aliases = {plain(alias) for alias in (field.custom.get(ALIASES) or [])} - {""}
    return own, aliases


def _tokens(name: str) -> list[str]:
    return [ABBREVIATIONS.get(word, word) for word in name.split("_") if word and word not in STOP_WORDS]


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) > 4 and SequenceMatcher(None, a, b).ratio() >= 0.85)  # typos


def _likeness(label: str, name: str) -> float:
    """How much two plain headings name the same thing, word by word (1.0: the same words)."""
    theirs, ours = _tokens(label), _tokens(name)
    if not theirs or not ours:
        return 0.0
    matched = sum(1 for word in ours if any(_same_word(word, other) for other in theirs))
    if matched == len(ours) == len(theirs):
        return 1.0
    if matched == len(ours) and len(theirs) - matched <= 1:
        return 0.8  # "Net Amount" for amount
    if matched == len(theirs) and len(ours) - matched <= 1:
        return 0.76  # "Transaction Date" for transaction_date when only "date" differs in spelling
    return 0.9 * matched / max(len(ours), len(theirs))


def _score(label: str, own: set[str], aliases: set[str]) -> float:
    if label in own:
        return 1.0
    if label in aliases:
        return 0.95
    return max([_likeness(label, name) for name in own] + [0.95 * _likeness(label, a) for a in aliases] + [0.0])


def heading_problems(labels: list[str], schema: Schema) -> list[HeadingProblem]:
    """Every difference between the headings and the schema's field names, matched by name."""
    fields = {f.name: f for f in schema.fields}
    assigned: dict[int, str] = {}  # label position -> field name
    problems: list[HeadingProblem] = []
    for position, label in enumerate(labels):
        if label in fields and label not in assigned.values():
            assigned[position] = label
        elif label in fields:
            problems.append(HeadingProblem("duplicate-label", position + 1, label, label))
    free = [name for name in fields if name not in assigned.values()]
    names = {name: _names(fields[name]) for name in free}
    candidates = sorted(
        ((_score(plain(label), *names[name]), position, name)
         for position, label in enumerate(labels) if position not in assigned and plain(label)
         for name in free),
        key=lambda c: (-c[0], c[1]))
    for score, position, name in candidates:
        if score >= SIMILAR_ENOUGH and position not in assigned and name not in assigned.values():
            assigned[position] = name
            respelled = plain(labels[position]) == plain(name)
            problems.append(HeadingProblem("incorrect-label", position + 1, labels[position], name,
                                           variant="respelled" if respelled else "similar",
                                           detail=fields[name].title or name))
    missing = [name for name in fields if name not in assigned.values()]
    for position, label in enumerate(labels):
        if position in assigned or any(p.column == position + 1 for p in problems):
            continue
        if plain(label):
            problems.append(HeadingProblem("extra-label", position + 1, label, None, detail=", ".join(missing)))
        else:
            problems.append(HeadingProblem("blank-label", position + 1, None, missing[0] if len(missing) == 1
                                           else None, detail=", ".join(missing)))
    problems += [HeadingProblem("missing-label", None, None, name, detail=fields[name].title or name)
                 for name in missing]
    order = [assigned[position] for position in sorted(assigned)]
    if order != [name for name in fields if name in order]:
        problems.append(HeadingProblem("column-order", detail=", ".join(fields)))
    return sorted(problems, key=lambda p: (p.column is None, p.column or 0, p.type))


def columns_line_up(labels: list[str], schema: Schema) -> bool:
    """Whether checking values by column position makes sense: at least half of the schema's
    columns stand where the schema puts them (under their own name or a near spelling)."""
    in_place = sum(1 for label, field in zip(labels, schema.fields, strict=False)
                   if label == field.name or _score(plain(label), *_names(field)) >= SIMILAR_ENOUGH)
    return in_place * 2 >= len(schema.fields)
