"""Evidence behind a derived record, down to source file rows: what the dashboard's evidence pages show.

Reached through Workspace methods (`ws.flight_points`, `ws.flight_sources`, `ws.report`,
`ws.vessel_positions`); every filter is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

_FLIGHT_POINTS = """
WITH f AS (SELECT icao24, start, "end" FROM flights WHERE flight_id = $flight_id)
SELECT p.time, p.lat, p.lon, p.alt_baro_m, p.alt_geom_m, p.gs_ms, p.track_deg, p.on_ground, p.callsign,
       p.source_id, s.path, s.input_format, p.row_no
FROM f JOIN aircraft_points p ON p.icao24 = f.icao24 AND p.time BETWEEN f.start AND f."end"
JOIN sources s ON s.source_id = p.source_id
ORDER BY p.time, p.source_id, p.row_no
"""

_FLIGHT_SOURCES = """
WITH f AS (SELECT icao24, start, "end" FROM flights WHERE flight_id = $flight_id)
SELECT p.source_id, s.path, s.input_format, s.sha256, min(p.row_no) AS first_row, max(p.row_no) AS last_row,
       count(*) AS points, min(p.time) AS first_time, max(p.time) AS last_time
FROM f JOIN aircraft_points p ON p.icao24 = f.icao24 AND p.time BETWEEN f.start AND f."end"
JOIN sources s ON s.source_id = p.source_id
GROUP BY ALL ORDER BY min(p.time), p.source_id
"""

_REPORT = """
SELECT report_id, title, publisher, url, report_date, path, item_no, format, sha256, body_start, text
FROM reports WHERE report_id = $report_id
"""

_VESSEL_POSITIONS = """
SELECT p.time, p.lat, p.lon, p.sog_ms, p.cog_deg, p.source_id, s.path, p.row_no
FROM ais_positions p JOIN sources s ON s.source_id = p.source_id
WHERE p.mmsi = $mmsi AND p.lat IS NOT NULL AND p.lon IS NOT NULL
  AND ($since IS NULL OR p.time >= $since) AND ($until IS NULL OR p.time <= $until)
ORDER BY p.time, p.source_id, p.row_no
"""


def _table_exists(ws: Workspace, name: str) -> bool:
    row = ws.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = $name",
                         {"name": name}).fetchone()
    return bool(row and row[0])


def flight_points(ws: Workspace, flight_id: str) -> pa.Table:
    """Every reported position of the flight (from take-off to landing) with its file and row."""
    if not _table_exists(ws, "flights"):
        return pa.table({})
    table: pa.Table = ws.con.execute(_FLIGHT_POINTS, {"flight_id": flight_id}).fetch_arrow_table()
    return table


def flight_sources(ws: Workspace, flight_id: str) -> pa.Table:
    """Per source file: the row range and number of the flight's reports in it."""
    if not _table_exists(ws, "flights"):
        return pa.table({})
    table: pa.Table = ws.con.execute(_FLIGHT_SOURCES, {"flight_id": flight_id}).fetch_arrow_table()
    return table


def report(ws: Workspace, report_id: int) -> pa.Table:
    """The stored report (one row, or none) with its full text; claim offsets index into `text`."""
    table: pa.Table = ws.con.execute(_REPORT, {"report_id": report_id}).fetch_arrow_table()
    return table


def vessel_positions(ws: Workspace, mmsi: str, since: dt.datetime | None = None,
                     until: dt.datetime | None = None) -> pa.Table:
    """A vessel's received positions, oldest first, with file and row; [since, until] when given."""
    if not _table_exists(ws, "ais_positions"):
        return pa.table({})
    table: pa.Table = ws.con.execute(_VESSEL_POSITIONS, {"mmsi": mmsi, "since": since,
                                                         "until": until}).fetch_arrow_table()
    return table
