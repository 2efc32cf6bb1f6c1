"""Place the ends of flights at watched sites and airports (Ibis; DuckDB and Spark alike).

An end on the ground goes to the nearest airfield within `ground_radius_km`. An end seen airborne goes
to an airfield only when it is low (under `low_agl_m` above the airfield), near (within
`low_radius_km`) and, when its track is known, flying toward it (landing) or away from it (take-off).
An end seen higher but still climbing (first seen) or descending (last seen) steeply, a few hundred
metres up, is projected along its vertical rate, ground speed and track back (forward) to the ground:
when the projected lift-off (touch-down) point lies on an airfield - within `project_radius_km` of its
reference point - the end goes to that airfield by "projected" (receivers often pick an aircraft up
only some way into its climb). Anything else - cruise altitude, a coverage gap, an overflight - gets
no airport: the method says so and the point where it was first or last seen is kept. A watched site
wins when the end lies inside its radius or polygon, or when the chosen airfield is the site's own
ICAO code.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import ibis
from ibis import _

from basewatch.flights.params import AttributeParams
from basewatch.flights.references import (  # noqa: F401  (re-exported: the reference builders lived here)
    AIRFIELDS_SCHEMA,
    EDGES_SCHEMA,
    SITE_KIND_RANK,
    SITES_SCHEMA,
    airfields_arrow,
    polygon_json,
    site_edges_arrow,
    sites_arrow,
)
from basewatch.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    import ibis.expr.types as ir

END_KEY = ("icao24", "flight_seq", "which")
METHOD_GROUND = "ground"                    # on the ground at the place
METHOD_LOW = "low"                          # first/last seen low, near and heading for/away from it
METHOD_PROJECTED = "projected"              # first/last seen climbing/descending: projected onto it
METHOD_GROUND_UNKNOWN = "ground-no-airfield"  # on the ground, but no known airfield near
METHOD_AIRBORNE = "airborne"                # first/last seen airborne: no take-off or landing seen
# -- geodesy as Ibis expressions --------------------------------------------------------------------
def haversine_km(lat1: ir.FloatingValue, lon1: ir.FloatingValue, lat2: ir.FloatingValue,
                 lon2: ir.FloatingValue) -> ir.FloatingValue:
    dp = (lat2 - lat1).radians()
    dl = (lon2 - lon1).radians()
    a = (dp / 2).sin() ** 2 + lat1.radians().cos() * lat2.radians().cos() * (dl / 2).sin() ** 2
    return 2 * EARTH_RADIUS_KM * ibis.least(a.sqrt(), 1.0).asin()


def bearing_deg(lat1: ir.FloatingValue, lon1: ir.FloatingValue, lat2: ir.FloatingValue,
                lon2: ir.FloatingValue) -> ir.FloatingValue:
    """Initial great-circle bearing from point 1 to point 2, degrees in [0, 360)."""
    p1, p2 = lat1.radians(), lat2.radians()
    dl = (lon2 - lon1).radians()
    y = dl.sin() * p2.cos()
    x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos()
    return (y.atan2(x).degrees() + 360.0) % 360.0


def angle_diff_deg(a: ir.FloatingValue, b: ir.FloatingValue) -> ir.FloatingValue:
    return (((a - b) % 360.0 + 540.0) % 360.0 - 180.0).abs()


def projection_vectors(ends: ir.Table, p: AttributeParams) -> ir.Table:
    """Ends with, for one climbing (first seen) or descending (last seen) at `project_min_vrate_ms` or
    more at its end point, with a known ground speed and track, the ground it covers per metre of height
    toward its lift-off (touch-down) point, as north and east components in km/m (`proj_n`, `proj_e`;
    NULL otherwise). The rates are the end point's own (carried by the atoms' first and last points)."""
    first = ends.which == "o"
    rate = ibis.ifelse(first, ends.vrate_ms, -ends.vrate_ms)  # positive: climbing out / descending in
    steep = ~ends.end_ground & ends.gs_ms.notnull() & ends.track_deg.notnull() & (rate >= p.project_min_vrate_ms)
    km_per_m = ibis.ifelse(steep, ends.gs_ms / rate / 1000.0, ibis.null("float64"))
    toward = ibis.ifelse(first, (ends.track_deg + 180.0) % 360.0, ends.track_deg).radians()  # to the ground point
    return ends.mutate(proj_n=km_per_m * toward.cos(), proj_e=km_per_m * toward.sin())


# -- attribution ------------------------------------------------------------------------------------
def _grid(lat: ir.FloatingValue, step: float) -> ir.IntegerValue:
    return (lat / step).floor().cast("int64")


def _wrap(gx: ir.IntegerValue, half: int) -> ir.IntegerValue:
    """Longitude cell numbers wrap around at the antimeridian (cells -half .. half-1)."""
    return ((gx + 3 * half) % (2 * half)) - half


def _projected_km(j: ir.Table, agl: ir.FloatingValue) -> ir.FloatingValue:
    """How far from the airfield the end's climb (descent) meets the ground, projected back (forward)
    along a straight line at its vertical rate, ground speed and track from `agl` metres above the field.

    A local flat approximation: over the at most few tens of km a projection spans it errs by metres."""
    km_per_deg = EARTH_RADIUS_KM * math.pi / 180.0
    north = (j.af_lat - j.lat) * km_per_deg - agl * j.proj_n
    east = (((j.af_lon - j.lon) + 540.0) % 360.0 - 180.0) * km_per_deg * j.lat.radians().cos() - agl * j.proj_e
    return (north * north + east * east).sqrt()


def _near_airfields(ends: ir.Table, airfields: ir.Table, p: AttributeParams) -> ir.Table:
    """Each end paired with the airfields in its grid cell and the eight around it (ends are few,
    airfields many)."""
    half = round(180 / p.grid_deg)
    af = airfields.mutate(gy=_grid(_.af_lat, p.grid_deg), gx=_wrap(_grid(_.af_lon, p.grid_deg), half))
    base = ends.mutate(gy=_grid(_.lat, p.grid_deg), gx=_grid(_.lon, p.grid_deg))
    e = ibis.union(*[base.mutate(gy=base.gy + dy, gx=_wrap(base.gx + dx, half))
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    return e.join(af, ["gy", "gx"])


def best_airfield(ends: ir.Table, airfields: ir.Table, p: AttributeParams) -> ir.Table:
    """Per end: the airfield it took off from / landed at, or nothing (END_KEY, code, af_dist_km, and
    proj_km: how far from the field the projected climb or descent meets the ground, when that decided).

    An end on the ground or low near a field goes to the nearest such field; only an end with neither
    is projected, and goes to the field its projected lift-off or touch-down point is nearest to."""
    j = _near_airfields(ends.select(*END_KEY, "end_ground", "lat", "lon", "alt_m", "alt_low_m", "track_deg"),
                        airfields, p)
    dist = haversine_km(j.lat, j.lon, j.af_lat, j.af_lon)
    to_field = bearing_deg(j.lat, j.lon, j.af_lat, j.af_lon)
    # landing: flying toward the field; take-off: flying away from it
    expected = ibis.ifelse(j.which == "d", to_field, (to_field + 180.0) % 360.0)
    alt = ibis.coalesce(j.alt_low_m, j.alt_m)
    agl = alt - j.elev_m.fill_null(0.0)
    heading_ok = (
        j.track_deg.isnull()
        | (dist <= p.near_km)
        | (agl <= p.heading_min_agl_m)
        | (angle_diff_deg(j.track_deg, expected) <= p.heading_tolerance_deg)
    )
    on_ground = j.end_ground & (dist <= p.ground_radius_km)
    low = ~j.end_ground & alt.notnull() & (agl <= p.low_agl_m) & (dist <= p.low_radius_km) & heading_ok
    direct = j.filter(on_ground | low).select(*END_KEY, "code", af_dist_km=dist, proj_km=ibis.null("float64"),
                                             kind=ibis.literal(0, type="int64"))
    # projection: only the few steep ends are paired with airfields again
    k = _near_airfields(ends.filter(_.proj_n.notnull()).select(*END_KEY, "lat", "lon", "alt_m", "proj_n", "proj_e"),
                        airfields, p)
    k = k.mutate(af_dist_km=haversine_km(k.lat, k.lon, k.af_lat, k.af_lon), agl=k.alt_m - k.elev_m.fill_null(0.0))
    k = k.filter((k.agl > 0) & (k.agl <= p.project_max_agl_m) & (k.af_dist_km <= p.low_radius_km))
    projected = k.mutate(proj_km=_projected_km(k, k.agl)).filter(_.proj_km <= p.project_radius_km).select(
        *END_KEY, "code", "af_dist_km", "proj_km", kind=ibis.literal(1, type="int64"))
    cand = direct.union(projected)
    w = ibis.window(group_by=list(END_KEY),
                    order_by=["kind", ibis.coalesce(cand.proj_km, cand.af_dist_km), "code"])
    return cand.mutate(rank=ibis.row_number().over(w)).filter(_.rank == 0).select(
        *END_KEY, "code", "af_dist_km", "proj_km"
    )


def site_hits(ends: ir.Table, sites: ir.Table, edges: ir.Table, p: AttributeParams) -> ir.Table:
    """Per end: the watched site it is inside of (radius or polygon), if it was on the ground or low there."""
    j = ends.cross_join(sites)
    dist = haversine_km(j.lat, j.lon, j.site_lat, j.site_lon)
    alt = ibis.coalesce(j.alt_low_m, j.alt_m)
    landed = j.end_ground | (alt.notnull() & ((alt - j.site_elev_m) <= p.low_agl_m))
    in_radius = ~j.has_polygon & j.radius_km.notnull() & (dist <= j.radius_km)
    by_radius = j.mutate(site_dist_km=dist).filter(landed & in_radius).select(
        *END_KEY, "site_id", "kind_rank", "site_dist_km"
    )
    # point in polygon: odd number of edge crossings of a ray toward +longitude
    k = ends.cross_join(edges)
    straddles = (k.y1 > k.lat) != (k.y2 > k.lat)
    x_cross = k.x1 + (k.lat - k.y1) * (k.x2 - k.x1) / (k.y2 - k.y1)
    crossings = (
        k.filter(straddles)
        .filter(x_cross > k.lon)
        .group_by(*END_KEY, "site_id")
        .aggregate(crossings=_.count())
        .filter(_.crossings % 2 == 1)
    )
    inside = crossings.join(ends, list(END_KEY)).join(sites, "site_id")
    alt_p = ibis.coalesce(inside.alt_low_m, inside.alt_m)
    landed_p = inside.end_ground | (alt_p.notnull() & ((alt_p - inside.site_elev_m) <= p.low_agl_m))
    by_polygon = inside.filter(landed_p).select(
        *END_KEY, "site_id", "kind_rank",
        site_dist_km=haversine_km(inside.lat, inside.lon, inside.site_lat, inside.site_lon),
    )
    hits = by_radius.union(by_polygon)
    w = ibis.window(group_by=list(END_KEY), order_by=["kind_rank", "site_dist_km", "site_id"])
    return hits.mutate(rank=ibis.row_number().over(w)).filter(_.rank == 0).select(
        *END_KEY, geo_site="site_id", site_dist_km="site_dist_km"
    )


def attribute(ends: ir.Table, airfields: ir.Table, sites: ir.Table, edges: ir.Table,
              p: AttributeParams) -> ir.Table:
    """Per end: site, airport, method, distance_km (to the airport, else to the site's centre)."""
    af = best_airfield(ends, airfields, p)
    hits = site_hits(ends, sites, edges, p)
    by_icao = sites.filter(_.site_icao.notnull()).select(icao_site="site_id", icao_code="site_icao")
    geo = sites.select(geo_site="site_id", geo_icao="site_icao")
    r = ends.left_join(af, list(END_KEY)).left_join(hits, list(END_KEY))
    r = r.left_join(by_icao, r.code == by_icao.icao_code).left_join(geo, "geo_site")
    site = ibis.coalesce(r.geo_site, r.icao_site)
    airport = ibis.coalesce(r.code, r.geo_icao)
    found = site.notnull() | airport.notnull()
    method = ibis.cases(
        (found & r.end_ground, ibis.literal(METHOD_GROUND)),
        (found & r.proj_km.notnull() & r.geo_site.isnull(), ibis.literal(METHOD_PROJECTED)),
        (found, ibis.literal(METHOD_LOW)),
        (r.end_ground, ibis.literal(METHOD_GROUND_UNKNOWN)),
        else_=ibis.literal(METHOD_AIRBORNE),
    )
    return r.select(
        *END_KEY,
        site=site,
        airport=airport,
        method=method,
        distance_km=ibis.ifelse(r.code.notnull(), r.af_dist_km, r.site_dist_km),
        projected_km=ibis.ifelse(r.geo_site.isnull(), r.proj_km, ibis.null("float64")),
    )
