"""Small summaries of a flights table for briefs: per-site daily counts, corridor totals, provenance.

The flights table is the workspace's `flights` table as load_flights() returns it (one row per
flight; start_us/end_us integer microseconds UTC; origin_/destination_ site, airport, method, note,
and where each end was seen). Days are UTC days computed from epoch integers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

DAY_US = 86_400_000_000
EPOCH = dt.date(1970, 1, 1)


FLIGHTS_SQL = """
SELECT flight_id, icao24, callsign, epoch_us(start) AS start_us, epoch_us("end") AS end_us,
       origin_site, origin_airport, destination_site, destination_airport,
       origin_method, destination_method, origin_note, destination_note,
       first_lat AS origin_lat, first_lon AS origin_lon, last_lat AS destination_lat, last_lon AS destination_lon,
       actor, typecode, registration, points
FROM flights ORDER BY start, icao24
"""


def load_flights(ws: Workspace) -> pa.Table:
    """The workspace's flights (built by basewatch.flights.store) in the columns briefs use."""
    table: pa.Table = ws.con.execute(FLIGHTS_SQL).fetch_arrow_table()
    return table


def _query(sql: str, flights: pa.Table, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        con.register("flights", flights)
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


@dataclass(frozen=True)
class DayActivity:
    day: dt.date
    arrivals: int
    departures: int
    aircraft: int     # distinct aircraft arriving or departing that day


def busiest_sites(flights: pa.Table, n: int) -> list[str]:
    rows = _query(
        "SELECT site, count(*) AS c FROM (SELECT origin_site AS site FROM flights UNION ALL "
        "SELECT destination_site FROM flights) WHERE site IS NOT NULL GROUP BY site ORDER BY c DESC, site LIMIT ?",
        flights, [n],
    )
    return [r[0] for r in rows]


def site_daily(flights: pa.Table, site: str, days: tuple[dt.date, dt.date] | None = None) -> list[DayActivity]:
    """Arrivals (landing day) and departures (take-off day) at the site, one row per day, zeros included."""
    rows = _query(
        "SELECT day, sum(arr)::BIGINT, sum(dep)::BIGINT, count(DISTINCT icao24) FROM ("
        " SELECT end_us // ? AS day, 1 AS arr, 0 AS dep, icao24 FROM flights WHERE destination_site = ?"
        " UNION ALL SELECT start_us // ?, 0, 1, icao24 FROM flights WHERE origin_site = ?"
        ") GROUP BY day ORDER BY day",
        flights, [DAY_US, site, DAY_US, site],
    )
    got = {int(r[0]): DayActivity(_day(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows}
    if days is not None:
        lo, hi = (days[0] - EPOCH).days, (days[1] - EPOCH).days
    elif got:
        lo, hi = min(got), max(got)
    else:
        return []
    return [got.get(d, DayActivity(_day(d), 0, 0, 0)) for d in range(lo, hi + 1)]


@dataclass(frozen=True)
class Dwell:
    visits: int              # landings followed by a take-off from the same site
    median_h: float | None
    max_h: float | None


def site_dwell(ws: Workspace, site: str) -> Dwell:
    """Time on the ground at the site, from the workspace's visits table (both ends seen)."""
    row = ws.con.execute(
        "SELECT count(*), median(dwell_s) / 3600.0, max(dwell_s) / 3600.0 FROM visits "
        "WHERE site_id = ? AND dwell_s IS NOT NULL",
        [site],
    ).fetchone()
    if row is None or not row[0]:
        return Dwell(0, None, None)
    return Dwell(int(row[0]), float(row[1]), float(row[2]))


def actor_flights(flights: pa.Table, actor: str | None) -> pa.Table:
    """Flights of the actor, or of any actor when actor is None."""
    col = flights.column("actor")
    mask = pc.is_valid(col) if actor is None else pc.equal(col, actor)
    return flights.filter(pc.fill_null(mask, False))


@dataclass(frozen=True)
class CorridorTotal:
    origin: str          # site id, else airport code
    destination: str
    movements: int
    aircraft: int
    first_day: dt.date
    last_day: dt.date


def corridor_totals(flights: pa.Table) -> list[CorridorTotal]:
    """Ordered place pairs with movements over the whole table, most used first."""
    rows = _query(
        "SELECT coalesce(origin_site, origin_airport) AS o, coalesce(destination_site, destination_airport) AS d, "
        "count(*), count(DISTINCT icao24), min(start_us // ?), max(start_us // ?) FROM flights "
        "WHERE o IS NOT NULL AND d IS NOT NULL GROUP BY o, d ORDER BY count(*) DESC, o, d",
        flights, [DAY_US, DAY_US],
    )
    return [CorridorTotal(r[0], r[1], int(r[2]), int(r[3]), _day(r[4]), _day(r[5])) for r in rows]


def _shown_path(path: str, root: Path | None) -> str:
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return p.name


@dataclass(frozen=True)
class OpenEndRow:
    place: str           # site id, else airport code, of the placed end
    seen_lat: float      # where the other end was first or last seen
    seen_lon: float
    outbound: bool       # the placed end is the origin


def open_ends(flights: pa.Table) -> list[OpenEndRow]:
    """Flights with exactly one end placed (the other first or last seen airborne)."""
    rows = _query(
        "SELECT coalesce(origin_site, origin_airport) AS o, coalesce(destination_site, destination_airport) AS d, "
        "origin_lat, origin_lon, destination_lat, destination_lon FROM flights "
        "WHERE (o IS NULL) <> (d IS NULL) ORDER BY start_us, icao24",
        flights,
    )
    out = []
    for o, d, olat, olon, dlat, dlon in rows:
        if o is not None and dlat is not None:
            out.append(OpenEndRow(o, dlat, dlon, True))
        elif d is not None and olat is not None:
            out.append(OpenEndRow(d, olat, olon, False))
    return out


def flight_sources(
    ws: Workspace, flights: pa.Table, root: Path | None = None
) -> dict[str, list[tuple[str, int, int, int]]]:
    """flight_id -> [(file, first row, last row, reports)] of the reports from start to end.

    Files are named relative to root when they lie under it, else by their base name.
    """
    keys = flights.select(["flight_id", "icao24", "start_us", "end_us"])
    ws.con.register("_brief_flights", keys)
    try:
        rows = ws.con.execute(
            "SELECT f.flight_id, s.path, min(p.row_no), max(p.row_no), count(*) "
            "FROM _brief_flights f JOIN aircraft_points p ON p.icao24 = f.icao24 "
            "AND epoch_us(p.time) BETWEEN f.start_us AND f.end_us "
            "JOIN sources s ON s.source_id = p.source_id "
            "GROUP BY f.flight_id, s.path ORDER BY f.flight_id, min(p.time)"
        ).fetchall()
    finally:
        ws.con.unregister("_brief_flights")
    out: dict[str, list[tuple[str, int, int, int]]] = {}
    for flight_id, path, lo, hi, n in rows:
        out.setdefault(flight_id, []).append((_shown_path(path, root), int(lo), int(hi), int(n)))
    return out


def track_lines(
    ws: Workspace, flights: pa.Table, every: int = 6, gap_s: float = 900.0
) -> list[list[tuple[float, float]]]:
    """Reported positions of the flights as (lon, lat) polylines, every `every`-th report, broken at gaps.

    A polyline ends where two kept reports are more than gap_s apart (a coverage gap is not drawn).
    """
    keys = flights.select(["flight_id", "icao24", "start_us", "end_us"])
    ws.con.register("_brief_tracks", keys)
    try:
        rows = ws.con.execute(
            "SELECT flight_id, epoch_us(time) AS t, lon, lat FROM ("
            " SELECT f.flight_id, p.time, p.lon, p.lat,"
            " row_number() OVER (PARTITION BY f.flight_id ORDER BY p.time, p.source_id, p.row_no) AS k"
            " FROM _brief_tracks f JOIN aircraft_points p ON p.icao24 = f.icao24"
            " AND epoch_us(p.time) BETWEEN f.start_us AND f.end_us"
            " WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL"
            ") WHERE (k - 1) % ? = 0 ORDER BY flight_id, t",
            [every],
        ).fetchall()
    finally:
        ws.con.unregister("_brief_tracks")
    lines: list[list[tuple[float, float]]] = []
    last_id, last_t = None, 0
    for flight_id, t, lon, lat in rows:
        if flight_id != last_id or t - last_t > gap_s * 1e6:
            lines.append([])
        lines[-1].append((float(lon), float(lat)))
        last_id, last_t = flight_id, t
    return [line for line in lines if len(line) > 1]
