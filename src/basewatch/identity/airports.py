"""Every airport of the world as a known place (the `airportsdata` ICAO database), with a fast
vectorised nearest-airport lookup.

`airports_table()` is built once per process on first use (no import-time work). `nearest_airports`
answers many queries at once with a uniform 3-D grid over unit vectors: each query only looks at the
airports in its own and the 26 neighbouring cells, so the answer is exact within `max_distance_m`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from basewatch.geo import EARTH_RADIUS_KM
from basewatch.units import FT_TO_M

if TYPE_CHECKING:
    import duckdb

EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000.0
AIRPORTS_SCHEMA = pa.schema(
    [
        ("icao", pa.string()),
        ("iata", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("elevation_m", pa.float64()),
    ]
)
_CHUNK = 20_000  # queries per block of candidate pairs (bounds memory)


@functools.cache
def airports_table() -> pa.Table:
    """All airports with an ICAO code: icao, iata, name, country (ISO alpha-2), lat, lon, elevation_m."""
    import airportsdata

    db = airportsdata.load("ICAO")
    rows = sorted(db.values(), key=lambda a: a["icao"])
    return pa.table(
        {
            "icao": [a["icao"] for a in rows],
            "iata": [a["iata"] or None for a in rows],
            "name": [a["name"] for a in rows],
            "country": [a["country"] or None for a in rows],
            "lat": [float(a["lat"]) for a in rows],
            "lon": [float(a["lon"]) for a in rows],
            "elevation_m": [None if a.get("elevation") is None else float(a["elevation"]) * FT_TO_M for a in rows],
        },
        schema=AIRPORTS_SCHEMA,
    )


def airport(code: str) -> dict[str, object] | None:
    """One airport's row as a dict, by ICAO code (4 characters) or IATA code (3), any case; or None."""
    t = airports_table()
    key = code.strip().upper()
    i = _icao_index().get(key) if len(key) != 3 else _iata_index().get(key)
    return None if i is None else {c: t.column(c)[i].as_py() for c in t.column_names}


def register_airports(con: duckdb.DuckDBPyConnection, name: str = "airports") -> str:
    """Expose the airports table to DuckDB as a view `name` (for SQL joins); returns the name."""
    con.register(name, airports_table())
    return name


@functools.cache
def _icao_index() -> dict[str, int]:
    return {code: i for i, code in enumerate(airports_table().column("icao").to_pylist())}


@functools.cache
def _iata_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, code in enumerate(airports_table().column("iata").to_pylist()):
        if code and code not in index:  # first in ICAO order when an IATA code is shared
            index[code] = i
    return index


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


@dataclass(frozen=True)
class _Grid:
    cell: float  # cell edge in unit-sphere chord units
    keys: np.ndarray  # sorted int64 cell key of each airport (in `order`)
    order: np.ndarray  # airport row index for each sorted key
    xyz: np.ndarray  # unit vectors of airports, in row order


def _cell_ids(xyz: np.ndarray, cell: float) -> np.ndarray:
    return np.floor((xyz + 1.0) / cell).astype(np.int64) + 1  # >= 1, so neighbour ids stay >= 0


def _key(ids: np.ndarray) -> np.ndarray:
    return np.asarray((ids[..., 0] << 42) | (ids[..., 1] << 21) | ids[..., 2], dtype=np.int64)


@functools.cache
def _grid(max_distance_m: float) -> _Grid:
    t = airports_table()
    xyz = _unit_vectors(t.column("lat").to_numpy(), t.column("lon").to_numpy())
    cell = 2.0 * np.sin(max_distance_m / EARTH_RADIUS_M / 2.0)  # chord of the max distance
    keys = _key(_cell_ids(xyz, cell))
    order = np.argsort(keys, kind="stable")
    return _Grid(cell=float(cell), keys=keys[order], order=order, xyz=xyz)


_OFFSETS = np.array([(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)], dtype=np.int64)


def nearest_airports(
    lat: np.ndarray | pa.Array | list[float],
    lon: np.ndarray | pa.Array | list[float],
    max_distance_m: float = 30_000.0,
) -> pa.Table:
    """For each query point, the nearest airport within `max_distance_m` (great circle).

    Returns a table aligned with the input: `icao` (null when none is that close or the point is
    null/NaN) and `distance_m`. Ties go to the airport whose ICAO code sorts first.
    """
    if not 10.0 <= max_distance_m <= 1_000_000.0:
        raise ValueError("max_distance_m must be between 10 m and 1000 km")
    qlat = np.asarray(lat, dtype=np.float64)
    qlon = np.asarray(lon, dtype=np.float64)
    if qlat.shape != qlon.shape:
        raise ValueError("lat and lon must have the same length")
    grid = _grid(float(max_distance_m))
    best = np.full(len(qlat), -1, dtype=np.int64)
    best_d = np.full(len(qlat), np.nan)
    for s in range(0, len(qlat), _CHUNK):
        sl = slice(s, s + _CHUNK)
        best[sl], best_d[sl] = _nearest_chunk(grid, qlat[sl], qlon[sl], max_distance_m)
    codes = airports_table().column("icao").to_numpy(zero_copy_only=False)
    found = best >= 0
    return pa.table(
        {
            "icao": pa.array(codes[np.where(found, best, 0)] if len(codes) else [], pa.string(), mask=~found),
            "distance_m": pa.array(best_d, pa.float64(), mask=~found),
        }
    )


def _nearest_chunk(
    grid: _Grid, qlat: np.ndarray, qlon: np.ndarray, max_distance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    n = len(qlat)
    best = np.full(n, -1, dtype=np.int64)
    best_d = np.full(n, np.nan)
    ok = np.isfinite(qlat) & np.isfinite(qlon) & (np.abs(qlat) <= 90)
    if not ok.any():
        return best, best_d
    q_index = np.nonzero(ok)[0]
    qxyz = _unit_vectors(qlat[ok], qlon[ok])
    ids = _cell_ids(qxyz, grid.cell)
    keys = _key(ids[:, None, :] + _OFFSETS[None, :, :]).ravel()  # 27 neighbour cells per query
    lo = np.searchsorted(grid.keys, keys, side="left")
    hi = np.searchsorted(grid.keys, keys, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return best, best_d
    owner = np.repeat(np.repeat(np.arange(len(q_index)), 27), counts)  # query of each candidate pair
    starts = np.repeat(lo, counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    cand = grid.order[starts + within]
    chord = np.linalg.norm(qxyz[owner] - grid.xyz[cand], axis=1)
    dist = 2.0 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
    keep = dist <= max_distance_m
    owner, cand, dist = owner[keep], cand[keep], dist[keep]
    if len(owner) == 0:
        return best, best_d
    sort = np.lexsort((cand, dist, owner))  # per query: nearest first, ties by row (ICAO order)
    owner, cand, dist = owner[sort], cand[sort], dist[sort]
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    best[q_index[owner[first]]] = cand[first]
    best_d[q_index[owner[first]]] = dist[first]
    return best, best_d
