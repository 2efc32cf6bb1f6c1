"""The fuzzing reproducers of issue 17 (../shared/data/bad-inputs, README there), each with its exact outcome.

A refused file: exit code 2, one line on stderr naming the file and why, no traceback, the workspace as it
was. A file with a bad row or value: ingested, the row counted as a reject with its real line or row number
(found by hand in the file, or from the mutation's known place), accepted + rejected + duplicates = records.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from basewatch.ingest.pipeline import IngestReport, ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

BAD = "bad-inputs/"
GOOD = "ais/aisdb_test_data_noaa_20230101.csv"
COUNTED = ("sources", "aircraft_points", "aircraft", "ais_positions", "ais_static")


def _snapshot(ws_path: Path) -> dict[str, int]:
    with Workspace(ws_path) as ws:
        return {t: int(ws.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED}  # type: ignore[index]


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("name", "expected"), [
    ("01_corrupt_gzip_sbs.csv.gz", "gzip stream damaged after"),
    ("06_opensky_duplicate_column.parquet", "column 'lat' appears 2 times"),
    ("07_opensky_raw_invalid_utf8.parquet", "column 'rawmsg' holds text that is not valid UTF-8 (row 1)"),
    ("09_opensky_raw_list_column.parquet", "column 'icao24' holds list<element: double>"),
    ("12_aiscsv_truncated.csv.gz", "gzip stream damaged after"),
])
def test_refused_file_one_line_exit_2_workspace_unchanged(tmp_path: Path, name: str, expected: str) -> None:
    ws = tmp_path / "ws.duckdb"
    first = _cli(ws, "ingest", str(shared_file(GOOD)))
    assert first.returncode == 0, first.stderr
    before = _snapshot(ws)
    path = shared_file(BAD + name)
    proc = _cli(ws, "ingest", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {path}: ") and expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert _snapshot(ws) == before


def test_damaged_gzip_says_nothing_kept_and_how_much_was_readable(tmp_path: Path) -> None:
    """12 is a truncated copy of an AIS CSV: the message gives the decompressed bytes before the cut."""
    import zlib

    path = shared_file(BAD + "12_aiscsv_truncated.csv.gz")
    readable = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(path.read_bytes())  # a prefix, no error
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(Exception) as info:
        ingest_file(ws, path)
    assert str(info.value).endswith(f"gzip stream damaged after {len(readable):,} bytes (truncated); nothing kept")


def _ingest(tmp_path: Path, name: str) -> tuple[IngestReport, Workspace]:
    ws = Workspace(tmp_path / "ws.duckdb")
    return ingest_file(ws, shared_file(BAD + name)), ws


def _lines(report: IngestReport) -> dict[str, list[object]]:
    return {reason: list(v["lines"]) for reason, v in report.reasons.items()}  # type: ignore[call-overload]


# name, format, accepted, duplicates, {reason: [lines]}; read by hand from each small file
SMALL = [
    # the second of two trace points has altitude 10^20 ft
    ("02_readsb_bigint_alt.json", "readsb", 1, 0, {"altitude out of range": [2]}),
    # the only point has flags 2^64
    ("03_readsb_bigint_flags.json", "readsb", 0, 0, {"malformed trace point": [1]}),
    # the second record's timestamp is 2^64 ms
    ("04_traffic_bigint.json", "traffic-json", 1, 0, {"time outside 1970-2100": [2]}),
    # line 2 has lon_cpr 2^64 (line 1 has its position given)
    ("05_jet1090_bigint_cpr.jsonl", "jet1090", 1, 0, {"CPR field out of range (17 bits)": [2]}),
    # lines 1-3 are the same message, line 4 is dated 2624
    ("10_sbs_year_2624.csv", "sbs", 1, 2, {"time outside 1970-2100": [4]}),
    # two data rows; the second (line 3) has Millisecond 1e308
    ("11_aiscsv_millisecond_1e308.csv", "ais-csv", 1, 0, {"unreadable time": [3]}),
    # line 7 has 3 fields instead of 17
    ("15_aiscsv_short_row_line_minus1.csv", "ais-csv", 38, 0, {"malformed CSV row": [7]}),
]


@pytest.mark.parametrize(("name", "fmt", "accepted", "duplicates", "lines"), SMALL)
def test_bad_value_is_one_reject_with_its_line(
    tmp_path: Path, name: str, fmt: str, accepted: int, duplicates: int, lines: dict[str, list[int]]
) -> None:
    report, ws = _ingest(tmp_path, name)
    try:
        assert (report.input_format, report.accepted, report.duplicates) == (fmt, accepted, duplicates)
        assert _lines(report) == lines
        assert report.rejected == sum(len(v) for v in lines.values())
        row = ws.con.execute("SELECT accepted, rejected, duplicates FROM sources").fetchone()
        assert row == (report.accepted, report.rejected, report.duplicates)
    finally:
        ws.close()


def test_short_row_counted_with_its_line_and_later_rows_keep_theirs(tmp_path: Path) -> None:
    """15: the row after the short line 7 is stored as line 8 (not 7: numbering does not shift)."""
    report, ws = _ingest(tmp_path, "15_aiscsv_short_row_line_minus1.csv")
    try:
        path = shared_file(BAD + "15_aiscsv_short_row_line_minus1.csv")
        line8 = path.read_text().splitlines()[7].split(",")
        got = ws.con.execute("SELECT mmsi, lat FROM ais_positions WHERE row_no = 8").fetchone()
        assert got == (line8[0], float(line8[2]))
        assert report.accepted > 0
    finally:
        ws.close()


def _data_lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines()[1:] if line.strip())


@pytest.mark.parametrize(("name", "bad_line"), [
    ("13b_opensky_csv_bad_row_invalid_utf8.csv", 6),
    ("14b_opensky_csv_one_invalid_utf8_byte.csv", 4),
])
def test_opensky_csv_invalid_utf8_costs_one_line(tmp_path: Path, name: str, bad_line: int) -> None:
    path = shared_file(BAD + name)
    bad = [i for i, line in enumerate(path.read_bytes().splitlines(), 1) if not _utf8(line)]
    assert bad == [bad_line]  # the mutation's place, found independently of the reader
    report, ws = _ingest(tmp_path, name)
    ws.close()
    assert _lines(report) == {"not UTF-8 text": [bad_line]}
    assert report.accepted + report.rejected + report.duplicates == _data_lines(path)


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _position_rows(ws: Workspace) -> set[int]:
    return {int(r[0]) for r in ws.con.execute("SELECT row_no FROM ais_positions").fetchall()}


def test_ais_csv_invalid_utf8_costs_exactly_its_line(tmp_path: Path) -> None:
    """13 inserts a garbage line 6 into the NOAA sample, 14 breaks one byte of line 3: every other row is
    stored under its own line number, as when the original file is ingested."""
    with Workspace(tmp_path / "orig.duckdb") as ws:
        ingest_file(ws, shared_file(GOOD))
        original = _position_rows(ws)
    assert 3 in original and 6 in original
    (tmp_path / "a").mkdir()
    report13, ws13 = _ingest(tmp_path / "a", "13_aiscsv_bad_row_invalid_utf8.csv")
    with ws13:
        assert _lines(report13) == {"not UTF-8 text": [6]}
        assert _position_rows(ws13) == {r if r < 6 else r + 1 for r in original}
    (tmp_path / "b").mkdir()
    report14, ws14 = _ingest(tmp_path / "b", "14_aiscsv_one_invalid_utf8_byte.csv")
    with ws14:
        assert _lines(report14) == {"not UTF-8 text": [3]}
        assert _position_rows(ws14) == original - {3}


def _year_2100_rows(path: Path, column: str) -> list[int]:
    """1-based rows whose time (as raw integer ticks) lies at or after 2100."""
    values = pq.read_table(path, columns=[column]).column(column)
    unit = values.type.unit
    ticks = pc.cast(values, pa.int64()).to_pylist()
    limit = int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()) * {"s": 1, "ms": 10**3, "us": 10**6,
                                                                       "ns": 10**9}[unit]
    return [i for i, t in enumerate(ticks, 1) if t is not None and t >= limit]


def test_state_vectors_one_row_in_year_9999_is_one_reject(tmp_path: Path) -> None:
    path = shared_file(BAD + "16_opensky_one_row_year9999.parquet")
    rows = _year_2100_rows(path, "time")
    report, ws = _ingest(tmp_path, "16_opensky_one_row_year9999.parquet")
    ws.close()
    assert len(rows) == 1
    assert _lines(report) == {"time outside 1970-2100": rows}
    assert report.accepted + report.rejected + report.duplicates == pq.read_metadata(path).num_rows


def test_raw_frames_in_year_9999_and_in_nanoseconds(tmp_path: Path) -> None:
    path = shared_file(BAD + "08b_opensky_raw_year9999.parquet")
    report, ws = _ingest(tmp_path, "08b_opensky_raw_year9999.parquet")
    ws.close()
    assert _lines(report) == {"missing or implausible time": _year_2100_rows(path, "mintime")}
    (tmp_path / "ns").mkdir()
    report_ns, ws_ns = _ingest(tmp_path / "ns", "08_opensky_raw_ns_timestamp.parquet")
    ws_ns.close()
    rows = pq.read_metadata(shared_file(BAD + "08_opensky_raw_ns_timestamp.parquet")).num_rows
    assert report_ns.rejected == 0
    assert any(note.startswith(f"{rows} frames, {rows} passed the checks") for note in report_ns.notes)


# Failures the fuzz harness found (tests/fuzz), made by hand here.
def test_lone_surrogates_in_json_text_are_a_bad_value_not_a_crash(tmp_path: Path) -> None:
    good = '{"icao24": "ae0455", "timestamp": 1600120072000, "latitude": 32.69, "longitude": -117.2}'
    path = tmp_path / "t.json"
    path.write_bytes(("[" + good + ', {"icao24": "ae\\ud80055", "timestamp": 1600120073000}, '
                      '{"icao24": "ae04' ).encode() + b"\xed\xa0\x80" + b'", "timestamp": 1600120074000}]')
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path)
    assert (report.accepted, _lines(report)) == (1, {"icao24 not 6 hex digits": [2, 3]})


def test_unclosed_quote_costs_its_line_only(tmp_path: Path) -> None:
    header = "time,icao24,lat,lon,velocity\n"
    rows = [f"{1700000000 + i},4b1901,47.{i},8.0,100.0\n" for i in range(5)]
    rows[2] = '1700000002,"4b1901,47.2,8.0,100.0\n'  # line 4: the quote never closes
    path = tmp_path / "sv.csv"
    path.write_text(header + "".join(rows))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path)
        stored = sorted(int(r[0]) for r in ws.con.execute("SELECT row_no FROM aircraft_points").fetchall())
    assert _lines(report) == {"unclosed quote": [4]}
    assert stored == [2, 3, 5, 6]


def test_carriage_return_lines_keep_their_numbers_around_a_bad_byte(tmp_path: Path) -> None:
    header = "MMSI,BaseDateTime,LAT,LON\r"
    rows = [f"36775244{i},2023-01-11T00:00:0{i},43.0{i},-70.7\r".encode() for i in range(4)]
    rows[1] = rows[1].replace(b"43.0", b"4\xff3.0")  # line 3 is not UTF-8
    path = tmp_path / "ais.csv"
    path.write_bytes(header.encode() + b"".join(rows))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path, "ais-csv")
        stored = sorted(int(r[0]) for r in ws.con.execute("SELECT row_no FROM ais_positions").fetchall())
    assert _lines(report) == {"not UTF-8 text": [3]}
    assert stored == [2, 4, 5]
