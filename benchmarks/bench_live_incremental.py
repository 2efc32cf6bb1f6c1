"""Watch mode's maritime update: incremental (touched vessels only) against a whole rebuild, same data.

History: the Spire and NOAA AIS files (other days, other vessels), then the AMSA log (2 h, about 1,600
vessels) as PARTS sources (a live watch writes one source per micro-batch); the maritime product is
built; then one more part (the log's last 1/PARTS, as a next batch would bring) is ingested into two
copies of that workspace, and the product brought up to date in one copy incrementally
(`ensure(..., incremental=True)`) and in the other from scratch (`force=True`).
A longer history (BENCH_INCREMENTAL_COPIES, default 40): the positions read so far are repeated that many
times, each copy k days earlier, with its own vessel ids and source ids (what weeks of watching leave).
Peer: the whole rebuild; floor: a bare DuckDB scan grouping the positions by vessel, in the same run.
Both results are checked equal. No timing is asserted anywhere; figures are printed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from harness import SHARED  # benchmarks/run.py puts benchmarks/ on sys.path

PARTS = int(os.environ.get("BENCH_INCREMENTAL_PARTS", "30"))
COPIES = int(os.environ.get("BENCH_INCREMENTAL_COPIES", "40"))
AIS = SHARED / "ais" / "amsa_risky_ais.txt"
HISTORY = (SHARED / "ais" / "aisdb_test_data_20210701_spire.csv", SHARED / "ais" / "aisdb_test_data_noaa_20230101.csv")
TABLES = ("port_calls", "voyages", "dark_periods")


def _tables(ws: object) -> dict[str, list[tuple[object, ...]]]:
    from basewatch.workspace.core import Workspace

    assert isinstance(ws, Workspace)
    return {t: ws.con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def main() -> None:
    from basewatch.ingest.pipeline import ingest_file
    from basewatch.products import ensure
    from basewatch.workspace.core import Workspace

    lines = AIS.read_bytes().splitlines(keepends=True)
    size = len(lines) // (PARTS + 1) + 1
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.duckdb"
        parts = []
        for k in range(PARTS + 1):
            part = Path(tmp) / f"part{k:03d}.nmea"
            part.write_bytes(b"".join(lines[k * size:(k + 1) * size]))
            parts.append(part)
        with Workspace(base) as ws:
            for path in HISTORY:
                ingest_file(ws, path)
            for part in parts[:-1]:
                ingest_file(ws, part, "nmea")
            ws.con.execute(
                "INSERT INTO ais_positions SELECT p.* REPLACE (p.mmsi || '-' || k AS mmsi, "
                "p.time - to_days(CAST(k AS INTEGER)) AS time, -k AS source_id) "
                f"FROM ais_positions p, range(1, {COPIES + 1}) r(k)")
            ensure(ws, "maritime")
        timings: dict[str, float] = {}
        results = {}
        for case in ("incremental", "whole"):
            path = Path(tmp) / f"{case}.duckdb"
            shutil.copyfile(base, path)
            with Workspace(path) as ws:
                ingest_file(ws, parts[-1], "nmea")
                started = time.perf_counter()
                summary = ensure(ws, "maritime", incremental=case == "incremental", force=case == "whole")
                timings[case] = time.perf_counter() - started
                assert summary.rebuilt and (case == "whole") != bool(summary.details.get("incremental"))
                results[case] = _tables(ws)
                if case == "whole":
                    row = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
                    positions = int(row[0]) if row else 0
                    started = time.perf_counter()
                    ws.con.execute("SELECT mmsi, count(*), max(time) FROM ais_positions GROUP BY mmsi").fetchall()
                    timings["scan"] = time.perf_counter() - started
                else:
                    touched = summary.details.get("positions")
        assert results["incremental"] == results["whole"], "incremental and whole builds differ"
    print(f"\n## live: maritime update after one more source ({PARTS} sources before, {positions:,} positions)")
    print(f"{'case':<40} {'seconds':>9} {'x whole rebuild':>16}")
    for name, key in (("incremental (touched vessels)", "incremental"), ("whole rebuild", "whole"),
                      ("bare DuckDB group-by scan", "scan")):
        print(f"{name:<40} {timings[key]:>9.3f} {timings['whole'] / timings[key]:>16.2f}")
    print(f"incremental recomputed {touched} positions of the touched vessels; results identical: yes")


if __name__ == "__main__":
    main()
