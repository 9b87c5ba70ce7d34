"""Calendar-month arithmetic (stacking/dates.py): what experience months and plan dates are counted in."""

from datetime import datetime, timezone

import pytest

from skillwallet.stacking.dates import add_months, months_between


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


@pytest.mark.parametrize(("start", "months", "expected"), [
    (at(2024, 1, 31), 1, at(2024, 2, 29)),  # clamped to the last day of a leap February
    (at(2023, 1, 31), 1, at(2023, 2, 28)),
    (at(2024, 11, 15), 3, at(2025, 2, 15)),  # across a year
    (at(2024, 3, 31), -1, at(2024, 2, 29)),  # backwards too
    (at(2024, 1, 10), -13, at(2022, 12, 10)),
])
def test_add_months_moves_by_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_months_between_counts_calendar_months_then_the_fraction_of_the_next():
    assert months_between(at(2024, 1, 1), at(2024, 7, 1)) == 6.0  # not 5.95 (182 days)
    assert months_between(at(2024, 1, 31), at(2024, 2, 29)) == 1.0
    assert months_between(at(2024, 1, 1), at(2024, 1, 16)) == pytest.approx(15 / 31)
    assert months_between(at(2024, 7, 1), at(2024, 1, 1)) == 0.0  # an end before the start is no time
