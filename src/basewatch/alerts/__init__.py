"""Alerts: surges, drawdowns, sustained shifts, new corridors and dark periods, each with its basis.

Layers (each a small module):

* `params`: the detectors' settings (a frozen dataclass, stored with every build).
* `engine` + `series`: the daily count series, written once in Ibis and run on DuckDB or Spark.
* `model`: the negative-binomial baseline (trailing window, guard band, weekday effect, pooled
  dispersion) and its exact tail (mid-p) values; `cusum`: sustained shifts; `multiple`: Benjamini-
  Hochberg across the series of one day; `corridors`: new corridors; `dark`: dark periods near sites.
* `detect`: all detectors over one series table, giving the alerts as one Arrow table.
* `store`: the `alerts` table (migration 0014); `products`: the registered product `alerts`.
* `carry` + `incremental`: the state a build leaves (migration 0020), so the next build computes only
  the new days (a backfill when the stored state no longer holds); `evidence`: the evidence as JSON.

Importing this package loads nothing heavy (no DuckDB, pyarrow, numpy or Ibis at module level).
"""
