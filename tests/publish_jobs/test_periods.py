"""Period labels in the register become resource names and date ranges."""
import datetime as dt

import pytest

from publish_jobs.periods import period_range

D = dt.date


@pytest.mark.parametrize("label, first, last", [
    ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30)),
    ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31)),
    ("2024-25", D(2024, 4, 1), D(2025, 3, 31)),
    ("2019-20", D(2019, 4, 1), D(2020, 3, 31)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2024-12", D(2024, 12, 1), D(2024, 12, 31)),
    ("2023", D(2023, 1, 1), D(2023, 12, 31)),
    ("2024-08-31", D(2024, 8, 31), D(2024, 8, 31)),
])
def test_period_labels(label, first, last):
    assert period_range(label) == (first, last)


@pytest.mark.parametrize("label", ["2024-Q5", "2024-13", "24-25", "Q3 2024", "2024-26"])
def test_bad_labels_say_what_is_expected(label):
    with pytest.raises(ValueError, match="2024-Q3"):
        period_range(label)
