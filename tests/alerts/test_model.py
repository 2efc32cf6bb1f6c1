"""The baseline's tail values, windows and short-history rules against hand-computed cases and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from basewatch.alerts import model
from basewatch.alerts.params import AlertParams


def _arr(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)


def test_poisson_mid_p_by_hand() -> None:
    # X ~ Poisson(2), x = 5: P(X >= 5) = 1 - e^-2 (1 + 2 + 2 + 4/3 + 2/3) = 1 - 7 e^-2; P(X = 5) = e^-2 32/120
    at_least = 1 - 7 * math.exp(-2)
    at = math.exp(-2) * 32 / 120
    mid = (at_least - at) + at / 2
    up, down = model.tail_values(_arr(5), _arr(2), _arr(0), _arr(0), _arr(0))
    assert up[0] == pytest.approx(mid, rel=1e-9)
    assert down[0] == pytest.approx(1 - mid, rel=1e-9)


def test_negative_binomial_mid_p_by_hand() -> None:
    # Var = mu + 0.5 mu^2, mu = 2: size k = 2, p = k / (k + mu) = 1/2. P(0) = p^k = 1/4,
    # P(1) = k p^k (1 - p) = 1/4, so at x = 1: P(X < 1) + P(X = 1)/2 = 1/4 + 1/8
    up, down = model.tail_values(_arr(1), _arr(2), _arr(0.5), _arr(0), _arr(0))
    assert down[0] == pytest.approx(0.375, rel=1e-9)
    assert up[0] == pytest.approx(0.625, rel=1e-9)
    assert model.p_zero(_arr(2), _arr(0.5), _arr(0), _arr(0))[0] == pytest.approx(0.25, rel=1e-9)


def test_level_mixture_matches_numerical_integration() -> None:
    # the quadrature against scipy's adaptive integration of the same lognormal mixture of NB laws
    mean, phi, relvar, shift, k = 3.0, 0.2, 0.1, 0.02, 6
    s2 = math.log1p(relvar)

    def integrand(e: float) -> float:
        lam = mean * math.exp(math.sqrt(s2) * e - s2 / 2 + shift)
        size = 1 / phi
        return float(stats.nbinom.cdf(k, size, size / (size + lam)) * stats.norm.pdf(e))

    want = integrate.quad(integrand, -12, 12, epsabs=1e-12)[0]
    got = model.mixture_cdf(_arr(k), _arr(mean), _arr(phi), _arr(relvar), _arr(shift))[0]
    assert got == pytest.approx(want, abs=2e-5)


def test_sigma_is_the_normal_quantile_of_the_tail() -> None:
    # 1 - Phi(3) = 0.0013499 (tables)
    s = model.sigma(_arr(0.0013499, 0.9), _arr(0.9986501, 0.0013499))
    assert s[0] == pytest.approx(3.0, abs=1e-4)
    assert s[1] == pytest.approx(-3.0, abs=1e-4)


def test_window_and_weekday_sums_by_hand() -> None:
    p = AlertParams(window_days=14, guard_days=2, min_history_days=3, weekday_min_days=14)
    x = np.arange(1.0, 31.0)[None, :]  # day t holds t + 1
    valid = np.ones_like(x)
    w, _ = model.dispersion(x, valid, p)
    t = 20  # window: days 4 .. 17 (t-16 .. t-3), holding 5 .. 18
    assert w.n[0, t] == 14
    assert w.s1[0, t] == sum(range(5, 19))
    assert w.s2[0, t] == sum(v * v for v in range(5, 19))
    # same weekday as day 20 inside the window: days 13 and 6 (holding 14 and 7)
    assert w.cls_s[0][0, t] == 14 + 7
    assert w.cls_n[0][0, t] == 2
    # class 3 (days 17, 10): 18 + 11
    assert w.cls_s[3][0, t] == 18 + 11
    # early days: the window is cut at the first day; day 5's window is days 0 .. 2
    assert w.n[0, 5] == 3 and w.s1[0, 5] == 1 + 2 + 3


def test_no_baseline_before_min_history_and_short_history_pooled() -> None:
    p = AlertParams()
    x = np.full((3, 80), 4.0)
    valid = np.ones_like(x)
    testable = np.ones(x.shape, dtype=bool)
    kind = np.zeros(3, dtype=np.int64)
    w, d = model.dispersion(x, valid, p)
    pool = model.pooled_phi([(kind, d, w.n)], 1, 80, p.min_history_days)
    b = model.baseline(x, valid, testable, kind, pool, p, (w, d))
    # day t has t - 2 days of history (days 0 .. t-3): 7 days first on day 9
    assert not b.tested[:, :9].any()
    assert b.tested[:, 9:].all()
    assert b.pooled[0, 9] and b.pooled[0, 57] and not b.pooled[0, 58]   # 56 days of history from day 58
    assert b.weekday[0, 30] and not b.weekday[0, 29]                     # 28 days of history from day 30
    # constant counts of 4: expected (4 n + 1/2) / n, here with 8 same-weekday days at day 70
    assert b.mean[0, 70] == pytest.approx((4 * 8 + 0.5) / 8)
    # a first day of data that is not covered: no test at all
    assert np.isnan(b.u[0, 0])


def test_zero_history_two_events_is_unusual_but_one_is_not() -> None:
    # 10 empty days then 1 or 2 events: Jeffreys' Gamma(1/2, 10) level; P(X >= 1) is about 1 - (10/11)^0.5
    p = AlertParams()
    x = np.zeros((2, 13))
    x[0, 12], x[1, 12] = 1, 2
    valid = np.ones_like(x)
    kind = np.zeros(2, dtype=np.int64)
    w, d = model.dispersion(x, valid, p)
    pool = model.pooled_phi([(kind, d, w.n)], 1, 13, 7)
    b = model.baseline(x, valid, np.ones(x.shape, dtype=bool), kind, pool, p, (w, d))
    p_one, p_two = 1 - b.u[0, 12], 1 - b.u[1, 12]
    assert 0.015 < p_one < 0.05      # the exact Gamma-Poisson mid-p: 0.5 (0.0465 + 0.0032) = 0.025
    assert p_two < 0.005             # exact: 0.5 (0.0032 + 0.0003) = 0.0017


def test_weekday_strided_sums_by_hand_and_with_no_series() -> None:
    """out[:, u] = x[u] + x[u-7] + ...: for x = 1..10, day 8 (index 8) is 9 + 2 = 11, day 9 is 10 + 3 = 13;
    a workspace with no series yet (the first seconds of a live watch) gives an empty result, not an error."""
    from basewatch.alerts.model import _stride_cum

    x = np.arange(1.0, 11.0).reshape(1, 10)
    assert _stride_cum(x).tolist() == [[1, 2, 3, 4, 5, 6, 7, 9, 11, 13]]
    assert _stride_cum(np.zeros((0, 10))).shape == (0, 10)


def test_summed_probabilities_by_hand_and_against_scipy() -> None:
    """P(X < x) and P(X = x) by summing: NB(size 2, mean 2) has P(0) = P(1) = 1/4, P(2) = 3 / 16 (as above);
    Poisson(2) below 5 is 7 e^-2 and at 5 e^-2 32/120; other cases against scipy.stats."""
    from basewatch.alerts import recurrence as rc

    below, at = rc.below_and_at(_arr(0, 1, 2), *rc.nb_terms(_arr(2, 2, 2), _arr(2, 2, 2)))
    assert below.tolist() == pytest.approx([0, 0.25, 0.5], rel=1e-12)
    assert at.tolist() == pytest.approx([0.25, 0.25, 3 / 16], rel=1e-12)
    terms = rc.mixed_terms(_arr(2.0)[:, None], _arr(1.0)[:, None], np.array([[True]]))
    below, at = rc.below_and_at(_arr(5), *terms)
    assert below[0, 0] == pytest.approx(7 * math.exp(-2), rel=1e-12)
    assert at[0, 0] == pytest.approx(math.exp(-2) * 32 / 120, rel=1e-12)
    rng = np.random.default_rng(7)
    lam, size = rng.gamma(1.0, 5.0, 500) + 0.01, rng.gamma(1.0, 3.0, 500) + 0.05
    x = rng.poisson(lam * 2).astype(np.float64)
    below, at = rc.below_and_at(x, *rc.nb_terms(lam, size))
    prob = size / (size + lam)
    assert below == pytest.approx(stats.nbinom.cdf(x - 1, size, prob), rel=1e-9, abs=1e-15)
    assert at == pytest.approx(stats.nbinom.pmf(x, size, prob), rel=1e-9, abs=1e-15)


def test_the_mixture_mid_p_by_summing_equals_the_special_functions() -> None:
    rng = np.random.default_rng(11)
    n = 400
    mean = rng.gamma(1.0, 4.0, n) + 0.01
    phi = np.where(rng.random(n) < 0.3, 0.0, rng.gamma(1.0, 0.2, n))
    relvar, shift = rng.gamma(1.0, 0.05, n), np.log1p(phi / 8)
    x = rng.poisson(mean * 1.5).astype(np.float64)
    want = model.mid_pit(x, mean, phi, relvar, shift)
    assert model.fast_mixture_mid_pit(x, mean, phi, relvar, shift) == pytest.approx(want, rel=1e-9, abs=1e-12)
