"""`basewatch demo --live`: the scenario arriving as feeds ends with the records and flights of the file demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from basewatch.demo.run import run_demo
from basewatch.demo.scenario import ScenarioConfig


def _records(ws: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = duckdb.connect(str(ws), read_only=True)
    try:
        air = con.execute("SELECT icao24, time, lat, lon, alt_baro_m, callsign FROM aircraft_points").fetchall()
        sea = con.execute("SELECT mmsi, time, lat, lon FROM ais_positions").fetchall()
    finally:
        con.close()
    return sorted(air, key=repr), sorted(sea, key=repr)


def test_live_demo_equals_file_demo(tmp_path: Path) -> None:
    config = ScenarioConfig(start=dt.date(2024, 12, 14), days=1)
    events: list[str] = []
    files = run_demo(tmp_path / "files", config)
    live = run_demo(tmp_path / "live", config, live=events.append)
    assert any("replaying" in e for e in events) and any("folder:" in e for e in events)
    assert live.flights == files.flights > 0
    air_f, sea_f = _records(files.workspace)
    air_l, sea_l = _records(live.workspace)
    assert len(air_f) > 1000
    assert air_l == air_f
    assert sea_l == sea_f
