"""Turn planned flights (one row each, columnar) into report points (one row each, columnar).

Each flight: taxi from a parking spot to the field's reference point (on ground), take-off,
great-circle route through its waypoints with the climb/cruise/descent profile of kinematics.py,
touch-down at the destination's reference point, taxi to a parking spot (on ground).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from basewatch.demo.kinematics import (
    F64,
    I64,
    Routes,
    air_state,
    destination_point,
    make_profiles,
    position_on_routes,
    report_times,
)

B = NDArray[np.bool_]


@dataclass(frozen=True)
class FlightBatch:
    """Flights to simulate (arrays of length F, routes with F routes)."""

    routes: Routes
    takeoff_s: F64          # lift-off instant, epoch seconds
    taxi_out_s: F64         # time on ground before lift-off
    taxi_in_s: F64          # time on ground after touch-down
    speed_ms: F64
    height_m: F64           # requested cruise height above the departure field
    climb_ms: F64
    descent_ms: F64
    origin_elev_m: F64
    dest_elev_m: F64
    park_out_bearing: F64   # parking spot before departure, bearing and distance from the field
    park_out_m: F64
    park_in_bearing: F64
    park_in_m: F64
    geo_offset_m: F64       # geometric minus barometric altitude

    @property
    def size(self) -> int:
        return int(self.takeoff_s.shape[0])


@dataclass(frozen=True)
class PointColumns:
    """Simulated reports; NaN where a field is not reported (altitudes on ground)."""

    flight: I64
    time_s: F64
    t_rel: F64              # seconds since lift-off (negative before)
    along_m: F64            # distance flown along the route
    lat: F64
    lon: F64
    alt_baro_m: F64
    alt_geom_m: F64
    gs_ms: F64
    track_deg: F64
    vrate_ms: F64
    on_ground: B

    def take(self, mask_or_index: NDArray[np.bool_] | I64) -> PointColumns:
        return PointColumns(**{k: getattr(self, k)[mask_or_index] for k in self.__dataclass_fields__})

    @property
    def size(self) -> int:
        return int(self.flight.shape[0])


def airborne_seconds(batch: FlightBatch) -> F64:
    p = make_profiles(batch.routes.length_m, batch.speed_ms, batch.height_m, batch.climb_ms, batch.descent_ms)
    return p.t_air


def simulate(batch: FlightBatch, rng: np.random.Generator) -> PointColumns:
    """All report points of all flights, ordered by flight then time."""
    route_m = batch.routes.length_m
    prof = make_profiles(route_m, batch.speed_ms, batch.height_m, batch.climb_ms, batch.descent_ms)
    t_air = prof.t_air
    flight, t = report_times(rng, batch.taxi_out_s + t_air + batch.taxi_in_s)
    t_rel = t - batch.taxi_out_s[flight]
    air = air_state(prof, flight, t_rel)
    lat, lon, track = position_on_routes(batch.routes, flight, air.along_m)

    before = t_rel <= 0.0
    after = t_rel >= t_air[flight]
    on_ground = before | after
    # taxi out: from the parking spot to the field's reference point (the route's first waypoint)
    share_out = np.clip(-t_rel / np.maximum(batch.taxi_out_s[flight], 1.0), 0.0, 1.0)
    share_in = np.clip((t_rel - t_air[flight]) / np.maximum(batch.taxi_in_s[flight], 1.0), 0.0, 1.0)
    g_bearing = np.where(before, batch.park_out_bearing[flight], batch.park_in_bearing[flight])
    g_dist = np.where(before, batch.park_out_m[flight] * share_out, batch.park_in_m[flight] * share_in)
    g_lat, g_lon = destination_point(lat, lon, g_bearing, g_dist)
    g_speed = np.where(
        before,
        batch.park_out_m[flight] / np.maximum(batch.taxi_out_s[flight], 1.0),
        batch.park_in_m[flight] / np.maximum(batch.taxi_in_s[flight], 1.0),
    )
    g_track = np.where(before, (g_bearing + 180.0) % 360.0, g_bearing)

    share = np.clip(air.along_m / route_m[flight], 0.0, 1.0)
    field_elev = batch.origin_elev_m[flight] + (batch.dest_elev_m[flight] - batch.origin_elev_m[flight]) * share
    alt = field_elev + air.height_m
    nan = np.full(flight.shape[0], np.nan)
    return PointColumns(
        flight=flight,
        time_s=batch.takeoff_s[flight] + t_rel,
        t_rel=t_rel,
        along_m=np.where(before, 0.0, air.along_m),
        lat=np.where(on_ground, g_lat, lat),
        lon=np.where(on_ground, g_lon, lon),
        alt_baro_m=np.where(on_ground, nan, alt),
        alt_geom_m=np.where(on_ground, nan, alt + batch.geo_offset_m[flight]),
        gs_ms=np.where(on_ground, g_speed, air.speed_ms),
        track_deg=np.where(on_ground, g_track, track),
        vrate_ms=np.where(on_ground, nan, air.vrate_ms),
        on_ground=on_ground,
    )


def random_batch_params(rng: np.random.Generator, n: int) -> dict[str, F64]:
    """Taxi times and parking spots drawn for n flights (shared by the scenario and bulk points)."""
    return {
        "taxi_out_s": rng.uniform(300.0, 900.0, n),
        "taxi_in_s": rng.uniform(180.0, 600.0, n),
        "park_out_bearing": rng.uniform(0.0, 360.0, n),
        "park_out_m": rng.uniform(300.0, 1500.0, n),
        "park_in_bearing": rng.uniform(0.0, 360.0, n),
        "park_in_m": rng.uniform(300.0, 1500.0, n),
        "geo_offset_m": rng.uniform(-60.0, 180.0, n),
    }
