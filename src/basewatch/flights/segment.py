"""Cut each aircraft's points into flights, written once in Ibis (runs on DuckDB and on Spark).

Stages, each a plain function from Ibis tables to an Ibis table:

1. `classify`: drop points without a position; decide per point whether it is on the ground.
2. `atoms`: summarise points per (aircraft, time cell, side of a new-leg flag, source, phase). No gap
   can hide inside a cell (cell <= gap) and a cell's phases must not interleave, so the atoms in time
   order give exactly the runs the points would, while most points are never sorted one by one.
3. `runs`: order the atoms (time, source_id, row_no: a total order) and merge them into runs of one
   phase; a run also starts at a gap longer than `gap_s`, at a readsb new-leg flag, or at the first
   point of an aircraft (a "leg start").
4. `flight_runs` / `flights`: short ground runs inside a flight and short airborne runs while taxiing
   are noise; a flight is a maximal chain of airborne runs within one leg. Its start is the last
   ground point before take-off (else its first airborne point), its end the first ground point
   after landing (else its last airborne point).
5. `endpoints`: the start and end points of each flight, read back from the points (ties broken by
   source_id, row_no), for attribution and provenance.
All times are integer microseconds since the epoch (t_us).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis import _

from basewatch.flights.params import US, SplitParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

FLIGHT_KEY = ("icao24", "flight_seq")
AGG_COLUMNS = ("icao24", "t_us", "lat", "lon", "alt_baro_m", "alt_geom_m", "gs_ms", "on_ground", "new_leg",
               "callsign", "source_id")


def classify(points: ir.Table, p: SplitParams) -> ir.Table:
    """Points with a position, with `alt_m` (geometric else barometric) and a cleaned `ground` flag."""
    pts = points.filter(_.lat.notnull() & _.lon.notnull())
    alt = ibis.coalesce(pts.alt_geom_m, pts.alt_baro_m)
    plausible_ground = (pts.gs_ms.isnull() | (pts.gs_ms < p.ground_max_speed_ms)) & (
        alt.isnull() | (alt < p.ground_max_alt_m)
    )
    slow = pts.gs_ms.notnull() & (pts.gs_ms < p.taxi_speed_ms) & (alt.isnull() | (alt < p.ground_max_alt_m))
    ground = ibis.cases(
        (pts.on_ground.isnull(), slow),
        (pts.on_ground, plausible_ground),
        else_=ibis.literal(False),
    )
    return pts.mutate(alt_m=alt, ground=ground, new_leg=pts.new_leg.fill_null(False))


def atoms(points: ir.Table, p: SplitParams) -> ir.Table:
    """Summarise points into atoms: one per (aircraft, time cell, leg side, source, phase) where that is exact.

    A cell holding at most one new-leg flag is cut at the flag into a "before" and an "after" side.
    Each side's ground and airborne points collapse to one atom per source, provided the two phases do
    not interleave in time (all ground points strictly before all airborne ones, or after). Every
    other cell - interleaved phases, several flags, another point at the very time of the flag - keeps
    its points as atoms of their own. Atoms in time order then give exactly the runs the points would.
    """
    width = int(p.effective_cell_s * US)
    pts = classify(points.select(*AGG_COLUMNS, "row_no"), p).mutate(cell=_.t_us // width)
    # flagged points are rare: filtering the raw column first lets an engine skip reading the others
    flagged = points.select("icao24", "t_us", "lat", "lon", "new_leg").filter(_.new_leg)
    flags = flagged.filter(_.lat.notnull() & _.lon.notnull()).group_by("icao24", cell=_.t_us // width).aggregate(
        t_flag=_.t_us.min(), n_flags=_.count()
    )
    j = pts.left_join(flags, ["icao24", "cell"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    sides = j.mutate(after=ibis.coalesce(j.t_us >= j.t_flag, ibis.literal(False)),
                     at_flag=ibis.coalesce(j.t_us == j.t_flag, ibis.literal(False)).cast("int64"))
    cells = sides.group_by("icao24", "cell", "after", "source_id", "ground").aggregate(
        n=_.count(),
        n_leg=_.new_leg.cast("int64").sum(),
        n_at_flag=_.at_flag.sum(),
        n_flags=_.n_flags.max(),
        t0=_.t_us.min(),
        t1=_.t_us.max(),
        callsign=_.callsign.max(),
        lat_min=_.lat.min(),
        lat_max=_.lat.max(),
        lon_min=_.lon.min(),
        lon_max=_.lon.max(),
    )
    side = cells.group_by("icao24", "cell", "after").aggregate(
        g0=_.t0.min(where=_.ground), g1=_.t1.max(where=_.ground),
        a0=_.t0.min(where=~_.ground), a1=_.t1.max(where=~_.ground),
        n_at_flag=_.n_at_flag.sum(), n_flags=_.n_flags.max(),
    )
    separate = side.g0.isnull() | side.a0.isnull() | (side.g1 < side.a0) | (side.a1 < side.g0)
    messy = ~separate | (side.n_flags.fill_null(0) > 1) | (side.n_at_flag > 1)
    bad = side.filter(messy).select("icao24", "cell").distinct()
    # the points of messy cells, selected on raw columns first (an engine can then skip storage
    # blocks by aircraft) and classified afterwards
    spans = bad.select(b_icao24="icao24", lo=_.cell * width, hi=(_.cell + 1) * width)
    raw = points.select(*AGG_COLUMNS, "row_no")
    raw = raw.semi_join(spans, [raw.icao24 == spans.b_icao24, raw.t_us >= spans.lo, raw.t_us < spans.hi])
    whole = cells.anti_join(bad, ["icao24", "cell"]).select(
        "icao24",
        "source_id",
        "t0",
        "t1",
        "n",
        "ground",
        leg=_.n_leg > 0,
        row_no=ibis.literal(-1, type="int64"),
        callsign="callsign",
        lat_min="lat_min",
        lat_max="lat_max",
        lon_min="lon_min",
        lon_max="lon_max",
    )
    single = classify(raw, p).select(
        "icao24",
        "source_id",
        t0="t_us",
        t1="t_us",
        n=ibis.literal(1, type="int64"),
        ground="ground",
        leg="new_leg",
        row_no="row_no",
        callsign="callsign",
        lat_min="lat",
        lat_max="lat",
        lon_min="lon",
        lon_max="lon",
    )
    return whole.union(single)


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
    ).drop("origin_ts", "dest_ts", "t_first", "t_last", "n_air", "lat_min", "lat_max", "lon_min", "lon_max")


def flight_sources(fruns: ir.Table, sources: ir.Table, flight: ir.Table) -> ir.Table:
    """Sorted distinct source ids of each flight's airborne runs."""
    air = fruns.filter(_.eff_air).select("icao24", "run_no", "flight_seq")
    air = air.semi_join(flight, list(FLIGHT_KEY))
    joined = air.join(sources, ["icao24", "run_no"])
    return joined.group_by(*FLIGHT_KEY).aggregate(source_ids=_.source_id.collect(distinct=True).sort())


def endpoints(pts: ir.Table, flight: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """The start ('o') and end ('d') point of each flight, one row each, ties broken by (source_id, row_no).

    `alt_low_m` is the lowest altitude in the first (start) or last (end) `window_s` seconds of the
    flight: receivers often freeze a landed aircraft's position and report a nonsense altitude for it.
    Both are read in one pass over the points, through the time cells the windows fall in.
    """
    width = int(p.effective_cell_s * US)
    span = int(min(window_s, p.effective_cell_s) * US)
    o = flight.select(*FLIGHT_KEY, t_us=_.start_us, which=ibis.literal("o"), end_ground=_.origin_ground)
    d = flight.select(*FLIGHT_KEY, t_us=_.end_us, which=ibis.literal("d"), end_ground=_.destination_ground)
    keys = o.union(d).rename(key_us="t_us")
    k = keys.mutate(
        lo=ibis.ifelse(keys.which == "o", keys.key_us, keys.key_us - span),
        hi=ibis.ifelse(keys.which == "o", keys.key_us + span, keys.key_us),
    )
    by_cell = ibis.union(k.mutate(cell=_.lo // width), k.mutate(cell=_.hi // width), distinct=True)
    cols = pts.select("icao24", "t_us", "lat", "lon", "alt_m", "track_deg", "source_id", "row_no",
                      cell=_.t_us // width)
    near = by_cell.join(cols, ["icao24", "cell"]).filter((_.t_us >= _.lo) & (_.t_us <= _.hi))
    end_key = ["icao24", "flight_seq", "which"]
    lowest = near.group_by(*end_key).aggregate(alt_low_m=_.alt_m.min())
    j = near.filter(_.t_us == _.key_us)
    first = j.which == "o"
    w = ibis.window(
        group_by=end_key,
        order_by=[ibis.ifelse(first, j.source_id, -j.source_id), ibis.ifelse(first, j.row_no, -j.row_no)],
    )
    ends = j.mutate(rank=ibis.row_number().over(w)).filter(_.rank == 0).select(
        *end_key, "end_ground", "t_us", "lat", "lon", "alt_m", "track_deg", "source_id", "row_no"
    )
    return ends.left_join(lowest, end_key).select(
        *end_key, "end_ground", "t_us", "lat", "lon", "alt_m", "track_deg", "source_id", "row_no", "alt_low_m"
    )
