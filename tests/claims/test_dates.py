"""Relative dates against Wednesday 2025-01-15, each expected range worked out on a calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.dates import find_dates, first_date

REF = dt.date(2025, 1, 15)  # a Wednesday
D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("it began last week", D(2025, 1, 6), D(2025, 1, 12)),
        ("this week", D(2025, 1, 13), D(2025, 1, 19)),
        ("next week", D(2025, 1, 20), D(2025, 1, 26)),
        ("yesterday", D(2025, 1, 14), D(2025, 1, 14)),
        ("today", D(2025, 1, 15), D(2025, 1, 15)),
        ("on Monday", D(2025, 1, 13), D(2025, 1, 13)),
        ("on Wednesday", D(2025, 1, 15), D(2025, 1, 15)),
        ("last Wednesday", D(2025, 1, 8), D(2025, 1, 8)),
        ("on Sunday", D(2025, 1, 12), D(2025, 1, 12)),
        ("in the past week", D(2025, 1, 8), D(2025, 1, 15)),
        ("over the past two months", D(2024, 11, 15), D(2025, 1, 15)),
        ("three days ago", D(2025, 1, 12), D(2025, 1, 12)),
        ("earlier this month", D(2025, 1, 1), D(2025, 1, 15)),
        ("last month", D(2024, 12, 1), D(2024, 12, 31)),
        ("in December", D(2024, 12, 1), D(2024, 12, 31)),
        ("in December 2023", D(2023, 12, 1), D(2023, 12, 31)),
        ("in March", D(2024, 3, 1), D(2024, 3, 31)),
        ("due on Jan. 5, 2025", D(2025, 1, 5), D(2025, 1, 5)),
        ("on 13 December", D(2024, 12, 13), D(2024, 12, 13)),
        ("on January 20", D(2025, 1, 20), D(2025, 1, 20)),
        ("on 2024-12-09", D(2024, 12, 9), D(2024, 12, 9)),
        ("since 2014", D(2014, 1, 1), D(2014, 12, 31)),
    ],
)
def test_resolves(text: str, start: dt.date, end: dt.date) -> None:
    found = first_date(text, REF)
    assert found is not None
    assert (found.start, found.end) == (start, end)


def test_without_report_date_only_absolute_dates_resolve() -> None:
    assert first_date("last week", None) is None
    found = first_date("on Jan. 5, 2025", None)
    assert found is not None and found.start == D(2025, 1, 5)


def test_all_dates_in_order() -> None:
    found = find_dates("Ships left on Monday and are due on Jan. 20, 2025.", REF)
    assert [(d.text, d.start) for d in found] == [("on Monday", D(2025, 1, 13)), ("Jan. 20, 2025", D(2025, 1, 20))]


def test_future_tense_takes_the_coming_weekday() -> None:
    found = first_date("Two landing ships are due to reach Tartus on Friday.", REF)
    assert found is not None and found.start == D(2025, 1, 17)
    found = first_date("The frigate will sail next Monday.", REF)
    assert found is not None and found.start == D(2025, 1, 20)
    found = first_date("The frigate sailed on Friday.", REF)
    assert found is not None and found.start == D(2025, 1, 10)
