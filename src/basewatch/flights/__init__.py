"""Flights, site visits and corridors from flight records, on DuckDB (default) or Spark.

Public API:

- `build_flights(ws, engine="duckdb", master=None, params=None)`: (re)compute the workspace tables
  `flights`, `visits` and `flight_corridors` from `aircraft_points` (see migration 0004_flights.sql).
- `basewatch.flights.query`: read them back (flights with filters, site activity air + sea, corridors
  air + sea) as Arrow tables; `basewatch.flights.export`: GeoJSON, KML, CSV, Parquet.
- `FlightParams` (`SplitParams`, `AttributeParams`): every threshold, with its reason.

The heavy stages (`segment`, `attribute`, `aggregate`) are Ibis expressions written once; `engine`
runs them on the workspace's DuckDB or on PySpark over the same data exported to Parquet.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from basewatch.flights.params import AttributeParams, FlightParams, SplitParams

if TYPE_CHECKING:
    from basewatch.flights.store import BuildReport, build_flights

__all__ = ["AttributeParams", "BuildReport", "FlightParams", "SplitParams", "build_flights"]


def __getattr__(name: str) -> Any:
    """`BuildReport` and `build_flights` from `basewatch.flights.store`, imported on first use (importing
    a flights module then does not import the whole build, and the package has no import cycle)."""
    if name in ("BuildReport", "build_flights"):
        return getattr(importlib.import_module("basewatch.flights.store"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
