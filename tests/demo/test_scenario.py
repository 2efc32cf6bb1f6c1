"""The simulated December 2024 scenario: determinism and the facts it is meant to show."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import re

import numpy as np
import pytest

from basewatch.demo.fleet import COVERAGE_GAPS
from basewatch.demo.kinematics import haversine_m
from basewatch.demo.scenario import Scenario, ScenarioConfig, build_scenario, plan_scenario
from basewatch.watchlist.load import default_watchlist

FALL_OF_ASSAD = dt.date(2024, 12, 8)


@pytest.fixture(scope="module")
def month() -> Scenario:
    return build_scenario(ScenarioConfig())


def _day(epoch_s: float) -> dt.date:
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).date()


def test_same_seed_same_scenario_other_seed_other_scenario() -> None:
    cfg = ScenarioConfig(seed=7, start=dt.date(2024, 12, 15), days=2)
    a, b = build_scenario(cfg), build_scenario(cfg)
    assert a.plans == b.plans
    for name in ("flight", "time_s", "lat", "lon", "alt_baro_m", "gs_ms", "on_ground"):
        np.testing.assert_array_equal(getattr(a.points, name), getattr(b.points, name))
    c = build_scenario(ScenarioConfig(seed=8, start=dt.date(2024, 12, 15), days=2))
    assert [p.takeoff_s for p in c.plans] != [p.takeoff_s for p in a.plans]


def test_window_outside_december_or_a_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="December 2024"):
        plan_scenario(ScenarioConfig(start=dt.date(2024, 12, 30), days=5))
    with pytest.raises(ValueError, match="seed"):
        plan_scenario(ScenarioConfig(seed=-1))


def test_sorties_to_libya_start_after_the_fall_and_rise_to_several_a_day(month: Scenario) -> None:
    per_day = collections.Counter(
        _day(p.takeoff_s) for p in month.plans if p.origin.icao == "OSLK" and p.destination.icao in ("HL59", "HLLB")
    )
    assert min(per_day) > FALL_OF_ASSAD
    from_mid = [per_day.get(dt.date(2024, 12, d), 0) for d in range(16, 32)]
    assert sum(from_mid) / len(from_mid) >= 4.0
    before = [per_day.get(dt.date(2024, 12, d), 0) for d in range(1, 12)]
    assert sum(before) <= 5


def test_story_legs_exist(month: Scenario) -> None:
    pairs = collections.Counter((p.origin.icao, p.destination.icao) for p in month.plans if p.airframe.military)
    for pair in [("OSLK", "HL59"), ("HL59", "OSLK"), ("OSLK", "HLLB"), ("HL59", "GABS"), ("OSLK", "UUMU"),
                 ("OSLK", "XWSG"), ("UUMU", "OSLK")]:
        assert pairs[pair] > 0, pair
    civil = {p.airframe.icao24 for p in month.plans if not p.airframe.military}
    assert len(civil) >= 5
    assert sum(p.spoofed for p in month.plans) == 1


def test_each_aircraft_leaves_from_where_it_landed_and_never_overlaps(month: Scenario) -> None:
    by_ac: dict[str, list] = collections.defaultdict(list)
    for p in month.plans:
        by_ac[p.airframe.icao24].append(p)
    for legs in by_ac.values():
        legs.sort(key=lambda p: p.takeoff_s)
        for a, b in itertools.pairwise(legs):
            assert a.destination.icao == b.origin.icao
            assert a.landing_s + a.taxi_in_s < b.takeoff_s - b.taxi_out_s


def test_identities_are_russian_state_aircraft(month: Scenario) -> None:
    watch = default_watchlist()
    known = {a.icao24: a for actor in watch.actors for a in actor.aircraft}
    for p in month.plans:
        ac = p.airframe
        if not ac.military:
            continue
        assert 0x100000 <= int(ac.icao24, 16) <= 0x1FFFFF
        assert re.fullmatch(r"RFF\d{4}", p.callsign)
        assert ac.registration.startswith("RA-")
        if ac.typecode == "A124":
            assert known[ac.icao24].registration == ac.registration


def test_reports_every_5_to_15_s_except_across_hidden_stretches(month: Scenario) -> None:
    pts = month.points
    same = np.diff(pts.flight) == 0
    gaps = np.diff(pts.time_s)[same]
    assert gaps.min() >= 5.0
    assert np.median(gaps) == pytest.approx(10.0, abs=0.5)
    assert np.mean(gaps <= 15.0) > 0.99  # the rest: coverage gaps


def test_profiles_climb_cruise_descend(month: Scenario) -> None:
    pts = month.points
    air = ~pts.on_ground
    assert np.nanmax(pts.alt_baro_m) <= 38000 * 0.3048 + 1300  # FL380 over the highest field
    assert np.nanmax(pts.vrate_ms) <= 12.0 and np.nanmin(pts.vrate_ms) >= -10.0
    assert pts.gs_ms[air].max() <= 240.0
    assert np.all(np.isnan(pts.alt_baro_m[pts.on_ground]))
    # the busiest route's cruise lies between FL300 and FL340 for An-124 / Il-76
    mil = np.array([p.airframe.typecode in ("A124", "IL76") for p in month.plans])[pts.flight]
    cruise = air & mil & (pts.vrate_ms == 0.0)
    assert np.nanmin(pts.alt_baro_m[cruise]) > 30000 * 0.3048 - 300
    assert np.nanmax(pts.alt_baro_m[cruise]) < 34000 * 0.3048 + 300


def test_ground_reports_before_take_off_and_after_landing(month: Scenario) -> None:
    pts = month.points
    for i, p in enumerate(month.plans):
        mine = pts.flight == i
        if not p.hide_origin:
            first = np.flatnonzero(mine)[0]
            assert pts.on_ground[first]
            assert haversine_m(pts.lat[first:first + 1], pts.lon[first:first + 1],
                               np.array([p.origin.lat]), np.array([p.origin.lon]))[0] < 2000
        if not p.hide_destination:
            last = np.flatnonzero(mine)[-1]
            assert pts.on_ground[last]


def test_no_report_inside_coverage_gaps(month: Scenario) -> None:
    pts = month.points
    for lat0, lat1, lon0, lon1 in COVERAGE_GAPS.values():
        inside = (pts.lat >= lat0) & (pts.lat <= lat1) & (pts.lon >= lon0) & (pts.lon <= lon1)
        assert not inside.any()


def test_spoofed_track_jumps(month: Scenario) -> None:
    pts = month.points
    i = next(i for i, p in enumerate(month.plans) if p.spoofed)
    mine = np.flatnonzero(pts.flight == i)
    step = haversine_m(pts.lat[mine[:-1]], pts.lon[mine[:-1]], pts.lat[mine[1:]], pts.lon[mine[1:]])
    dt_s = np.diff(pts.time_s[mine])
    assert np.sum(step / dt_s > 1000.0) >= 4   # faster than 1 km/s: positions jumping
    ok = next(i for i, p in enumerate(month.plans) if not p.spoofed and not p.airframe.military)
    mine = np.flatnonzero(pts.flight == ok)
    step = haversine_m(pts.lat[mine[:-1]], pts.lon[mine[:-1]], pts.lat[mine[1:]], pts.lon[mine[1:]])
    assert np.max(step / np.diff(pts.time_s[mine])) < 300.0
