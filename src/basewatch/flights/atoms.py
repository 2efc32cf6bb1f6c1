"""Atoms: the points of each aircraft summarised exactly enough to cut flights (Ibis; DuckDB and Spark).

An atom is a group of points of one aircraft, one source, one time cell (`cell_s`, never longer than
the flight gap, so no gap can hide inside one), one phase (ground or airborne) and one side of a
readsb new-leg flag - or a single point. Ordered by time, atoms give exactly the runs of one phase
the points would give, while most points are never sorted one by one.

Two steps, so the first can run once per source file at ingest (a workspace keeps the result in
`aircraft_atoms`, see `basewatch.flights.summary`) and only the second at analysis:

1. `source_atoms`: within each source, a cell with at most one new-leg flag is cut at the flag into a
   "before" and an "after" side; each side's ground and airborne points become one atom each,
   provided the two phases do not interleave in time. Any other cell (interleaved phases, several
   flags, another point at the very time of the flag) keeps its points as atoms of their own.
2. `merge_atoms`: a cell fed by several sources is still exact when no source has a flag there and
   the phases do not interleave across sources; otherwise its atoms are replaced by its points.

Each atom keeps its first and last point (`first`, `last`: structs of t_us, row_no, lat, lon, alt_m,
track_deg, gs_ms, vrate_ms; ties in time broken by row_no) and the lowest altitude in each `window_s` bucket of its
cell (`alt_b0`, `alt_b1`, ...), from which `segment.endpoints` reads the ends of flights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
from ibis import _

from basewatch.flights.params import US, SplitParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

# row numbers below this fit in `order_key` next to a time within a cell (SplitParams caps cells at 1000 s)
ROW_SPAN = 2**33
# the point columns atoms are made of (what a points table must offer)
POINT_COLUMNS = ("icao24", "t_us", "lat", "lon", "alt_baro_m", "alt_geom_m", "gs_ms", "track_deg", "vrate_ms",
                 "on_ground", "new_leg", "callsign", "source_id", "row_no")


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


def bucket_us(p: SplitParams, window_s: float) -> int:
    return int(min(window_s, p.effective_cell_s) * US)


def n_buckets(p: SplitParams, window_s: float) -> int:
    width, bucket = int(p.effective_cell_s * US), bucket_us(p, window_s)
    return -(-width // bucket)


def _point(t: Any) -> ir.StructValue:
    """A point's position as a struct (a group's first and last point are picked by `order_key`)."""
    return ibis.struct({"t_us": t.t_us, "row_no": t.row_no, "lat": t.lat, "lon": t.lon, "alt_m": t.alt_m,
                        "track_deg": t.track_deg, "gs_ms": t.gs_ms, "vrate_ms": t.vrate_ms})


def _cells(points: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """Classified points with their `cell`, end-window `bucket` and `order_key`: (time in the cell, row)
    packed in one integer (the cell is under 2^30 microseconds long, row numbers stay under 2^33)."""
    width = int(p.effective_cell_s * US)
    pts = classify(points.select(*POINT_COLUMNS), p).mutate(cell=_.t_us // width)
    offset = _.t_us - _.cell * width
    return pts.mutate(bucket=offset // bucket_us(p, window_s), order_key=offset * ROW_SPAN + _.row_no)


def _single(points: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """Every point an atom of its own."""
    one = _cells(points, p, window_s)
    return one.select(
        "icao24",
        "source_id",
        "cell",
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
        first=_point(one),
        last=_point(one),
        **{f"alt_b{i}": ibis.ifelse(one.bucket == i, one.alt_m, ibis.null("float64"))
           for i in range(n_buckets(p, window_s))},
    )


def _points_of(points: ir.Table, cells: ir.Table, p: SplitParams, by_source: bool) -> ir.Table:
    """The raw points lying in `cells` (icao24, cell[, source_id]), selected on raw columns first so an
    engine can skip storage blocks by aircraft."""
    width = int(p.effective_cell_s * US)
    spans = cells.select(b_icao24="icao24", b_source=_.source_id if by_source else ibis.literal(0),
                         lo=_.cell * width, hi=(_.cell + 1) * width)
    raw = points.select(*POINT_COLUMNS)
    on = [raw.icao24 == spans.b_icao24, raw.t_us >= spans.lo, raw.t_us < spans.hi]
    if by_source:
        on.append(raw.source_id == spans.b_source)
    return raw.semi_join(spans, on)


def source_atoms(points: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """Step 1: atoms of each source on its own (see the module docstring)."""
    pts = _cells(points, p, window_s)
    width = int(p.effective_cell_s * US)
    key = ["icao24", "cell", "source_id"]
    # flagged points are rare: filtering the raw column first lets an engine skip reading the others
    flagged = points.select("icao24", "t_us", "lat", "lon", "new_leg", "source_id").filter(_.new_leg)
    flags = flagged.filter(_.lat.notnull() & _.lon.notnull()).group_by(
        "icao24", "source_id", cell=_.t_us // width
    ).aggregate(t_flag=_.t_us.min(), n_flags=_.count())
    j = pts.left_join(flags, key)
    j = j.select(*[c for c in j.columns if not c.endswith("_right")])  # (select: stable SQL text)
    sides = j.mutate(after=ibis.coalesce(j.t_us >= j.t_flag, ibis.literal(False)),
                     at_flag=ibis.coalesce(j.t_us == j.t_flag, ibis.literal(False)).cast("int64"))
    groups = sides.group_by(*key, "after", "ground").aggregate(
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
        first=_point(_).argmin(_.order_key),
        last=_point(_).argmax(_.order_key),
        **{f"alt_b{i}": _.alt_m.min(where=_.bucket == i) for i in range(n_buckets(p, window_s))},
    )
    side = groups.group_by(*key, "after").aggregate(
        g0=_.t0.min(where=_.ground), g1=_.t1.max(where=_.ground),
        a0=_.t0.min(where=~_.ground), a1=_.t1.max(where=~_.ground),
        n_at_flag=_.n_at_flag.sum(), n_flags=_.n_flags.max(),
    )
    separate = side.g0.isnull() | side.a0.isnull() | (side.g1 < side.a0) | (side.a1 < side.g0)
    messy = ~separate | (side.n_flags.fill_null(0) > 1) | (side.n_at_flag > 1)
    bad = side.filter(messy).select(*key).distinct()
    whole = groups.anti_join(bad, key).select(
        "icao24", "source_id", "cell", "t0", "t1", "n", "ground",
        leg=_.n_leg > 0,
        row_no=ibis.literal(-1, type="int64"),
        callsign="callsign", lat_min="lat_min", lat_max="lat_max", lon_min="lon_min", lon_max="lon_max",
        first="first", last="last",
        **{f"alt_b{i}": f"alt_b{i}" for i in range(n_buckets(p, window_s))},
    )
    return whole.union(_single(_points_of(points, bad, p, by_source=True), p, window_s))


def merge_atoms(atom: ir.Table, points: ir.Table, p: SplitParams, window_s: float) -> ir.Table:
    """Step 2: a cell fed by several sources keeps its atoms only when no new-leg flag is in it and
    its ground and airborne atoms do not interleave in time; otherwise its points replace them."""
    cell = atom.group_by("icao24", "cell").aggregate(
        s_min=_.source_id.min(), s_max=_.source_id.max(), n_leg=_.leg.cast("int64").sum(),
        g0=_.t0.min(where=_.ground), g1=_.t1.max(where=_.ground),
        a0=_.t0.min(where=~_.ground), a1=_.t1.max(where=~_.ground),
    )
    separate = cell.g0.isnull() | cell.a0.isnull() | (cell.g1 < cell.a0) | (cell.a1 < cell.g0)
    bad = cell.filter((cell.s_min != cell.s_max) & ((cell.n_leg > 0) | ~separate)).select("icao24", "cell")
    keep = atom.anti_join(bad, ["icao24", "cell"])
    return keep.union(_single(_points_of(points, bad, p, by_source=False), p, window_s))


def atoms(points: ir.Table, p: SplitParams, window_s: float = 120.0) -> ir.Table:
    """Both steps over all points (when no stored per-source atoms exist for these parameters)."""
    return merge_atoms(source_atoms(points, p, window_s), points, p, window_s)
