"""(Re)build the workspace's flight tables: run the pipeline on an engine, then write its result.

DuckDB (default) runs the pipeline's precompiled SQL (`basewatch.flights.plan`) in the workspace
itself; Spark runs it through Ibis and hands back Arrow tables. Either way the results end up as three
relations named by `plan.OUTPUT_TABLES` (temporary tables, or registered Arrow tables), and the
finishing step (ids, timestamps, notes in words) runs in the workspace's DuckDB over them, so both
engines produce byte-identical tables.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.flights.params import FlightParams

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from basewatch.flights.pipeline import PipelineResult
    from basewatch.workspace.core import Workspace



@dataclass(frozen=True)
class BuildReport:
    engine: str
    points: int
    flights: int
    visits: int
    corridor_rows: int
    seconds: float

    def as_json(self) -> dict[str, object]:
        return {
            "engine": self.engine, "points": self.points, "flights": self.flights, "visits": self.visits,
            "corridor_rows": self.corridor_rows, "seconds": round(self.seconds, 3),
        }


def _raw_names() -> tuple[str, str, str]:
    """The relations the finishing SQL reads: flights, visits, corridors (times in t_us)."""
    from basewatch.flights.plan import OUTPUT_TABLES  # not at import: `python -m ...plan` would warn

    return OUTPUT_TABLES["flights"], OUTPUT_TABLES["visits"], OUTPUT_TABLES["corridors"]


def _identity(ws: Workspace) -> pa.Table:
    from basewatch.identity.actors import aircraft_identity

    return aircraft_identity(ws)


def _compute_ibis(ws: Workspace, engine: str, master: str | None, params: FlightParams,
                  workdir: Path | None) -> PipelineResult:
    from basewatch.flights import pipeline  # Ibis is imported only when something is computed this way
    from basewatch.flights.engine import open_engine
    from basewatch.identity.airports import airports_table
    from basewatch.watchlist.store import read_sites

    sites = read_sites(ws)
    identity = _identity(ws)
    eng = open_engine(ws, engine, master, workdir)
    try:
        return pipeline.run(eng, sites, airports_table(), identity, params)
    finally:
        eng.close()


def compute(ws: Workspace, engine: str = "duckdb", master: str | None = None,
            params: FlightParams | None = None, workdir: Path | None = None) -> PipelineResult:
    """Run the pipeline on `engine` over the workspace's points; nothing is written.

    DuckDB runs the compiled plan (as `build_flights` does) and fetches its three results as Arrow.
    """
    from basewatch.flights import plan
    from basewatch.flights.pipeline import PipelineResult

    params = params or FlightParams()
    if engine != "duckdb":
        return _compute_ibis(ws, engine, master, params, workdir)
    plan.run_plan(ws, plan.prepare(ws, params))
    try:
        flights, visits, corridors = (ws.con.execute(f"SELECT * FROM {name}").fetch_arrow_table()
                                      for name in _raw_names())
    finally:
        plan.drop_outputs(ws)
    return PipelineResult(flights, visits, corridors, "duckdb")


def build_flights(ws: Workspace, engine: str = "duckdb", master: str | None = None,
                  params: FlightParams | None = None, workdir: Path | None = None) -> BuildReport:
    """Recompute flights, visits and corridors and replace them in the workspace (all or nothing).

    DuckDB: no Ibis, PyArrow or pandas is imported (see `basewatch.flights.plan`).
    """
    from basewatch.flights import plan
    from basewatch.flights.plan import sql_literal

    params = params or FlightParams()
    started = time.perf_counter()
    if engine == "duckdb":
        plan.run_plan(ws, plan.prepare(ws, params))
        release = plan.drop_outputs
    else:
        result = _compute_ibis(ws, engine, master, params, workdir)
        _register(ws.con, result)
        release = _unregister
    try:
        seconds = time.perf_counter() - started
        n_points = _scalar(ws, "SELECT count(*) FROM aircraft_points")
        flights, visits, corridor_rows = (_scalar(ws, f"SELECT count(*) FROM {name}") for name in _raw_names())
        row = ", ".join(sql_literal(v) for v in (engine, n_points, flights, visits, seconds,
                                                  json.dumps(params.as_json())))
        with ws.transaction() as con:
            _replace_tables(con, params)
            con.execute(f"INSERT INTO flight_builds VALUES (now(), {row})")
    finally:
        release(ws)
    return BuildReport(engine, n_points, flights, visits, corridor_rows, seconds)


def _scalar(ws: Workspace, sql: str) -> int:
    row = ws.con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _ts(col: str) -> str:
    """Epoch microseconds -> TIMESTAMPTZ, independent of the session time zone."""
    return f"(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_microseconds({col}))"


def _note(end: str, radius: str) -> str:
    """SQL for the words explaining how one end (origin/destination) was placed (radius: a SQL literal)."""
    first = end == "origin"
    seen = "first seen" if first else "last seen"
    ground = "took off: last ground point" if first else "landed: first ground point"
    low_tail = "heading away: take-off assumed" if first else "heading for it: landing assumed"
    gone = "take-off" if first else "landing"
    place = f"coalesce({end}_airport, {end}_site)"
    where = f"printf('%.4f, %.4f', {end}_lat, {end}_lon)"
    alt = f"coalesce(printf('%.0f m', {end}_alt_m), 'unknown altitude')"
    # a low end is judged by the lowest altitude near it, which can differ from the end point's own
    # (receivers freeze a landed aircraft's position with a nonsense altitude)
    near = "in the first minutes" if first else "in the last minutes"
    which = "first" if first else "last"
    moving = "climbing" if first else "descending"
    proj_dir = "back" if first else "forward"
    proj_point = "lift-off" if first else "touch-down"
    low = (f"CASE WHEN {end}_low_m IS NOT NULL AND {end}_low_m IS DISTINCT FROM {end}_alt_m "
           f"THEN 'lowest ' || printf('%.0f m', {end}_low_m) || ' {near}; ' || {alt} || ' at the {which} point' "
           f"ELSE {alt} END")
    return f"""CASE {end}_method
        WHEN 'ground' THEN '{ground} ' || printf('%.1f', {end}_distance_km) || ' km from ' || {place}
        WHEN 'low' THEN '{seen} low (' || {low} || ') ' || printf('%.1f', {end}_distance_km) || ' km from '
            || {place} || ', {low_tail}'
        WHEN 'projected' THEN '{seen} {moving} ' || printf('%.1f', abs({end}_vrate_ms)) || ' m/s at ' || {alt}
            || ', ' || printf('%.1f', {end}_distance_km) || ' km from ' || {place} || ': projected {proj_dir} '
            || 'to the ground: {proj_point} ' || printf('%.1f', {end}_projected_km) || ' km from it, '
            || '{gone} assumed'
        WHEN 'ground-no-airfield' THEN 'on the ground at ' || {where} || ': no known airfield within '
            || printf('%.0f', {radius}) || ' km'
        ELSE '{seen} airborne at ' || {alt} || ' at ' || {where}
            || ': {gone} not in the data (coverage edge, gap or overflight); no airport assigned'
        END"""


def _register(con: duckdb.DuckDBPyConnection, result: PipelineResult) -> None:
    """An engine's Arrow results under the names the finishing SQL reads."""
    for name, table in zip(_raw_names(), (result.flights, result.visits, result.corridors), strict=True):
        con.register(name, table)


def _unregister(ws: Workspace) -> None:
    for name in _raw_names():
        ws.con.unregister(name)


def write(ws: Workspace, result: PipelineResult, params: FlightParams | None = None) -> None:
    """Replace flights, visits and flight_corridors with an engine's result, in one transaction."""
    _register(ws.con, result)
    try:
        with ws.transaction() as con:
            _replace_tables(con, params or FlightParams())
    finally:
        _unregister(ws)


def _replace_tables(con: duckdb.DuckDBPyConnection, params: FlightParams) -> None:
    """Replace flights, visits and flight_corridors with the relations named by OUTPUT_TABLES (times in
    t_us); the caller holds the transaction."""
    from basewatch.flights.plan import sql_literal

    radius = sql_literal(float(params.attribute.ground_radius_km))
    flights, visits, corridors = _raw_names()
    con.execute("DELETE FROM flights")
    con.execute("DELETE FROM visits")
    con.execute("DELETE FROM flight_corridors")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _bw_flight_ids AS
        SELECT icao24, flight_seq, base || CASE WHEN rn > 1 THEN '-' || rn ELSE '' END AS flight_id
        FROM (SELECT icao24, flight_seq, base,
                     row_number() OVER (PARTITION BY base ORDER BY flight_seq) AS rn
              FROM (SELECT icao24, flight_seq,
                           icao24 || '-' || strftime(make_timestamp(start_us), '%Y%m%dT%H%M%SZ') AS base
                    FROM {flights}))""")
    con.execute(f"""
        INSERT INTO flights
        SELECT i.flight_id, f.icao24, nullif(trim(f.callsign), ''), {_ts('f.start_us')}, {_ts('f.end_us')},
               origin_site, origin_airport, destination_site, destination_airport,
               origin_method, destination_method, {_note('origin', radius)}, {_note('destination', radius)},
               origin_distance_km, destination_distance_km,
               origin_lat, origin_lon, origin_alt_m, destination_lat, destination_lon, destination_alt_m,
               points, actor, typecode, registration, country, military,
               CAST(source_ids AS INTEGER[]), origin_source_id, origin_row_no,
               destination_source_id, destination_row_no
        FROM {flights} f JOIN _bw_flight_ids i USING (icao24, flight_seq)
        ORDER BY f.icao24, f.start_us""")
    con.execute(f"""
        INSERT INTO visits
        SELECT v.site_id, v.icao24, {_ts('v.arrival_us')}, {_ts('v.departure_us')}, v.dwell_s,
               a.flight_id, d.flight_id, f.actor, f.typecode
        FROM {visits} v
        LEFT JOIN _bw_flight_ids a ON a.icao24 = v.icao24 AND a.flight_seq = v.arrival_seq
        LEFT JOIN _bw_flight_ids d ON d.icao24 = v.icao24 AND d.flight_seq = v.departure_seq
        LEFT JOIN (SELECT DISTINCT icao24, actor, typecode FROM {flights}) f ON f.icao24 = v.icao24
        ORDER BY v.site_id, coalesce(v.arrival_us, v.departure_us), v.icao24""")
    con.execute(f"""
        INSERT INTO flight_corridors
        SELECT origin, destination, DATE '1970-01-01' + CAST(day AS INTEGER), actor, typecode,
               movements, aircraft
        FROM {corridors} ORDER BY day, origin, destination""")
    con.execute("DROP TABLE _bw_flight_ids")
