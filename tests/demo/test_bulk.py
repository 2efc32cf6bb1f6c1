"""Bulk simulated points for benchmarks: exact size, schema, determinism, plausible tracks."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from basewatch.demo import generate_points, write_points_parquet
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA


def test_exact_size_schema_and_row_numbers() -> None:
    t = generate_points(123_457, seed=3)
    assert t.num_rows == 123_457
    assert t.schema.equals(AIRCRAFT_POINTS_SCHEMA)
    assert t.column("row_no").to_pylist() == list(range(1, 123_458))
    assert generate_points(0).num_rows == 0


def test_deterministic_per_seed() -> None:
    assert generate_points(50_000, seed=1).equals(generate_points(50_000, seed=1))
    assert not generate_points(50_000, seed=1).equals(generate_points(50_000, seed=2))
    # a longer run starts with the same points (batches are seeded independently)
    assert generate_points(450_000, seed=1).slice(0, 50_000).equals(generate_points(50_000, seed=1))


def test_aircraft_order_and_time_order() -> None:
    t = generate_points(300_000, seed=5)
    icao = np.array(t.column("icao24").to_pylist())
    us = t.column("time").cast("int64").to_numpy()
    same = icao[1:] == icao[:-1]
    same_leg = same & ~t.column("new_leg").to_numpy(zero_copy_only=False)[1:]
    assert np.all(np.diff(us)[same] >= 5_000_000)           # each aircraft: 5 s or more between reports
    assert np.all(np.diff(us)[same_leg] <= 15_000_000)      # ... and at most 15 s within a flight
    assert np.all(np.diff(us)[same & ~same_leg] >= 1800 * 1_000_000)  # parked between flights
    changes = np.count_nonzero(~same) + 1
    assert changes == len(set(icao.tolist()))               # clustered: each aircraft in one run
    by_time = generate_points(300_000, seed=5, order="time")
    tu = by_time.column("time").cast("int64").to_numpy()
    assert np.all(np.diff(tu) >= 0)
    assert sorted(by_time.column("lat").to_pylist()) == sorted(t.column("lat").to_pylist())


def test_flights_touch_down_with_ground_reports() -> None:
    t = generate_points(100_000, seed=9)
    ground = t.column("on_ground").to_numpy(zero_copy_only=False)
    assert 0.02 < ground.mean() < 0.5
    assert pc.max(t.column("alt_baro_m")).as_py() < 12_500
    assert pc.sum(t.column("new_leg")).as_py() >= 4


def test_parquet_stream(tmp_path: pytest.TempPathFactory) -> None:
    path = write_points_parquet(tmp_path / "p.parquet", 40_000, seed=4)  # type: ignore[operator]
    assert pq.read_table(path).equals(generate_points(40_000, seed=4))
