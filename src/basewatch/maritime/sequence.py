"""The ordered position sequence every maritime detector works on (temp table _pos)."""

from __future__ import annotations

import duckdb

VALID = "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180"


def create_position_sequence(con: duckdb.DuckDBPyConnection, only: str | None = None) -> int:
    """Create temp table _pos: valid positions numbered per vessel (rn 1..n by time, source, row), with
    prev_dt, the seconds since the vessel's previous position (NULL for its first). `only`: a table with
    an mmsi column; then only those vessels' positions (an incremental build).

    Positions without coordinates or with AIS "not available" values (lat 91, lon 181) are left out.
    Returns the number of positions kept.
    """
    restrict = "" if only is None else f" AND mmsi IN (SELECT mmsi FROM {only})"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _pos AS
        SELECT mmsi, time, lat, lon, sog_ms, nav_status, source_id, row_no,
               row_number() OVER w AS rn,
               epoch(time) - epoch(lag(time) OVER w) AS prev_dt
        FROM ais_positions
        WHERE {VALID}{restrict}
        WINDOW w AS (PARTITION BY mmsi ORDER BY time, source_id, row_no)
        """
    )
    row = con.execute("SELECT count(*) FROM _pos").fetchone()
    return int(row[0]) if row else 0

