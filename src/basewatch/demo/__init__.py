"""The simulated December 2024 scenario (`basewatch demo`): generator, recorder-format writers, ground truth.

Everything this package produces is simulated and labelled so. `generate_points` (bulk.py) makes any
number of simulated points fast, for benchmarks.
"""

from basewatch.demo.bulk import generate_points, iter_point_batches, write_points_parquet

__all__ = ["generate_points", "iter_point_batches", "write_points_parquet"]
