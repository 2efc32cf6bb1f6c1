"""Fusion + assessments: `basewatch fuse` end to end on a synthetic workspace, against a bare DuckDB scan.

`python benchmarks/run.py fusion`. The workspace (built once under benchmarks/.cache) holds FLIGHTS
synthetic flights over DAYS days between the watched sites and 60 other airports, POINTS aircraft
positions near the places (receiver coverage) and CLAIMS claims over those sites and days. Case
`fuse`: the whole command (process start, both products rebuilt from scratch: their product_state rows
are deleted first). Baseline: one process scanning the same columns of flights, points and claims
with DuckDB. No open tool does this fusion, so there is no peer to compare with.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import CACHE, measure, report  # noqa: E402

FLIGHTS = 200_000
POINTS = 2_000_000
CLAIMS = 2_000
DAYS = 60
WS = CACHE / f"fusion_{FLIGHTS}_{DAYS}.duckdb"

_SETUP = """
CREATE TEMP TABLE places AS
  SELECT site_id AS place, lat, lon FROM sites
  UNION ALL SELECT 'AP' || lpad(CAST(i AS VARCHAR), 2, '0'), 30 + i / 6.0, 10 + i / 3.0 FROM range(60) t(i);
CREATE TEMP TABLE p AS SELECT row_number() OVER () - 1 AS k, place, lat, lon FROM places;
INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates)
  VALUES ('synthetic', 'synthetic-fusion', 'bench', now(), 0, 0, 0);
INSERT INTO flights (flight_id, icao24, start, "end", origin_site, origin_airport, destination_site,
    destination_airport, origin_method, destination_method, origin_note, destination_note, points, actor,
    source_ids, first_source_id, first_row_no, last_source_id, last_row_no)
SELECT 'f' || i, printf('%06x', 1048576 + i % 5000), ts, ts + INTERVAL 2 HOUR,
       CASE WHEN o.place NOT LIKE 'AP%' THEN o.place END, CASE WHEN o.place LIKE 'AP%' THEN o.place END,
       CASE WHEN d.place NOT LIKE 'AP%' THEN d.place END, CASE WHEN d.place LIKE 'AP%' THEN d.place END,
       'ground', 'ground', '', '', 100, CASE WHEN i % 3 = 0 THEN 'ru-mod-transport' END, [1], 1, i, 1, i
FROM (SELECT i, TIMESTAMPTZ '2024-11-01 00:00:00+00' + to_seconds(CAST(hash(i) % ($days * 86400) AS BIGINT)) AS ts,
             CAST(hash(i, 1) % (SELECT count(*) FROM p) AS BIGINT) AS ko,
             CAST(hash(i, 2) % (SELECT count(*) FROM p) AS BIGINT) AS kd FROM range($flights) t(i)) f
JOIN p o ON o.k = f.ko JOIN p d ON d.k = f.kd;
INSERT INTO aircraft_points (icao24, time, lat, lon, source_id, row_no)
SELECT 'abcdef', TIMESTAMPTZ '2024-11-01 00:00:00+00' + to_seconds(CAST(hash(i) % ($days * 86400) AS BIGINT)),
       p.lat + 0.05, p.lon, 1, i
FROM range($points) t(i) JOIN p ON p.k = CAST(hash(i, 3) % (SELECT count(*) FROM p) AS BIGINT);
INSERT INTO reports (sha256, path, item_no, format, report_date, body_start, text, added_at)
SELECT 'r' || i, 'r' || i, 1, 'text', DATE '2024-11-01' + CAST(hash(i) % $days AS INTEGER), 0, 'x', now()
FROM range($claims) t(i);
INSERT INTO claims
SELECT r.report_id, 1,
       CASE i % 4 WHEN 0 THEN 'Russian aircraft left the base.' WHEN 1 THEN 'No Russian aircraft landed there.'
            WHEN 2 THEN 'Russia intends to stay.' ELSE 'Troops arrived.' END, 0, 10,
       CASE i % 4 WHEN 0 THEN 'withdrawal' WHEN 1 THEN 'deployment' WHEN 2 THEN 'basing' ELSE 'deployment' END,
       ['Russia'], '[]', [s.site_id], [], 'Source ' || (i % 50), 'media',
       CASE i % 4 WHEN 1 THEN 'denied' ELSE 'asserted' END, NULL, NULL, NULL, 'F', 6, 'bench'
FROM (SELECT report_id, row_number() OVER (ORDER BY report_id) - 1 AS i FROM reports) r
JOIN (SELECT site_id, row_number() OVER (ORDER BY site_id) - 1 AS k FROM sites) s
  ON s.k = r.i % (SELECT count(*) FROM sites);
"""


def setup() -> None:
    if WS.exists():
        return
    from basewatch.workspace.core import Workspace

    CACHE.mkdir(parents=True, exist_ok=True)
    with Workspace(WS) as ws:
        for stmt in _SETUP.split(";\n"):
            if stmt.strip():
                ws.con.execute(stmt, {k: v for k, v in {"days": DAYS, "flights": FLIGHTS, "points": POINTS,
                                                          "claims": CLAIMS}.items() if f"${k}" in stmt})


def child(case: str) -> None:
    import duckdb

    if case == "scan":
        con = duckdb.connect(str(WS), read_only=True)
        print(con.execute("SELECT (SELECT count(*) + sum(hash(flight_id, origin_site, destination_site, start)) "
                          "FROM flights), (SELECT sum(lat + lon) FROM aircraft_points), "
                          "(SELECT count(*) FROM claims)").fetchall())
        return
    con = duckdb.connect(str(WS))
    con.execute("DELETE FROM product_state WHERE product IN ('fusion', 'assessments')")
    con.close()
    from basewatch.cli.app import main as cli_main

    cli_main(["-w", str(WS), "fuse", "--format", "json"])


def main() -> None:
    setup()
    env = {"PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)])}
    print(f"\n## fusion: {FLIGHTS:,} flights, {POINTS:,} positions, {CLAIMS:,} claims over {DAYS} days", flush=True)
    rows = [measure(name, [sys.executable, __file__, "--child", name], FLIGHTS, env) for name in ("scan", "fuse")]
    report("fusion (items = flights)", rows, "scan")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
