"""Names and columns the flight modules share (a leaf module: no basewatch import, nothing heavy)."""

from __future__ import annotations

# The columns the pipeline reads, in workspace SQL (DuckDB). t_us: epoch microseconds (UTC).
POINTS_SQL = (
    "SELECT icao24, epoch_us(time) AS t_us, lat, lon, alt_baro_m, alt_geom_m, gs_ms, track_deg, "
    "vrate_ms, callsign, on_ground, new_leg, source_id, row_no FROM aircraft_points"
)

# ... and their types (an Ibis schema as plain names, so no Ibis import is needed to read it)
POINTS_SCHEMA: dict[str, str] = {
    "icao24": "string", "t_us": "int64", "lat": "float64", "lon": "float64", "alt_baro_m": "float64",
    "alt_geom_m": "float64", "gs_ms": "float64", "track_deg": "float64", "vrate_ms": "float64",
    "callsign": "string", "on_ground": "boolean", "new_leg": "boolean", "source_id": "int32", "row_no": "int64",
}

# DuckDB's buffer pool keeps every block of the points it has read cached until its memory limit
# (80 % of RAM by default), so peak memory grew with the workspace. While the pipeline runs the limit
# is lowered to this (it only caps caches: joins and aggregates spill to disk past it) and then restored.
DUCKDB_MEMORY_LIMIT = "1GB"

# The per-source atoms kept at ingest (basewatch.flights.summary; migration 0010)
ATOMS_TABLE = "aircraft_atoms"
