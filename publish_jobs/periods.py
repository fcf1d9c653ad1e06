"""Period labels used in the register (2024-Q3, 2024-25, 2024-08, 2024, 2024-08-31) as date ranges."""
from __future__ import annotations

import calendar
import datetime as dt
import re

FINANCIAL_YEAR_START_MONTH = 4  # UK local government financial year: 1 April to 31 March


def period_range(label: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a period label; ValueError with a readable message otherwise."""
    label = label.strip()
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        year, quarter = int(match[1]), int(match[2])
        first_month = 3 * (quarter - 1) + 1
        return dt.date(year, first_month, 1), _month_end(year, first_month + 2)
    if match := re.fullmatch(r"(\d{4})-(\d{2})", label):
        year, second = int(match[1]), int(match[2])
        if second > 12 and second == (year + 1) % 100:  # months stop at 12, so 2024-25 is a year
            return _financial_year(year)
        if 1 <= second <= 12:
            return dt.date(year, second, 1), _month_end(year, second)
        raise ValueError(_not_a_period(label))
    if re.fullmatch(r"\d{4}", label):
        year = int(label)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", label):
        day = dt.date.fromisoformat(label)
        return day, day
    raise ValueError(_not_a_period(label))


def _not_a_period(label: str) -> str:
    return (f"'{label}' is not a period: write a quarter (2024-Q3), a financial year (2024-25), "
            "a month (2024-08), a year (2024) or a day (2024-08-31).")


def _financial_year(year: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, FINANCIAL_YEAR_START_MONTH, 1)
    return start, dt.date(year + 1, FINANCIAL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
