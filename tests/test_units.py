"""Unit conversions: exact definitions (1 ft = 0.3048 m, 1 kt = 1852 m / 3600 s), round trips, monotonicity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS, feet_to_metres, fpm_to_ms, knots_to_ms, ms_to_knots

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_known_values() -> None:
    assert feet_to_metres(1.0) == 0.3048
    assert feet_to_metres(32000) == pytest.approx(9753.6)  # FL320
    assert knots_to_ms(3600.0) == pytest.approx(1852.0)  # 3600 kt = 1852 m/s (one nautical mile per second)
    assert knots_to_ms(1.0) == pytest.approx(0.514444, abs=1e-6)
    assert fpm_to_ms(1000.0) == pytest.approx(5.08)  # 1000 ft/min = 304.8 m / 60 s
    assert ms_to_knots(1852 / 3600) == pytest.approx(1.0)
    assert (FT_TO_M, KT_TO_MS, FPM_TO_MS) == (0.3048, 1852 / 3600, 0.3048 / 60)


@given(finite)
def test_knots_round_trip(v: float) -> None:
    assert ms_to_knots(knots_to_ms(v)) == pytest.approx(v, rel=1e-12, abs=1e-9)


@given(finite, finite)
def test_conversions_are_monotonic(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    for f in (feet_to_metres, knots_to_ms, fpm_to_ms, ms_to_knots):
        assert f(lo) <= f(hi)


@given(finite, finite)
def test_conversions_are_linear(a: float, b: float) -> None:
    for f in (feet_to_metres, knots_to_ms, fpm_to_ms):
        assert f(a + b) == pytest.approx(f(a) + f(b), rel=1e-9, abs=1e-6)
        assert math.copysign(1.0, f(a)) == math.copysign(1.0, a) or f(a) == 0.0


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_fpm_is_feet_per_sixty_seconds(v: float) -> None:
    assert fpm_to_ms(v) == pytest.approx(feet_to_metres(v) / 60.0, rel=1e-12, abs=1e-12)
