"""Spark scaling of the flights pipeline: local[1] against local[2] on the same simulated points, with
basewatch on DuckDB and a bare DuckDB scan of the same columns measured in the same run (docs/scale.md).

`python benchmarks/bench_spark_scale.py` (environment BENCH_SCALE_SIZES, default "1000000"). Peak RSS
is the Python driver's; the JVM's memory is its own process (spark.driver.memory, 2 GB here).
"""

from __future__ import annotations

import os
import sys

from bench_flights import SCAN_SQL, _prepare_synthetic, _py
from harness import measure, report


def main() -> None:
    for n in (int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "1000000").split(",")):
        ws, _, points = _prepare_synthetic(n)
        if points == 0:  # a failed earlier preparation left an empty workspace behind
            raise SystemExit(f"{ws}: holds no points; delete it (and its .parquet) and run again")
        analyse = [sys.executable, "-m", "basewatch", "-w", str(ws), "analyse", "--product", "flights", "--force"]
        rows = [
            measure("duckdb scan (same columns)", _py(
                f"import duckdb; c = duckdb.connect({str(ws)!r}, read_only=True); c.execute({SCAN_SQL!r}).fetchall()"
            ), points),
            measure("basewatch duckdb", analyse, points),
            measure("basewatch spark local[1]", [*analyse, "--engine", "spark", "--spark-master", "local[1]"], points),
            measure("basewatch spark local[2]", [*analyse, "--engine", "spark", "--spark-master", "local[2]"], points),
        ]
        report(f"flights on Spark, 1 vs 2 cores ({points:,} points)", rows, "duckdb scan (same columns)")


if __name__ == "__main__":
    main()
