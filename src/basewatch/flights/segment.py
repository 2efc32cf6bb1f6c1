"""Cut each aircraft's points into flights, written once in Ibis (runs on DuckDB and on Spark).

Stages, each a plain function from Ibis tables to an Ibis table:

1. `atoms` (basewatch.flights.atoms): points summarised per aircraft, source, time cell and phase.
2. `runs`: order the atoms (time, source_id, row_no: a total order) and merge them into runs of one
   phase; a run also starts at a gap longer than `gap_s`, at a readsb new-leg flag, or at the first
   point of an aircraft (a "leg start").
3. `flight_runs` / `flights`: short ground runs inside a flight and short airborne runs while taxiing
   are noise; a flight is a maximal chain of airborne runs within one leg. Its start is the last
   ground point before take-off (else its first airborne point), its end the first ground point
   after landing (else its last airborne point).
4. `endpoints`: the start and end points of each flight, read from the atoms' first and last points
   (ties broken by source_id, row_no), for attribution and provenance; the points are read only once.
All times are integer microseconds since the epoch (t_us).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis import _

from basewatch.flights.atoms import bucket_us, n_buckets
from basewatch.flights.params import US, SplitParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

FLIGHT_KEY = ("icao24", "flight_seq")


def number_runs(atom: ir.Table, p: SplitParams) -> ir.Table:
    """Atoms with `run_no`: runs of one phase per aircraft, numbered in time order."""
    gap_us = int(p.gap_s * US)
    order = ["t0", "source_id", "row_no"]
    before = ibis.window(group_by="icao24", order_by=order, rows=(None, -1))
    w = ibis.window(group_by="icao24", order_by=order)
    prev_t1 = atom.t1.max().over(before)
    leg_start = prev_t1.isnull() | ((atom.t0 - prev_t1) > gap_us) | atom.leg
    marked = atom.mutate(leg_start=leg_start, prev_ground=atom.ground.lag().over(w))
    marked = marked.mutate(
        brk=(_.leg_start | (_.ground != _.prev_ground) | _.prev_ground.isnull()).cast("int64")
    )
    return marked.mutate(run_no=_.brk.cumsum(group_by="icao24", order_by=order))


def runs(numbered: ir.Table) -> ir.Table:
    """One row per run: phase, whether it starts a leg, time span, point count, extent."""
    return numbered.group_by("icao24", "run_no").aggregate(
        ground=_.ground.any(),
        leg_start=_.leg_start.any(),
        t0=_.t0.min(),
        t1=_.t1.max(),
        n=_.n.sum(),
        callsign=_.callsign.max(),
        lat_min=_.lat_min.min(),
        lat_max=_.lat_max.max(),
        lon_min=_.lon_min.min(),
        lon_max=_.lon_max.max(),
    )


def run_sources(numbered: ir.Table) -> ir.Table:
    return numbered.select("icao24", "run_no", "source_id").distinct()


def flight_runs(run: ir.Table, p: SplitParams) -> ir.Table:
    """Runs with `eff_air` (noise removed), `flight_seq` and the ground points around each flight.

    Noise: a ground run shorter than `min_ground_s` between two solid airborne runs (a flickering
    flag); an airborne run shorter than `min_air_s` between two ground runs; an airborne run next to
    the ground whose positions stay within `min_extent_km` (a frozen position after landing).
    """
    from basewatch.flights.attribute import haversine_km

    w = ibis.window(group_by="icao24", order_by="run_no")
    extent = haversine_km(run.lat_min, run.lon_min, run.lat_max, run.lon_max)
    run = run.mutate(dur=run.t1 - run.t0, stationary=~run.ground & (extent < p.min_extent_km))
    min_air = int(p.min_air_s * US)
    solid_air = ~run.ground & ~run.stationary & (run.dur >= min_air)
    nxt_leg = run.leg_start.lead().over(w)
    same_leg_next = nxt_leg == ibis.literal(False)
    inner = ~run.leg_start & same_leg_next
    prev_g = run.ground.lag().over(w)
    next_g = run.ground.lead().over(w)
    yes, no = ibis.literal(True), ibis.literal(False)
    blip_ground = (
        run.ground & inner & (solid_air.lag().over(w) == yes) & (solid_air.lead().over(w) == yes)
        & (run.dur < int(p.min_ground_s * US))
    )
    blip_air = ~run.ground & inner & (prev_g == yes) & (next_g == yes) & (run.dur < min_air)
    frozen = run.stationary & (((prev_g == yes) & ~run.leg_start) | ((next_g == yes) & same_leg_next))
    eff_air = ibis.cases((blip_ground, yes), (blip_air, no), (frozen, no), else_=~run.ground)
    r = run.mutate(eff_air=eff_air)
    prev_air = r.eff_air.lag().over(w)
    next_air = r.eff_air.lead().over(w)
    starts = r.eff_air & (r.leg_start | (prev_air == no))
    r = r.mutate(
        fbrk=starts.cast("int64"),
        origin_ts=ibis.ifelse(starts & ~r.leg_start & (prev_air == no), r.t1.lag().over(w), None),
        dest_ts=ibis.ifelse(
            r.eff_air & (r.leg_start.lead().over(w) == no) & (next_air == no),
            r.t0.lead().over(w),
            None,
        ),
    )
    return r.mutate(flight_seq=_.fbrk.cumsum(group_by="icao24", order_by="run_no"))


def flights(fruns: ir.Table, p: SplitParams) -> ir.Table:
    """One row per flight: times (t_us), point count, callsign, whether each end touched the ground.

    An airborne chain whose positions all lie within `min_extent_km` is no flight (a frozen position
    with airborne flags, as receivers report after landing) and is dropped.
    """
    from basewatch.flights.attribute import haversine_km

    air = fruns.filter(_.eff_air)
    f = air.group_by(*FLIGHT_KEY).aggregate(
        t_first=_.t0.min(),
        t_last=_.t1.max(),
        n_air=_.n.sum(),
        origin_ts=_.origin_ts.max(),
        dest_ts=_.dest_ts.max(),
        callsign=_.callsign.max(),
        lat_min=_.lat_min.min(),
        lat_max=_.lat_max.max(),
        lon_min=_.lon_min.min(),
        lon_max=_.lon_max.max(),
    )
    f = f.filter(haversine_km(f.lat_min, f.lon_min, f.lat_max, f.lon_max) >= p.min_extent_km)
    return f.mutate(
        start_us=ibis.coalesce(_.origin_ts, _.t_first),
        end_us=ibis.coalesce(_.dest_ts, _.t_last),
        origin_ground=_.origin_ts.notnull(),
        destination_ground=_.dest_ts.notnull(),
        points=_.n_air + _.origin_ts.notnull().cast("int64") + _.dest_ts.notnull().cast("int64"),
    ).select(*FLIGHT_KEY, "callsign", "start_us", "end_us", "origin_ground", "destination_ground", "points")


def flight_sources(fruns: ir.Table, sources: ir.Table, flight: ir.Table) -> ir.Table:
    """Sorted distinct source ids of each flight's airborne runs."""
    air = fruns.filter(_.eff_air).select("icao24", "run_no", "flight_seq")
    air = air.semi_join(flight, list(FLIGHT_KEY))
    joined = air.join(sources, ["icao24", "run_no"])
    return joined.group_by(*FLIGHT_KEY).aggregate(source_ids=_.source_id.collect(distinct=True).sort())


def endpoints(atom: ir.Table, flight: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """The start ('o') and end ('d') point of each flight, one row each, read from the atoms.

    The start is the atom boundary point at the flight's start time (ties: smallest source_id, then
    row_no), the end likewise at its end time (ties: largest). `alt_low_m` is the lowest altitude in
    the `window_s` buckets that the flight's first (start) or last (end) `window_s` seconds touch:
    receivers often freeze a landed aircraft's position and report a nonsense altitude for it.
    """
    width = int(p.effective_cell_s * US)
    bucket = bucket_us(p, window_s)
    o = flight.select(*FLIGHT_KEY, key_us=_.start_us, which=ibis.literal("o"), end_ground=_.origin_ground)
    d = flight.select(*FLIGHT_KEY, key_us=_.end_us, which=ibis.literal("d"), end_ground=_.destination_ground)
    keys = o.union(d)
    end_key = ["icao24", "flight_seq", "which"]

    bounds = ibis.union(
        atom.select("icao24", "source_id", pt=_.first), atom.select("icao24", "source_id", pt=_.last)
    ).mutate(t_us=_.pt["t_us"], pt_row=_.pt["row_no"])
    j = keys.join(bounds, [keys.icao24 == bounds.icao24, keys.key_us == bounds.t_us])
    first = j.which == "o"
    w = ibis.window(
        group_by=end_key,
        order_by=[ibis.ifelse(first, j.source_id, -j.source_id), ibis.ifelse(first, j.pt_row, -j.pt_row)],
    )
    ends = j.mutate(rank=ibis.row_number().over(w)).filter(_.rank == 0).select(
        *end_key, "end_ground", "t_us", lat=_.pt["lat"], lon=_.pt["lon"], alt_m=_.pt["alt_m"],
        track_deg=_.pt["track_deg"], gs_ms=_.pt["gs_ms"], vrate_ms=_.pt["vrate_ms"], source_id="source_id",
        row_no="pt_row",
    )

    span = int(min(window_s, p.effective_cell_s) * US)
    win = keys.select(
        *end_key,
        lo=ibis.ifelse(keys.which == "o", keys.key_us, keys.key_us - span),
        hi=ibis.ifelse(keys.which == "o", keys.key_us + span, keys.key_us),
    )
    near = win.join(atom, [win.icao24 == atom.icao24, atom.t0 <= win.hi, atom.t1 >= win.lo])
    parts = []
    for i in range(n_buckets(p, window_s)):
        b_lo = near.cell * width + i * bucket
        parts.append(near.filter((b_lo <= near.hi) & (b_lo + bucket > near.lo)).select(
            *end_key, alt=near[f"alt_b{i}"]
        ))
    lowest = ibis.union(*parts).group_by(*end_key).aggregate(alt_low_m=_.alt.min())
    return ends.left_join(lowest, end_key).select(
        *end_key, "end_ground", "t_us", "lat", "lon", "alt_m", "track_deg", "gs_ms", "vrate_ms", "source_id",
        "row_no", "alt_low_m"
    )
