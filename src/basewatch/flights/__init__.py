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

from basewatch.flights.params import AttributeParams, FlightParams, SplitParams
from basewatch.flights.store import BuildReport, build_flights

__all__ = ["AttributeParams", "BuildReport", "FlightParams", "SplitParams", "build_flights"]
