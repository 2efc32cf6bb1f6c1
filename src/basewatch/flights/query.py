"""Read the derived flight tables for commands: flights, site activity (air and sea), corridors.

All filters are SQL parameters. Results are Arrow tables; formatting lives in the CLI and export.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from basewatch.errors import QueryError

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

FLIGHT_COLUMNS = (
    "flight_id", "icao24", "callsign", "start", "end", "origin_site", "origin_airport", "destination_site",
    "destination_airport", "origin_method", "destination_method", "origin_note", "destination_note",
    "points", "actor", "typecode", "registration", "first_lat", "first_lon", "last_lat", "last_lon",
    "source_ids", "first_source_id", "first_row_no", "last_source_id", "last_row_no",
)


@dataclass(frozen=True)
class Window:
    """A UTC time window [since, until); either end open."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None

    @staticmethod
    def of(since: dt.datetime | dt.date | None, until: dt.datetime | dt.date | None) -> Window:
        """Dates and naive datetimes are UTC; an `until` at midnight includes that whole day."""
        return Window(_utc(since, False), _utc(until, True))


def _utc(value: dt.datetime | dt.date | None, end: bool) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if end and value.time() == dt.time(0):
        value += dt.timedelta(days=1)
    return value.astimezone(dt.UTC)


def table_exists(ws: Workspace, name: str) -> bool:
    row = ws.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def check_site(ws: Workspace, site: str | None) -> None:
    if site is None:
        return
    row = ws.con.execute("SELECT count(*) FROM sites WHERE site_id = ?", [site]).fetchone()
    if not row or not row[0]:
        raise QueryError(f"unknown site {site!r} (see `basewatch sites`)")


def check_actor(ws: Workspace, actor: str | None) -> None:
    if actor is None:
        return
    row = ws.con.execute("SELECT count(*) FROM actors WHERE actor_id = ?", [actor]).fetchone()
    if not row or not row[0]:
        raise QueryError(f"unknown actor {actor!r} (see `basewatch actors`)")


def _time_filter(col: str, window: Window, params: list[Any]) -> list[str]:
    where = []
    if window.since is not None:
        where.append(f"{col} >= ?")
        params.append(window.since)
    if window.until is not None:
        where.append(f"{col} < ?")
        params.append(window.until)
    return where


def flights(ws: Workspace, site: str | None = None, actor: str | None = None,
            window: Window = Window()) -> pa.Table:
    """Flights touching `site` (as origin or destination), of `actor`, starting within `window`."""
    check_site(ws, site)
    check_actor(ws, actor)
    params: list[Any] = []
    where = ["TRUE"]
    if site is not None:
        where.append("(origin_site = ? OR destination_site = ?)")
        params += [site, site]
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    where += _time_filter("start", window, params)
    cols = ", ".join(f'"{c}"' for c in FLIGHT_COLUMNS)
    sql = f"SELECT {cols} FROM flights WHERE {' AND '.join(where)} ORDER BY start, icao24"
    return ws.con.execute(sql, params).fetch_arrow_table()


# -- activity ---------------------------------------------------------------------------------------
def _stays_sql(ws: Workspace) -> str:
    """Visits (air) and port calls (sea, when that table exists) as one relation of stays."""
    air = ("SELECT 'air' AS mode, site_id, icao24 AS vehicle, arrival, departure, dwell_s, actor FROM visits")
    if not table_exists(ws, "port_calls"):
        return air
    sea = ("SELECT 'sea' AS mode, site_id, mmsi AS vehicle, arrival, departure, "
           "epoch(departure) - epoch(arrival) AS dwell_s, actor FROM port_calls WHERE site_id IS NOT NULL")
    return f"{air} UNION ALL {sea}"


def activity(ws: Workspace, site: str, by_day: bool = False, window: Window = Window(),
             actor: str | None = None) -> pa.Table:
    """Arrivals, departures, vehicles present (on the ground / in port) and median dwell at a site.

    By day: one row per UTC day and mode between the first and last movement. A stay with no known
    arrival counts as present on its departure day only; one with no departure, on its arrival day only.
    """
    check_site(ws, site)
    check_actor(ws, actor)
    params: list[Any] = [site]
    actor_cond = ""
    if actor is not None:
        actor_cond = " AND actor = ?"
        params.append(actor)
    stays = f"""SELECT mode, vehicle, arrival, departure, dwell_s,
                   CAST(coalesce(arrival, departure) AT TIME ZONE 'UTC' AS DATE) AS d0,
                   CAST(coalesce(departure, arrival) AT TIME ZONE 'UTC' AS DATE) AS d1
                FROM ({_stays_sql(ws)}) WHERE site_id = ?{actor_cond}"""
    tw: list[Any] = []
    tcond = _time_filter("coalesce(arrival, departure)", window, tw)
    if tcond:
        stays += " AND " + " AND ".join(tcond)
        params += tw
    if not by_day:
        sql = f"""WITH s AS ({stays})
            SELECT ? AS site_id, mode, count(arrival) AS arrivals, count(departure) AS departures,
                   count(DISTINCT vehicle) AS vehicles, round(median(dwell_s) / 3600, 2) AS median_dwell_h
            FROM s GROUP BY mode ORDER BY mode"""
        return ws.con.execute(sql, [*params, site]).fetch_arrow_table()
    sql = f"""WITH s AS ({stays}),
        days AS (SELECT mode, unnest(range(min(d0), max(d1) + INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS day
                 FROM s GROUP BY mode),
        arr AS (SELECT mode, CAST(arrival AT TIME ZONE 'UTC' AS DATE) AS day, count(*) AS n
                FROM s WHERE arrival IS NOT NULL GROUP BY ALL),
        dep AS (SELECT mode, CAST(departure AT TIME ZONE 'UTC' AS DATE) AS day, count(*) AS n,
                       median(dwell_s) AS dwell FROM s WHERE departure IS NOT NULL GROUP BY ALL),
        present AS (SELECT days.mode, days.day, count(DISTINCT s.vehicle) AS n FROM days
                    JOIN s ON s.mode = days.mode AND days.day BETWEEN s.d0 AND s.d1 GROUP BY ALL)
        SELECT ? AS site_id, days.day, days.mode, coalesce(arr.n, 0) AS arrivals,
               coalesce(dep.n, 0) AS departures, coalesce(present.n, 0) AS present,
               round(dep.dwell / 3600, 2) AS median_dwell_h
        FROM days LEFT JOIN arr USING (mode, day) LEFT JOIN dep USING (mode, day)
        LEFT JOIN present USING (mode, day) ORDER BY days.day, days.mode"""
    return ws.con.execute(sql, [*params, site]).fetch_arrow_table()


# -- corridors --------------------------------------------------------------------------------------
def _movements_sql(ws: Workspace) -> str:
    air = ("SELECT 'air' AS mode, origin, destination, day, actor, typecode, movements, aircraft AS vehicles "
           "FROM flight_corridors")
    if not table_exists(ws, "voyages"):
        return air
    sea = ("SELECT 'sea' AS mode, coalesce(origin_site, origin_port) AS origin, "
           "coalesce(destination_site, destination_port) AS destination, "
           "CAST(departure AT TIME ZONE 'UTC' AS DATE) AS day, actor, NULL AS typecode, "
           "count(*) AS movements, count(DISTINCT mmsi) AS vehicles FROM voyages GROUP BY ALL")
    return f"{air} UNION ALL {sea}"


def corridors(ws: Workspace, window: Window = Window(), actor: str | None = None,
              typecode: str | None = None, by_day: bool = True, known_only: bool = False) -> pa.Table:
    """Ordered origin -> destination pairs: movements per UTC day (or totals with active days)."""
    check_actor(ws, actor)
    params: list[Any] = []
    where = ["TRUE"]
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    if typecode is not None:
        where.append("upper(typecode) = upper(?)")
        params.append(typecode)
    if known_only:
        where.append("origin IS NOT NULL AND destination IS NOT NULL")
    if window.since is not None:
        where.append("day >= ?")
        params.append(window.since.date())
    if window.until is not None:  # days that start before `until`
        where.append("day < ?")
        last = window.until.date()
        params.append(last if window.until.time() == dt.time(0) else last + dt.timedelta(days=1))
    base = f"SELECT * FROM ({_movements_sql(ws)}) WHERE {' AND '.join(where)}"
    if by_day:
        sql = f"""SELECT origin, destination, mode, day, sum(movements)::BIGINT AS movements,
                         sum(vehicles)::BIGINT AS vehicles
                  FROM ({base}) GROUP BY ALL ORDER BY day, mode, movements DESC, origin, destination"""
    else:
        sql = f"""SELECT origin, destination, mode, sum(movements)::BIGINT AS movements,
                         count(DISTINCT day) AS days, min(day) AS first_day, max(day) AS last_day,
                         round(sum(movements) / count(DISTINCT day), 2) AS per_active_day
                  FROM ({base}) GROUP BY ALL ORDER BY movements DESC, origin, destination, mode"""
    return ws.con.execute(sql, params).fetch_arrow_table()


def place_coordinates(ws: Workspace, names: list[str]) -> dict[str, tuple[float, float]]:
    """(lat, lon) of sites (by id) and airports (by ICAO code) among `names`."""
    from basewatch.identity.airports import airport

    out: dict[str, tuple[float, float]] = {}
    rows = ws.con.execute("SELECT site_id, lat, lon, polygon FROM sites WHERE site_id IN (SELECT unnest(?))",
                          [names]).fetchall()
    for site_id, lat, lon, polygon in rows:
        if lat is not None and lon is not None:
            out[site_id] = (float(lat), float(lon))
        elif polygon:
            ring = json.loads(polygon)
            out[site_id] = (sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring))
    for name in names:
        if name not in out:
            a = airport(name)
            if a is not None:
                out[name] = (float(a["lat"]), float(a["lon"]))  # type: ignore[arg-type]
    return out
