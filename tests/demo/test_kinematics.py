"""Flight kinematics against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from basewatch.demo.kinematics import (
    air_state,
    direct_routes,
    haversine_m,
    make_profiles,
    make_routes,
    position_on_routes,
    report_times,
)

R_M = 6371008.8  # mean Earth radius used by basewatch.geo


def _one(x: float) -> np.ndarray:
    return np.array([x])


def test_profile_phases_hand_computed() -> None:
    # 1000 km, V = 200 m/s, h = 10 km, climb 10 m/s, descent 8 m/s; lift-off 80 m/s, touch-down 72 m/s.
    p = make_profiles(_one(1_000_000.0), _one(200.0), _one(10_000.0), _one(10.0), _one(8.0))
    assert p.t_climb[0] == pytest.approx(1000.0)
    assert p.t_descent[0] == pytest.approx(1250.0)
    # climb covers (80 + 200) / 2 * 1000 s = 140 km; descent (200 + 72) / 2 * 1250 s = 170 km; cruise 690 km
    assert p.t_cruise[0] == pytest.approx(690_000.0 / 200.0)
    s = air_state(p, np.array([0, 0, 0, 0]), np.array([0.0, 1000.0, 1000.0 + 3450.0, 1000.0 + 3450.0 + 1250.0]))
    assert s.along_m == pytest.approx([0.0, 140_000.0, 830_000.0, 1_000_000.0])
    assert s.height_m == pytest.approx([0.0, 10_000.0, 10_000.0, 0.0])
    assert s.speed_ms == pytest.approx([80.0, 200.0, 200.0, 72.0])


def test_short_route_levels_off_lower() -> None:
    # 100 km cannot reach 10 km: climb + descent take 80 km; height per metre of route =
    # (80+200)/(2*10) + (200+72)/(2*8) = 14 + 17 = 31 m of route per m of height -> 80 km / 31
    p = make_profiles(_one(100_000.0), _one(200.0), _one(10_000.0), _one(10.0), _one(8.0))
    assert p.height_m[0] == pytest.approx(80_000.0 / 31.0)
    assert p.t_cruise[0] > 0


def test_positions_on_the_equator_and_a_meridian() -> None:
    routes = direct_routes(np.array([0.0, 10.0]), np.array([0.0, 20.0]), np.array([0.0, 20.0]), np.array([10.0, 20.0]))
    ten_deg = math.radians(10.0) * R_M
    assert routes.length_m == pytest.approx([ten_deg, ten_deg])
    lat, lon, track = position_on_routes(routes, np.array([0, 0, 1]), np.array([0.0, ten_deg / 2, ten_deg / 2]))
    assert lat == pytest.approx([0.0, 0.0, 15.0], abs=1e-9)
    assert lon == pytest.approx([0.0, 5.0, 20.0], abs=1e-9)
    assert track == pytest.approx([90.0, 90.0, 0.0], abs=1e-6)


def test_multi_leg_route_passes_its_waypoints() -> None:
    routes = make_routes([[0.0, 0.0, 10.0]], [[0.0, 10.0, 10.0]])
    ten_deg = math.radians(10.0) * R_M
    assert routes.length_m[0] == pytest.approx(2 * ten_deg)
    lat, lon, track = position_on_routes(routes, np.array([0, 0]), np.array([ten_deg, 1.5 * ten_deg]))
    assert (lat[0], lon[0]) == pytest.approx((0.0, 10.0), abs=1e-9)
    assert (lat[1], lon[1]) == pytest.approx((5.0, 10.0), abs=1e-9)
    assert track[1] == pytest.approx(0.0, abs=1e-6)


def test_haversine_one_degree_of_latitude() -> None:
    d = haversine_m(np.array([10.0]), np.array([30.0]), np.array([11.0]), np.array([30.0]))
    assert d[0] == pytest.approx(math.pi / 180.0 * R_M)


def test_report_intervals_between_5_and_15_seconds() -> None:
    flight, t = report_times(np.random.default_rng(1), np.array([600.0, 3600.0, 95.0]))
    for f, dur in enumerate((600.0, 3600.0, 95.0)):
        tf = t[flight == f]
        assert tf[0] == 0.0 and tf[-1] <= dur
        gaps = np.diff(tf)
        assert gaps.min() >= 5.0 and gaps.max() <= 15.0
        assert len(tf) == int(dur // 10) + 1


@settings(max_examples=200, deadline=None)
@given(
    lat0=st.floats(-70, 70), lon0=st.floats(-179, 179), lat1=st.floats(-70, 70), lon1=st.floats(-179, 179),
    share=st.floats(0.0, 1.0),
)
def test_points_on_a_leg_lie_on_the_great_circle(lat0: float, lon0: float, lat1: float, lon1: float,
                                                  share: float) -> None:
    a, b = np.array([lat0]), np.array([lon0])
    c, d = np.array([lat1]), np.array([lon1])
    length = haversine_m(a, b, c, d)[0]
    assume(1_000.0 < length < 19_000_000.0)
    routes = direct_routes(a, b, c, d)
    lat, lon, _ = position_on_routes(routes, np.array([0]), np.array([share * length]))
    # distances by the haversine formula (independent of the slerp used to place the point)
    to_start = haversine_m(a, b, lat, lon)[0]
    to_end = haversine_m(lat, lon, c, d)[0]
    assert to_start == pytest.approx(share * length, abs=1.0)
    assert to_end == pytest.approx((1 - share) * length, abs=1.0)


@settings(max_examples=100, deadline=None)
@given(durations=st.lists(st.floats(0.0, 20_000.0), min_size=1, max_size=5), seed=st.integers(0, 2**32 - 1))
def test_report_times_property(durations: list[float], seed: int) -> None:
    dur = np.array(durations)
    flight, t = report_times(np.random.default_rng(seed), dur)
    for f, d in enumerate(durations):
        tf = t[flight == f]
        assert tf[0] == 0.0 and tf[-1] <= d
        assert np.all(np.diff(tf) >= 5.0) and np.all(np.diff(tf) <= 15.0)
