"""Readers stream in bounded batches: generated files of known content, read with small batches.

Every expected value follows from how the files are generated (line numbers, counts, carried state),
not from the code under test.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from basewatch.errors import InputFormatError
from basewatch.ingest import stream as streams
from basewatch.ingest.adsb.opensky import READER as OPENSKY
from basewatch.ingest.adsb.sbs import READER as SBS
from basewatch.ingest.ais.csv import READER as AIS_CSV
from basewatch.ingest.ais.nmea import stream_source
from basewatch.ingest.ais.sentences import FileSource
from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

N = 1000          # position lines in the generated SBS file
B = 64            # lines per batch in these tests
HEXES = ("4ca2d6", "40621d", "3c6444")


def _sbs_position(i: int) -> str:
    """Line of point i: aircraft i % 3, second i (12:00:00 + i s, within a day), latitude 50 + i/10000."""
    h = HEXES[i % 3].upper()
    t = f"{12 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000"
    return f"MSG,3,1,1,{h},1,2024/12/14,{t},2024/12/14,{t},,,,,{50 + i / 10000:.4f},8.0,,,0,0,0,0"


def _sbs_file(tmp_path: Path, compress: bool = False) -> tuple[Path, list[int]]:
    """Line 1: callsign of aircraft 0 (MSG,1); then N position lines, with a non-SBS line after every
    100th; returns the path and the line numbers of the non-SBS lines."""
    lines = [f"MSG,1,1,1,{HEXES[0].upper()},1,2024/12/14,12:00:00.000,2024/12/14,12:00:00.000,RYR1,,,,,,,,0,0,0,0"]
    bad: list[int] = []
    for i in range(N):
        lines.append(_sbs_position(i))
        if i % 100 == 99:
            lines.append("hello world")
            bad.append(len(lines))
    text = ("\r\n".join(lines) + "\r\n").encode()
    path = tmp_path / ("log.sbs.gz" if compress else "log.sbs")
    path.write_bytes(gzip.compress(text) if compress else text)
    return path, bad


@pytest.mark.parametrize("compress", [False, True])
def test_line_blocks_bounded_and_complete(tmp_path: Path, compress: bool) -> None:
    path, _ = _sbs_file(tmp_path, compress)
    raw = gzip.decompress(path.read_bytes()) if compress else path.read_bytes()
    blocks = list(streams.line_blocks(path, max_lines=B))
    assert b"".join(b.data for b in blocks) == raw
    assert all(streams.physical_lines(b.data) <= B for b in blocks)
    total = 1 + N + N // 100
    assert sum(streams.physical_lines(b.data) for b in blocks) == total
    assert len(blocks) == -(-total // B)  # every block but the last is full
    assert [b.first_line for b in blocks] == list(range(1, total + 1, B))


def test_line_blocks_byte_bound(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"".join(b"x" * 99 + b"\n" for _ in range(50)))  # 50 lines of 100 bytes
    blocks = list(streams.line_blocks(path, max_lines=1000, max_bytes=1000))
    assert [len(b.data) for b in blocks] == [1000] * 5


def test_line_blocks_across_read_chunks(tmp_path: Path) -> None:
    """A file larger than one read (4 MiB): blocks are cut by the line count, not at each read's end."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"".join(b"%059d\n" % i for i in range(100_000)))  # 100,000 lines of 60 bytes: 6 MB
    blocks = list(streams.line_blocks(path, max_lines=60_000))
    assert [streams.physical_lines(b.data) for b in blocks] == [60_000, 40_000]
    assert [b.first_line for b in blocks] == [1, 60_001]
    assert blocks[1].data.startswith(b"%059d\n" % 60_000)
    by_bytes = list(streams.line_blocks(path, max_lines=1_000_000, max_bytes=5_000_000))
    assert [len(b.data) for b in by_bytes] == [4_999_980, 1_000_020]  # 83,333 whole lines fit 5 MB


def test_sbs_batches_bounded_totals_and_carried_state(tmp_path: Path) -> None:
    path, bad = _sbs_file(tmp_path)
    result = SBS.stream(path, max_lines=B)
    batches = [b["aircraft_points"] for b in result.batches]
    assert len(batches) == -(-(1 + N + N // 100) // B)
    assert max(t.num_rows for t in batches) <= B
    assert sum(t.num_rows for t in batches) == N
    assert result.rejects.counts == {"not an SBS line": N // 100}
    assert result.rejects.examples["not an SBS line"] == bad[:5] == [102, 203, 304, 405, 506]
    rows = [r for t in batches for r in t.to_pylist()]
    assert [r["row_no"] for r in rows][:4] == [2, 3, 4, 5]
    # the callsign of line 1 is carried to aircraft 0's points for 1800 s, across batch boundaries
    aircraft0 = [r for r in rows if r["icao24"] == HEXES[0]]
    with_call = [r for r in aircraft0 if r["callsign"] == "RYR1"]
    assert len(with_call) == len([i for i in range(0, N, 3) if i <= 1800]) == len(aircraft0)
    assert all(r["callsign"] is None for r in rows if r["icao24"] != HEXES[0])


def test_sbs_callsign_ages_out_across_batches(tmp_path: Path) -> None:
    lines = ["MSG,1,1,1,4CA2D6,1,2024/12/14,12:00:00.000,2024/12/14,12:00:00.000,RYR1,,,,,,,,0,0,0,0"]
    seconds = [0, 600, 1200, 1799, 1801, 2400]
    lines += [f"MSG,3,1,1,4CA2D6,1,2024/12/14,12:{s // 60:02d}:{s % 60:02d}.000,,,,,,,51.0,8.0,,,0,0,0,0"
              for s in seconds]
    path = tmp_path / "age.sbs"
    path.write_text("\n".join(lines) + "\n")
    for max_lines in (1, 2, 100):
        calls = [r["callsign"] for b in SBS.stream(path, max_lines=max_lines).batches
                 for r in b["aircraft_points"].to_pylist()]
        assert calls == ["RYR1"] * 4 + [None, None], max_lines


def test_opensky_csv_batches(tmp_path: Path) -> None:
    header = "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,baroaltitude"
    rows = [f"{1_700_000_000 + i},{HEXES[i % 3]},{50 + i / 10000},8.0,200,90,0,RYR{i % 3},false,10000"
            for i in range(N)]
    rows[499] = "1700000499,zzzzzz,50,8,200,90,0,X,false,10000"  # line 501: icao24 not hex
    path = tmp_path / "sv.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    result = OPENSKY.stream(path, max_lines=B)
    tables = [b["aircraft_points"] for b in result.batches]
    assert max(t.num_rows for t in tables) <= B
    assert sum(t.num_rows for t in tables) == N - 1
    assert result.rejects.as_json() == {"icao24 not 6 hex digits": {"count": 1, "lines": [501]}}
    row_no = [r for t in tables for r in t.column("row_no").to_pylist()]
    assert row_no == [n for n in range(2, N + 2) if n != 501]


def _tag(i: int) -> str:
    body = f"c:{1_700_000_000 + i}"
    check = 0
    for ch in body:
        check ^= ord(ch)
    return f"\\{body}*{check:02X}\\"


def _nmea_file(tmp_path: Path, n: int) -> Path:
    """n copies of one type-1 position report (gpsd's sample), each with its own tag-block time."""
    sentence = "!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C"  # MMSI 366053209 (gpsd test data)
    lines = [f"{_tag(i)}{sentence}" for i in range(n)]
    path = tmp_path / "ais.nmea"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_nmea_batches_total(tmp_path: Path) -> None:
    path = _nmea_file(tmp_path, 3000)
    source = FileSource(path, block_size=16 * 1024)  # blocks of 16 KiB: about 220 lines each
    result = stream_source(source, path)
    tables = [b["ais_positions"] for b in result.batches]
    line_len = len(path.read_bytes().splitlines()[0]) + 1
    assert len(tables) >= 3000 * line_len // (16 * 1024)
    assert max(t.num_rows for t in tables) <= 16 * 1024 // line_len + 1
    assert result.rejects.total == 0
    assert sum(t.num_rows for t in tables) == 3000
    mmsi = {m for t in tables for m in t.column("mmsi").to_pylist()}
    assert mmsi == {"366053209"}


def test_ingest_in_batches_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "BATCH_LINES", B)
    path, bad = _sbs_file(tmp_path)
    with path.open("ab") as fh:  # a repeat of point 0 (line 2) at the file's end: a duplicate across batches
        fh.write((_sbs_position(0) + "\r\n").encode())
    ws = Workspace.open(tmp_path / "ws.duckdb", create=True)
    try:
        report = ingest_file(ws, path)
        assert (report.accepted, report.rejected, report.duplicates) == (N, N // 100, 1)
        assert report.reasons["not an SBS line"]["lines"] == bad[:5]
        assert ws.con.execute("SELECT count(*), min(row_no), max(row_no) FROM aircraft_points").fetchone() == (
            N, 2, N + N // 100)  # the last point is on line 1010 (line 1011 is the last non-SBS line)
        again = ingest_file(ws, path)
        assert again.already_ingested
        assert ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (N,)
    finally:
        ws.close()


def test_damage_late_in_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gzip cut short after several batches have been written: the file's transaction is rolled back."""
    monkeypatch.setattr(streams, "BATCH_LINES", B)
    path, _ = _sbs_file(tmp_path, compress=True)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 40])
    written = 0
    with pytest.raises(InputFormatError):
        for _ in SBS.stream(path).batches:
            written += 1
    assert written >= 10  # the damage shows only after most of the file's batches
    ws = Workspace.open(tmp_path / "ws.duckdb", create=True)
    try:
        with pytest.raises(InputFormatError, match="gzip stream damaged"):
            ingest_file(ws, path)
        assert ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (0,)
        assert ws.con.execute("SELECT count(*) FROM sources").fetchone() == (0,)
    finally:
        ws.close()


def test_ingest_after_ibis_turned_replacement_scans_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ibis switches DuckDB's replacement scans off on a connection it has used (the live watcher's
    connection after a product build): an ingest on it still writes every batch, and leaves the setting
    as it found it."""
    monkeypatch.setattr(streams, "BATCH_LINES", B)
    path, _ = _sbs_file(tmp_path)
    ws = Workspace.open(tmp_path / "ws.duckdb", create=True)
    try:
        ws.con.execute("SET python_enable_replacements = false")
        report = ingest_file(ws, path)
        assert report.accepted == N
        assert ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (N,)
        assert ws.con.execute("SELECT current_setting('python_enable_replacements')").fetchone() == (False,)
    finally:
        ws.close()


@pytest.mark.parametrize("name", ["ais/aisdb_test_data_20210701_spire.csv", "ais/aisdb_test_data_noaa_20230101.csv"])
def test_ais_csv_in_batches_equals_the_whole_file(name: str) -> None:
    """Real AIS CSV exports read in 97-line batches give the records, rejects and duplicates of one read;
    a vessel's static data seen in several batches stays one record with its earliest time."""
    path = shared_file(name)
    whole = streams.collect(AIS_CSV.stream(path, max_lines=10**9))
    stream = AIS_CSV.stream(path, max_lines=97)
    batches = list(stream.batches)
    parts = streams.collect(AIS_CSV.stream(path, max_lines=97))
    assert len(batches) >= 10
    assert whole.tables["ais_positions"].num_rows + whole.tables["ais_static"].num_rows > 500
    for table in ("ais_positions", "ais_static"):
        assert parts.tables[table].equals(whole.tables[table]), table
    assert parts.rejects.as_json() == whole.rejects.as_json()
    assert (parts.duplicates, parts.skipped) == (whole.duplicates, whole.skipped)


def test_ais_csv_static_state_merged_across_batches(tmp_path: Path) -> None:
    """Vessel 211000001 sends the same name on data rows 1, 60 and 150 (file lines 2, 61, 151), at minutes
    2, 1 and 3: with 50-line batches those lie in three batches, and the state is one record at minute 1,
    line 2, with 2 duplicates. Its positions (every row) are all kept."""
    lines = ["MMSI,BaseDateTime,LAT,LON,VesselName"]
    minute = {1: 2, 60: 1, 150: 3}
    for row in range(1, 201):
        name = "ALPHA" if row in minute else ""
        t = f"2024-12-14T10:{minute.get(row, 10 + row % 40):02d}:{row % 60:02d}"
        lines.append(f"{211000001 if row in minute else 211000100 + row},{t},35.{row:03d},33.5,{name}")
    path = tmp_path / "ais.csv"
    path.write_text("\n".join(lines) + "\n")
    got = streams.collect(AIS_CSV.stream(path, max_lines=50))
    static = got.tables["ais_static"].to_pylist()
    assert [(r["mmsi"], r["name"], r["time"].minute, r["row_no"]) for r in static] == [("211000001", "ALPHA", 1, 2)]
    assert got.duplicates == 2
    assert got.tables["ais_positions"].num_rows == 200
