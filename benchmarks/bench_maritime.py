"""Maritime analytics at scale: basewatch.maritime.build (port calls, voyages, dark periods) over a synthetic
workspace of 5,000 vessels / 5 M AIS positions (10 min apart, a week each) shuttling between a World Port
Index port and the sea, every tenth vessel silent for 10 h at sea once.

Baseline: one plain DuckDB pass over the positions ordered per vessel and time (lag of time), the least
work any sequence analysis must do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import CACHE, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

N_VESSELS = 5_000
PER_VESSEL = int(os.environ.get("BENCH_MARITIME_PER_VESSEL", "1000"))
N_POSITIONS = N_VESSELS * PER_VESSEL
PERIOD_MIN = 2880.0  # one port call every two days


def _build(path: Path) -> None:
    from basewatch.maritime.ports import wpi_ports
    from basewatch.workspace.core import Workspace

    with Workspace(path) as ws:
        con = ws.con
        con.register("wpi", wpi_ports())
        con.execute("CREATE TEMP TABLE p AS SELECT row_number() OVER (ORDER BY wpi) - 1 AS k, lat, lon FROM wpi")
        con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
            "VALUES ('synthetic', 'synthetic', 'bench', now(), 0, 0, 0)"
        )
        # distance from the home port d = 15 km * (1 - cos(2 pi t / P)), bearing fixed per vessel
        con.execute(
            f"""
            INSERT INTO ais_positions (mmsi, time, lat, lon, sog_ms, source_id, row_no)
            WITH v AS (
                SELECT v, p.lat AS plat, p.lon AS plon, radians((v * 37) % 360) AS b
                FROM range({N_VESSELS}) t(v) JOIN p ON p.k = (v * 7) % (SELECT count(*) FROM p)
            ), pts AS (
                SELECT v, plat, plon, b, i, i * 10.0 + (v % 10) AS m FROM v, range({PER_VESSEL}) t(i)
            )
            SELECT printf('%09d', 200000000 + v), TIMESTAMPTZ '2024-12-01 00:00:00+00' + to_minutes(CAST(m AS BIGINT)),
                   plat + 15 * (1 - cos(2 * pi() * m / {PERIOD_MIN})) / 111.195 * cos(b),
                   plon + 15 * (1 - cos(2 * pi() * m / {PERIOD_MIN})) / (111.195 * cos(radians(plat))) * sin(b),
                   abs(15000 * 2 * pi() / ({PERIOD_MIN} * 60) * sin(2 * pi() * m / {PERIOD_MIN})),
                   1, v * {PER_VESSEL} + i + 1
            FROM pts
            WHERE NOT (v % 10 = 0 AND m BETWEEN 3600 AND 4200)
            """
        )


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    ws_path = CACHE / f"maritime_{N_POSITIONS // 1_000_000}M.duckdb"
    if not ws_path.exists():
        _build(ws_path)
    py = sys.executable
    build = (
        "from basewatch.workspace.core import Workspace; from basewatch.maritime import build;"
        f"ws = Workspace({str(ws_path)!r}); r = build(ws); print(r, file=__import__('sys').stderr)"
    )
    base = (
        "import duckdb; con = duckdb.connect(" + repr(str(ws_path)) + ", read_only=True);"
        "con.execute('SELECT count(*) FROM (SELECT mmsi, time - lag(time) OVER (PARTITION BY mmsi ORDER BY time) d "
        "FROM ais_positions) WHERE d > INTERVAL 6 HOUR').fetchall()"
    )
    report(
        f"maritime build, {N_VESSELS:,} vessels / {N_POSITIONS:,} positions (items = positions)",
        [
            measure("ordered lag scan", [py, "-c", base], N_POSITIONS),
            measure("maritime.build", [py, "-c", build], N_POSITIONS),
        ],
        baseline="ordered lag scan",
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
