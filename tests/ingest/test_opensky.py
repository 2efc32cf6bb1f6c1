"""OpenSky state vectors (Parquet and CSV), checked against values read by hand from the real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from basewatch.ingest.adsb.opensky import READER
from basewatch.ingest.registry import choose_reader, read_head
from tests.conftest import shared_file

UTC = dt.UTC
EDW24 = "adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet"
EZY = "adsb/opensky_trino_state_vectors_data4_EZY158T_20170205.parquet"
RYR = "adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet"


@pytest.mark.parametrize(
    ("relative", "rows", "icao24", "with_position"),
    [(EDW24, 1396, "4b1901", 1365), (EZY, 3600, "406d95", 3600), (RYR, 1200, "4d2271", 1200)],
)
def test_real_parquet_counts(relative: str, rows: int, icao24: str, with_position: int) -> None:
    path = shared_file(relative)
    assert choose_reader(path).name == "opensky"
    result = READER.read(path)
    points = result.tables["aircraft_points"]
    assert result.rejects.total == 0
    assert points.num_rows == rows
    assert set(points.column("icao24").to_pylist()) == {icao24}
    assert points.column("lat").null_count == rows - with_position
    assert points.column("row_no").to_pylist() == list(range(1, rows + 1))


def test_edw24_first_row_by_hand() -> None:
    # Row 1 of the file: time 2024-04-06 11:00:09 UTC, 4b1901, 47.475632 N 8.536068 E, EDW24, squawk 3016,
    # on the ground, no velocity or altitude.
    p = READER.read(shared_file(EDW24)).tables["aircraft_points"].slice(0, 1).to_pylist()[0]
    assert p["time"] == dt.datetime(2024, 4, 6, 11, 0, 9, tzinfo=UTC)
    assert p["icao24"] == "4b1901"
    assert p["lat"] == pytest.approx(47.475632, abs=1e-6)
    assert p["lon"] == pytest.approx(8.536068, abs=1e-6)
    assert (p["callsign"], p["squawk"], p["on_ground"]) == ("EDW24", "3016", True)
    assert p["gs_ms"] is None and p["alt_baro_m"] is None


def test_ezy_row_1001_by_hand() -> None:
    # Row 1001: 2017-02-05 16:16:41 UTC, 43.514786 N 1.696685 E, velocity 129.387524 m/s, heading 165.963757,
    # vertrate 0, baroaltitude 1272.54 m, geoaltitude 1211.58 m (already SI in OpenSky: kept as they are).
    p = READER.read(shared_file(EZY)).tables["aircraft_points"].slice(1000, 1).to_pylist()[0]
    assert p["row_no"] == 1001
    assert p["time"] == dt.datetime(2017, 2, 5, 16, 16, 41, tzinfo=UTC)
    assert p["lat"] == pytest.approx(43.514786, abs=1e-6)
    assert p["lon"] == pytest.approx(1.696685, abs=1e-6)
    assert p["gs_ms"] == pytest.approx(129.387524, abs=1e-6)
    assert p["track_deg"] == pytest.approx(165.963757, abs=1e-6)
    assert p["vrate_ms"] == 0.0
    assert p["alt_baro_m"] == pytest.approx(1272.54)
    assert p["alt_geom_m"] == pytest.approx(1211.58)
    assert (p["callsign"], p["on_ground"]) == ("EZY158T", False)


def test_csv_export_matches_parquet(tmp_path: Path) -> None:
    """The same rows as CSV (how Trino/Impala also export them) give the same points; row_no = line number."""
    table = pq.read_table(shared_file(RYR)).drop_columns(["serials"])
    csv_path = tmp_path / "ryr.csv"
    pacsv.write_csv(table, csv_path)
    assert READER.sniff(read_head(csv_path), csv_path)
    from_csv = READER.read(csv_path).tables["aircraft_points"]
    from_parquet = READER.read(shared_file(RYR)).tables["aircraft_points"]
    assert from_csv.num_rows == 1200
    assert from_csv.column("row_no").to_pylist() == list(range(2, 1202))
    for name in ("icao24", "time", "lat", "lon", "gs_ms", "alt_baro_m", "callsign", "on_ground"):
        assert from_csv.column(name).to_pylist() == from_parquet.column(name).to_pylist(), name


def test_hand_made_csv_with_epoch_seconds_and_prefixed_header(tmp_path: Path) -> None:
    # Impala writes table-prefixed names and integer epoch seconds; 1700000000 s = 2023-11-14 22:13:20 UTC.
    path = tmp_path / "impala.csv"
    path.write_text(
        "state_vectors_data4.time,state_vectors_data4.icao24,state_vectors_data4.lat,state_vectors_data4.lon,"
        "state_vectors_data4.velocity,state_vectors_data4.callsign,state_vectors_data4.onground\n"
        "1700000000,154076,55.75,37.62,120.5,RFF7070 ,false\n"
    )
    assert choose_reader(path).name == "opensky"
    (p,) = READER.read(path).tables["aircraft_points"].to_pylist()
    assert p["time"] == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert (p["icao24"], p["lat"], p["lon"], p["gs_ms"]) == ("154076", 55.75, 37.62, 120.5)
    assert (p["callsign"], p["on_ground"], p["row_no"]) == ("RFF7070", False, 2)


def test_integer_epoch_parquet_and_gzipped_csv(tmp_path: Path) -> None:
    """Trino writes time/hour as integer epoch seconds; the same rows must give the same points."""
    import gzip

    import pyarrow as pa
    import pyarrow.compute as pc

    table = pq.read_table(shared_file(EZY)).drop_columns(["serials"])
    seconds = pc.divide(pc.cast(table.column("time"), pa.int64()), 1_000_000_000)
    as_int = table.set_column(0, "time", seconds)
    assert as_int.column("time").type == pa.int64()
    path = tmp_path / "ints.parquet"
    pq.write_table(as_int, path)
    got = READER.read(path).tables["aircraft_points"]
    want = READER.read(shared_file(EZY)).tables["aircraft_points"]
    assert got.column("time").to_pylist() == want.column("time").to_pylist()
    csv_gz = tmp_path / "ints.csv.gz"
    sink = tmp_path / "ints.csv"
    pacsv.write_csv(as_int, sink)
    csv_gz.write_bytes(gzip.compress(sink.read_bytes()))
    assert choose_reader(csv_gz).name == "opensky"
    from_gz = READER.read(csv_gz).tables["aircraft_points"]
    assert from_gz.num_rows == 3600
    assert from_gz.column("time").to_pylist()[0] == dt.datetime(2017, 2, 5, 16, 0, 1, tzinfo=UTC)
    assert from_gz.column("lat").to_pylist() == want.column("lat").to_pylist()


def test_round_trip_with_the_demo_writer(tmp_path: Path) -> None:
    """The demo's Trino-style export (state time = the report's fix time rounded up to the second)."""
    import math

    import numpy as np

    from basewatch.demo.scenario import ScenarioConfig, build_scenario
    from basewatch.demo.writers import write_scenario

    scenario = build_scenario(ScenarioConfig(start=dt.date(2024, 12, 17), days=1))
    plans, pts = scenario.plans, scenario.points
    files = [w.path for w in write_scenario(scenario, tmp_path) if w.fmt == "opensky"]
    truth = np.flatnonzero(np.array([p.airframe.fmt for p in plans])[pts.flight] == "opensky")
    by_key = {(plans[pts.flight[i]].airframe.icao24, float(pts.lat[i]), float(pts.lon[i])): i for i in truth}
    got = [p for f in files for p in READER.read(f).tables["aircraft_points"].to_pylist()]
    assert len(got) == len(truth)
    for p in got:
        i = by_key[(p["icao24"], p["lat"], p["lon"])]
        assert p["time"].timestamp() == math.ceil(round(float(pts.time_s[i]), 3))
        assert p["on_ground"] == bool(pts.on_ground[i])
        assert p["gs_ms"] == pytest.approx(pts.gs_ms[i])  # already m/s in OpenSky: no conversion
        assert p["callsign"] == plans[pts.flight[i]].callsign
        if not pts.on_ground[i]:
            assert p["alt_baro_m"] == pytest.approx(pts.alt_baro_m[i])
