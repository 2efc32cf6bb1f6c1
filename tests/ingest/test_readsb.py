"""readsb trace_full JSON, checked against values read by hand from traffic_readsb_trace_full_ac671b.json."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from basewatch.ingest.adsb.readsb import READER
from basewatch.ingest.registry import choose_reader
from tests.conftest import shared_file

UTC = dt.UTC
TRACE = "adsb/traffic_readsb_trace_full_ac671b.json"


def test_real_trace_points_and_aircraft() -> None:
    path = shared_file(TRACE)
    assert choose_reader(path).name == "readsb"
    result = READER.read(path)
    points = result.tables["aircraft_points"]
    assert result.rejects.total == 0
    assert points.num_rows == 2500  # 2,500 entries in "trace"
    assert set(points.column("icao24").to_pylist()) == {"ac671b"}
    # 394 points have altitude "ground" (grep -c '"ground"').
    assert points.column("on_ground").to_pylist().count(True) == 394
    # Flags 3 (stale + new leg) on file lines 779, 1341 and 1815; the trace starts on line 9, so points 771, 1333, 1807.
    legs = [r for r, leg in zip(points.column("row_no").to_pylist(), points.column("new_leg").to_pylist(),
                                strict=True) if leg]
    assert legs == [771, 1333, 1807]
    (aircraft,) = result.tables["aircraft"].to_pylist()
    assert aircraft["icao24"] == "ac671b"
    assert (aircraft["registration"], aircraft["typecode"]) == ("N899DN", "B739")
    assert aircraft["type_desc"] == "BOEING 737-900"
    assert aircraft["operator"] == "DELTA AIR LINES INC"
    assert aircraft["military"] is False  # dbFlags 0
    assert aircraft["origin"] == "readsb"


def test_first_and_last_point_by_hand() -> None:
    points = READER.read(shared_file(TRACE)).tables["aircraft_points"].to_pylist()
    first, fourth, last = points[0], points[3], points[-1]
    # timestamp 1738703622.619 + 0.00 s = 2025-02-04 21:13:42.619 UTC (date -u -d @1738703622).
    assert first["time"] == dt.datetime(2025, 2, 4, 21, 13, 42, 619000, tzinfo=UTC)
    assert (first["lat"], first["lon"]) == (16.777359, -88.036868)
    assert first["alt_baro_m"] == pytest.approx(32000 * 0.3048)  # 9753.6 m
    assert first["alt_geom_m"] == pytest.approx(33825 * 0.3048)
    assert first["gs_ms"] == pytest.approx(478.6 * 1852 / 3600)  # 246.213 m/s
    assert first["track_deg"] == 327.8
    assert first["on_ground"] is False
    # Point 4 carries the first aircraft object: flight "DAL1812 ", squawk 4637.
    assert (fourth["callsign"], fourth["squawk"]) == ("DAL1812", "4637")
    # Last: 1738703622.619 + 81655.47 = 1738785278.089 -> 2025-02-05 19:54:38.089 UTC, on the ground at Denver,
    # vertical rate -64 ft/min, flight "DAL2927 ".
    assert last["time"] == dt.datetime(2025, 2, 5, 19, 54, 38, 89000, tzinfo=UTC)
    assert (last["lat"], last["lon"]) == (39.877403, -104.63974)
    assert last["on_ground"] is True and last["alt_baro_m"] is None
    assert last["vrate_ms"] == pytest.approx(-64 * 0.3048 / 60)
    assert last["callsign"] == "DAL2927"


def _write(path: Path, doc: dict[str, object], compress: bool = False) -> Path:
    data = json.dumps(doc).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_old_short_points_gzip_military_and_geometric_altitude(tmp_path: Path) -> None:
    # An old-style (8-field) trace, gzipped under a .json name as adsb.lol ships them; dbFlags 1 = military.
    doc = {
        "icao": "154076", "r": "RA-82038", "t": "A124", "dbFlags": 1, "timestamp": 1734000000.0,
        "trace": [
            [0.0, 35.4, 35.9, "ground", 10.0, 90.0, 2, None],
            [60.5, 35.5, 36.0, 10000, 300.0, 45.0, 8, 1200],     # flags 8: altitude is geometric
            [61.0, 35.5, 36.0],                                  # too short: rejected
            [62.0, 35.6, 36.1, None, None, None, 0, None],       # altitude unknown: ground state unknown
        ],
    }
    path = _write(tmp_path / "trace_full_154076.json", doc, compress=True)
    assert choose_reader(path).name == "readsb"
    result = READER.read(path)
    a, b, c = result.tables["aircraft_points"].to_pylist()
    assert (c["row_no"], c["on_ground"], c["alt_baro_m"], c["gs_ms"]) == (4, None, None, None)
    # 1734000000 s = 2024-12-12 10:40:00 UTC.
    assert a["time"] == dt.datetime(2024, 12, 12, 10, 40, 0, tzinfo=UTC)
    assert (a["on_ground"], a["new_leg"], a["alt_baro_m"]) == (True, True, None)
    assert a["gs_ms"] == pytest.approx(10 * 1852 / 3600)
    assert b["time"] == dt.datetime(2024, 12, 12, 10, 41, 0, 500000, tzinfo=UTC)
    assert b["alt_baro_m"] is None and b["alt_geom_m"] == pytest.approx(3048.0)
    assert b["vrate_ms"] == pytest.approx(1200 * 0.3048 / 60)  # 6.096 m/s
    assert result.rejects.counts == {"malformed trace point": 1}
    assert result.rejects.examples["malformed trace point"] == [3]
    (aircraft,) = result.tables["aircraft"].to_pylist()
    assert aircraft["military"] is True and aircraft["registration"] == "RA-82038"


def test_round_trip_with_the_demo_writer(tmp_path: Path) -> None:
    """The demo's trace files (written from simulated truth) read back as that truth, in SI units."""
    import numpy as np

    from basewatch.demo.scenario import ScenarioConfig, build_scenario
    from basewatch.demo.writers import write_scenario

    scenario = build_scenario(ScenarioConfig(start=dt.date(2024, 12, 17), days=1))
    plans, pts = scenario.plans, scenario.points
    files = [w.path for w in write_scenario(scenario, tmp_path) if w.fmt == "readsb"]
    assert files
    icao_of_point = np.array([plans[f].airframe.icao24 for f in pts.flight])
    first_t_rel = {f: pts.t_rel[pts.flight == f].min() for f in set(pts.flight.tolist())}
    checked = 0
    for path in files:
        result = READER.read(path)
        assert result.rejects.total == 0
        got = result.tables["aircraft_points"].to_pylist()
        (aircraft,) = result.tables["aircraft"].to_pylist()
        mine = np.flatnonzero(icao_of_point == aircraft["icao24"])
        mine = mine[np.argsort(pts.time_s[mine], kind="stable")]
        assert len(got) == len(mine)
        airframe = plans[pts.flight[mine[0]]].airframe
        assert (aircraft["registration"], aircraft["military"]) == (airframe.registration, airframe.military)
        for p, i in zip(got, mine, strict=True):
            assert p["time"].timestamp() == pytest.approx(pts.time_s[i], abs=0.006)  # base to 1 ms, offsets to 10 ms
            assert (p["lat"], p["lon"]) == (pytest.approx(pts.lat[i], abs=6e-7), pytest.approx(pts.lon[i], abs=6e-7))
            assert p["on_ground"] == bool(pts.on_ground[i])
            assert p["new_leg"] == bool(pts.t_rel[i] == first_t_rel[int(pts.flight[i])])
            assert p["callsign"] == plans[pts.flight[i]].callsign
            assert p["gs_ms"] == pytest.approx(pts.gs_ms[i], abs=0.05 * 1852 / 3600 + 1e-9)  # 0.1 kt steps
            if pts.on_ground[i]:
                assert p["alt_baro_m"] is None
            else:
                assert p["alt_baro_m"] == pytest.approx(pts.alt_baro_m[i], abs=12.5 * 0.3048 + 1e-9)  # 25 ft steps
                assert p["vrate_ms"] == pytest.approx(pts.vrate_ms[i], abs=32 * 0.3048 / 60 + 1e-9)  # 64 ft/min
            checked += 1
    assert checked == int((np.array([p.airframe.fmt for p in plans])[pts.flight] == "readsb").sum())
