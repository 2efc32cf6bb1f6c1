"""Many simulated points, fast: synthetic fleets flying between the scenario's airfields.

For benchmarks and scale tests: `generate_points(n_points, seed)` returns exactly n_points rows in
the columns of basewatch.ingest.base.AIRCRAFT_POINTS_SCHEMA (row_no = 1..n), each aircraft flying
four legs on one December 2024 day with taxi, climb, cruise and descent, reported every 5-15 s.
Generation is vectorised and done in batches of about 400,000 points, each batch seeded from
(seed, batch number), so the output depends only on (n_points, seed, order).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from basewatch.demo.fleet import AIRFIELDS
from basewatch.demo.kinematics import direct_routes, make_profiles
from basewatch.demo.scenario import MONTH_DAYS, MONTH_START
from basewatch.demo.simulate import FlightBatch, random_batch_params, simulate
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA

Order = Literal["aircraft", "time"]
LEGS_PER_AIRCRAFT = 4
AIRCRAFT_PER_BATCH = 100
_HEX_MULTIPLIER = 0x5BD1E995  # odd: icao = id * m mod 2**24 is a bijection, so hexes are distinct


def _hexes(first_id: int, n: int) -> list[str]:
    ids = (np.arange(first_id + 1, first_id + n + 1, dtype=np.uint64) * np.uint64(_HEX_MULTIPLIER)) % np.uint64(1 << 24)
    return [f"{int(x):06x}" for x in ids]


def _batch_table(seed: int, batch_no: int) -> pa.Table:
    """AIRCRAFT_PER_BATCH aircraft, LEGS_PER_AIRCRAFT legs each, ordered by aircraft then time."""
    rng = np.random.default_rng([seed, batch_no])
    fields = list(AIRFIELDS.values())
    lat = np.array([a.lat for a in fields])
    lon = np.array([a.lon for a in fields])
    elev = np.array([a.elevation_m for a in fields])
    n_ac, n_legs = AIRCRAFT_PER_BATCH, LEGS_PER_AIRCRAFT
    origin = np.empty((n_ac, n_legs), dtype=np.int64)
    dest = np.empty((n_ac, n_legs), dtype=np.int64)
    at = rng.integers(0, len(fields), n_ac)
    for k in range(n_legs):
        origin[:, k] = at
        at = (at + rng.integers(1, len(fields), n_ac)) % len(fields)
        dest[:, k] = at
    o, d = origin.ravel(), dest.ravel()
    n = o.shape[0]
    extra = random_batch_params(rng, n)
    routes = direct_routes(lat[o], lon[o], lat[d], lon[d])
    speed = rng.uniform(200.0, 240.0, n)
    height = np.round(rng.uniform(30.0, 38.0, n)) * 1000.0 * 0.3048 - elev[o]
    climb = rng.uniform(8.0, 12.0, n)
    descent = rng.uniform(7.0, 10.0, n)
    # legs of an aircraft follow each other: take-off = previous touch-down + taxi-in + turnaround + taxi-out
    t_air = make_profiles(routes.length_m, speed, height, climb, descent).t_air.reshape(n_ac, n_legs)
    turn = rng.uniform(2400.0, 6000.0, (n_ac, n_legs))
    taxi_out = extra["taxi_out_s"].reshape(n_ac, n_legs)
    taxi_in = extra["taxi_in_s"].reshape(n_ac, n_legs)
    ac_ids = batch_no * n_ac + np.arange(n_ac)
    day0 = MONTH_START.timestamp() + (ac_ids % MONTH_DAYS) * 86400.0 + rng.uniform(5, 8, n_ac) * 3600.0
    step = t_air + taxi_in + turn + np.roll(taxi_out, -1, axis=1)
    takeoff = (day0 + taxi_out[:, 0])[:, None] + np.concatenate([np.zeros((n_ac, 1)), np.cumsum(step, 1)[:, :-1]], 1)
    batch = FlightBatch(
        routes=routes, takeoff_s=takeoff.ravel(), speed_ms=speed, height_m=height, climb_ms=climb,
        descent_ms=descent, origin_elev_m=elev[o], dest_elev_m=elev[d], **extra,
    )
    pts = simulate(batch, rng)
    hexes = pa.array(_hexes(batch_no * n_ac, n_ac))
    callsigns = pa.array([f"SIM{int(x):04d}" for x in rng.integers(0, 10000, n)])
    squawks = pa.array([f"{int(x):04o}" for x in rng.integers(0, 4096, n)])
    ac_of_point = pa.array(pts.flight // n_legs)
    first = np.ones(pts.size, dtype=bool)
    first[1:] = pts.flight[1:] != pts.flight[:-1]
    return pa.table(
        {
            "icao24": pc.take(hexes, ac_of_point),
            "time": pa.array(np.round(pts.time_s * 1e6).astype(np.int64), type=pa.timestamp("us", tz="UTC")),
            "lat": pa.array(pts.lat),
            "lon": pa.array(pts.lon),
            "alt_baro_m": pa.array(pts.alt_baro_m, from_pandas=True),
            "alt_geom_m": pa.array(pts.alt_geom_m, from_pandas=True),
            "gs_ms": pa.array(pts.gs_ms),
            "track_deg": pa.array(pts.track_deg),
            "vrate_ms": pa.array(pts.vrate_ms, from_pandas=True),
            "callsign": pc.take(callsigns, pa.array(pts.flight)),
            "squawk": pc.take(squawks, pa.array(pts.flight)),
            "on_ground": pa.array(pts.on_ground),
            "new_leg": pa.array(first),
            "row_no": pa.array(np.zeros(pts.size, dtype=np.int64)),
        },
        schema=AIRCRAFT_POINTS_SCHEMA,
    )


def iter_point_batches(n_points: int, seed: int = 0) -> Iterator[pa.Table]:
    """Batches totalling exactly n_points rows (aircraft order), row_no numbered across batches."""
    done = 0
    batch_no = 0
    while done < n_points:
        table = _batch_table(seed, batch_no)
        table = table.slice(0, min(table.num_rows, n_points - done))
        rows = pa.array(np.arange(done + 1, done + table.num_rows + 1, dtype=np.int64))
        table = table.set_column(table.schema.get_field_index("row_no"), "row_no", rows)
        done += table.num_rows
        batch_no += 1
        yield table


def generate_points(n_points: int, seed: int = 0, order: Order = "aircraft") -> pa.Table:
    """Exactly n_points simulated points; order 'aircraft' (clustered by aircraft, then time) or 'time'."""
    if n_points < 0:
        raise ValueError("n_points must be >= 0")
    tables = list(iter_point_batches(n_points, seed))
    table = pa.concat_tables(tables) if tables else AIRCRAFT_POINTS_SCHEMA.empty_table()
    if order == "time":
        table = table.take(pc.sort_indices(table, [("time", "ascending"), ("icao24", "ascending")]))
        rows = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
        table = table.set_column(table.schema.get_field_index("row_no"), "row_no", rows)
    return table


def write_points_parquet(path: Path, n_points: int, seed: int = 0) -> Path:
    """Stream n_points simulated points (aircraft order) to a Parquet file with bounded memory."""
    with pq.ParquetWriter(path, AIRCRAFT_POINTS_SCHEMA) as writer:
        for table in iter_point_batches(n_points, seed):
            writer.write_table(table)
    return path
