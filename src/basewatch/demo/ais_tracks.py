"""Piecewise ship tracks for the AIS demo: sail along waypoints, dwell at berths, switch AIS off.

A Track is a list of segments (straight in latitude/longitude over short legs, constant speed). The same
track answers where the ship truly is at any time, which the scenario uses both to emit AIS reports and
to derive its ground truth (zone crossings at minute resolution), independently of basewatch's detectors.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from basewatch.geo import haversine_km

KN_KMH = 1.852


@dataclass(frozen=True)
class Segment:
    t0: float  # epoch seconds
    t1: float
    lat0: float
    lon0: float
    lat1: float
    lon1: float
    sog_kn: float
    port: str | None = None  # set on a dwell at a port (site id or WPI name)

    @property
    def moving(self) -> bool:
        return self.lat0 != self.lat1 or self.lon0 != self.lon1


@dataclass
class TrackBuilder:
    """Build a track step by step from a start time and position."""

    t: float
    lat: float
    lon: float
    segments: list[Segment] = field(default_factory=list)
    silences: list[tuple[float, float | None]] = field(default_factory=list)
    quiet: list[tuple[float, float | None]] = field(default_factory=list)  # silences that are not "going dark"

    def sail(self, waypoints: list[tuple[float, float]], kn: float) -> TrackBuilder:
        for lat, lon in waypoints:
            km = haversine_km(self.lat, self.lon, lat, lon)
            if km == 0:
                continue
            dt = km / (kn * KN_KMH) * 3600.0
            self.segments.append(Segment(self.t, self.t + dt, self.lat, self.lon, lat, lon, kn))
            self.t, self.lat, self.lon = self.t + dt, lat, lon
        return self

    def dwell(self, hours: float, port: str | None = None) -> TrackBuilder:
        dt = hours * 3600.0
        self.segments.append(Segment(self.t, self.t + dt, self.lat, self.lon, self.lat, self.lon, 0.0, port))
        self.t += dt
        return self

    def dwell_until(self, t_end: float, port: str | None = None) -> TrackBuilder:
        return self.dwell(max(0.0, t_end - self.t) / 3600.0, port)

    def silence(self, start: float, hours: float | None, *, dark: bool = True) -> TrackBuilder:
        """No reports from `start` for `hours` (None: for good). dark=False: a silence that is not a dark
        period (in port, or a vessel whose reception was never regular)."""
        interval = (start, None if hours is None else start + hours * 3600.0)
        (self.silences if dark else self.quiet).append(interval)
        return self

    def build(self, end: float) -> Track:
        segs = [s for s in self.segments if s.t0 < end]
        if segs and segs[-1].t1 > end:
            last = segs[-1]
            f = (end - last.t0) / (last.t1 - last.t0)
            segs[-1] = Segment(last.t0, end, last.lat0, last.lon0, last.lat0 + f * (last.lat1 - last.lat0),
                               last.lon0 + f * (last.lon1 - last.lon0), last.sog_kn, last.port)
        if segs and segs[-1].t1 < end:  # keep still after the plan ends
            last = segs[-1]
            segs.append(Segment(last.t1, end, last.lat1, last.lon1, last.lat1, last.lon1, 0.0, last.port))
        return Track(tuple(segs), tuple(self.silences), tuple(self.quiet))


@dataclass(frozen=True)
class Track:
    segments: tuple[Segment, ...]
    silences: tuple[tuple[float, float | None], ...] = ()
    quiet: tuple[tuple[float, float | None], ...] = ()

    @property
    def start(self) -> float:
        return self.segments[0].t0

    @property
    def end(self) -> float:
        return self.segments[-1].t1

    def _segment(self, t: float) -> Segment:
        starts = [s.t0 for s in self.segments]
        i = max(0, min(len(self.segments) - 1, bisect.bisect_right(starts, t) - 1))
        return self.segments[i]

    def state(self, t: float) -> tuple[float, float, float, float | None, str | None]:
        """(lat, lon, sog_kn, cog_deg or None, port) at time t."""
        s = self._segment(t)
        f = 0.0 if s.t1 == s.t0 else min(1.0, max(0.0, (t - s.t0) / (s.t1 - s.t0)))
        lat = s.lat0 + f * (s.lat1 - s.lat0)
        lon = s.lon0 + f * (s.lon1 - s.lon0)
        cog = _bearing(s.lat0, s.lon0, s.lat1, s.lon1) if s.moving else None
        return lat, lon, s.sog_kn, cog, s.port

    def silent(self, t: float) -> bool:
        return any(a <= t and (b is None or t < b) for a, b in (*self.silences, *self.quiet))

    def dwells(self) -> list[Segment]:
        """Dwell segments at ports, consecutive ones at the same port merged."""
        out: list[Segment] = []
        for s in self.segments:
            if s.port is None:
                continue
            if out and out[-1].port == s.port and out[-1].t1 == s.t0:
                prev = out[-1]
                out[-1] = Segment(prev.t0, s.t1, prev.lat0, prev.lon0, s.lat1, s.lon1, 0.0, s.port)
            else:
                out.append(s)
        return out


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def zone_visit(
    track: Track, dwell: Segment, lat: float, lon: float, enter_km: float, exit_km: float, step_s: float = 60.0
) -> tuple[float, float | None]:
    """True (arrival, departure) around a dwell: the first time within enter_km in the stay within exit_km
    before it, and the last time within exit_km after it (None when the track ends inside)."""

    def dist(t: float) -> float:
        p = track.state(t)
        return haversine_km(p[0], p[1], lat, lon)

    t = dwell.t0
    arrival = t
    while t - step_s >= track.start and dist(t - step_s) <= exit_km:
        t -= step_s
        if dist(t) <= enter_km:
            arrival = t
    t = dwell.t1
    while t + step_s <= track.end and dist(t + step_s) <= exit_km:
        t += step_s
    departure = None if t + step_s > track.end else t
    return arrival, departure
