"""Voyages: the legs between consecutive port calls of one vessel (departure of one, arrival of the next)."""

from __future__ import annotations

import duckdb

from basewatch.geo import haversine_sql


def compute_voyages(con: duckdb.DuckDBPyConnection) -> int:
    """Create temp table _voyages from _calls. A call still in port (no departure) starts no voyage."""
    dist = haversine_sql("port_lat", "port_lon", "next_lat", "next_lon")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _voyages AS
        WITH seq AS (
            SELECT mmsi, call_id, site_id, port, port_country, port_lat, port_lon, departure, last_rn,
                   lead(call_id) OVER w AS next_call, lead(site_id) OVER w AS next_site,
                   lead(port) OVER w AS next_port, lead(port_country) OVER w AS next_country,
                   lead(port_lat) OVER w AS next_lat, lead(port_lon) OVER w AS next_lon,
                   lead(arrival) OVER w AS next_arrival, lead(first_rn) OVER w AS next_first_rn
            FROM _calls WINDOW w AS (PARTITION BY mmsi ORDER BY arrival, call_id)
        )
        SELECT row_number() OVER (ORDER BY mmsi, departure, call_id) AS voyage_id, mmsi,
               call_id AS origin_call_id, next_call AS destination_call_id,
               site_id AS origin_site, port AS origin_port, port_country AS origin_country,
               next_site AS destination_site, next_port AS destination_port, next_country AS destination_country,
               departure, next_arrival AS arrival, {dist} AS distance_km,
               greatest(0, next_first_rn - last_rn - 1) AS positions
        FROM seq WHERE next_call IS NOT NULL AND departure IS NOT NULL
        """
    )
    row = con.execute("SELECT count(*) FROM _voyages").fetchone()
    return int(row[0]) if row else 0
