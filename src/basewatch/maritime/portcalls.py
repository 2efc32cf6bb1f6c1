"""Port calls: a vessel at a port from arrival to departure, with hysteresis, stops and in-port gaps.

The rules follow Global Fishing Watch's port visits (BRIEF section 4):

* Zone hysteresis. A vessel *enters* a place at its first position within the enter radius (3 km by
  default) and stays in it until its first position beyond the exit radius (4 km). A vessel hovering
  between the two radii therefore neither arrives nor leaves again. In SQL: runs ("islands") of
  consecutive positions within the exit radius; the visit begins at the first position of the run that is
  within the enter radius and ends at the run's last position.
* Stops. A stop begins at a position whose speed over ground is below 0.2 kn and lasts until a position
  above 0.5 kn (speeds in between continue the current state). A position without a speed starts a stop
  when its navigational status is "at anchor" (1) or "moored" (5), and otherwise continues the state.
  The stop state runs over the whole stay within the exit radius, so a ship that stopped at the outer
  anchorage and creeps in is stopped on arrival; the call's first_stop is then its arrival.
* In-port gaps. A silence of at least 4 h between two positions of the visit.
* A visit counts as a port call when it has a stop or an in-port gap (so passing ships are not calls).
  Two calls of one vessel that overlap in time (neighbouring places) keep the one that came closer.

`arrival` is the time of the first position within the enter radius, `departure` the time of the last
position within the exit radius, NULL when the vessel's last position is still in port.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from basewatch.geo import haversine_sql
from basewatch.maritime.ports import PortZones, cell_sql
from basewatch.units import KT_TO_MS


@dataclass(frozen=True)
class PortCallRules:
    zones: PortZones = field(default_factory=PortZones)
    stop_start_kn: float = 0.2
    stop_end_kn: float = 0.5
    port_gap_s: float = 4 * 3600.0
    require_stop_or_gap: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.stop_start_kn <= self.stop_end_kn:
            raise ValueError("need 0 <= stop_start_kn <= stop_end_kn")


def compute_port_calls(con: duckdb.DuckDBPyConnection, rules: PortCallRules) -> int:
    """Create temp table _calls from _pos, _places and _place_cells. Returns the number of calls."""
    cell_lat, cell_lon = cell_sql("p.lat", "p.lon")
    dist = haversine_sql("p.lat", "p.lon", "pl.lat", "pl.lon")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _zone AS
        WITH cand AS (
            SELECT p.mmsi, p.rn, p.time, p.sog_ms, p.nav_status, p.source_id, p.row_no, c.place_key,
                   {dist} AS dist_km, pl.enter_km, pl.exit_km
            FROM _pos p
            JOIN _place_cells c ON c.cell_lat = {cell_lat} AND c.cell_lon = {cell_lon}
            JOIN _places pl ON pl.place_key = c.place_key
        )
        SELECT mmsi, rn, time, sog_ms, nav_status, source_id, row_no, place_key, dist_km,
               dist_km <= enter_km AS is_inner,
               rn - row_number() OVER (PARTITION BY mmsi, place_key ORDER BY rn) AS island
        FROM cand WHERE dist_km <= exit_km
        """
    )
    slow = rules.stop_start_kn * KT_TO_MS
    fast = rules.stop_end_kn * KT_TO_MS
    # The stop state runs over the whole stay within the exit radius (a ship that stopped at the outer
    # anchorage and creeps in is still stopped): segments between "fast" positions; a segment is stopped
    # from its first "slow" position on. The visit's positions are those from the first one inside.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _visit_pos AS
        WITH marked AS (
            SELECT *, min(rn) FILTER (WHERE is_inner) OVER (PARTITION BY mmsi, place_key, island) AS first_inner,
                   coalesce(sog_ms < ?, nav_status IN (1, 5), false) AS slow,
                   sum(CASE WHEN sog_ms > ? THEN 1 ELSE 0 END)
                       OVER (PARTITION BY mmsi, place_key, island ORDER BY rn) AS stop_seg
            FROM _zone
        ), staged AS (
            SELECT *, min(rn) FILTER (WHERE slow) OVER (PARTITION BY mmsi, place_key, island, stop_seg) AS seg_stop_rn,
                   min(time) FILTER (WHERE slow) OVER (PARTITION BY mmsi, place_key, island, stop_seg) AS seg_stop_time
            FROM marked
        )
        SELECT mmsi, place_key, first_inner, rn, time, dist_km, source_id, row_no, stop_seg,
               seg_stop_rn IS NOT NULL AND seg_stop_rn <= rn AS stopped,
               greatest(seg_stop_time, min(time) OVER (PARTITION BY mmsi, place_key, first_inner)) AS stop_since,
               epoch(time) - epoch(lag(time) OVER (PARTITION BY mmsi, place_key, first_inner ORDER BY rn))
                   AS dt_s
        FROM staged WHERE first_inner IS NOT NULL AND rn >= first_inner
        """,
        [slow, fast],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _visits AS
        WITH v AS (
            SELECT mmsi, place_key, first_inner AS first_rn, max(rn) AS last_rn,
                   min(time) AS arrival, max(time) AS last_time,
                   min(stop_since) FILTER (WHERE stopped) AS first_stop,
                   count(DISTINCT stop_seg) FILTER (WHERE stopped) AS stops,
                   count(*) FILTER (WHERE dt_s >= ?) AS port_gaps,
                   min(dist_km) AS min_distance_km, count(*) AS positions,
                   list_sort(list(DISTINCT source_id)) AS source_ids,
                   arg_min(source_id, rn) AS first_source_id, arg_min(row_no, rn) AS first_row_no,
                   arg_max(source_id, rn) AS last_source_id, arg_max(row_no, rn) AS last_row_no
            FROM _visit_pos GROUP BY mmsi, place_key, first_inner
        )
        SELECT v.*, m.n AS vessel_last_rn FROM v JOIN (SELECT mmsi, max(rn) AS n FROM _pos GROUP BY mmsi) m
        USING (mmsi)
        WHERE NOT ? OR stops > 0 OR port_gaps > 0
        """,
        [rules.port_gap_s, rules.require_stop_or_gap],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _calls AS
        WITH kept AS (
            SELECT a.* FROM _visits a
            WHERE NOT EXISTS (
                SELECT 1 FROM _visits b
                WHERE b.mmsi = a.mmsi AND b.place_key <> a.place_key
                  AND b.first_rn <= a.last_rn AND a.first_rn <= b.last_rn
                  AND (b.min_distance_km < a.min_distance_km
                       OR (b.min_distance_km = a.min_distance_km AND b.place_key < a.place_key))
            )
        )
        SELECT row_number() OVER (ORDER BY k.mmsi, k.arrival, k.place_key) AS call_id,
               k.mmsi, pl.site_id, pl.port, pl.country AS port_country, pl.lat AS port_lat, pl.lon AS port_lon,
               k.arrival,
               CASE WHEN k.last_rn = k.vessel_last_rn THEN NULL ELSE k.last_time END AS departure,
               k.first_rn <> 1 AS arrival_observed, k.first_stop, CAST(k.stops AS INTEGER) AS stops,
               CAST(k.port_gaps AS INTEGER) AS port_gaps, k.min_distance_km, k.positions, k.source_ids,
               k.first_source_id, k.first_row_no, k.last_source_id, k.last_row_no,
               k.first_rn, k.last_rn, k.place_key
        FROM kept k JOIN _places pl USING (place_key)
        """
    )
    for t in ("_zone", "_visit_pos", "_visits"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    row = con.execute("SELECT count(*) FROM _calls").fetchone()
    return int(row[0]) if row else 0
