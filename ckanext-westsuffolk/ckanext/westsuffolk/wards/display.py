"""Figures as the ward pages write them: always with their unit ("1,234 reports", "£12,345.67",
"6.7 reports per 1,000 residents") and dates as "1 April 2024"."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from westsuffolk_core.ward_level import Measure

__all__ = ["amount", "day", "figure", "period", "rank", "rate", "unit_label"]


def _one(unit: str) -> str:
    """The unit for one of it: "reports" -> "report"; "premises" stays."""
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ses") else unit


def amount(value: Decimal | int | None, measure: Measure) -> str:
    """The number and its unit; "not available" when there is none."""
    if value is None:
        return "not available"
    if measure.is_money:
        text = f"£{abs(Decimal(value)):,.2f}"
        return f"−{text}" if value < 0 else text
    number = f"{value:,}" if isinstance(value, int) else f"{Decimal(value).normalize():,f}"
    return f"{number} {_one(measure.unit) if value == 1 else measure.unit}"


def rate(value: Decimal | None, measure: Measure) -> str:
    """"6.7 reports per 1,000 residents", "£2.35 per resident"; "" when there is no rate."""
    if value is None or not measure.rate_per:
        return ""
    per = "per resident" if measure.rate_per == 1 else f"per {measure.rate_per:,} residents"
    if measure.is_money:
        return f"£{value:,.2f} {per}"
    return f"{value:,.1f} {measure.unit} {per}"


def figure(item: Any) -> str:
    return amount(item.value, item.measure)


def unit_label(measure: Measure) -> str:
    return "£" if measure.is_money else measure.unit


def day(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def period(start: date | str | None, end: date | str | None) -> str:
    if start and end:
        return day(start) if str(start)[:10] == str(end)[:10] else f"{day(start)} to {day(end)}"
    return day(start or end) or "not stated"


def rank(position: int | None, of: int) -> str:
    """1 -> "the highest of 43"; 2 -> "2nd highest of 43"."""
    if not position:
        return ""
    if position == 1:
        return f"the highest of {of}"
    if position == of:
        return f"the lowest of {of}"
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix} highest of {of}"
