"""Failures found by the long fuzzing runs of this harness, each as the (shrunk) input that showed it.

Expected values are read off the inputs by hand: line counts, the title and date of a header line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from basewatch.errors import InputFormatError
from basewatch.identity.aircraftdb import BAD_LINE, NOT_UTF8, Tar1090ExtractReader
from basewatch.ingest import files
from basewatch.reports.header import parse_header


def test_an_emptied_line_between_a_lone_cr_and_a_lf_keeps_its_own_line() -> None:
    # lines: "a" (ends \r), "\xd4" (not UTF-8, ends \n), "b": three lines; the old code gave "a\r\nb",
    # two lines, and every later line number one too low
    cleaned, bad = files.utf8_lines(b"a\r\xd4\nb")
    assert bad == (2,)
    assert cleaned.decode().splitlines() == ["a", "", "b"]


def test_line_ends_of_every_kind_hold_when_a_line_is_emptied() -> None:
    cleaned, bad = files.utf8_lines(b"x\r\ny\rz\xff\r\xfe\nw")
    assert bad == (3, 4)
    assert cleaned == b"x\ny\n\n\nw"


def test_a_title_line_with_a_long_run_of_spaces_is_read() -> None:
    # the title pattern backtracked over runs of spaces: 60 KB of them took 8 s, 1 MB would take hours
    line = "Drawdown" + " " * 1_000_000 + "(Reuters) | 2024-12-10"
    header = parse_header(line + "\nbody\n")
    assert header.title == "Drawdown" + " " * 1_000_000 + "(Reuters)"
    assert header.publisher == "Reuters"
    assert str(header.date) == "2024-12-10"
    assert header.body_start == len(line) + 1


def test_title_lines_split_at_the_last_bar() -> None:
    h = parse_header("a || 2024-12-10\nbody")
    assert (h.title, str(h.date)) == ("a |", "2024-12-10")
    assert parse_header("| 2024-12-10\nbody").title is None  # no title before the bar


HEADER = b"icao24,registration,typecode,dbflags,desc\n"


def test_aircraft_database_line_not_utf8_is_one_reject(tmp_path: Path) -> None:
    # one byte 0xee in line 3 made pyarrow's row handler fail ("Exception ignored" on stderr) and the
    # whole file was refused
    p = tmp_path / "extract.csv"
    p.write_bytes(HEADER + b"018000,5A-DRS,IL76,10,\n01801c,5A-C\xeeA,AN72,00,ANTONOV\n018024,5A-DKK,IL76,10,x\n")
    result = Tar1090ExtractReader().read(p)
    assert result.rejects.counts == {NOT_UTF8: 1}
    assert result.rejects.examples[NOT_UTF8] == [3]
    assert result.tables["aircraft"].column("icao24").to_pylist() == ["018000", "018024"]


def test_aircraft_database_short_line_keeps_its_line_number(tmp_path: Path) -> None:
    p = tmp_path / "extract.csv"
    p.write_bytes(HEADER + b"018000,5A-DRS,IL76,10,\n01801c\n018024,5A-DKK,IL76,10,x\n")
    result = Tar1090ExtractReader().read(p)
    assert result.rejects.examples == {BAD_LINE: [3]}


def test_aircraft_database_damaged_gzip_is_one_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "extract.csv.gz"
    p.write_bytes(gzip.compress(HEADER + b"018000,5A-DRS,IL76,10,\n" * 400)[:-30])
    with pytest.raises(InputFormatError, match="gzip stream damaged"):
        Tar1090ExtractReader().read(p)


SITE = 'name = "t"\n[[sites]]\nid = "k"\nname = "K"\nkind = "airbase"\nlat = {lat}\nlon = 35.9\nradius_km = 5.0\n'


def test_watchlist_integer_of_5000_digits_is_a_watchlist_error() -> None:
    from basewatch.errors import WatchlistError
    from basewatch.watchlist.load import load_watchlist_text

    with pytest.raises(WatchlistError, match="not valid TOML"):
        load_watchlist_text(SITE.format(lat="1" * 5000))


def test_watchlist_latitude_beyond_any_float_is_a_watchlist_error() -> None:
    from basewatch.errors import WatchlistError
    from basewatch.watchlist.load import load_watchlist_text

    with pytest.raises(WatchlistError, match="'lat' must be a number"):
        load_watchlist_text(SITE.format(lat="1" + "0" * 400))
    assert load_watchlist_text(SITE.format(lat="35.4")).sites[0].lat == 35.4


def test_ru_registry_text_not_utf8_is_read(tmp_path: Path) -> None:
    import sqlite3

    from basewatch.identity.aircraftdb import RuRegistryReader

    p = tmp_path / "ru.sqlite3"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE aircraftdb (icao_24bit_address TEXT, registration TEXT, aircraft_type TEXT, "
                "model TEXT, operator TEXT)")
    con.execute("INSERT INTO aircraftdb VALUES ('150001', 'RA-78830', 'IL76', CAST(? AS TEXT), 'MChS')",
                [b"Il-76\xc3("])
    con.commit()
    con.close()
    result = RuRegistryReader().read(p)
    rows = result.tables["aircraft"].to_pylist()
    assert [r["registration"] for r in rows] == ["RA-78830"]


def test_feed_item_dated_year_10000_has_no_date(tmp_path: Path) -> None:
    from basewatch.reports.readers import read_reports

    p = tmp_path / "feed.xml"
    p.write_bytes(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><entry>'
                  b"<title>Drawdown</title><updated>10000-12-10T08:00:00Z</updated><content>Text.</content>"
                  b"</entry><entry><title>Two</title><updated>2024-12-10T08:00:00Z</updated>"
                  b"<content>More.</content></entry></feed>")
    reports = read_reports(p)
    assert [r.title for r in reports] == ["Drawdown", "Two"]
    assert reports[1].date is not None and str(reports[1].date) == "2024-12-10"
    assert reports[0].date is None or reports[0].date.year < 10000


def test_relative_date_at_the_end_of_the_calendar_is_no_date() -> None:
    import datetime as dt

    from basewatch.claims.dates import find_dates

    end = dt.date(9999, 12, 31)
    for text in ("next week", "next month", "next year", "in two weeks"):
        assert all(d.start <= end for d in find_dates(text, end))


def test_aircraft_extract_with_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "extract.csv"
    p.write_bytes(b"icao24,registration,typecode,dbflags,registration\n018000,5A-DRS,IL76,10,x\n")
    with pytest.raises(InputFormatError, match="'registration' more than once"):
        Tar1090ExtractReader().read(p)
