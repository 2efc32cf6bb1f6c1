"""The `aircraft_callsigns` summary (migration 0008): one row per (icao24, callsign) of aircraft_points.

Each row holds a callsign as recorded (NULL kept), how many points carry it and when it was first and
last seen. Ingest keeps it current: `merge_source_callsigns` runs inside the file's transaction, so a
failed ingest leaves neither points nor callsigns. Identity reads these pairs instead of scanning every
point.

Points written some other way (raw SQL in a benchmark or a test) would leave the summary behind; the
invariant "its point total equals the number of points" is checked in O(1) (DuckDB answers an
unfiltered count(*) from table metadata) by `current_pairs_sql`, which rebuilds the summary when it
does not hold (or, on a read-only workspace, falls back to a scan of the points).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

TABLE = "aircraft_callsigns"
SCAN_PAIRS_SQL = "(SELECT DISTINCT icao24, callsign FROM aircraft_points)"

_AGGREGATE = (
    "SELECT icao24, callsign, count(*) AS points, min(time) AS first_seen, max(time) AS last_seen "
    "FROM aircraft_points"
)
_MERGE_SQL = f"""
MERGE INTO {TABLE} AS c
USING ({_AGGREGATE} WHERE source_id = ? GROUP BY icao24, callsign) AS n
ON c.icao24 = n.icao24 AND c.callsign IS NOT DISTINCT FROM n.callsign
WHEN MATCHED THEN UPDATE SET
    points = c.points + n.points,
    first_seen = least(c.first_seen, n.first_seen),
    last_seen = greatest(c.last_seen, n.last_seen)
WHEN NOT MATCHED THEN INSERT (icao24, callsign, points, first_seen, last_seen)
    VALUES (n.icao24, n.callsign, n.points, n.first_seen, n.last_seen)
"""

_REBUILD_SQL = f"""
MERGE INTO {TABLE} AS c
USING ({_AGGREGATE} GROUP BY icao24, callsign) AS n
ON c.icao24 = n.icao24 AND c.callsign IS NOT DISTINCT FROM n.callsign
WHEN MATCHED THEN UPDATE SET points = n.points, first_seen = n.first_seen, last_seen = n.last_seen
WHEN NOT MATCHED BY TARGET THEN INSERT (icao24, callsign, points, first_seen, last_seen)
    VALUES (n.icao24, n.callsign, n.points, n.first_seen, n.last_seen)
WHEN NOT MATCHED BY SOURCE THEN DELETE
"""


def merge_source_callsigns(con: duckdb.DuckDBPyConnection, source_id: int) -> None:
    """Add the (icao24, callsign) pairs of one source's points: counts add up, first/last seen widen.

    Call once per source, after its points are inserted and in the same transaction.
    """
    con.execute(_MERGE_SQL, [source_id])


def rebuild_callsigns(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the whole summary from aircraft_points in one statement (atomic on its own, or part of
    the caller's transaction): rows are updated, added or deleted to match the points."""
    con.execute(_REBUILD_SQL)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the summary accounts for exactly the points stored (a cheap, metadata-level check).

    False also when the table is missing (a workspace older than version 8 opened read-only).
    """
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        f"AND schema_name = 'main' AND table_name = '{TABLE}'"
    ).fetchone()
    if not exists or not exists[0]:
        return False
    points = con.execute("SELECT count(*) FROM aircraft_points").fetchone()
    summed = con.execute(f"SELECT coalesce(sum(points), 0) FROM {TABLE}").fetchone()
    return points is not None and summed is not None and int(points[0]) == int(summed[0])


def refresh_callsigns(ws: Workspace) -> bool:
    """Make the summary current if it is not; False when it is stale and the workspace is read-only."""
    if is_current(ws.con):
        return True
    if ws.read_only:
        return False
    rebuild_callsigns(ws.con)
    return True


def current_pairs_sql(ws: Workspace) -> str:
    """A SQL relation of the distinct (icao24, callsign) pairs of the points: the summary when it is
    (or can be made) current, else a scan of the points."""
    return TABLE if refresh_callsigns(ws) else SCAN_PAIRS_SQL
