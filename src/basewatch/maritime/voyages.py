"""Voyages: the legs between consecutive port calls of one vessel (departure of one, arrival of the next).

Two consecutive calls make a voyage only when the vessel's track between them is continuous enough to
be one passage (VoyageRules): the arrival comes at most `max_duration_s` after the departure (30 days by
default) and, when `max_silence_s` is set, no two consecutive positions in between lie further apart in
time. Without that rule, two recordings years apart chain unrelated calls of one MMSI (MMSI 444444444
moored at Buenos Aires in a 2012 recording and at Fort-de-France in a 2021 one is no voyage).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from basewatch.geo import haversine_sql

DAY_S = 86400.0


@dataclass(frozen=True)
class VoyageRules:
    """When the departure of one port call and the arrival of the vessel's next call are one voyage.

    max_duration_s: at most this long from departure to arrival (None: no limit). 30 days is longer than
        any direct ocean leg of a merchant or naval ship (Asia to Europe round the Cape takes 3-4 weeks
        at slow steaming), and much shorter than the gaps between unrelated recordings.
    max_silence_s: at most this long between two consecutive positions of the vessel from departure to
        arrival (None, the default: no limit, since terrestrial AIS loses every ship far out at sea for
        days; set it for satellite AIS, e.g. a few times the dark-period threshold).
    """

    max_duration_s: float | None = 30 * DAY_S
    max_silence_s: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_duration_s", "max_silence_s"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"voyage {name} must be positive (or None for no limit), got {value}")


def compute_voyages(con: duckdb.DuckDBPyConnection, rules: VoyageRules | None = None) -> int:
    """Create temp table _voyages from _calls (and _pos for the silence rule). A call still in port (no
    departure) starts no voyage; two calls further apart than the rules allow make none either."""
    rules = rules or VoyageRules()
    dist = haversine_sql("port_lat", "port_lon", "next_lat", "next_lon")
    silence = ""
    params: list[object] = [rules.max_duration_s, rules.max_duration_s]
    if rules.max_silence_s is not None:
        # the intervals from the departure's position up to the arrival's: prev_dt of rn last_rn+1 .. next_first_rn
        silence = """AND NOT EXISTS (
                  SELECT 1 FROM _pos p WHERE p.mmsi = seq.mmsi AND p.rn > seq.last_rn AND p.rn <= seq.next_first_rn
                    AND p.prev_dt > ?)"""
        params.append(rules.max_silence_s)
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
               departure, next_arrival AS arrival, round({dist}, 1) AS distance_km,
               greatest(0, next_first_rn - last_rn - 1) AS positions
        FROM seq WHERE next_call IS NOT NULL AND departure IS NOT NULL
          AND (CAST(? AS DOUBLE) IS NULL OR epoch(next_arrival) - epoch(departure) <= ?)
          {silence}
        """,
        params,
    )
    row = con.execute("SELECT count(*) FROM _voyages").fetchone()
    return int(row[0]) if row else 0
