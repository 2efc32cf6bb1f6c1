"""Identity at scale: aircraft_identity over a synthetic workspace (10k aircraft, 20 M points), the
vectorised address-block lookup and the nearest-airport lookup on 1 M points.

Baseline for aircraft_identity: one plain DuckDB pass over the points (distinct icao24, callsign), the
least work any bulk identity must do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness import CACHE, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

N_AIRCRAFT = 10_000
N_POINTS = 20_000_000
N_LOOKUPS = 1_000_000


def _build(path: Path) -> None:
    from basewatch.workspace.core import Workspace

    with Workspace(path) as ws:
        con = ws.con
        con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
            "VALUES ('synthetic', 'synthetic', 'bench', now(), 0, 0, 0)"
        )
        # addresses spread over the Russian, Syrian, US and German blocks; a few callsigns each
        con.execute(
            f"""
            INSERT INTO aircraft_points (icao24, time, lat, lon, callsign, source_id, row_no)
            SELECT printf('%06x', [1048576, 7831552, 10485760, 3932160][1 + (a % 4)] + a),
                   TIMESTAMPTZ '2024-12-01 00:00:00+00' + to_seconds(i),
                   35.0 + (i % 1000) / 1000.0, 36.0,
                   CASE WHEN i % 7 = 0 THEN NULL
                        WHEN a % 50 = 0 THEN 'RFF' || (a % 900 + (i % 3))
                        ELSE 'ABC' || (a % 9000 + (i % 4)) END,
                   1, i + 1
            FROM (SELECT i, (i * 7919) % {N_AIRCRAFT} AS a FROM range({N_POINTS}) t(i))
            """
        )
        for origin, types in (("tar1090-db", "['A124','IL76','B738','A320']"), ("opensky-db", "['IL76','B738']")):
            con.execute(
                f"""
                INSERT INTO aircraft (icao24, registration, typecode, operator, military, origin)
                SELECT printf('%06x', [1048576, 7831552, 10485760, 3932160][1 + (a % 4)] + a),
                       'REG-' || a, {types}[1 + (a % len({types}))], 'op ' || (a % 40), a % 5 = 0, ?
                FROM range({N_AIRCRAFT}) t(a)
                """,
                [origin],
            )


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    ws_path = CACHE / "identity_20M.duckdb"
    if not ws_path.exists():
        _build(ws_path)
    py = sys.executable
    ident = (
        "from basewatch.workspace.core import Workspace; from basewatch.identity.actors import aircraft_identity;"
        f"ws = Workspace({str(ws_path)!r}); t = aircraft_identity(ws); assert t.num_rows == {N_AIRCRAFT}, t.num_rows"
    )
    base = (
        "import duckdb; con = duckdb.connect(" + repr(str(ws_path)) + ", read_only=True);"
        "con.execute('SELECT count(*) FROM (SELECT DISTINCT icao24, callsign FROM aircraft_points)').fetchall()"
    )
    report(
        "aircraft_identity, 10k aircraft / 20 M points (items = points)",
        [
            measure("distinct (icao24, callsign) scan", [py, "-c", base], N_POINTS),
            measure("aircraft_identity", [py, "-c", ident], N_POINTS),
        ],
        baseline="distinct (icao24, callsign) scan",
    )
    addresses = (
        "import duckdb; a = duckdb.sql("
        f"\"SELECT printf('%06x', (i * 2654435761) % 16777216) AS h FROM range({N_LOOKUPS}) t(i)\""
        ").fetch_arrow_table().column('h');"
    )
    blocks = addresses + "from basewatch.identity.icao_blocks import countries_of; countries_of(a)"
    blocks_py = (
        addresses + "from basewatch.identity.icao_blocks import country_of; [country_of(x) for x in a.to_pylist()]"
    )
    report(
        f"ICAO address -> State, {N_LOOKUPS:,} addresses",
        [
            measure("country_of (per address, bisect)", [py, "-c", blocks_py], N_LOOKUPS),
            measure("countries_of (vectorised)", [py, "-c", blocks], N_LOOKUPS),
        ],
        baseline="country_of (per address, bisect)",
    )
    near = (
        "import numpy as np; from basewatch.identity.airports import nearest_airports;"
        f"r = np.random.default_rng(1); n = {N_LOOKUPS};"
        "nearest_airports(r.uniform(25, 60, n), r.uniform(-10, 50, n), 30000)"
    )
    report(
        f"nearest airport within 30 km, {N_LOOKUPS:,} points (Europe / Middle East box)",
        [measure("nearest_airports (3-D grid)", [py, "-c", near], N_LOOKUPS)],
        baseline="nearest_airports (3-D grid)",
    )


if __name__ == "__main__":
    main()
