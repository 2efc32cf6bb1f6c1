"""traffic library JSON samples: counts from the data README, re-counted here with json + pandas."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from basewatch.ingest.adsb.trafficjson import READER
from basewatch.ingest.base import ReadResult
from basewatch.ingest.registry import choose_reader
from tests.conftest import shared_file

UTC = dt.UTC
PARIS = "adsb/traffic_quickstart_paris_20211007.json.gz"


@functools.cache
def _read(relative: str) -> ReadResult:
    return READER.read(shared_file(relative))


def _independent(relative: str) -> pd.DataFrame:
    with gzip.open(shared_file(relative), "rt") as fh:
        return pd.DataFrame(json.load(fh))


@pytest.mark.parametrize(
    ("relative", "points", "aircraft"),
    [
        (PARIS, 284_505, 213),
        ("adsb/traffic_military_aircraft_carrier.json.gz", 9_024, 1),
        ("adsb/traffic_military_inflight_refuelling.json.gz", 10_397, 1),
        ("adsb/traffic_noisy_spoofing.json.gz", 8_681, 1),  # columns layout {"timestamp": {"0": ...}}
    ],
)
def test_counts_match_readme_and_independent_read(relative: str, points: int, aircraft: int) -> None:
    path = shared_file(relative)
    df = _independent(relative)
    assert (len(df), df["icao24"].nunique()) == (points, aircraft)
    assert choose_reader(path).name == "traffic-json"
    result = _read(relative)
    table = result.tables["aircraft_points"]
    assert result.rejects.total == 0
    assert table.num_rows == points
    assert len(set(table.column("icao24").to_pylist())) == aircraft
    # Records without a position are kept with a null position: as many as pandas finds.
    assert table.column("lat").null_count == int(df["latitude"].isna().sum())


def test_paris_time_span_and_first_record_by_hand() -> None:
    table = _read(PARIS).tables["aircraft_points"]
    times = table.column("time").to_pylist()
    assert min(times) >= dt.datetime(2021, 10, 7, 12, 0, tzinfo=UTC)
    assert max(times) < dt.datetime(2021, 10, 7, 15, 0, tzinfo=UTC)
    # First record: 0101de MSR799, 1633608773000 ms = 2021-10-07 12:12:53 UTC, 48.4824371338 N 3.8288057767 E,
    # 13650 ft, 325 kt, -896 ft/min, squawk "1000".
    p = table.slice(0, 1).to_pylist()[0]
    assert p["time"] == dt.datetime(2021, 10, 7, 12, 12, 53, tzinfo=UTC)
    assert (p["icao24"], p["callsign"], p["squawk"]) == ("0101de", "MSR799", "1000")
    assert (p["lat"], p["lon"]) == (48.4824371338, 3.8288057767)
    assert p["alt_baro_m"] == pytest.approx(4160.52)
    assert p["gs_ms"] == pytest.approx(325 * 1852 / 3600)
    assert p["vrate_ms"] == pytest.approx(-896 * 0.3048 / 60)


def test_carrier_and_refuelling_known_records() -> None:
    carrier = _read("adsb/traffic_military_aircraft_carrier.json.gz")
    first, second = carrier.tables["aircraft_points"].slice(0, 2).to_pylist()
    # Record 1 has no position (kept); record 2: 1600120072000 ms = 2020-09-14 21:47:52 UTC at 32.6959642313 N
    # -117.2091550243 E, altitude 0 ft, callsign PSWRD35.
    assert first["lat"] is None and first["row_no"] == 1
    assert second["time"] == dt.datetime(2020, 9, 14, 21, 47, 52, tzinfo=UTC)
    assert (second["lat"], second["lon"], second["alt_baro_m"]) == (32.6959642313, -117.2091550243, 0.0)
    assert second["callsign"] == "PSWRD35"
    assert any("1689 records without a position" in n for n in carrier.notes)
    refuel = _read("adsb/traffic_military_inflight_refuelling.json.gz")
    p = refuel.tables["aircraft_points"].slice(1, 1).to_pylist()[0]
    # 1593547586000 ms = 2020-06-30 20:06:26 UTC, FAF4011 at 43.6035461426 N 4.8719255314 E, 2550 ft.
    assert p["time"] == dt.datetime(2020, 6, 30, 20, 6, 26, tzinfo=UTC)
    assert (p["icao24"], p["callsign"], p["lat"]) == ("3b7777", "FAF4011", 43.6035461426)
    assert p["alt_baro_m"] == pytest.approx(2550 * 0.3048)


def test_iso_times_mixed_kinds_and_columns_layout(tmp_path: Path) -> None:
    # pandas with date_format="iso" writes text times; a squawk may be a number in one record, text in another.
    records = [
        {"icao24": "3B7777", "timestamp": "2021-10-07T12:00:01Z", "latitude": 43.6, "longitude": 4.87,
         "squawk": 7700, "altitude": 1000},
        {"icao24": "3b7777", "timestamp": "2021-10-07 12:00:02.500", "latitude": None, "longitude": None,
         "squawk": "0700", "altitude": "n/a"},
    ]
    path = tmp_path / "iso.json"
    path.write_text(json.dumps(records))
    assert choose_reader(path).name == "traffic-json"
    a, b = READER.read(path).tables["aircraft_points"].to_pylist()
    assert a["time"] == dt.datetime(2021, 10, 7, 12, 0, 1, tzinfo=UTC)
    assert b["time"] == dt.datetime(2021, 10, 7, 12, 0, 2, 500000, tzinfo=UTC)
    assert (a["icao24"], a["squawk"], b["squawk"]) == ("3b7777", "7700", "0700")
    assert a["alt_baro_m"] == pytest.approx(304.8) and b["alt_baro_m"] is None
    assert (b["lat"], b["lon"]) == (None, None)
    # The same two records in pandas' columns layout, times in epoch seconds this time (told apart by size).
    columns = {"icao24": {"0": "3b7777", "1": "3b7777"}, "timestamp": {"0": 1633608001, "1": 1633608002.5},
               "latitude": {"0": 43.6, "1": None}, "longitude": {"0": 4.87, "1": None}}
    path2 = tmp_path / "columns.json"
    path2.write_text(json.dumps(columns))
    assert choose_reader(path2).name == "traffic-json"
    c, d = READER.read(path2).tables["aircraft_points"].to_pylist()
    assert (c["time"], d["time"]) == (a["time"], b["time"])
