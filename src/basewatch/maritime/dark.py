"""Dark periods: a vessel silent for longer than a threshold after regular reception.

Definitions (all configurable in DarkRules):

* coverage: the time spans of the sources (first to last position of each file), merged where they
  overlap or lie within `coverage_slack_s` (1 h) of each other. A silence only counts where it lies inside
  one covered span: two recordings years apart do not make a vessel "dark" in between.
* receiver up: in a source that heard at least two vessels, a stretch of `coverage_slack_s` or more with no
  message from any vessel is an outage; so is a recorded outage of a `basewatch watch` feed (table
  receiver_outages: a feed silent or down, from its last data to its first data again, NULL end while it
  lasts) for the positions that feed delivered (found through their batch's live_batches row). A silence
  does not count when an outage of the source that heard
  its last position overlaps its first `threshold_s` (the vessel must have stayed silent while others were
  heard). A source with a single vessel cannot show outages and is taken as continuous.
* gap: two consecutive positions of a vessel at least `threshold_s` apart (6 h by default) within one
  covered span, or a last position at least `threshold_s` before the end of its covered span: then the
  period is *ongoing* and has no end.
* regular reception before the gap: among the `window` intervals between the positions leading up to the
  gap's start (10 by default), at least `min_intervals` (5) exist within the gap's covered span (an
  interval reaching back into an earlier recording says nothing of this one) and their median is at most
  `max_median_interval_s` (30 min). A vessel heard only now and then is not "going dark" when it is silent.
* gaps inside a port call (both ends within one call, or the vessel still in port) are port gaps, not dark
  periods, unless `include_in_port`.

Each period keeps both bounding positions (time, position, source_id, row_no), the great-circle jump, the
implied speed (jump over duration, m/s) and the nearest watched site (any kind) to each end, provided it
lies within `site_radius_km` (100 km): a ship going dark off Melbourne is near no site of a Syria
watchlist, however close the nearest one is. Distances are rounded to 0.1 km.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from basewatch.geo import haversine_sql


@dataclass(frozen=True)
class DarkRules:
    threshold_s: float = 6 * 3600.0
    window: int = 10
    min_intervals: int = 5
    max_median_interval_s: float = 1800.0
    include_in_port: bool = False
    coverage_slack_s: float = 3600.0
    site_radius_km: float = 100.0

    def __post_init__(self) -> None:
        if self.threshold_s <= 0:
            raise ValueError("the dark-period threshold must be positive")
        if self.site_radius_km < 0:
            raise ValueError("the site radius of dark periods must not be negative")
        if not 1 <= self.min_intervals <= self.window:
            raise ValueError("need 1 <= min_intervals <= window")


def compute_dark_periods(con: duckdb.DuckDBPyConnection, rules: DarkRules, universe: str = "_pos") -> int:
    """Create temp table _dark from _pos, _calls and the sites table. Returns the number of periods.

    `universe`: the positions (mmsi, time, source_id) that give the coverage and the receivers' own
    outages: _pos itself, or all valid positions when _pos holds only some vessels (an incremental build).
    """
    # haversine_sql uses least(), which skips NULLs: guard the ongoing case (no end position) explicitly.
    jump = f"CASE WHEN e.lat IS NULL THEN NULL ELSE {haversine_sql('s.lat', 's.lon', 'e.lat', 'e.lon')} END"
    # Only the few silences are examined: their ends are positions with prev_dt >= threshold, plus each
    # vessel's last position (possibly still silent). Regularity looks at the window before each start.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _gaps AS
        WITH spans AS (
            SELECT source_id, min(time) AS s, max(time) AS e FROM {universe} GROUP BY source_id
        ), ordered AS (
            SELECT *, max(e) OVER (ORDER BY s, source_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
            FROM spans
        ), grouped AS (
            SELECT *, sum(CASE WHEN prev_e IS NULL OR epoch(s) > epoch(prev_e) + ? THEN 1 ELSE 0 END)
                          OVER (ORDER BY s, source_id) AS g
            FROM ordered
        ), cover AS (SELECT g, min(s) AS cover_start, max(e) AS cover_end FROM grouped GROUP BY g),
        heard AS (SELECT DISTINCT source_id FROM _pos),
        monitored AS (
            SELECT source_id FROM {universe} WHERE source_id IN (SELECT source_id FROM heard)
            GROUP BY source_id HAVING count(DISTINCT mmsi) >= 2
        ),
        minutes AS (
            SELECT DISTINCT source_id, CAST(floor(epoch(time) / 60) AS BIGINT) AS b FROM {universe}
            WHERE source_id IN (SELECT source_id FROM monitored)
        ), outages AS (
            SELECT source_id, (b + 1) * 60.0 AS o_start, nb * 60.0 AS o_end
            FROM (SELECT source_id, b, lead(b) OVER (PARTITION BY source_id ORDER BY b) AS nb FROM minutes)
            WHERE (nb - b - 1) * 60.0 >= ?
        ),
        cand AS (
            SELECT mmsi, rn - 1 AS start_rn, rn AS end_rn FROM _pos WHERE prev_dt >= ?
            UNION ALL
            SELECT mmsi, max(rn), NULL FROM _pos GROUP BY mmsi
        ), bounded AS (
            SELECT c.mmsi, c.start_rn AS rn, c.end_rn AS next_rn, s.time, s.lat, s.lon, s.sog_ms, s.source_id,
                   s.row_no, e.time AS next_time, e.lat AS next_lat, e.lon AS next_lon,
                   e.source_id AS next_source_id, e.row_no AS next_row_no, {jump} AS jump_km,
                   e.time IS NULL AS ongoing,
                   coalesce(epoch(e.time), epoch(cv.cover_end)) - epoch(s.time) AS duration_s,
                   epoch(cv.cover_start) AS cover_start_s
            FROM cand c
            JOIN _pos s ON s.mmsi = c.mmsi AND s.rn = c.start_rn
            LEFT JOIN _pos e ON e.mmsi = c.mmsi AND e.rn = c.end_rn
            JOIN cover cv ON s.time BETWEEN cv.cover_start AND cv.cover_end
            WHERE (e.time IS NULL OR e.time <= cv.cover_end)
              AND coalesce(epoch(e.time), epoch(cv.cover_end)) - epoch(s.time) >= ?
        ), prior AS (
            SELECT b.mmsi, b.rn, median(p.prev_dt) AS prior_median, count(p.prev_dt) AS prior_intervals
            FROM bounded b CROSS JOIN range({rules.window}) k(k)
            JOIN _pos p ON p.mmsi = b.mmsi AND p.rn = b.rn - k.k
            WHERE epoch(p.time) - p.prev_dt >= b.cover_start_s
            GROUP BY b.mmsi, b.rn
        )
        SELECT b.* EXCLUDE (cover_start_s), p.prior_median, p.prior_intervals
        FROM bounded b JOIN prior p USING (mmsi, rn)
        WHERE p.prior_intervals >= ? AND p.prior_median <= ?
          AND NOT EXISTS (
              SELECT 1 FROM outages o
              WHERE o.source_id = b.source_id AND o.o_start < epoch(b.time) + ? AND o.o_end > epoch(b.time)
          )
          AND NOT EXISTS (
              SELECT 1 FROM live_batches lb JOIN receiver_outages ro ON ro.feed_id = lb.feed_id AND ro.kind = 'ais'
              WHERE lb.source_id = b.source_id AND epoch(ro.started_at) < epoch(b.time) + ?
                AND coalesce(epoch(ro.ended_at), 'infinity'::DOUBLE) > epoch(b.time)
          )
        """,
        [rules.coverage_slack_s, rules.coverage_slack_s, rules.threshold_s, rules.threshold_s,
         rules.min_intervals, rules.max_median_interval_s, rules.threshold_s, rules.threshold_s],
    )
    d_start = haversine_sql("g.lat", "g.lon", "s.lat", "s.lon")
    d_end = haversine_sql("g.next_lat", "g.next_lon", "s.lat", "s.lon")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dark AS
        WITH kept AS (
            SELECT g.* FROM _gaps g
            WHERE ? OR NOT EXISTS (
                SELECT 1 FROM _calls c
                WHERE c.mmsi = g.mmsi AND g.rn >= c.first_rn
                  AND (g.next_rn <= c.last_rn OR (g.next_rn IS NULL AND c.departure IS NULL))
            )
        ), watched AS (SELECT site_id, lat, lon FROM sites WHERE lat IS NOT NULL AND lon IS NOT NULL),
        near_start AS (
            SELECT mmsi, rn, arg_min(site_id, d) AS start_site, min(d) AS start_site_km
            FROM (SELECT g.mmsi, g.rn, s.site_id, {d_start} AS d FROM kept g, watched s)
            WHERE d <= ? GROUP BY mmsi, rn
        ), near_end AS (
            SELECT mmsi, rn, arg_min(site_id, d) AS end_site, min(d) AS end_site_km
            FROM (SELECT g.mmsi, g.rn, s.site_id, {d_end} AS d FROM kept g, watched s WHERE g.next_lat IS NOT NULL)
            WHERE d <= ? GROUP BY mmsi, rn
        )
        SELECT row_number() OVER (ORDER BY k.mmsi, k.time) AS dark_id, k.mmsi,
               k.time AS start_time, k.next_time AS end_time, k.duration_s, k.ongoing,
               k.lat AS start_lat, k.lon AS start_lon, k.next_lat AS end_lat, k.next_lon AS end_lon,
               round(k.jump_km, 1) AS jump_km,
               CASE WHEN k.ongoing OR k.duration_s <= 0 THEN NULL ELSE k.jump_km * 1000.0 / k.duration_s END
                   AS implied_speed_ms,
               k.sog_ms AS start_sog_ms, CAST(k.prior_intervals + 1 AS INTEGER) AS prior_messages,
               k.prior_median AS prior_median_interval_s,
               CASE WHEN coalesce(e.end_site_km < s.start_site_km, s.start_site_km IS NULL) THEN e.end_site
                    ELSE s.start_site END AS near_site,
               round(least(s.start_site_km, e.end_site_km), 1) AS near_site_km,
               s.start_site, round(s.start_site_km, 1) AS start_site_km,
               e.end_site, round(e.end_site_km, 1) AS end_site_km,
               k.source_id AS start_source_id, k.row_no AS start_row_no,
               k.next_source_id AS end_source_id, k.next_row_no AS end_row_no
        FROM kept k LEFT JOIN near_start s ON s.mmsi = k.mmsi AND s.rn = k.rn
        LEFT JOIN near_end e ON e.mmsi = k.mmsi AND e.rn = k.rn
        """,
        [rules.include_in_port, rules.site_radius_km, rules.site_radius_km],
    )
    con.execute("DROP TABLE IF EXISTS _gaps")
    row = con.execute("SELECT count(*) FROM _dark").fetchone()
    return int(row[0]) if row else 0
