"""Voyages written once as Ibis expressions, so they run on Spark as on DuckDB (`analyse --engine spark`).

The same rules as `basewatch.maritime.voyages` (see there), over the port calls of
`basewatch.maritime.portcalls_ibis` (CALL_COLUMNS, times as integer microseconds) and the position
sequence (`position_sequence`). Every window is per vessel, so an engine partitions the calls by MMSI;
only `voyage_id` (a global numbering) needs one ordered pass. `distance_km` comes back unrounded: the
workspace rounds it (ROUND_SQL), so both engines round alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from basewatch.maritime.voyages import VoyageRules

VOYAGE_COLUMNS = ("voyage_id", "mmsi", "origin_call_id", "destination_call_id", "origin_site", "origin_port",
                  "origin_country", "destination_site", "destination_port", "destination_country",
                  "departure_us", "arrival_us", "distance_km", "positions")


def voyages(calls: ir.Table, pos: ir.Table, rules: VoyageRules) -> ir.Table:
    """The voyages between consecutive `calls` of a vessel (VOYAGE_COLUMNS); `pos` for the silence rule."""
    import ibis

    from basewatch.maritime.portcalls_ibis import distance_km

    w = ibis.window(group_by=calls.mmsi, order_by=[calls.arrival_us, calls.call_id])
    seq = calls.mutate(
        next_call=calls.call_id.lead().over(w), next_site=calls.site_id.lead().over(w),
        next_port=calls.port.lead().over(w), next_country=calls.port_country.lead().over(w),
        next_lat=calls.port_lat.lead().over(w), next_lon=calls.port_lon.lead().over(w),
        next_arrival_us=calls.arrival_us.lead().over(w), next_first_rn=calls.first_rn.lead().over(w),
    )
    seq = seq.filter(seq.next_call.notnull(), seq.departure_us.notnull())
    if rules.max_duration_s is not None:
        seq = seq.filter(seq.next_arrival_us / 1e6 - seq.departure_us / 1e6 <= rules.max_duration_s)
    if rules.max_silence_s is not None:
        # the intervals from the departure's position up to the arrival's: rn last_rn+1 .. next_first_rn
        p = pos.select(p_mmsi="mmsi", p_rn="rn", p_dt="prev_dt")
        seq = seq.anti_join(p, [p.p_mmsi == seq.mmsi, p.p_rn > seq.last_rn, p.p_rn <= seq.next_first_rn,
                                p.p_dt > rules.max_silence_s])
    order = ibis.window(order_by=[seq.mmsi, seq.departure_us, seq.call_id])
    out = seq.mutate(
        voyage_id=ibis.row_number().over(order) + 1,
        origin_call_id=seq.call_id, destination_call_id=seq.next_call,
        origin_site=seq.site_id, origin_port=seq.port, origin_country=seq.port_country,
        destination_site=seq.next_site, destination_port=seq.next_port, destination_country=seq.next_country,
        arrival_us=seq.next_arrival_us,
        distance_km=distance_km(seq.port_lat, seq.port_lon, seq.next_lat, seq.next_lon),
        positions=ibis.greatest(0, seq.next_first_rn - seq.last_rn - 1),
    )
    return out.select(*VOYAGE_COLUMNS)
