"""Crafted bad files: each gives one clear error naming the file, or counted rejects with line numbers."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb import opensky, readsb, sbs, trafficjson
from basewatch.ingest.base import Reader
from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace

READERS: dict[str, Reader] = {
    "opensky": opensky.READER, "readsb": readsb.READER, "sbs": sbs.READER, "traffic-json": trafficjson.READER,
}
# Binary noise without 0x1a (the Beast frame escape), so no reader can take it for another binary format.
GARBAGE = bytes(b for b in ((i * 7919 + 13) % 256 for i in range(4096)) if b != 0x1A)
TRACE = {"icao": "4b1901", "timestamp": 1700000000.0,
         "trace": [[float(i), 47.0 + i / 100, 8.0, 1000, 100.0, 90.0, 0, 0] for i in range(200)]}
RECORDS = [{"icao24": "4b1901", "timestamp": 1700000000000 + 1000 * i, "latitude": 47.0, "longitude": 8.0}
           for i in range(2000)]


def _truncated_gzip(tmp: Path) -> Path:
    data = gzip.compress(json.dumps(RECORDS).encode())
    path = tmp / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path
    return make


def _wrong_parquet(tmp: Path) -> Path:
    path = tmp / "wrong.parquet"
    pq.write_table(pa.table({"mintime": [1.0], "rawmsg": ["8d4b19"], "icao24": ["4b1901"]}), path)
    return path


CASES = [
    ("opensky", _write("empty.csv", b""), "file is empty"),
    ("readsb", _write("empty.json", b"  \n"), "file is empty"),
    ("sbs", _write("empty.sbs", b""), "file is empty"),
    ("traffic-json", _write("empty.json.gz", gzip.compress(b"")), "file is empty"),
    ("opensky", _write("garbage.bin", GARBAGE), "not an OpenSky state-vector CSV"),
    ("readsb", _write("garbage.bin", GARBAGE), "not UTF-8"),
    ("sbs", _write("garbage.bin", GARBAGE), "no MSG lines"),
    ("traffic-json", _write("garbage.bin", GARBAGE), "not UTF-8"),
    ("opensky", _write("wrong.csv", b"a,b,c\n1,2,3\n"), "not an OpenSky state-vector CSV"),
    ("opensky", _wrong_parquet, "missing column(s) time, lat, lon"),
    ("opensky", _write("cut.parquet", b"PAR1" + GARBAGE[:100]), "unreadable Parquet"),
    ("readsb", _write("cut.json", json.dumps(TRACE).encode()[:3000]), "invalid or truncated JSON"),
    ("readsb", _write("records.json", json.dumps(RECORDS[:3]).encode()), "not a readsb trace"),
    ("traffic-json", _truncated_gzip, "gzip stream damaged"),
    ("traffic-json", _write("trace.json", json.dumps(TRACE).encode()), "not a traffic JSON table"),
    ("traffic-json", _write("nots.json", json.dumps([{"icao24": "4b1901"}]).encode()), "missing column(s) timestamp"),
]


@pytest.mark.parametrize(("fmt", "make", "message"), CASES)
def test_not_of_the_format(tmp_path: Path, fmt: str, make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(InputFormatError) as info:
        READERS[fmt].read(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(TRACE, indent=1)[:5000])
    with pytest.raises(InputFormatError) as info:
        readsb.READER.read(path)
    assert info.value.line is not None and info.value.line > 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_write("garbage.bin", GARBAGE), "not a recognised format"),
        (_write("empty.txt", b""), "file is empty"),
        (_write("wrong.csv", b"a,b,c\n1,2,3\n"), "not a recognised format"),
        (_truncated_gzip, "gzip stream damaged"),  # sniffed from what decompresses, then refused
    ],
)
def test_auto_rejects_whole_file_and_writes_nothing(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        with pytest.raises(InputFormatError, match=message):
            ingest_file(ws, path)
        assert ws.con.execute("SELECT count(*) FROM sources").fetchone() == (0,)
        assert ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (0,)


def test_cli_bad_file_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "garbage.bin"
    path.write_bytes(GARBAGE)
    ws = tmp_path / "ws.duckdb"
    env = {**os.environ, "BASEWATCH_WORKSPACE": str(ws)}
    for extra in ([], ["--input-format", "readsb"]):
        proc = subprocess.run([sys.executable, "-m", "basewatch", "ingest", *extra, str(path)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 2
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in proc.stderr
    with Workspace(ws, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM sources").fetchone() == (0,)


def test_bad_rows_are_counted_with_line_numbers(tmp_path: Path) -> None:
    # Line 2 good; 3 unreadable time; 4 epoch milliseconds where seconds belong (year 55841: out of range);
    # 5 latitude 91; 6 longitude -180.5; 7 icao24 'xyz'; 8 too few columns; 9 good without a position.
    path = tmp_path / "bad_rows.csv"
    path.write_text(
        "time,icao24,lat,lon,velocity\n"
        "1700000000,4b1901,47.0,8.0,100\n"
        "yesterday,4b1901,47.0,8.0,100\n"
        "1700000000000,4b1901,47.0,8.0,100\n"
        "1700000002,4b1901,91.0,8.0,100\n"
        "1700000003,4b1901,47.0,-180.5,100\n"
        "1700000004,xyz,47.0,8.0,100\n"
        "1700000005,4b1901\n"
        "1700000006,4b1901,,,100\n"
    )
    result = opensky.READER.read(path)
    assert result.tables["aircraft_points"].column("row_no").to_pylist() == [2, 9]
    assert result.rejects.examples == {
        "missing or unreadable time": [3],
        "time outside 1970-2100": [4],
        "latitude outside [-90, 90]": [5],
        "longitude outside [-180, 180]": [6],
        "icao24 not 6 hex digits": [7],
        "wrong number of columns": [8],
    }
    assert result.rejects.total == 6


def test_traffic_json_bad_records_counted(tmp_path: Path) -> None:
    records = [
        {"icao24": "4b1901", "timestamp": 1700000000000, "latitude": 47.0, "longitude": 8.0},
        {"icao24": "4b1901", "timestamp": "not a time", "latitude": 47.0, "longitude": 8.0},
        {"icao24": None, "timestamp": 1700000001000, "latitude": 47.0, "longitude": 8.0},
        {"icao24": "4b1901", "timestamp": 1700000002000, "latitude": -95.0, "longitude": 8.0},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    result = trafficjson.READER.read(path)
    assert result.tables["aircraft_points"].column("row_no").to_pylist() == [1]
    assert result.rejects.examples == {
        "missing or unreadable time": [2], "missing icao24": [3], "latitude outside [-90, 90]": [4],
    }


def test_unreadable_position_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "text_lat.csv"
    path.write_text("time,icao24,lat,lon,velocity\n1700000000,4b1901,north,8.0,100\n1700000001,4b1901,47.0,8.0,1\n")
    result = opensky.READER.read(path)
    assert result.rejects.examples == {"unreadable latitude/longitude": [2]}
    assert result.tables["aircraft_points"].column("row_no").to_pylist() == [3]


def test_parquet_column_of_unusable_type(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"time": [1700000000], "icao24": ["4b1901"], "lat": [[47.0]], "lon": [8.0],
                             "velocity": [100.0]}), path)
    with pytest.raises(InputFormatError, match="column 'lat' holds list"):
        opensky.READER.read(path)
