"""Transparency Code deadlines with the clock frozen at several dates: each obligation's periods and
their status, from the real table schemas' deadline data."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from freezegun import freeze_time

from westsuffolk_core import deadlines, table_schemas
from westsuffolk_core.deadlines import DUE_SOON, LATE, MISSING, ON_TIME, OVERDUE

SCHEMAS = table_schemas.list_schemas()
_ids = itertools.count(1)


def resource(start: str | None, end: str | None, created: str, name: str | None = None) -> dict:
    number = next(_ids)
    return {"id": f"res-{number}", "name": name or f"file {number}", "period_start": start, "period_end": end,
            "created": f"{created}T09:30:00.123456"}


def dataset(category: str, *resources: dict, title: str | None = None) -> dict:
    return {"name": f"{category}-dataset", "title": title or f"{category} data", "transparency_code_category": category,
            "resources": list(resources)}


def row(result: deadlines.Report, name: str) -> deadlines.ObligationStatus:
    [found] = [r for r in result.obligations if r.obligation.name == name]
    return found


def statuses(result: deadlines.Report, name: str) -> dict[str, str]:
    return {cell.period.key: cell.status for cell in row(result, name).periods}


def test_every_transparency_code_schema_has_a_deadline_and_a_paragraph():
    problems: list = []
    found = deadlines.obligations(SCHEMAS, problems)
    assert len(found) == 15 and problems == []
    for obligation in found:
        assert obligation.paragraph.startswith("Part 2")
        assert obligation.deadline_source
    by_name = {o.name: o for o in found}
    quarter = deadlines.Period("2026-Q3", "July to September 2026", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    year = deadlines.financial_years(dt.date(2026, 11, 30))[0]
    assert by_name["spend-over-500"].deadline(quarter) == dt.date(2026, 10, 31)  # the Code: one month
    assert by_name["fraud"].deadline(year) == dt.date(2026, 6, 30)  # the council: three months
    assert by_name["trade-union-facility-time"].deadline(year) == dt.date(2026, 7, 31)  # the 2017 Regulations
    assert by_name["waste-collection-contract"].due_date == dt.date(2019, 4, 1)


@pytest.mark.parametrize("today, newest, oldest", [
    ("2026-11-30", "2026-Q3", "2024-Q4"),
    ("2027-01-01", "2026-Q4", "2025-Q1"),
    ("2026-03-31", "2025-Q4", "2024-Q1"),
    ("2026-04-01", "2026-Q1", "2024-Q2"),
])
def test_the_last_eight_quarters_that_have_ended(today, newest, oldest):
    with freeze_time(today):
        result = deadlines.report(SCHEMAS, [])
    assert len(result.quarters) == 8
    assert (result.quarters[0].key, result.quarters[-1].key) == (newest, oldest)
    assert all(later.start == earlier.end + dt.timedelta(days=1)
               for later, earlier in zip(result.quarters, result.quarters[1:], strict=False))


@pytest.mark.parametrize("today, years", [
    ("2026-03-31", ["2024-25", "2023-24", "2022-23"]),
    ("2026-04-01", ["2025-26", "2024-25", "2023-24"]),
    ("2026-11-30", ["2025-26", "2024-25", "2023-24"]),
])
def test_the_last_three_financial_years_that_have_ended(today, years):
    with freeze_time(today):
        result = deadlines.report(SCHEMAS, [])
    assert [p.key for p in result.years] == years
    assert result.years[0].label.startswith("April ") and result.years[0].end.month == 3


SPEND = [
    resource("2026-07-01", "2026-09-30", "2026-10-20", "July to September 2026"),  # on time (due 31 October)
    resource("2026-04-01", "2026-06-30", "2026-08-15", "April to June 2026"),  # late (due 31 July)
    # January to March 2026: never published
    resource("2025-10-01", "2025-10-31", "2025-11-03", "October 2025"),  # monthly files make up a quarter
    resource("2025-11-01", "2025-11-30", "2025-12-02", "November 2025"),
    resource("2025-12-01", "2025-12-31", "2026-01-30", "December 2025"),  # the last piece, on the last day
    resource("2025-07-01", "2025-07-31", "2025-08-05", "July 2025"),  # July and August only: partly
    resource("2025-08-01", "2025-08-31", "2025-09-05", "August 2025"),
]


def test_status_of_each_quarter_on_30_november_2026():
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [dataset("spend-over-500", *SPEND)])
    spend = statuses(result, "spend-over-500")
    assert spend["2026-Q3"] == ON_TIME
    assert spend["2026-Q2"] == LATE
    assert spend["2026-Q1"] == MISSING  # an old gap, not the one owed now
    assert spend["2025-Q4"] == ON_TIME
    assert spend["2025-Q3"] == MISSING
    cells = {cell.period.key: cell for cell in row(result, "spend-over-500").periods}
    assert cells["2025-Q4"].published == dt.date(2026, 1, 30) and len(cells["2025-Q4"].resources) == 3
    assert cells["2025-Q3"].partly and not cells["2025-Q3"].resources
    # nothing at all for purchase cards: the latest quarter past its deadline is overdue, older ones missing
    cards = statuses(result, "purchase-card-transactions")
    assert cards["2026-Q3"] == OVERDUE
    assert {cards[key] for key in cards if key != "2026-Q3"} == {MISSING}


def test_status_of_the_same_quarters_on_15_october_2026():
    """Before the July to September deadline: that quarter is due soon, April to June is the one owed."""
    with freeze_time("2026-10-15"):
        result = deadlines.report(SCHEMAS, [dataset("spend-over-500", *SPEND[1:])])
    spend = statuses(result, "spend-over-500")
    assert spend["2026-Q3"] == DUE_SOON
    assert spend["2026-Q2"] == LATE
    cards = statuses(result, "purchase-card-transactions")
    assert cards["2026-Q3"] == DUE_SOON and cards["2026-Q2"] == OVERDUE and cards["2026-Q1"] == MISSING
    assert result.counts()[DUE_SOON] >= 4  # every quarterly return for July to September


def test_on_the_deadline_itself_a_return_is_still_due_not_overdue():
    with freeze_time("2026-10-31"):
        assert statuses(deadlines.report(SCHEMAS, []), "contracts")["2026-Q3"] == DUE_SOON
    with freeze_time("2026-11-01"):
        assert statuses(deadlines.report(SCHEMAS, []), "contracts")["2026-Q3"] == OVERDUE


def test_a_snapshot_table_is_met_by_one_dated_file_in_the_period():
    contracts = dataset("contracts", resource("2026-09-30", "2026-09-30", "2026-10-05", "Contracts at 30 September"),
                        resource("2026-04-01", "2026-06-30", "2026-07-10", "April to June 2026"))
    with freeze_time("2026-11-30"):
        found = statuses(deadlines.report(SCHEMAS, [contracts]), "contracts")
    assert found["2026-Q3"] == ON_TIME and found["2026-Q2"] == ON_TIME and found["2026-Q1"] == MISSING


def test_annual_returns_on_three_dates():
    fraud = dataset("fraud", resource("2025-04-01", "2026-03-31", "2026-06-30", "2025-26"),
                    resource("2023-04-01", "2024-03-31", "2024-09-01", "2023-24"))
    union = dataset("trade-union-facility-time", resource("2025-04-01", "2026-03-31", "2026-07-20", "2025-26"))
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [fraud, union])
    assert statuses(result, "fraud") == {"2025-26": ON_TIME, "2024-25": MISSING, "2023-24": LATE}
    assert statuses(result, "trade-union-facility-time")["2025-26"] == ON_TIME  # due 31 July
    assert statuses(result, "pay-multiple") == {"2025-26": OVERDUE, "2024-25": MISSING, "2023-24": MISSING}
    with freeze_time("2026-05-01"):  # 2025-26 has ended, its deadline (30 June) is ahead
        result = deadlines.report(SCHEMAS, [dataset("fraud", fraud["resources"][1])])
    assert statuses(result, "fraud") == {"2025-26": DUE_SOON, "2024-25": OVERDUE, "2023-24": LATE}
    with freeze_time("2026-07-15"):  # past 30 June, before the facility time date of 31 July
        result = deadlines.report(SCHEMAS, [])
    assert statuses(result, "fraud")["2025-26"] == OVERDUE
    assert statuses(result, "trade-union-facility-time")["2025-26"] == DUE_SOON


def test_a_one_off_return():
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [])
        [cell] = row(result, "waste-collection-contract").periods
        assert cell.status == OVERDUE and cell.due == dt.date(2019, 4, 1)
        waste = dataset("waste-collection-contract", resource("2019-03-01", "2019-03-01", "2019-03-20"))
        [cell] = row(deadlines.report(SCHEMAS, [waste]), "waste-collection-contract").periods
        assert cell.status == ON_TIME
        waste = dataset("waste-collection-contract", resource("2026-11-01", "2026-11-01", "2026-11-02"))
        [cell] = row(deadlines.report(SCHEMAS, [waste]), "waste-collection-contract").periods
        assert cell.status == LATE and cell.published == dt.date(2026, 11, 2)


def test_the_plain_summary_names_what_is_overdue():
    with freeze_time("2026-11-30"):
        everything = [dataset(d["name"], resource("2026-07-01", "2026-09-30", "2026-10-01"),
                              resource("2025-04-01", "2026-03-31", "2026-04-10"), title=d["title"])
                      for d in SCHEMAS if d.get("transparencyCode") and d["name"] not in ("contracts", "fraud")]
        result = deadlines.report(SCHEMAS, everything)
    [overdue, *rest] = result.sentences()
    assert overdue.startswith("2 returns are overdue: ")
    titles = {d["name"]: d["title"] for d in SCHEMAS}
    assert f"{titles['contracts']} for July to September 2026 (due 31 October 2026)" in overdue
    assert f"{titles['fraud']} for April 2025 to March 2026 (due 30 June 2026)" in overdue
    assert any("never published" in line for line in rest)
    with freeze_time("2026-11-30"):
        nothing = deadlines.report(SCHEMAS, [])
    assert nothing.sentences()[0].startswith("15 returns are overdue: ")
    assert result.as_dict()["summary"] == result.sentences()


def test_bad_input_is_described_and_never_stops_the_report():
    spend = dataset("spend-over-500",
                    resource(None, None, "2026-10-01", "No period"),
                    resource("30/09/2026", "2026-09-30", "2026-10-01", "Unreadable"),
                    resource("2026-09-30", "2026-07-01", "2026-10-01", "Backwards"),
                    resource("2026-10-01", "2027-03-31", "2026-11-01", "Future"),
                    resource("2026-07-01", "2026-09-30", "2026-10-20", "Q3"),
                    resource("2026-09-01", "2026-12-31", "2026-10-21", "Overlapping"),
                    title="Spending over £500")
    other = dataset("social-housing-asset-value", resource("2025-04-01", "2026-03-31", "2026-05-01"),
                    title="Social housing assets")
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [spend, other])
    messages = [p.message for p in result.problems]
    assert any("'No period' of 'Spending over £500' has no period" in m for m in messages)
    assert any("'Unreadable'" in m and "YYYY-MM-DD" in m for m in messages)
    assert any("'Backwards'" in m and "before it starts" in m for m in messages)
    assert any("'Future'" in m and "31 March 2027, which is still to come" in m for m in messages)
    assert not any("overlap" in m for m in messages)  # 'Overlapping' ends in the future: left out before comparing
    assert any("'Social housing assets' says it meets the Transparency Code table 'social-housing-asset-value', "
               "which has no table schema" in m for m in messages)
    assert statuses(result, "spend-over-500")["2026-Q3"] == ON_TIME  # the good file still counts
    assert {p.resource for p in result.problems if p.resource} <= {r["id"] for r in spend["resources"]}


BAD_INPUT = {  # one bad file of 'Spending over £500' beside a good July to September file -> its message
    "no period": ((None, None), "The file 'Bad' of 'Spending over £500' has no period"),
    "overlapping periods": (("2026-06-01", "2026-07-31"),
                            "'Bad' of 'Spending over £500' and 'Q3' of 'Spending over £500' overlap"),
    "a period in the future": (("2026-10-01", "2026-12-31"), "covers up to 31 December 2026, which is still to come"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_each_kind_of_bad_file_is_described_and_the_good_file_still_counts(case):
    (start, end), message = BAD_INPUT[case]
    spend = dataset("spend-over-500", resource(start, end, "2026-10-01", "Bad"),
                    resource("2026-07-01", "2026-09-30", "2026-10-20", "Q3"), title="Spending over £500")
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [spend])
    [problem] = result.problems
    assert message in problem.message and problem.dataset == "spend-over-500-dataset"
    assert problem.obligation == "spend-over-500" and problem.resource in {r["id"] for r in spend["resources"]}
    assert statuses(result, "spend-over-500")["2026-Q3"] == ON_TIME
    assert result.as_dict()["problems"][0]["message"] == problem.message


def test_a_dataset_naming_a_table_with_no_schema_is_described_and_not_counted():
    orphan = dataset("recycling-rates", resource("2025-04-01", "2026-03-31", "2026-05-01"), title="Recycling rates")
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [orphan])
    [problem] = result.problems
    assert problem.message.startswith("'Recycling rates' says it meets the Transparency Code table 'recycling-rates', "
                                      "which has no table schema on this portal, so it is not counted: choose one")
    assert len(result.obligations) == 15 and problem.dataset == "recycling-rates-dataset"


def test_a_file_name_or_title_naming_a_person_is_never_repeated_in_a_message():
    spend = dataset("spend-over-500", resource(None, None, "2026-10-01", "Refund to Mrs Jane Haywood"),
                    resource("2026-07-01", "2026-09-30", "2026-10-20", "Payments jane.haywood@gmail.com"),
                    resource("2026-08-01", "2026-09-30", "2026-10-21", "Q3 again"),
                    title="Spending over £500")
    orphan = dataset("recycling-rates", title="Data from Mr John Smith")
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [spend, orphan])
    messages = " ".join(problem.message for problem in result.problems)
    assert "has no period" in messages and "overlap" in messages and "no table schema" in messages
    for personal in ("Haywood", "jane.haywood", "Smith"):
        assert personal not in messages
    assert "The file (name withheld: it seems to name a person; rename the file) of 'Spending over £500'" in messages
    assert "(a dataset whose title seems to name a person; retitle it) says it meets" in messages


def test_overlapping_and_duplicate_periods_are_described_and_still_counted():
    spend = dataset("spend-over-500", resource("2026-07-01", "2026-09-30", "2026-10-20", "Q3"),
                    resource("2026-07-01", "2026-09-30", "2026-10-25", "Q3 again"),
                    resource("2026-06-01", "2026-07-31", "2026-08-01", "June and July"), title="Spend")
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [spend])
    messages = [p.message for p in result.problems]
    assert any("'Q3' of 'Spend' and 'Q3 again' of 'Spend' both cover 1 July 2026 to 30 September 2026" in m
               for m in messages)
    assert any("'June and July' of 'Spend' and 'Q3' of 'Spend' overlap, both covering 1 July 2026 to 31 July 2026" in m
               for m in messages)
    assert statuses(result, "spend-over-500")["2026-Q3"] == ON_TIME


def test_a_schema_without_a_usable_deadline_or_frequency_is_reported():
    broken = [{"name": "a", "title": "A", "transparencyCode": {"obligation": "x", "frequency": "monthly"}},
              {"name": "b", "title": "B", "transparencyCode": {"obligation": "y", "frequency": "quarterly"}},
              {"name": "c", "title": "C", "transparencyCode": {"obligation": "z", "frequency": "once"}}]
    with freeze_time("2026-11-30"):
        result = deadlines.report(broken, [])
    assert [r.obligation.name for r in result.obligations] == ["b", "c"]
    assert len(result.problems) == 3
    assert statuses(result, "b")["2026-Q3"] == OVERDUE  # the Code's one month is assumed
    assert statuses(result, "c") == {"once": OVERDUE}


def test_one_obligation_and_the_json_shape():
    with freeze_time("2026-11-30"):
        result = deadlines.report(SCHEMAS, [dataset("spend-over-500", *SPEND)], only="spend-over-500")
    data = result.as_dict()
    assert [o["name"] for o in data["obligations"]] == ["spend-over-500"]
    [spend] = data["obligations"]
    assert spend["deadline"] == "1 month after the end of the quarter"
    assert spend["periods"][0] == {
        "period": "2026-Q3", "period_label": "July to September 2026", "period_start": "2026-07-01",
        "period_end": "2026-09-30", "due": "2026-10-31", "status": "on_time", "status_label": "Published on time",
        "published": "2026-10-20", "partly_published": False,
        "resources": [{"resource_id": SPEND[0]["id"], "resource_name": "July to September 2026",
                       "dataset": "spend-over-500-dataset", "dataset_title": "spend-over-500 data",
                       "period_start": "2026-07-01", "period_end": "2026-09-30", "published": "2026-10-20"}]}
    assert data["today"] == "2026-11-30"
