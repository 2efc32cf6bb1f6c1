"""Flights benchmark: split + take-off/landing airports (+ sites, visits, corridors for basewatch).

`python benchmarks/run.py flights` prints, for the Paris sample and simulated points scaled to 2 M and
20 M: points/s and peak RSS of basewatch on DuckDB (`basewatch analyse`, end to end on workspace
data, whose ingest kept per-source atoms and callsigns; that ingest-time work is measured as its own
row, "summary at ingest"), of basewatch on Spark local (`--engine spark`), of the `traffic` library
doing the same job (installed on first use by benchmarks/setup_traffic.sh) and of a bare DuckDB scan
of the same columns.

Environment: BENCH_FLIGHTS_SIZES (default "2000000,20000000"), BENCH_FLIGHTS_SPARK_MAX (largest
size run on Spark, default 20000000), BENCH_FLIGHTS_TRAFFIC_MAX (largest size given to traffic,
default 2000000: it needs hours for 20 M).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import CACHE, SHARED, Measurement, measure, report

HERE = Path(__file__).resolve().parent
WORK = CACHE / "flights"
TRAFFIC_PY = CACHE / "traffic-venv" / "bin" / "python"
PARIS = SHARED / "adsb" / "traffic_quickstart_paris_20211007.json.gz"
SCAN_SQL = (
    "SELECT count(*), min(icao24), sum(epoch_us(time)), sum(lat), sum(lon), sum(alt_baro_m), sum(alt_geom_m), "
    "sum(gs_ms), sum(track_deg), max(callsign), count(on_ground), count(new_leg), sum(source_id), sum(row_no) "
    "FROM aircraft_points"
)


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _prepare_paris() -> tuple[Path, Path, int] | None:
    if not PARIS.exists():
        print(f"(skipping the Paris sample: {PARIS} not found)")
        return None
    ws, parquet = WORK / "paris.duckdb", WORK / "paris.parquet"
    if not ws.exists():
        code = (
            "from basewatch.workspace.core import Workspace; from basewatch.ingest.pipeline import ingest_file; "
            f"w = Workspace({str(ws)!r}); ingest_file(w, {str(PARIS)!r}); "
            f"w.con.execute(\"COPY aircraft_points TO '{parquet}' (FORMAT parquet)\"); w.close()"
        )
        measure("prepare paris", _py(code), 0)
    return ws, parquet, _count(ws)


def _prepare_synthetic(n: int) -> tuple[Path, Path, int]:
    """Simulated points (basewatch.demo.bulk), stored as ingest stores them: clustered by aircraft, time."""
    ws, parquet = WORK / f"synthetic_{n}.duckdb", WORK / f"synthetic_{n}.parquet"
    if not ws.exists():
        code = (
            "from pathlib import Path; from basewatch.demo.bulk import write_points_parquet; "
            "from basewatch.workspace.core import Workspace; "
            f"write_points_parquet(Path({str(parquet)!r}), {n}); w = Workspace({str(ws)!r}); "
            "w.con.execute(\"INSERT INTO sources (source_id, path, sha256, input_format, ingested_at, accepted, "
            "rejected, duplicates) VALUES (1, 'synthetic', 'synthetic', 'parquet', now(), 0, 0, 0)\"); "
            "w.con.execute(\"INSERT INTO aircraft_points SELECT icao24, time, lat, lon, alt_baro_m, alt_geom_m, "
            "gs_ms, track_deg, vrate_ms, callsign, squawk, on_ground, new_leg, 1, row_no "
            f"FROM read_parquet('{parquet}') ORDER BY icao24, time, lat, lon, row_no\"); w.close()"
        )
        measure(f"prepare {n}", _py(code), n)
    return ws, parquet, _count(ws)


SUMMARY_CODE = (
    "import sys; from basewatch.workspace.core import Workspace; from basewatch.flights import summary; "
    "from basewatch.flights.params import FlightParams; from basewatch.identity.callsigns import rebuild_callsigns; "
    "w = Workspace(sys.argv[1]); w.con.execute('DELETE FROM aircraft_atoms') if summary.TABLE in "
    "[r[0] for r in w.con.execute('SHOW TABLES').fetchall()] else None; w.con.execute('DELETE FROM atom_sources'); "
    "summary.ensure_atoms(w, FlightParams()); rebuild_callsigns(w.con); "
    "from basewatch.identity.cache import identity_table; identity_table(w); "
    "from basewatch.flights.plan import ensure_references, load_plan; "
    "w.con.execute('DELETE FROM flight_reference_state'); ensure_references(w, load_plan()); w.close()"
)


def _summarise(ws: Path, n: int) -> Measurement:
    """What ingest adds, done here for points inserted by SQL: atoms, callsigns, identity, reference tables."""
    return measure("summary at ingest", [sys.executable, "-c", SUMMARY_CODE, str(ws)], n)


def _count(ws: Path) -> int:
    import duckdb

    con = duckdb.connect(str(ws), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM aircraft_points").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def _cases(name: str, ws: Path, parquet: Path, n: int) -> list[Measurement]:
    summary = _summarise(ws, n)
    analyse = [sys.executable, "-m", "basewatch", "-w", str(ws), "analyse", "--product", "flights", "--force"]
    rows = [
        measure("duckdb scan (same columns)", _py(
            f"import duckdb; c = duckdb.connect({str(ws)!r}, read_only=True); c.execute({SCAN_SQL!r}).fetchall()"
        ), n),
        # the first analyse after ingest (cold OS and DuckDB caches for the summary), then a repeat
        measure("basewatch duckdb, first run", analyse, n),
        measure("basewatch duckdb", analyse, n),
    ]
    if n <= int(os.environ.get("BENCH_FLIGHTS_SPARK_MAX", "20000000")):
        rows.append(measure("basewatch spark local[*]", [
            *analyse, "--engine", "spark"], n))
    if not TRAFFIC_PY.exists():
        _setup_traffic()
    if not TRAFFIC_PY.exists():
        print("(traffic could not be installed: see `sh benchmarks/setup_traffic.sh`)")
    elif n <= int(os.environ.get("BENCH_FLIGHTS_TRAFFIC_MAX", "2000000")):
        rows.append(measure("traffic 2.13", [str(TRAFFIC_PY), str(HERE / "traffic_flights_job.py"), str(parquet)], n))
    else:
        print(f"(traffic skipped at {n:,} points; raise BENCH_FLIGHTS_TRAFFIC_MAX to run it)")
    rows.append(summary)
    baseline = "traffic 2.13" if any(r.name == "traffic 2.13" for r in rows) else "duckdb scan (same columns)"
    report(f"flights: {name} ({n:,} points)", rows, baseline)
    scan = rows[0]
    for r in rows[1:]:
        print(f"  {r.name}: {r.per_second / scan.per_second:.2f} x the bare scan's speed")
    return rows


def _setup_traffic() -> None:
    """Install the peer library in its own venv (benchmarks/.cache) the first time, so one command runs all."""
    import subprocess

    print("(installing traffic 2.13 in benchmarks/.cache/traffic-venv for the comparison)")
    subprocess.run(["sh", str(HERE / "setup_traffic.sh")], check=False)


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    paris = _prepare_paris()
    if paris is not None:
        _cases("Paris sample", *paris)
    sizes = [int(s) for s in os.environ.get("BENCH_FLIGHTS_SIZES", "2000000,20000000").split(",") if s]
    for n in sizes:
        _cases("simulated", *_prepare_synthetic(n))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
