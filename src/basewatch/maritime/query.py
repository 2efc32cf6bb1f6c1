"""Read the maritime tables (and the vessel identity) for front ends: port calls, voyages, dark periods.

Every filter is a bound SQL parameter; results are Arrow tables whose columns are the CLI's and the
JSON's (`CALL_COLUMNS`, ...). The tables are read as they are: bringing them up to date is the product
registry's job (`basewatch.Workspace.port_calls` ensures the `maritime` product first).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from basewatch.errors import QueryError
from basewatch.geo import haversine_sql

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

When = dt.date | dt.datetime | None

CALL_COLUMNS = ("call_id", "mmsi", "vessel_name", "actor", "site", "port", "port_country", "arrival", "departure",
                "arrival_observed", "first_stop", "stops", "port_gaps", "min_distance_km", "positions", "source_ids",
                "first_source_id", "first_row_no", "last_source_id", "last_row_no")
VOYAGE_COLUMNS = ("voyage_id", "mmsi", "vessel_name", "actor", "origin_site", "origin_port", "destination_site",
                  "destination_port", "departure", "arrival", "distance_km", "positions")
DARK_COLUMNS = ("dark_id", "mmsi", "vessel_name", "actor", "start_time", "end_time", "hours", "ongoing",
                "start_lat", "start_lon", "end_lat", "end_lon", "jump_km", "implied_speed_ms", "near_site",
                "near_site_km", "start_site", "start_site_km", "end_site", "end_site_km", "prior_messages",
                "prior_median_interval_s", "start_source_id", "start_row_no", "end_source_id", "end_row_no")
VESSEL_COLUMNS = ("mmsi", "name", "flag", "flag_country", "type", "type_name", "imo", "callsign", "length_m",
                  "first_seen", "last_seen", "positions", "actor")


def site_position(ws: Workspace, site: str | None, *, port: bool = False) -> tuple[float, float] | None:
    """(lat, lon) of a watched site; QueryError when unknown (or, with port, not a port)."""
    if site is None:
        return None
    row = ws.con.execute("SELECT lat, lon, kind FROM sites WHERE site_id = ?", [site]).fetchone()
    if row is None:
        raise QueryError(f"unknown site {site!r} (see `basewatch sites`)")
    if port and row[2] != "port":
        raise QueryError(f"site {site!r} is of kind {row[2]}, not port: vessels call only at ports")
    if row[0] is None or row[1] is None:
        raise QueryError(f"site {site!r} has no position")
    return float(row[0]), float(row[1])


def _check_actor(ws: Workspace, actor: str | None) -> None:
    if actor is not None and ws.con.execute("SELECT 1 FROM actors WHERE actor_id = ?", [actor]).fetchone() is None:
        raise QueryError(f"unknown actor {actor!r} (see `basewatch actors`)")


def _filters(time_col: str, actor: str | None, since: When, until: When) -> tuple[str, list[Any]]:
    """SQL conditions (and their parameters): actor, and a time window [since, until) on time_col."""
    from basewatch.flights.query import Window

    window = Window.of(since, until)
    sql = (f"(CAST(? AS VARCHAR) IS NULL OR actor = ?) AND (CAST(? AS TIMESTAMPTZ) IS NULL OR {time_col} >= ?) "
           f"AND (CAST(? AS TIMESTAMPTZ) IS NULL OR {time_col} < ?)")
    return sql, [actor, actor, window.since, window.since, window.until, window.until]


def port_calls(ws: Workspace, site: str | None = None, actor: str | None = None, since: When = None,
               until: When = None, *, port: str | None = None, mmsi: str | None = None) -> pa.Table:
    """Port calls arriving in [since, until), at a watched site or a World Port Index port, by arrival."""
    site_position(ws, site, port=True)
    _check_actor(ws, actor)
    where, params = _filters("arrival", actor, since, until)
    cols = ", ".join("site_id AS site" if c == "site" else c for c in CALL_COLUMNS)
    return ws.con.execute(
        f"SELECT {cols} FROM port_calls WHERE (CAST(? AS VARCHAR) IS NULL OR site_id = ?) "
        "AND (CAST(? AS VARCHAR) IS NULL OR lower(port) = lower(?)) AND (CAST(? AS VARCHAR) IS NULL OR mmsi = ?) "
        f"AND {where} ORDER BY arrival, mmsi",
        [site, site, port, port, mmsi, mmsi, *params],
    ).fetch_arrow_table()


def voyages(ws: Workspace, site: str | None = None, actor: str | None = None, since: When = None,
            until: When = None, *, mmsi: str | None = None) -> pa.Table:
    """Voyages (legs between consecutive port calls) departing in [since, until), from or to `site`."""
    site_position(ws, site, port=True)
    _check_actor(ws, actor)
    where, params = _filters("departure", actor, since, until)
    return ws.con.execute(
        f"SELECT {', '.join(VOYAGE_COLUMNS)} FROM voyages "
        "WHERE (CAST(? AS VARCHAR) IS NULL OR origin_site = ? OR destination_site = ?) "
        f"AND (CAST(? AS VARCHAR) IS NULL OR mmsi = ?) AND {where} ORDER BY departure, mmsi",
        [site, site, site, mmsi, mmsi, *params],
    ).fetch_arrow_table()


def dark_periods(ws: Workspace, near: str | None = None, actor: str | None = None, since: When = None,
                 until: When = None, *, within_km: float = 100.0, mmsi: str | None = None) -> pa.Table:
    """Dark periods starting in [since, until); with `near`, only those starting or ending within
    `within_km` of that site."""
    centre = site_position(ws, near)
    _check_actor(ws, actor)
    if within_km <= 0:
        raise QueryError(f"the distance for near must be positive, got {within_km}")
    where, params = _filters("start_time", actor, since, until)
    lat, lon = centre if centre else (None, None)
    d_start = haversine_sql("start_lat", "start_lon", "c.lat", "c.lon")
    d_end = haversine_sql("end_lat", "end_lon", "c.lat", "c.lon")
    cols = ", ".join("round(duration_s / 3600.0, 2) AS hours" if c == "hours" else c for c in DARK_COLUMNS)
    return ws.con.execute(
        "WITH c AS (SELECT CAST(? AS DOUBLE) AS lat, CAST(? AS DOUBLE) AS lon) "
        f"SELECT {cols} FROM dark_periods, c WHERE (CAST(? AS VARCHAR) IS NULL OR mmsi = ?) AND "
        f"(c.lat IS NULL OR {d_start} <= ? OR (end_lat IS NOT NULL AND {d_end} <= ?)) AND {where} "
        "ORDER BY start_time, mmsi",
        [lat, lon, mmsi, mmsi, within_km, within_km, *params],
    ).fetch_arrow_table()


def vessels(ws: Workspace, actor: str | None = None, *, flag: str | None = None) -> pa.Table:
    """One row per vessel seen in AIS (identity, flag by MID, ship type, first and last seen, actor)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from basewatch.identity.vessels import ship_type_name, vessel_identity

    _check_actor(ws, actor)
    table = vessel_identity(ws)
    if actor is not None:
        table = table.filter(pc.equal(table["actor_id"], actor))
    if flag is not None:
        table = table.filter(pc.equal(pc.utf8_upper(pc.fill_null(table["flag"], "")), flag.upper()))
    names = pa.array([ship_type_name(t) for t in table["type"].to_pylist()], pa.string())
    columns = {c: table[c] for c in table.column_names}
    columns["type_name"] = names
    columns["actor"] = table["actor_id"]
    return pa.table({c: columns[c] for c in VESSEL_COLUMNS})
