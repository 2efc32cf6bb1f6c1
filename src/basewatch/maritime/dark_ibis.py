"""Dark periods written once as Ibis expressions, so they run on Spark as on DuckDB (`analyse --engine spark`).

The same rules as `basewatch.maritime.dark` (see there for the definitions), over plain columns: the
position sequence of `basewatch.maritime.portcalls_ibis.position_sequence` (times as integer
microseconds, `prev_dt` in seconds), the port calls (CALL_COLUMNS), the watched sites with coordinates
and the recorded feed outages of `basewatch watch` (LIVE_OUTAGES_SQL, a small reference table).

What partitions and what shuffles: the coverage spans and the receivers' outages are per source (one
aggregate each, small results); the gap candidates are per vessel (window by MMSI); the regularity
window joins each candidate to its `window` preceding positions on (mmsi, rn), an equi-join; the
coverage, outages, calls and sites are small tables joined to the few candidates. The median is
computed as the mean of the middle one or two intervals (a rank within each candidate), exactly as
DuckDB's median() of doubles, so no engine's approximate percentile enters. Distances come back
unrounded: the workspace rounds them (`basewatch.maritime.engine_run`), so both engines round alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from basewatch.maritime.dark import DarkRules

DARK_COLUMNS = ("dark_id", "mmsi", "start_us", "end_us", "duration_s", "ongoing", "start_lat", "start_lon",
                "end_lat", "end_lon", "jump_km", "implied_speed_ms", "start_sog_ms", "prior_messages",
                "prior_median_interval_s", "near_site", "near_site_km", "start_site", "start_site_km",
                "end_site", "end_site_km", "start_source_id", "start_row_no", "end_source_id", "end_row_no")

# the outages of live feeds, per source that feed delivered (seconds since the epoch; open: +infinity)
LIVE_OUTAGES_SQL = (
    "SELECT lb.source_id, epoch(ro.started_at) AS o_start, "
    "coalesce(epoch(ro.ended_at), 'infinity'::DOUBLE) AS o_end "
    "FROM live_batches lb JOIN receiver_outages ro ON ro.feed_id = lb.feed_id AND ro.kind = 'ais'"
)
SITES_SQL = "SELECT site_id, lat, lon FROM sites WHERE lat IS NOT NULL AND lon IS NOT NULL"


def coverage(pos: ir.Table, slack_s: float) -> ir.Table:
    """The sources' spans (first to last position), merged where they overlap or lie within `slack_s`:
    gaps-and-islands over the spans ordered by start (cover_start_us, cover_end_us)."""
    import ibis

    spans = pos.group_by("source_id").aggregate(s=pos.t_us.min(), e=pos.t_us.max())
    order = [spans.s, spans.source_id]
    ordered = spans.mutate(prev_e=spans.e.max().over(ibis.window(order_by=order, rows=(None, -1))))
    starts = ibis.ifelse(ordered.prev_e.isnull() | (ordered.s / 1e6 > ordered.prev_e / 1e6 + slack_s), 1, 0)
    grouped = ordered.mutate(g=starts.sum().over(ibis.cumulative_window(order_by=[ordered.s, ordered.source_id])))
    return grouped.group_by("g").aggregate(cover_start_us=grouped.s.min(), cover_end_us=grouped.e.max())


def receiver_outages(pos: ir.Table, slack_s: float) -> ir.Table:
    """In each source that heard at least two vessels, the stretches of `slack_s` or more without any
    message (o_start, o_end in seconds; whole minutes)."""
    import ibis

    monitored = pos.group_by("source_id").aggregate(n=pos.mmsi.nunique())
    monitored = monitored.filter(monitored.n >= 2).select("source_id")
    heard = pos.semi_join(monitored, "source_id")
    minutes = heard.select("source_id", b=(heard.t_us / 1e6 / 60).floor().cast("int64")).distinct()
    nb = minutes.b.lead().over(ibis.window(group_by=minutes.source_id, order_by=minutes.b))
    gaps = minutes.mutate(nb=nb)
    gaps = gaps.filter((gaps.nb - gaps.b - 1) * 60.0 >= slack_s)
    return gaps.select("source_id", o_start=(gaps.b + 1) * 60.0, o_end=gaps.nb * 60.0)


def _bounded(pos: ir.Table, cover: ir.Table, rules: DarkRules) -> ir.Table:
    """The silences of at least threshold_s within one covered span, with both bounding positions."""
    import ibis

    from basewatch.maritime.portcalls_ibis import distance_km

    gaps = pos.filter(pos.prev_dt >= rules.threshold_s)
    cand = gaps.select("mmsi", start_rn=(gaps.rn - 1).cast("int64"), end_rn=gaps.rn.cast("int64")).union(
        pos.group_by("mmsi").aggregate(start_rn=pos.rn.max().cast("int64")).mutate(end_rn=ibis.null("int64")))
    s = pos.select("mmsi", "rn", "t_us", "lat", "lon", "sog_ms", "source_id", "row_no")
    e = pos.select(e_mmsi="mmsi", e_rn="rn", next_us="t_us", next_lat="lat", next_lon="lon",
                   next_source_id="source_id", next_row_no="row_no")
    j = cand.join(s, [cand.mmsi == s.mmsi, cand.start_rn == s.rn])
    j = j.left_join(e, [j.mmsi == e.e_mmsi, j.end_rn == e.e_rn])
    j = j.join(cover, [j.t_us >= cover.cover_start_us, j.t_us <= cover.cover_end_us])
    end_s = ibis.coalesce(j.next_us / 1e6, j.cover_end_us / 1e6)
    j = j.filter(j.next_us.isnull() | (j.next_us <= j.cover_end_us), end_s - j.t_us / 1e6 >= rules.threshold_s)
    return j.select(
        "mmsi", "rn", "t_us", "lat", "lon", "sog_ms", "source_id", "row_no", "next_us", "next_lat", "next_lon",
        "next_source_id", "next_row_no", next_rn=j.end_rn,
        jump_km=distance_km(j.lat, j.lon, j.next_lat, j.next_lon), ongoing=j.next_us.isnull(),
        duration_s=ibis.coalesce(j.next_us / 1e6, j.cover_end_us / 1e6) - j.t_us / 1e6,
        cover_start_s=j.cover_start_us / 1e6,
    )


def _prior(bounded: ir.Table, pos: ir.Table, window: int) -> ir.Table:
    """Per silence (mmsi, rn): the count and the median of the up to `window` intervals leading up to
    its start that lie within its covered span."""
    import ibis

    b = bounded.select("mmsi", "rn", "cover_start_s").mutate(k=ibis.range(0, window).unnest())
    p = pos.select(p_mmsi="mmsi", p_rn="rn", p_us="t_us", p_dt="prev_dt")
    j = b.join(p, [b.mmsi == p.p_mmsi, p.p_rn == b.rn - b.k])
    j = j.filter(j.p_us / 1e6 - j.p_dt >= j.cover_start_s)
    key = [j.mmsi, j.rn]
    ranked = j.mutate(i=ibis.row_number().over(ibis.window(group_by=key, order_by=j.p_dt)),
                      n=j.p_dt.count().over(ibis.window(group_by=key)))
    middle = ranked.filter(ranked.i >= (ranked.n - 1) // 2, ranked.i <= ranked.n // 2)
    return middle.group_by(["mmsi", "rn"]).aggregate(prior_median=middle.p_dt.mean(),
                                                     prior_intervals=middle.n.max())


def _nearest(kept: ir.Table, sites: ir.Table, lat: str, lon: str, radius_km: float, prefix: str) -> ir.Table:
    """Per silence (mmsi, rn): the nearest site within radius_km of one end (`prefix`_site, _site_km)."""
    from basewatch.maritime.portcalls_ibis import distance_km

    ends = kept.select("mmsi", "rn", e_lat=kept[lat], e_lon=kept[lon])
    ends = ends.filter(ends.e_lat.notnull())
    pairs = ends.cross_join(sites.select("site_id", s_lat="lat", s_lon="lon"))
    pairs = pairs.mutate(d=distance_km(pairs.e_lat, pairs.e_lon, pairs.s_lat, pairs.s_lon))
    pairs = pairs.filter(pairs.d <= radius_km)
    near = pairs.group_by(["mmsi", "rn"]).aggregate(**{f"{prefix}_site": pairs.site_id.argmin(pairs.d),
                                                       f"{prefix}_site_km": pairs.d.min()})
    return near.rename({f"{prefix}_mmsi": "mmsi", f"{prefix}_rn": "rn"})


def dark_periods(pos: ir.Table, calls: ir.Table, sites: ir.Table, live_outages: ir.Table,
                 rules: DarkRules) -> ir.Table:
    """The dark periods (DARK_COLUMNS) of the position sequence `pos` (all vessels: it is also the
    coverage's universe), outside the port `calls`, near `sites` (SITES_SQL), not during `live_outages`."""
    import ibis

    bounded = _bounded(pos, coverage(pos, rules.coverage_slack_s), rules)
    prior = _prior(bounded, pos, rules.window)
    g = bounded.join(prior, ["mmsi", "rn"])
    g = g.filter(g.prior_intervals >= rules.min_intervals, g.prior_median <= rules.max_median_interval_s)
    t_s = g.t_us / 1e6
    for out in (receiver_outages(pos, rules.coverage_slack_s), live_outages):
        o = out.select(o_source="source_id", o_start="o_start", o_end="o_end")
        g = g.anti_join(o, [o.o_source == g.source_id, o.o_start < t_s + rules.threshold_s, o.o_end > t_s])
        t_s = g.t_us / 1e6
    if not rules.include_in_port:
        c = calls.select(c_mmsi="mmsi", c_first="first_rn", c_last="last_rn", c_dep="departure_us")
        g = g.anti_join(c, [c.c_mmsi == g.mmsi, g.rn >= c.c_first,
                            (g.next_rn <= c.c_last) | (g.next_rn.isnull() & c.c_dep.isnull())])
    near_s = _nearest(g, sites, "lat", "lon", rules.site_radius_km, "start")
    near_e = _nearest(g, sites, "next_lat", "next_lon", rules.site_radius_km, "end")
    k = g.left_join(near_s, [g.mmsi == near_s.start_mmsi, g.rn == near_s.start_rn])
    k = k.left_join(near_e, [k.mmsi == near_e.end_mmsi, k.rn == near_e.end_rn])
    end_closer = ibis.coalesce(k.end_site_km < k.start_site_km, k.start_site_km.isnull())
    out = k.mutate(
        dark_id=ibis.row_number().over(ibis.window(order_by=[k.mmsi, k.t_us])) + 1,
        start_us=k.t_us, end_us=k.next_us, start_lat=k.lat, start_lon=k.lon, end_lat=k.next_lat,
        end_lon=k.next_lon,
        implied_speed_ms=ibis.ifelse(k.ongoing | (k.duration_s <= 0), ibis.null("float64"),
                                     k.jump_km * 1000.0 / k.duration_s),
        start_sog_ms=k.sog_ms, prior_messages=(k.prior_intervals + 1).cast("int32"),
        prior_median_interval_s=k.prior_median,
        near_site=ibis.ifelse(end_closer, k.end_site, k.start_site),
        near_site_km=ibis.least(k.start_site_km, k.end_site_km),
        start_source_id=k.source_id, start_row_no=k.row_no, end_source_id=k.next_source_id,
        end_row_no=k.next_row_no,
    )
    return out.select(*DARK_COLUMNS)
