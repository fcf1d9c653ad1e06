"""Transparency Code deadlines: which returns should exist by a given day, and whether each was
published on time.

CKAN-free: it reads the obligations from the table schemas (`transparencyCode` in schemas/*.json:
frequency, the Code paragraph, the deadline and where it comes from, and whether one dated file
meets a period) and takes the public datasets as plain dicts (title, name, the Transparency Code
category, resources with `period_start`, `period_end` and `created`).

The periods that should exist, counted back from `today`:
- quarterly: calendar quarters (January to March, April to June, …), which are also the quarters of
  the council's financial year; the grid shows the last eight that have ended;
- annual: financial years (1 April to 31 March); the grid shows the last three that have ended;
- once: a single return, due on the date in its schema.

A period's deadline is `monthsAfterPeriodEnd` months after the day it ends (the Code: one month for
quarterly data, so July to September is due by 31 October), or the fixed `date` of a one-off return.

A period is *published* when public resources cover it: every day of it, taken together (monthly
files can make up a quarter), or — for snapshot tables such as a contracts register — one resource
whose period ends inside it. Its publication date is the day the last piece needed arrived (the
resource's `created`). Each period then has one status:

- `on_time`  published on or before its deadline;
- `late`     published after its deadline;
- `due_soon` not published, the period has ended and the deadline has not passed;
- `overdue`  not published, the deadline has passed, and it is the obligation's latest period that
             is past its deadline (the return the council owes now);
- `missing`  not published, an older period whose deadline passed long ago (a gap in the record).

Bad input never stops the report: a resource with no period, a period that cannot be read or ends
before it starts, a period still in the future, or a dataset naming a Transparency Code table that has
no schema is left out of the counting and described in `problems` — in plain words, by dataset and
file, so an officer can fix it. Overlapping periods are counted (coverage is their union) and also
described. Nothing here reads file contents, and a file name or dataset title that seems to name a
person or give contact details is not repeated (the message says "a file of …" and asks for a new name),
so no problem message can show personal data.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .personal_data import AllowList

__all__ = [
    "ANNUAL",
    "DUE_SOON",
    "LATE",
    "MISSING",
    "ONCE",
    "ON_TIME",
    "OVERDUE",
    "QUARTERLY",
    "STATUS_LABELS",
    "Obligation",
    "Period",
    "PeriodStatus",
    "Problem",
    "Publication",
    "Report",
    "add_months",
    "deadline_of",
    "financial_years",
    "obligations",
    "quarters",
    "report",
]

QUARTERLY, ANNUAL, ONCE = "quarterly", "annual", "once"
FREQUENCIES = (QUARTERLY, ANNUAL, ONCE)
ON_TIME, LATE, DUE_SOON, OVERDUE, MISSING = "on_time", "late", "due_soon", "overdue", "missing"
STATUS_LABELS = {ON_TIME: "Published on time", LATE: "Published late", DUE_SOON: "Due soon",
                 OVERDUE: "Overdue", MISSING: "Missing"}
PUBLISHED = (ON_TIME, LATE)
FINANCIAL_YEAR_START_MONTH = 4
QUARTERS_SHOWN, YEARS_SHOWN = 8, 3
# When a schema gives no deadline: the Code's month for quarterly data, the council's three months otherwise.
DEFAULT_MONTHS = {QUARTERLY: 1, ANNUAL: 3}
QUARTER_NAMES = ("January to March", "April to June", "July to September", "October to December")
QUARTER_SHORT = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of that month if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


NO_ALLOWED_VALUES = AllowList()  # council role mailboxes only: a name shown to everyone allows nothing else


def _shown(name: str | None, instead: str) -> str:
    """A file name or dataset title as a message may quote it: not if it seems to name a person."""
    name = (name or "").strip()
    return instead if not name or NO_ALLOWED_VALUES.findings(name, payee=True) else f"'{name}'"


def _file(name: str | None) -> str:
    return _shown(name, "(name withheld: it seems to name a person; rename the file)")


def _dataset(title: str | None) -> str:
    return _shown(title, "(a dataset whose title seems to name a person; retitle it)")


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Period:
    key: str  # 2026-Q3, 2025-26, once
    label: str  # July to September 2026, April 2025 to March 2026, one-off
    start: dt.date
    end: dt.date
    short: str = ""  # Jul–Sep 2026, 2025-26: a column heading


def quarters(today: dt.date, count: int = QUARTERS_SHOWN) -> list[Period]:
    """The last `count` calendar quarters that have ended by `today`, newest first."""
    year, index = today.year, (today.month - 1) // 3 - 1  # the quarter before the current one
    found = []
    for _ in range(count):
        if index < 0:
            year, index = year - 1, 3
        start = dt.date(year, 3 * index + 1, 1)
        found.append(Period(f"{year}-Q{index + 1}", f"{QUARTER_NAMES[index]} {year}", start,
                            add_months(start, 3) - dt.timedelta(days=1), f"{QUARTER_SHORT[index]} {year}"))
        index -= 1
    return found


def financial_years(today: dt.date, count: int = YEARS_SHOWN) -> list[Period]:
    """The last `count` financial years (1 April to 31 March) that have ended by `today`, newest first."""
    first = today.year - 1 if today.month >= FINANCIAL_YEAR_START_MONTH else today.year - 2
    found = []
    for year in range(first, first - count, -1):
        start = dt.date(year, FINANCIAL_YEAR_START_MONTH, 1)
        key = f"{year}-{(year + 1) % 100:02d}"
        found.append(Period(key, f"April {year} to March {year + 1}", start,
                            add_months(start, 12) - dt.timedelta(days=1), key))
    return found


@dataclass(frozen=True)
class Obligation:
    name: str  # the table schema's name, also the datasets' Transparency Code category
    title: str
    obligation: str
    frequency: str
    paragraph: str = ""
    months_after: int | None = None  # deadline: months after the period ends
    due_date: dt.date | None = None  # deadline of a one-off return
    deadline_source: str = ""
    snapshot: bool = False  # one resource ending inside a period meets it

    def deadline(self, period: Period) -> dt.date:
        if self.frequency == ONCE:
            return self.due_date or period.end
        months = self.months_after if self.months_after is not None else DEFAULT_MONTHS[self.frequency]
        return add_months(period.end + dt.timedelta(days=1), months) - dt.timedelta(days=1)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "obligation": self.obligation, "frequency": self.frequency,
                "paragraph": self.paragraph, "deadline": self.deadline_rule(), "deadline_source": self.deadline_source}

    def deadline_rule(self) -> str:
        if self.frequency == ONCE:
            return f"by {long_date(self.due_date)}" if self.due_date else "as soon as possible"
        months = self.months_after if self.months_after is not None else DEFAULT_MONTHS[self.frequency]
        unit = "quarter" if self.frequency == QUARTERLY else "financial year"
        return f"{months} month{'s' if months != 1 else ''} after the end of the {unit}"


def deadline_of(obligation: Obligation, period: Period) -> dt.date:
    return obligation.deadline(period)


@dataclass(frozen=True)
class Problem:
    """Something an officer must fix; said where (dataset, file) and how."""

    message: str
    obligation: str | None = None
    dataset: str | None = None  # URL name
    resource: str | None = None  # resource id

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "obligation": self.obligation, "dataset": self.dataset,
                "resource": self.resource}


def obligations(descriptors: Iterable[dict], problems: list[Problem] | None = None) -> list[Obligation]:
    """The Transparency Code obligations in the table schemas (those with `transparencyCode`)."""
    problems = problems if problems is not None else []
    found = []
    for descriptor in descriptors:
        code = descriptor.get("transparencyCode")
        if not code:
            continue
        name, title = descriptor["name"], descriptor.get("title", descriptor["name"])
        frequency = code.get("frequency")
        if frequency not in FREQUENCIES:
            problems.append(Problem(f"The table schema {name} gives the frequency '{frequency}': use quarterly, "
                                    "annual or once in its transparencyCode, so its deadlines can be worked out.",
                                    obligation=name))
            continue
        deadline = code.get("deadline") or {}
        due_date = _date(deadline.get("date"))
        if not deadline or (frequency == ONCE and due_date is None):
            problems.append(Problem(f"The table schema {name} has no deadline in its transparencyCode; "
                                    + ("the return is treated as due already." if frequency == ONCE else
                                       f"{DEFAULT_MONTHS[frequency]} month(s) after each period is assumed."),
                                    obligation=name))
        found.append(Obligation(
            name=name, title=title, obligation=code.get("obligation", ""), frequency=frequency,
            paragraph=code.get("paragraph", ""), months_after=deadline.get("monthsAfterPeriodEnd"),
            due_date=due_date, deadline_source=deadline.get("source", ""), snapshot=bool(code.get("snapshot"))))
    return found


@dataclass(frozen=True)
class Publication:
    """One public resource offered for an obligation."""

    start: dt.date
    end: dt.date
    published: dt.date
    resource_id: str
    resource_name: str
    dataset_name: str
    dataset_title: str

    def as_dict(self) -> dict[str, Any]:
        return {"resource_id": self.resource_id, "resource_name": self.resource_name, "dataset": self.dataset_name,
                "dataset_title": self.dataset_title, "period_start": self.start.isoformat(),
                "period_end": self.end.isoformat(), "published": self.published.isoformat()}


@dataclass
class PeriodStatus:
    period: Period
    due: dt.date
    status: str
    published: dt.date | None = None
    resources: list[Publication] = field(default_factory=list)
    partly: bool = False  # some, not all, of the period is published

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period.key, "period_label": self.period.label,
                "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
                "due": self.due.isoformat(), "status": self.status, "status_label": self.label,
                "published": self.published.isoformat() if self.published else None, "partly_published": self.partly,
                "resources": [resource.as_dict() for resource in self.resources]}


@dataclass
class ObligationStatus:
    obligation: Obligation
    periods: list[PeriodStatus]
    datasets: list[dict[str, str]]  # {"name", "title"} of the public datasets offered for it

    def as_dict(self) -> dict[str, Any]:
        return {**self.obligation.as_dict(), "datasets": self.datasets,
                "periods": [period.as_dict() for period in self.periods]}


@dataclass
class Report:
    today: dt.date
    quarters: list[Period]
    years: list[Period]
    obligations: list[ObligationStatus]
    problems: list[Problem]

    def with_status(self, *statuses: str) -> list[tuple[Obligation, PeriodStatus]]:
        return [(row.obligation, cell) for row in self.obligations for cell in row.periods if cell.status in statuses]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for _, cell in self.with_status(*STATUS_LABELS):
            counts[cell.status] += 1
        return counts

    def sentences(self) -> list[str]:
        """The page's plain summary: what is overdue (and due soon, and missing) by name and period."""
        overdue, soon = self.with_status(OVERDUE), self.with_status(DUE_SOON)
        lines = []
        if overdue:
            items = "; ".join(_return(o, cell) for o, cell in overdue)
            lines.append(f"{_count(len(overdue), 'return is', 'returns are')} overdue: {items}.")
        else:
            lines.append("No return is overdue.")
        if soon:
            items = "; ".join(_return(o, cell) for o, cell in soon)
            lines.append(f"{_count(len(soon), 'return is', 'returns are')} due soon: {items}.")
        missing = len(self.with_status(MISSING))
        if missing:
            lines.append(f"{_count(missing, 'earlier return was', 'earlier returns were')} never published "
                         "(marked Missing below).")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "summary": self.sentences(), "counts": self.counts(),
                "quarters": [p.key for p in self.quarters], "years": [p.key for p in self.years],
                "obligations": [row.as_dict() for row in self.obligations],
                "problems": [problem.as_dict() for problem in self.problems]}


def _return(obligation: Obligation, cell: PeriodStatus) -> str:
    """"Spending over £500 for July to September 2026 (due 31 October 2026)"."""
    what = "the one-off return" if obligation.frequency == ONCE else cell.period.label
    return f"{obligation.title} for {what} (due {long_date(cell.due)})"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _publications(obligation: Obligation, datasets: list[dict], today: dt.date,
                  problems: list[Problem]) -> list[Publication]:
    found = []
    for dataset in datasets:
        for resource in dataset.get("resources") or []:
            where = f"The file {_file(resource.get('name') or resource.get('id'))} of {_dataset(dataset.get('title'))}"

            def problem(message: str, dataset: dict = dataset, resource: dict = resource) -> None:
                problems.append(Problem(message, obligation=obligation.name, dataset=dataset.get("name"),
                                        resource=resource.get("id")))

            raw_start, raw_end = resource.get("period_start"), resource.get("period_end")
            start, end = _date(raw_start), _date(raw_end)
            if not raw_start and not raw_end:
                problem(f"{where} has no period, so it does not count towards the Transparency Code: give its "
                        "'Period from' and 'Period to' dates.")
                continue
            if start is None or end is None:
                problem(f"{where} has a period that cannot be read ({raw_start or 'blank'} to {raw_end or 'blank'}): "
                        "give both dates as YYYY-MM-DD.")
                continue
            if end < start:
                problem(f"{where} says its period ends ({end}) before it starts ({start}): correct the dates.")
                continue
            if end > today:
                problem(f"{where} says it covers up to {long_date(end)}, which is still to come, so it is not counted: "
                        "check its 'Period to' date (a snapshot's period is the day it was taken).")
                continue
            published = _date(resource.get("created")) or today
            if published > today:
                continue  # asked about an earlier day: the file did not exist yet
            found.append(Publication(start, end, published, resource.get("id") or "", resource.get("name") or "",
                                     dataset.get("name") or "", dataset.get("title") or ""))
    _overlaps(obligation, found, problems)
    return found


def _overlaps(obligation: Obligation, found: list[Publication], problems: list[Problem]) -> None:
    ordered = sorted(found, key=lambda p: (p.start, p.end))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second.start > first.end:
                break
            same = (first.start, first.end) == (second.start, second.end)
            problems.append(Problem(
                f"{_file(first.resource_name)} of {_dataset(first.dataset_title)} and {_file(second.resource_name)} of "
                f"{_dataset(second.dataset_title)} {'both cover' if same else 'overlap, both covering'} "
                f"{long_date(max(first.start, second.start))} to {long_date(min(first.end, second.end))}: "
                "keep one file per period, or correct the dates of the other.",
                obligation=obligation.name, dataset=second.dataset_name, resource=second.resource_id))


def _covered(period: Period, found: list[Publication], snapshot: bool) -> tuple[dt.date | None, list, bool]:
    """(publication date, resources used, partly covered) of a period."""
    if snapshot:
        inside = sorted((p for p in found if period.start <= p.end <= period.end), key=lambda p: p.published)
        return (inside[0].published, inside[:1], False) if inside else (None, [], False)
    relevant = sorted((p for p in found if p.start <= period.end and p.end >= period.start), key=lambda p: p.published)
    used: list[Publication] = []
    for publication in relevant:
        used.append(publication)
        if _covers(period, used):
            return publication.published, used, False
    return None, [], bool(relevant)


def _covers(period: Period, used: list[Publication]) -> bool:
    reached = period.start - dt.timedelta(days=1)
    for publication in sorted(used, key=lambda p: p.start):
        if publication.start > reached + dt.timedelta(days=1):
            return False
        reached = max(reached, publication.end)
    return reached >= period.end


def _statuses(obligation: Obligation, periods: list[Period], found: list[Publication],
              today: dt.date) -> list[PeriodStatus]:
    cells = []
    for period in periods:
        due = obligation.deadline(period)
        published, used, partly = _covered(period, found, obligation.snapshot)
        if published is not None:
            status = ON_TIME if published <= due else LATE
        else:
            status = DUE_SOON if today <= due else MISSING
        cells.append(PeriodStatus(period, due, status, published, used, partly))
    past_due = [cell for cell in cells if cell.due < today]
    latest = max(past_due, key=lambda cell: cell.period.end, default=None)
    if latest is not None and latest.status == MISSING:
        latest.status = OVERDUE
    return cells


def _once(obligation: Obligation, found: list[Publication], today: dt.date) -> list[PeriodStatus]:
    due = obligation.due_date or today - dt.timedelta(days=1)
    period = Period(ONCE, "one-off", due, due, "One-off")
    first = min(found, key=lambda p: p.published, default=None)
    if first is not None:
        return [PeriodStatus(period, due, ON_TIME if first.published <= due else LATE, first.published, [first])]
    return [PeriodStatus(period, due, DUE_SOON if today <= due else OVERDUE)]


def report(descriptors: Iterable[dict], datasets: Iterable[dict], today: dt.date | None = None,
           quarter_count: int = QUARTERS_SHOWN, year_count: int = YEARS_SHOWN,
           only: str | None = None) -> Report:
    """The status of every obligation on `today` (default: the clock's today). `datasets`: public
    datasets as dicts (name, title, transparency_code_category, resources); `only`: one obligation."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    found_obligations = obligations(descriptors, problems)
    known = {o.name for o in found_obligations}
    by_category: dict[str, list[dict]] = {}
    for dataset in datasets:
        category = dataset.get("transparency_code_category")
        if not category:
            continue
        if category not in known:
            problems.append(Problem(
                f"{_dataset(dataset.get('title'))} says it meets the Transparency Code table '{category}', which "
                "has no table schema on this portal, so it is not counted: choose one of the tables on the "
                "Transparency Code page in its 'Transparency Code dataset' field.", dataset=dataset.get("name")))
            continue
        by_category.setdefault(category, []).append(dataset)
    quarter_periods, year_periods = quarters(today, quarter_count), financial_years(today, year_count)
    rows = []
    for obligation in found_obligations:
        if only and obligation.name != only:
            continue
        offered = by_category.get(obligation.name, [])
        found = _publications(obligation, offered, today, problems)
        if obligation.frequency == ONCE:
            cells = _once(obligation, found, today)
        else:
            cells = _statuses(obligation, quarter_periods if obligation.frequency == QUARTERLY else year_periods,
                              found, today)
        rows.append(ObligationStatus(obligation, cells,
                                     [{"name": d.get("name"), "title": d.get("title")} for d in offered]))
    if only:
        problems = [problem for problem in problems if problem.obligation == only]
    return Report(today, quarter_periods, year_periods, rows, problems)
