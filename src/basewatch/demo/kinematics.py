"""Vectorised flight kinematics for simulated tracks: taxi, climb, cruise, descent, taxi.

Every function works on whole columns (numpy arrays) for many flights at once, so the same code
simulates a demo month or tens of millions of benchmark points. Spherical Earth, units SI:
metres, seconds, m/s, degrees.

A flight's airborne profile, with V the cruise ground speed and h the cruise height:
climb at a constant rate while the speed grows linearly from lift-off speed to V, cruise at V,
descend at a constant rate while the speed falls linearly to touch-down speed. Flights too short
for the requested cruise height level off lower (the climb and descent then take 80 % of the route).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from basewatch.geo import EARTH_RADIUS_KM

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000.0
LIFTOFF_SPEED_MS = 80.0
TOUCHDOWN_SPEED_MS = 72.0
MAX_CLIMB_DESCENT_SHARE = 0.8
REPORT_INTERVAL_S = 10.0      # mean reporting interval; jitter keeps each interval within 5-15 s
REPORT_JITTER_S = 2.5


@dataclass(frozen=True)
class Profiles:
    """Per-flight airborne profile (arrays of length F)."""

    route_m: F64          # along-route distance from take-off to touch-down
    speed_ms: F64         # cruise ground speed
    height_m: F64         # cruise height above the departure field (after capping)
    climb_ms: F64         # climb rate (positive)
    descent_ms: F64       # descent rate (positive)
    t_climb: F64
    t_cruise: F64
    t_descent: F64

    @property
    def t_air(self) -> F64:
        return self.t_climb + self.t_cruise + self.t_descent


def make_profiles(route_m: F64, speed_ms: F64, height_m: F64, climb_ms: F64, descent_ms: F64) -> Profiles:
    """Phase durations for each flight; caps the cruise height on short routes."""
    metres_per_height = (LIFTOFF_SPEED_MS + speed_ms) / (2 * climb_ms) + (speed_ms + TOUCHDOWN_SPEED_MS) / (
        2 * descent_ms
    )
    height = np.minimum(height_m, MAX_CLIMB_DESCENT_SHARE * route_m / metres_per_height)
    t_climb = height / climb_ms
    t_descent = height / descent_ms
    s_climb = (LIFTOFF_SPEED_MS + speed_ms) / 2 * t_climb
    s_descent = (speed_ms + TOUCHDOWN_SPEED_MS) / 2 * t_descent
    t_cruise = (route_m - s_climb - s_descent) / speed_ms
    return Profiles(route_m, speed_ms, height, climb_ms, descent_ms, t_climb, t_cruise, t_descent)


@dataclass(frozen=True)
class AirState:
    """State of each point in the air: distance flown, height, ground speed, vertical rate."""

    along_m: F64
    height_m: F64
    speed_ms: F64
    vrate_ms: F64


def air_state(p: Profiles, flight: I64, t: F64) -> AirState:
    """State at time t (seconds since take-off, clipped to the airborne interval) of flight[i]."""
    v0, vl = LIFTOFF_SPEED_MS, TOUCHDOWN_SPEED_MS
    big_v = p.speed_ms[flight]
    tc, tcr, td = p.t_climb[flight], p.t_cruise[flight], p.t_descent[flight]
    h = p.height_m[flight]
    t = np.clip(t, 0.0, tc + tcr + td)
    in_climb = t < tc
    in_cruise = ~in_climb & (t < tc + tcr)
    in_descent = ~in_climb & ~in_cruise
    tau_c = np.minimum(t, tc)
    s_climb = v0 * tau_c + (big_v - v0) * tau_c**2 / (2 * tc)
    tau_cr = np.clip(t - tc, 0.0, tcr)
    tau_d = np.clip(t - tc - tcr, 0.0, td)
    s_desc = big_v * tau_d - (big_v - vl) * tau_d**2 / (2 * td)
    along = s_climb + big_v * tau_cr + s_desc
    height = np.where(in_climb, p.climb_ms[flight] * t, np.where(in_cruise, h, h - p.descent_ms[flight] * tau_d))
    speed = np.where(
        in_climb, v0 + (big_v - v0) * t / tc, np.where(in_cruise, big_v, big_v - (big_v - vl) * tau_d / td)
    )
    vrate = np.where(in_climb, p.climb_ms[flight], np.where(in_descent, -p.descent_ms[flight], 0.0))
    return AirState(along, np.maximum(height, 0.0), speed, vrate)


# ---- spherical geometry on columns ----------------------------------------------------------------
def unit_vectors(lat_deg: F64, lon_deg: F64) -> F64:
    """(n, 3) unit vectors of points on the sphere."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def central_angle(a: F64, b: F64) -> F64:
    """Angle in radians between unit vectors (rows of a and b), robust for small angles."""
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    dot = np.einsum("ij,ij->i", a, b)
    return np.asarray(np.arctan2(cross, dot), dtype=np.float64)


def haversine_m(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a))), dtype=np.float64)


@dataclass(frozen=True)
class Routes:
    """Great-circle legs of many routes, concatenated. Route r owns legs first[r] .. first[r+1]-1."""

    first: I64            # (R + 1,) index of each route's first leg; last entry = number of legs
    start: F64            # (L, 3) unit vector of each leg's start
    end: F64              # (L, 3)
    angle: F64            # (L,) central angle of each leg, radians
    offset_m: F64         # (L,) distance from the route's start to the leg's start

    @property
    def length_m(self) -> F64:
        last = self.first[1:] - 1
        return np.asarray(self.offset_m[last] + self.angle[last] * EARTH_RADIUS_M, dtype=np.float64)


def make_routes(lats: list[list[float]], lons: list[list[float]]) -> Routes:
    """Routes given as waypoint lists (at least two points each, consecutive points distinct)."""
    counts = np.array([len(w) - 1 for w in lats], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    lat_all = np.concatenate([np.asarray(w, dtype=np.float64) for w in lats])
    lon_all = np.concatenate([np.asarray(w, dtype=np.float64) for w in lons])
    pts = unit_vectors(lat_all, lon_all)
    # index of each leg's first waypoint in the concatenated waypoint arrays
    wp_first = np.concatenate([[0], np.cumsum(counts + 1)])[:-1]
    leg_route = np.repeat(np.arange(len(counts)), counts)
    leg_start = wp_first[leg_route] + (np.arange(int(first[-1])) - first[leg_route])
    start, end = pts[leg_start], pts[leg_start + 1]
    angle = central_angle(start, end)
    if np.any(angle <= 0):
        raise ValueError("route with two identical consecutive waypoints")
    leg_m = angle * EARTH_RADIUS_M
    cum = np.cumsum(leg_m)
    route_base = np.concatenate([[0.0], cum])[first[:-1]]
    offset = cum - leg_m - route_base[leg_route]
    return Routes(first, start, end, angle, offset)


def direct_routes(lat0: F64, lon0: F64, lat1: F64, lon1: F64) -> Routes:
    """One great-circle leg per route, from (lat0, lon0) to (lat1, lon1) (vectorised make_routes)."""
    start, end = unit_vectors(lat0, lon0), unit_vectors(lat1, lon1)
    angle = central_angle(start, end)
    if np.any(angle <= 0):
        raise ValueError("route with identical start and end")
    n = int(angle.shape[0])
    return Routes(np.arange(n + 1, dtype=np.int64), start, end, angle, np.zeros(n))


def position_on_routes(routes: Routes, route: I64, along_m: F64) -> tuple[F64, F64, F64]:
    """(lat, lon, track) of points at along_m metres along route[i]; track is the true course."""
    n_legs = routes.first[route + 1] - routes.first[route]
    # find the leg: the last leg of the route whose offset <= along (routes have few legs)
    leg = routes.first[route].copy()
    for k in range(1, int(n_legs.max(initial=1))):
        cand = routes.first[route] + k
        ok = (k < n_legs) & (routes.offset_m[np.minimum(cand, len(routes.offset_m) - 1)] <= along_m)
        leg = np.where(ok, cand, leg)
    omega = routes.angle[leg]
    frac = np.clip((along_m - routes.offset_m[leg]) / (omega * EARTH_RADIUS_M), 0.0, 1.0)
    a, b = routes.start[leg], routes.end[leg]
    s = np.sin(omega)
    wa = (np.sin((1 - frac) * omega) / s)[:, None]
    wb = (np.sin(frac * omega) / s)[:, None]
    p = wa * a + wb * b
    tangent = -np.cos((1 - frac) * omega)[:, None] * a + np.cos(frac * omega)[:, None] * b
    lat = np.degrees(np.arcsin(np.clip(p[:, 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(p[:, 1], p[:, 0]))
    lo = np.radians(lon)
    la = np.radians(lat)
    east = -np.sin(lo) * tangent[:, 0] + np.cos(lo) * tangent[:, 1]
    north = (
        -np.sin(la) * np.cos(lo) * tangent[:, 0] - np.sin(la) * np.sin(lo) * tangent[:, 1] + np.cos(la) * tangent[:, 2]
    )
    track = np.degrees(np.arctan2(east, north)) % 360.0
    return lat, lon, np.where(track >= 360.0, 0.0, track)  # -1e-15 % 360 is 360.0


def destination_point(lat: F64, lon: F64, bearing_deg: F64, dist_m: F64) -> tuple[F64, F64]:
    """Point reached from (lat, lon) after dist_m on the initial bearing (small offsets: taxiways)."""
    la, lo, br = np.radians(lat), np.radians(lon), np.radians(bearing_deg)
    d = np.asarray(dist_m) / EARTH_RADIUS_M
    la2 = np.arcsin(np.sin(la) * np.cos(d) + np.cos(la) * np.sin(d) * np.cos(br))
    lo2 = lo + np.arctan2(np.sin(br) * np.sin(d) * np.cos(la), np.cos(d) - np.sin(la) * np.sin(la2))
    return np.degrees(la2), (np.degrees(lo2) + 540.0) % 360.0 - 180.0


def report_times(rng: np.random.Generator, durations_s: F64) -> tuple[I64, F64]:
    """Report instants for flights of the given durations: (flight index, seconds since start).

    Nominal instants every 10 s, each moved by up to +-2.5 s, so that consecutive reports are 5 to
    15 s apart; the first report is at 0 and none is after the end.
    """
    counts = (np.floor(durations_s / REPORT_INTERVAL_S)).astype(np.int64) + 1
    flight = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = np.arange(int(counts.sum()), dtype=np.int64) - starts[flight]
    jitter = rng.uniform(-REPORT_JITTER_S, REPORT_JITTER_S, size=k.shape[0])
    jitter[starts] = 0.0
    t = np.clip(k * REPORT_INTERVAL_S + jitter, 0.0, durations_s[flight])
    return flight, t
