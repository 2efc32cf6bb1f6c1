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
