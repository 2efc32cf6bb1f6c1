"""Decoded AIS CSV: MarineCadastre and Spire layouts (values read by hand from the files), mappings."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.errors import BasewatchError, InputFormatError
from basewatch.ingest.ais.csv import READER, parse_columns
from basewatch.ingest.registry import choose_reader
from basewatch.units import KT_TO_MS
from tests.conftest import shared_file

UTC = dt.UTC


def test_marinecadastre() -> None:
    path = shared_file("ais/aisdb_test_data_noaa_20230101.csv")
    assert choose_reader(path).name == "ais-csv"
    r = READER.read(path)
    pos = r.tables["ais_positions"]
    assert pos.num_rows == 1000 and r.rejects.total == 0
    rows = {p["row_no"]: p for p in pos.to_pylist()}
    # line 2: 367752440,2023-01-11T00:00:00,43.07917,-70.75733,0.0,360.0,95.0,SAN JOSE,,WDI9818,31,0.0,...
    assert rows[2]["mmsi"] == "367752440" and rows[2]["time"] == dt.datetime(2023, 1, 11, tzinfo=UTC)
    assert rows[2]["lat"] == 43.07917 and rows[2]["lon"] == -70.75733
    assert rows[2]["sog_ms"] == 0.0 and rows[2]["cog_deg"] is None and rows[2]["heading_deg"] == 95.0
    assert rows[2]["time_source"] == "file"
    # line 3: 636021061,...,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0
    assert rows[3]["sog_ms"] == pytest.approx(8.8 * KT_TO_MS) and rows[3]["nav_status"] == 8
    static = {s["mmsi"]: s for s in r.tables["ais_static"].to_pylist()}
    naisha = static["636021061"]
    assert (naisha["name"], naisha["imo"], naisha["callsign"], naisha["ship_type"]) == \
        ("MSC NAISHA III", "9307839", "5LCB4", 70)
    assert (naisha["length_m"], naisha["beam_m"], naisha["draught_m"]) == (208.0, 30.0, 8.0)
    assert static["367752440"]["imo"] is None and static["367752440"]["name"] == "SAN JOSE"


def test_spire_layout() -> None:
    path = shared_file("ais/aisdb_test_data_20210701_spire.csv")
    assert choose_reader(path).name == "ais-csv"
    r = READER.read(path)
    first = min(r.tables["ais_positions"].to_pylist(), key=lambda p: p["row_no"])
    # line 2: "432905000","1",...,"20210701_185151","680",...,"13.6","0","-103.63687","8.87747666667","314.8","315.0"
    assert first["row_no"] == 2 and first["mmsi"] == "432905000" and first["msg_type"] == 1
    assert first["time"] == dt.datetime(2021, 7, 1, 18, 51, 51, 680000, tzinfo=UTC)
    assert first["lat"] == 8.87747666667 and first["lon"] == -103.63687
    assert first["sog_ms"] == pytest.approx(13.6 * KT_TO_MS)
    assert first["cog_deg"] == 314.8 and first["heading_deg"] == 315.0
    types = set(r.tables["ais_positions"].column("msg_type").to_pylist())
    assert types <= {1, 2, 3, 18, 19, 27}
    assert set(r.tables["ais_static"].column("msg_type").to_pylist()) <= {5, 19, 24}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(text)
    return path


def test_column_mapping_and_bad_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ID,T,Y,X,SPEED\n"
        "273000001,2024-12-20T10:00:00Z,34.9,35.86,10\n"        # row 2: fine
        "273000001,yesterday,34.9,35.86,10\n"                   # row 3: unreadable time
        "abc,2024-12-20T10:00:00Z,34.9,35.86,10\n"              # row 4: bad MMSI
        "273000001,2024-12-20T11:00:00Z,91,181,10\n"            # row 5: not available
        "273000001,1734696000,34.0,35.0,102.3\n"                # row 6: epoch seconds, sog n/a
        "273000001,2024-12-20T12:00:00Z,95,35,1\n"              # row 7: out of range
    ))
    reader = READER.with_options(columns=parse_columns("mmsi=ID,time=T,lat=Y,lon=X,sog=SPEED"))
    r = reader.read(path)
    rows = r.tables["ais_positions"].to_pylist()
    assert [p["row_no"] for p in rows] == [2, 6]
    assert rows[0]["time"] == dt.datetime(2024, 12, 20, 10, tzinfo=UTC)
    assert rows[0]["sog_ms"] == pytest.approx(10 * KT_TO_MS)
    assert rows[1]["time"] == dt.datetime(2024, 12, 20, 12, tzinfo=UTC) and rows[1]["sog_ms"] is None
    assert r.rejects.counts == {"unreadable time": 1, "invalid MMSI": 1,
                                "position not available (lat 91 / lon 181)": 1, "position out of range": 1}
    assert r.rejects.examples["unreadable time"] == [3]


def test_mapping_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "ID,T\n1,2\n")
    with pytest.raises(BasewatchError, match="unknown field"):
        parse_columns("vessel=ID")
    with pytest.raises(BasewatchError, match="expected name=COLUMN"):
        parse_columns("mmsi")
    with pytest.raises(InputFormatError, match="not in the header: NOPE"):
        READER.with_options(columns={"mmsi": "NOPE", "time": "T"}).read(path)
    with pytest.raises(InputFormatError, match="no mmsi column"):
        READER.read(path)


def test_cli_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "ID,T,Y,X\n273000001,2024-12-20T10:00:00Z,34.9,35.86\n")
    out = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "ws.duckdb"), "ingest", "--format", "json",
         "--columns", "mmsi=ID,time=T,lat=Y,lon=X", str(path)],
        capture_output=True, text=True, check=True,
    )
    assert '"input_format": "ais-csv", "accepted": 1' in out.stdout


def test_danish_maritime_authority_layout(tmp_path: Path) -> None:
    """DMA's daily CSV: '# Timestamp' dd/mm/yyyy, words for status and ship type, 'Unknown' for missing."""
    path = _write(tmp_path, (
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,"
        "Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,"
        "Data source type,A,B,C,D\n"
        "01/12/2024 00:00:00,Class A,219000873,56.990890,10.304543,Under way using engine,0.0,0.0,30.7,196,"
        "Unknown,Unknown,,Undefined,,,,Undefined,,Unknown,,AIS,,,,\n"
        "13/12/2024 23:59:59,Class A,273396130,55.000000,11.000000,Moored,0.0,0.0,90.0,91,9538892,UBCI4,"
        "URSA MAJOR,Military,,23,142,GPS,7.2,VLADIVOSTOK,,AIS,,,,\n"
    ))
    assert choose_reader(path).name == "ais-csv"
    r = READER.read(path)
    pos = r.tables["ais_positions"].to_pylist()
    assert [p["time"] for p in pos] == [dt.datetime(2024, 12, 1, tzinfo=UTC),
                                        dt.datetime(2024, 12, 13, 23, 59, 59, tzinfo=UTC)]
    assert [p["nav_status"] for p in pos] == [0, 5]
    (static,) = r.tables["ais_static"].to_pylist()  # the first row has nothing but 'Unknown'
    assert static["mmsi"] == "273396130" and static["ship_type"] == 35 and static["imo"] == "9538892"
    assert (static["length_m"], static["beam_m"], static["draught_m"]) == (142.0, 23.0, 7.2)
