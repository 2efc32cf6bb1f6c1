"""The simulated December 2024 scenario: Russia's air bridge from Khmeimim to eastern Libya.

Grounded on the brief's founding case (sections 1 and 4): An-124 / Il-76 / Il-62 flights from
Khmeimim to al-Khadim and Benina, rising to several a day from mid-December after Assad's fall
(8 December), onward legs from al-Khadim to Bamako, returns, flights to and from Russia (via Iraq,
Iran and the Caspian, avoiding Turkey), airliners over the eastern Mediterranean, receiver
coverage gaps over Syria and Libya, one GPS-spoofed airliner. Everything here is simulated.

plan_scenario() draws the flights (a few hundred plans, per-aircraft continuity: each leg leaves
from where the last one landed); build_scenario() simulates their report points (vectorised),
removes what the receivers would not see and applies the spoofing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from basewatch.demo.fleet import (
    A124,
    AIRFIELDS,
    AIRLINES,
    COVERAGE_GAPS,
    FT,
    IL62,
    IL76,
    RUSSIA_VIA,
    Airfield,
    Airframe,
)
from basewatch.demo.kinematics import F64, haversine_m, make_profiles, make_routes
from basewatch.demo.simulate import FlightBatch, PointColumns, random_batch_params, simulate

MONTH_START = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
MONTH_DAYS = 31
DEFAULT_SEED = 20241208
HOUR = 3600.0
DAY = 86400.0
HIDE_KM = 160.0              # a hidden origin/destination: no report within this distance along the route
HIDE_SHARE = 0.07            # share of flights whose origin (and, independently, destination) is not seen
SPOOF_RADIUS_KM = 300.0
SPOOF_MIN_ALT_M = 6000.0
SPOOF_TARGET = "OLBA"        # spoofed positions jump to this airport (a classic in the region)


@dataclass(frozen=True)
class ScenarioConfig:
    seed: int = DEFAULT_SEED
    start: dt.date = dt.date(2024, 12, 1)
    days: int = MONTH_DAYS

    def window(self) -> tuple[float, float]:
        """[start, end) of the window in epoch seconds; ValueError outside December 2024 or for a negative seed."""
        first = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)
        last = first + dt.timedelta(days=self.days)
        if self.days < 1 or first < MONTH_START or last > MONTH_START + dt.timedelta(days=MONTH_DAYS):
            raise ValueError("the simulated window must lie within December 2024 (1 to 31 days)")
        if self.seed < 0:
            raise ValueError(f"the seed must be a non-negative integer, got {self.seed}")
        return first.timestamp(), last.timestamp()


@dataclass(frozen=True)
class FlightPlan:
    flight_id: int
    airframe: Airframe
    callsign: str
    squawk: str
    origin: Airfield
    destination: Airfield
    via: tuple[tuple[float, float], ...]
    takeoff_s: float
    landing_s: float
    taxi_out_s: float
    taxi_in_s: float
    speed_ms: float
    height_m: float
    climb_ms: float
    descent_ms: float
    hide_origin: bool = False
    hide_destination: bool = False
    spoofed: bool = False


class _Planner:
    """Accumulates flight plans; each call to leg() returns the landing instant."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.plans: list[FlightPlan] = []

    def leg(
        self, ac: Airframe, origin: str, dest: str, takeoff_s: float, via: tuple[tuple[float, float], ...] = ()
    ) -> float:
        r = self.rng
        o, d = AIRFIELDS[origin], AIRFIELDS[dest]
        if ac.callsign:
            number = 300 + 2 * (sum(map(ord, o.icao + d.icao)) % 300) + (1 if o.icao < d.icao else 0)
            callsign = f"{ac.callsign}{number}"
        else:
            callsign = f"RFF{int(r.integers(1000, 9999))}"
        speed = float(r.uniform(*ac.speed_ms))
        cruise_ft = float(np.round(r.uniform(*ac.cruise_ft) / 1000.0) * 1000.0)
        plan = FlightPlan(
            flight_id=len(self.plans) + 1,
            airframe=ac,
            callsign=callsign,
            squawk="".join(str(x) for x in r.integers(0, 8, 4)),
            origin=o,
            destination=d,
            via=via,
            takeoff_s=takeoff_s,
            landing_s=takeoff_s,
            taxi_out_s=float(r.uniform(300.0, 900.0)),
            taxi_in_s=float(r.uniform(180.0, 600.0)),
            speed_ms=speed,
            height_m=cruise_ft * FT - o.elevation_m,
            climb_ms=float(r.uniform(8.0, 12.0)),
            descent_ms=float(r.uniform(7.0, 10.0)),
            hide_origin=bool(r.random() < HIDE_SHARE),
            hide_destination=bool(r.random() < HIDE_SHARE),
        )
        landing = takeoff_s + _airborne_s(plan)
        self.plans.append(replace(plan, landing_s=landing))
        return landing

    def hours(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi)) * HOUR


def _day(d: int) -> float:
    """Epoch seconds of 00:00 UTC on December d, 2024."""
    return MONTH_START.timestamp() + (d - 1) * DAY


def _airborne_s(plan: FlightPlan) -> float:
    lats, lons = _waypoints(plan)
    prof = make_profiles(
        make_routes([lats], [lons]).length_m,
        np.array([plan.speed_ms]),
        np.array([plan.height_m]),
        np.array([plan.climb_ms]),
        np.array([plan.descent_ms]),
    )
    return float(prof.t_air[0])


def _waypoints(plan: FlightPlan) -> tuple[list[float], list[float]]:
    lats = [plan.origin.lat, *(w[0] for w in plan.via), plan.destination.lat]
    lons = [plan.origin.lon, *(w[1] for w in plan.via), plan.destination.lon]
    return lats, lons


def _russia_leg(p: _Planner, ac: Airframe, home: str, t: float, to_syria: bool) -> float:
    """A leg between Khmeimim and a Russian base; RUSSIA_VIA is listed from Syria towards Russia."""
    if to_syria:
        return p.leg(ac, home, "OSLK", t, tuple(reversed(RUSSIA_VIA)))
    return p.leg(ac, "OSLK", home, t, RUSSIA_VIA)


def _syrian_express(p: _Planner, ac: Airframe, home: str, first_day: float, until: float) -> None:
    """Routine supply before the fall: home -> Khmeimim, turnaround, back home, every 2.5-4 days."""
    t = _day(1) + (first_day - 1) * DAY + p.hours(3, 10)
    while t < until:
        landed = _russia_leg(p, ac, home, t, to_syria=True)
        back = _russia_leg(p, ac, home, landed + p.hours(4, 9), to_syria=False)
        t = back + p.hours(2.5 * 24, 4 * 24)


def _air_bridge(p: _Planner, ac: Airframe, home: str, join: float, leave: float) -> None:
    """Arrive at Khmeimim, shuttle to Libya (with a few onward legs to Bamako), maybe fly home."""
    end = _day(MONTH_DAYS) + DAY - 6 * HOUR
    at = _russia_leg(p, ac, home, join, to_syria=True)
    t = at + p.hours(3, 12)
    while t < min(leave, end):
        dest = "HL59" if p.rng.random() < 0.7 else "HLLB"
        t = p.leg(ac, "OSLK", dest, t) + p.hours(2, 5)
        if dest == "HL59" and t > _day(18) and p.rng.random() < 0.12:
            t = p.leg(ac, "HL59", "GABS", t) + p.hours(6, 16)
            t = p.leg(ac, "GABS", "HL59", t) + p.hours(2, 4)
        t = p.leg(ac, dest, "OSLK", t) + p.hours(12, 30)
    if leave < end:
        _russia_leg(p, ac, home, max(t, leave), to_syria=False)


def _vip(p: _Planner) -> None:
    """An Il-62 of the 223rd Flight Unit: a delegation to Khmeimim and Benghazi, then home."""
    t = p.leg(IL62, "UUMU", "OSLK", _day(10) + p.hours(5, 8), tuple(reversed(RUSSIA_VIA)))
    t = p.leg(IL62, "OSLK", "HLLB", t + p.hours(18, 22))
    t = p.leg(IL62, "HLLB", "OSLK", t + p.hours(20, 26))
    _russia_leg(p, IL62, "UUMU", t + p.hours(5, 9), to_syria=False)


def _military(p: _Planner) -> None:
    never = _day(MONTH_DAYS) + 2 * DAY
    _syrian_express(p, IL76[0], "XWSG", 1, _day(9))
    _syrian_express(p, IL76[1], "XWSG", 2, _day(10))
    _syrian_express(p, IL76[7], "UUMU", 1, _day(MONTH_DAYS))
    bridge = (
        (IL76[0], "XWSG", 11, never),
        (IL76[1], "XWSG", 12, never),
        (A124[0], "UUMU", 12, _day(28)),
        (IL76[2], "XWSG", 13, never),
        (A124[1], "UUMU", 14, never),
        (IL76[3], "UUMU", 15, never),
        (IL76[4], "XWSG", 16, _day(27)),
        (A124[2], "UUMU", 17, _day(30)),
        (IL76[5], "UUMU", 18, never),
        (IL76[6], "XWSG", 22, never),
    )
    for ac, home, join_day, leave in bridge:
        _air_bridge(p, ac, home, _day(join_day) + p.hours(1, 12), leave + p.hours(6, 14))
    _vip(p)


def _civil(p: _Planner) -> None:
    """Airliners: out-and-back rotations from their base, 05:00-21:00 UTC, every day."""
    for airline in AIRLINES:
        for d in range(1, MONTH_DAYS + 1):
            t = _day(d) + p.hours(5, 8)
            while t < _day(d) + 12 * HOUR:
                dest = airline.destinations[int(p.rng.integers(len(airline.destinations)))]
                t = p.leg(airline.airframe, airline.base, dest, t) + p.hours(0.8, 1.5)
                t = p.leg(airline.airframe, dest, airline.base, t) + p.hours(0.8, 2.5)


def _route_min_km(plan: FlightPlan, lat: float, lon: float) -> float:
    """Smallest distance (km) from (lat, lon) to the straight-line route, sampled every ~10 km."""
    o, d = plan.origin, plan.destination
    n = 200
    lats = np.linspace(o.lat, d.lat, n)
    lons = np.linspace(o.lon, d.lon, n)
    return float(haversine_m(lats, lons, np.full(n, lat), np.full(n, lon)).min() / 1000.0)


def _choose_spoofed(plans: list[FlightPlan], day_start: float) -> list[FlightPlan]:
    """Mark one airliner flight passing near Beirut (not to or from it) on the given day as spoofed."""
    target = AIRFIELDS[SPOOF_TARGET]
    for i, p in enumerate(plans):
        if p.airframe.military or p.takeoff_s < day_start + 6 * HOUR:
            continue
        if SPOOF_TARGET in (p.origin.icao, p.destination.icao):
            continue
        if p.via or _route_min_km(p, target.lat, target.lon) > 250.0:
            continue
        out = list(plans)
        out[i] = replace(p, spoofed=True, hide_origin=False, hide_destination=False)
        return out
    return plans


def plan_scenario(config: ScenarioConfig) -> list[FlightPlan]:
    """Every flight of the scenario within the config's window (seeded: same config, same plans)."""
    lo, hi = config.window()
    planner = _Planner(np.random.default_rng([config.seed, 1]))
    _military(planner)
    _civil(planner)
    plans = [
        p for p in planner.plans if p.takeoff_s - p.taxi_out_s >= lo and p.landing_s + p.taxi_in_s < hi
    ]
    plans.sort(key=lambda p: (p.takeoff_s - p.taxi_out_s, p.airframe.icao24))
    plans = [replace(p, flight_id=i + 1) for i, p in enumerate(plans)]
    return _choose_spoofed(plans, lo + (config.days // 2) * DAY)


def _batch(plans: list[FlightPlan], rng: np.random.Generator) -> FlightBatch:
    waypoints = [_waypoints(p) for p in plans]

    def col(name: str) -> F64:
        return np.array([getattr(p, name) for p in plans], dtype=np.float64)

    extra = random_batch_params(rng, len(plans))
    extra["taxi_out_s"] = col("taxi_out_s")
    extra["taxi_in_s"] = col("taxi_in_s")
    return FlightBatch(
        routes=make_routes([w[0] for w in waypoints], [w[1] for w in waypoints]),
        takeoff_s=col("takeoff_s"),
        speed_ms=col("speed_ms"),
        height_m=col("height_m"),
        climb_ms=col("climb_ms"),
        descent_ms=col("descent_ms"),
        origin_elev_m=np.array([p.origin.elevation_m for p in plans]),
        dest_elev_m=np.array([p.destination.elevation_m for p in plans]),
        **extra,
    )


@dataclass(frozen=True)
class Scenario:
    config: ScenarioConfig
    plans: list[FlightPlan]
    points: PointColumns      # what the receivers saw: gaps removed, spoofing applied; flight = plan index


def _visible(plans: list[FlightPlan], pts: PointColumns, route_m: F64) -> np.ndarray:
    keep = np.ones(pts.size, dtype=bool)
    for lat0, lat1, lon0, lon1 in COVERAGE_GAPS.values():
        keep &= ~((pts.lat >= lat0) & (pts.lat <= lat1) & (pts.lon >= lon0) & (pts.lon <= lon1))
    hide_o = np.array([p.hide_origin for p in plans])[pts.flight]
    hide_d = np.array([p.hide_destination for p in plans])[pts.flight]
    near_o = (pts.t_rel <= 0) | (pts.along_m < HIDE_KM * 1000.0)
    near_d = pts.along_m > route_m[pts.flight] - HIDE_KM * 1000.0
    keep &= ~(hide_o & near_o) & ~(hide_d & near_d)
    return keep


def _spoof(plans: list[FlightPlan], pts: PointColumns, rng: np.random.Generator) -> PointColumns:
    """Spoofed flight: near Beirut at altitude, blocks of reports jump onto Beirut airport."""
    target = AIRFIELDS[SPOOF_TARGET]
    spoofed = np.array([p.spoofed for p in plans])[pts.flight]
    near = haversine_m(pts.lat, pts.lon, np.full(pts.size, target.lat), np.full(pts.size, target.lon)) < (
        SPOOF_RADIUS_KM * 1000.0
    )
    idx = np.flatnonzero(spoofed & near & (np.nan_to_num(pts.alt_baro_m) > SPOOF_MIN_ALT_M))
    jump = idx[(np.arange(idx.size) // 6) % 2 == 1]
    lat, lon = pts.lat.copy(), pts.lon.copy()
    lat[jump] = target.lat + rng.normal(0.0, 0.004, jump.size)
    lon[jump] = target.lon + rng.normal(0.0, 0.004, jump.size)
    return replace(pts, lat=lat, lon=lon)


def build_scenario(config: ScenarioConfig | None = None) -> Scenario:
    """Plans and the report points the receivers got (ordered by flight, then time)."""
    config = config or ScenarioConfig()
    plans = plan_scenario(config)
    rng = np.random.default_rng([config.seed, 2])
    batch = _batch(plans, rng)
    pts = simulate(batch, rng)
    pts = _spoof(plans, pts, rng)
    pts = pts.take(_visible(plans, pts, batch.routes.length_m))
    return Scenario(config, plans, pts)
