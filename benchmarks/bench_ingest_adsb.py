"""Flight-record readers at scale: 5 M synthetic state vectors as an OpenSky Parquet export and as CSV,
2 M points as an SBS-1 log (MSG,3 + MSG,4 per point: 4 M lines), and the real Paris traffic JSON sample.

Baseline: a bare `pyarrow.parquet.read_table` of the Parquet file (no conversion, no checks). The
`ingest` rows run the whole CLI (reader + one transaction with de-duplication) on a fresh workspace.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from harness import CACHE, SHARED, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

N_PARQUET = 5_000_000
N_SBS = 2_000_000
AIRCRAFT = 2_000
PARIS = SHARED / "adsb" / "traffic_quickstart_paris_20211007.json.gz"


def _states(n: int) -> pa.Table:
    rng = np.random.default_rng(20)
    ac = np.arange(n) % AIRCRAFT
    hexes = np.array([f"{0x100000 + i * 37:06x}" for i in range(AIRCRAFT)])
    t_ns = (1_733_000_000 + np.arange(n) // AIRCRAFT * 5) * 1_000_000_000
    return pa.table({
        "time": pa.array(t_ns, pa.timestamp("ns", tz="UTC")),
        "icao24": pa.array(hexes[ac]),
        "lat": 30 + rng.random(n) * 10, "lon": 20 + rng.random(n) * 20,
        "velocity": rng.random(n) * 250, "heading": rng.random(n) * 360, "vertrate": rng.normal(0, 5, n),
        "callsign": pa.array(np.char.add("RFF", (ac % 900 + 100).astype(str))),
        "onground": pa.array(rng.random(n) < 0.05), "squawk": pa.array(np.full(n, "1000")),
        "baroaltitude": rng.random(n) * 12000, "geoaltitude": rng.random(n) * 12000,
    })


def _sbs(states: pa.Table) -> bytes:
    """Two lines per point (MSG,3 position, MSG,4 velocity), built with Arrow string kernels."""
    t = states.column("time")
    stamp = pc.strftime(pc.cast(t, pa.timestamp("s", tz="UTC")), format="%Y/%m/%d,%H:%M:%S.000")
    stamp2 = pc.binary_join_element_wise(stamp, stamp, ",")
    hex_ = pc.utf8_upper(states.column("icao24"))

    def num(name: str, fmt: float) -> pa.Array:
        return pc.cast(pc.round(pc.multiply(states.column(name), fmt), 5), pa.string())

    pos = pc.binary_join_element_wise(
        "MSG,3,1,1", hex_, "1", stamp2, "", pc.cast(pc.round(pc.divide(states.column("baroaltitude"), 0.3048)),
                                                    pa.int64()).cast(pa.string()),
        "", "", num("lat", 1.0), num("lon", 1.0), "", "", "0", "0", "0", "0", ",")
    vel = pc.binary_join_element_wise(
        "MSG,4,1,1", hex_, "1", stamp2, "", "", num("velocity", 1 / 0.514444), num("heading", 1.0), "", "",
        "0", "", "0", "0", "0", "0", ",")
    pairs = pc.binary_join_element_wise(pos, vel, "\n")
    return ("\n".join(pairs.to_pylist()) + "\n").encode()


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    parquet, csv, sbs = CACHE / "adsb_states.parquet", CACHE / "adsb_states.csv", CACHE / "adsb_log.sbs"
    if not parquet.exists():
        states = _states(N_PARQUET)
        pq.write_table(states, parquet)
        epoch_s = pc.divide(pc.cast(states.column("time"), pa.int64()), 1_000_000_000)
        pacsv.write_csv(states.set_column(0, "time", epoch_s), csv)
        sbs.write_bytes(_sbs(states.slice(0, N_SBS)))
    py = sys.executable

    def read(module: str, path: Path) -> list[str]:
        code = (f"from pathlib import Path; from basewatch.ingest.adsb.{module} import READER; "
                f"r = READER.read(Path({str(path)!r})); assert r.rejects.total == 0, r.rejects")
        return [py, "-c", code]

    def ingest(path: Path, name: str) -> list[str]:
        ws = CACHE / f"ws_{name}.duckdb"
        for p in (ws, ws.with_suffix(".duckdb.wal")):
            p.unlink(missing_ok=True)
        return [py, "-m", "basewatch", "-w", str(ws), "ingest", "--format", "json", str(path)]

    rows = [
        measure("bare parquet read_table", [py, "-c", f"import pyarrow.parquet as pq; pq.read_table({str(parquet)!r})"],
                N_PARQUET),
        measure("opensky reader, Parquet", read("opensky", parquet), N_PARQUET),
        measure("opensky reader, CSV", read("opensky", csv), N_PARQUET),
        measure("sbs reader (2 lines a point)", read("sbs", sbs), N_SBS),
        measure("ingest opensky Parquet", ingest(parquet, "opensky"), N_PARQUET),
        measure("ingest sbs", ingest(sbs, "sbs"), N_SBS),
    ]
    if PARIS.exists():
        rows.append(measure("traffic-json reader, Paris", read("trafficjson", PARIS), 284_505))
    report("flight-record readers (points)", rows, "bare parquet read_table")


if __name__ == "__main__":
    main()
