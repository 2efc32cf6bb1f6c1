"""The options every command shares: one parser for --since/--until, one check for --format."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.cli.options import check_format, parse_when
from basewatch.errors import UsageError
from basewatch.flights.query import Window

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-10", dt.date(2024, 12, 10)),
        ("2024-12-10T06:30", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),  # no zone: UTC
        ("2024-12-10T06:30Z", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),
        ("2024-12-10t06:30z", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),
        ("2024-12-10T06:30:15Z", dt.datetime(2024, 12, 10, 6, 30, 15, tzinfo=UTC)),
        ("2024-12-10 06:30", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),
        ("2024-12-10T08:30+02:00", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),
        ("2024-12-10T08:30+0200", dt.datetime(2024, 12, 10, 6, 30, tzinfo=UTC)),
    ],
)
def test_parse_when(text: str, expected: dt.date) -> None:
    got = parse_when(text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("text", ["10/12/2024", "2024-12", "yesterday", "2024-12-10T6", "2024-13-01"])
def test_parse_when_rejects_with_the_option_named(text: str) -> None:
    with pytest.raises(UsageError, match=f"--until '{text}': use an ISO 8601 date"):
        parse_when(text, "--until")


def test_a_date_as_until_includes_that_day() -> None:
    w = Window.of(parse_when("2024-12-10"), parse_when("2024-12-10"))
    assert (w.since, w.until) == (dt.datetime(2024, 12, 10, tzinfo=UTC), dt.datetime(2024, 12, 11, tzinfo=UTC))


def test_check_format_names_what_the_command_writes() -> None:
    assert check_format("json", ("table", "json")) == "json"
    with pytest.raises(UsageError, match="--format 'yaml': this command writes table, json"):
        check_format("yaml", ("table", "json"))
