"""Port calls written once as Ibis expressions, so they run on DuckDB or Spark (`analyse --engine spark`).

The same rules as `basewatch.maritime.portcalls` (zone hysteresis as gaps-and-islands, the stop state,
in-port gaps, overlapping calls keep the closer place; see that module), over plain columns: times as
integer microseconds since the epoch (`t_us`, so no session time zone can shift anything), haversine as
arithmetic. The places and their grid cells are small reference tables computed in DuckDB from the
watchlist and the World Port Index (`create_places`) and shipped to the engine; the positions are the big
input, partitioned by vessel: every window is per vessel (and place), so an engine shuffles the positions
once by MMSI and the rest runs within partitions. Only `call_id` (a global numbering) needs one ordered pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from basewatch.maritime.ports import _LON_CELLS, CELL_DEG
from basewatch.units import KT_TO_MS

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from basewatch.maritime.portcalls import PortCallRules

# the columns of temp table _calls (basewatch.maritime.portcalls), times as t_us microseconds
CALL_COLUMNS = ("call_id", "mmsi", "site_id", "port", "port_country", "port_lat", "port_lon", "arrival_us",
                "departure_us", "arrival_observed", "first_stop_us", "stops", "port_gaps", "min_distance_km",
                "positions", "source_ids", "first_source_id", "first_row_no", "last_source_id", "last_row_no",
                "first_rn", "last_rn", "place_key")

# what the engine reads: ais_positions with integer-microsecond times
POSITIONS_SQL = ("SELECT mmsi, epoch_us(time) AS t_us, lat, lon, sog_ms, nav_status, source_id, row_no "
                 "FROM ais_positions")


def _wrap(cell: ir.IntegerValue) -> ir.IntegerValue:
    half = _LON_CELLS // 2
    return (((cell + half) % _LON_CELLS) + _LON_CELLS) % _LON_CELLS - half


def position_sequence(positions: ir.Table) -> ir.Table:
    """Valid positions numbered per vessel, rn 1..n by (time, source, row), with prev_dt (seconds since
    the vessel's previous position, as epoch() differences in DuckDB: NULL for the first), as temp table _pos."""
    import ibis

    valid = positions.filter(positions.lat.between(-90, 90), positions.lon.between(-180, 180))
    w = ibis.window(group_by=valid.mmsi, order_by=[valid.t_us, valid.source_id, valid.row_no])
    return valid.mutate(rn=(ibis.row_number().over(w) + 1).cast("int64"),
                        prev_dt=valid.t_us / 1e6 - valid.t_us.lag().over(w) / 1e6)


def port_calls(positions: ir.Table, places: ir.Table, cells: ir.Table, rules: PortCallRules) -> ir.Table:
    """The port calls of `positions` (POSITIONS_SQL's columns) at `places` (_places) found through `cells`
    (_place_cells), with CALL_COLUMNS."""
    return port_calls_of(position_sequence(positions), places, cells, rules)


def port_calls_of(pos: ir.Table, places: ir.Table, cells: ir.Table, rules: PortCallRules) -> ir.Table:
    """`port_calls` of an already numbered position sequence (`position_sequence`)."""
    import ibis

    from basewatch.flights.attribute import haversine_km

    located = pos.mutate(p_cell_lat=(pos.lat / CELL_DEG).floor().cast("int64"),
                         p_cell_lon=_wrap((pos.lon / CELL_DEG).floor().cast("int64")))
    cand = located.join(cells, [located.p_cell_lat == cells.cell_lat, located.p_cell_lon == cells.cell_lon])
    cand = cand.join(places.select("place_key", pl_lat="lat", pl_lon="lon", enter_km="enter_km",
                                   exit_km="exit_km"), "place_key")
    cand = cand.mutate(dist_km=haversine_km(cand.lat, cand.lon, cand.pl_lat, cand.pl_lon))
    zone = cand.filter(cand.dist_km <= cand.exit_km)
    zone = zone.mutate(
        is_inner=zone.dist_km <= zone.enter_km,
        island=zone.rn - ibis.row_number().over(ibis.window(group_by=[zone.mmsi, zone.place_key],
                                                              order_by=zone.rn)),
    )
    slow_ms, fast_ms = rules.stop_start_kn * KT_TO_MS, rules.stop_end_kn * KT_TO_MS
    island = [zone.mmsi, zone.place_key, zone.island]
    marked = zone.mutate(
        first_inner=ibis.ifelse(zone.is_inner, zone.rn, ibis.null("int64")).min().over(ibis.window(group_by=island)),
        slow=ibis.coalesce(zone.sog_ms < slow_ms, zone.nav_status.isin([1, 5]), False),
        stop_seg=ibis.ifelse(zone.sog_ms > fast_ms, 1, 0).sum().over(
            ibis.cumulative_window(group_by=island, order_by=zone.rn)),
    )
    seg = ibis.window(group_by=[marked.mmsi, marked.place_key, marked.island, marked.stop_seg])
    staged = marked.mutate(
        seg_stop_rn=ibis.ifelse(marked.slow, marked.rn, ibis.null("int64")).min().over(seg),
        seg_stop_us=ibis.ifelse(marked.slow, marked.t_us, ibis.null("int64")).min().over(seg),
    )
    kept = staged.filter(staged.first_inner.notnull(), staged.rn >= staged.first_inner)
    visit = [kept.mmsi, kept.place_key, kept.first_inner]
    visit_pos = kept.mutate(
        stopped=kept.seg_stop_rn.notnull() & (kept.seg_stop_rn <= kept.rn),
        stop_since=ibis.greatest(kept.seg_stop_us, kept.t_us.min().over(ibis.window(group_by=visit))),
        dt_us=kept.t_us - kept.t_us.lag().over(ibis.window(group_by=visit, order_by=kept.rn)),
    )
    visits = visit_pos.group_by(["mmsi", "place_key", "first_inner"]).aggregate(
        last_rn=visit_pos.rn.max(),
        arrival_us=visit_pos.t_us.min(),
        last_us=visit_pos.t_us.max(),
        first_stop_us=ibis.ifelse(visit_pos.stopped, visit_pos.stop_since, ibis.null("int64")).min(),
        stops=ibis.ifelse(visit_pos.stopped, visit_pos.stop_seg, ibis.null("int64")).nunique(),
        port_gaps=ibis.ifelse(visit_pos.dt_us >= int(rules.port_gap_s * 1_000_000), 1, 0).sum(),
        min_distance_km=visit_pos.dist_km.min(),
        positions=visit_pos.count(),
        source_ids=visit_pos.source_id.collect(distinct=True).sort(),
        first_source_id=visit_pos.source_id.argmin(visit_pos.rn),
        first_row_no=visit_pos.row_no.argmin(visit_pos.rn),
        last_source_id=visit_pos.source_id.argmax(visit_pos.rn),
        last_row_no=visit_pos.row_no.argmax(visit_pos.rn),
    ).rename(first_rn="first_inner")
    last = pos.group_by("mmsi").aggregate(vessel_last_rn=pos.rn.max())
    visits = visits.join(last, "mmsi")
    if rules.require_stop_or_gap:
        visits = visits.filter((visits.stops > 0) | (visits.port_gaps > 0))
    return _calls(visits, places)


def _calls(visits: ir.Table, places: ir.Table) -> ir.Table:
    """Of overlapping calls of one vessel at different places keep the closer one; number and label them."""
    import ibis

    b = visits.view()
    closer = (b.min_distance_km < visits.min_distance_km) | (
        (b.min_distance_km == visits.min_distance_km) & (b.place_key < visits.place_key))
    kept = visits.anti_join(b, [b.mmsi == visits.mmsi, b.place_key != visits.place_key,
                                b.first_rn <= visits.last_rn, visits.first_rn <= b.last_rn, closer])
    labelled = kept.join(places.select("place_key", "site_id", port="port", port_country="country",
                                       port_lat="lat", port_lon="lon"), "place_key")
    order = ibis.window(order_by=[labelled.mmsi, labelled.arrival_us, labelled.place_key])
    out = labelled.mutate(
        call_id=ibis.row_number().over(order) + 1,
        departure_us=ibis.ifelse(labelled.last_rn == labelled.vessel_last_rn, ibis.null("int64"),
                                 labelled.last_us),
        arrival_observed=labelled.first_rn != 1,
        stops=labelled.stops.cast("int32"),
        port_gaps=labelled.port_gaps.cast("int32"),
    )
    return out.select(*CALL_COLUMNS)


def distance_km(lat1: ir.FloatingValue, lon1: ir.FloatingValue, lat2: ir.FloatingValue,
                lon2: ir.FloatingValue) -> ir.FloatingValue:
    """Great-circle km as `basewatch.geo.haversine_sql`: NULL when any input is NULL (least() inside the
    haversine skips NULLs in both engines, so a missing end would otherwise give half the globe)."""
    import ibis

    from basewatch.flights.attribute import haversine_km

    missing = lat1.isnull() | lon1.isnull() | lat2.isnull() | lon2.isnull()
    km: ir.FloatingValue = ibis.ifelse(missing, ibis.null("float64"), haversine_km(lat1, lon1, lat2, lon2))
    return km
