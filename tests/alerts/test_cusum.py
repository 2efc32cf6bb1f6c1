"""CUSUM: a hand-computed case, Siegmund's run length on independent normal scores, and the in-control
run length of the whole detector on simulated null series."""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.alerts import cusum
from basewatch.alerts.detect import detect
from basewatch.alerts.frame import frame_from_counts
from basewatch.alerts.params import AlertParams


def test_hand_computed_upper_cusum() -> None:
    # k = 0.5, h = 4.75: z = 0, 0, 3, 3, 0: S = 0, 0, 2.5, 5.0 -> alarm on day 3, change point day 2
    z = np.array([[0.0, 0.0, 3.0, 3.0, 0.0, 0.0]])
    x = np.array([[1.0, 1.0, 5.0, 6.0, 1.0, 1.0]])
    mean = np.ones_like(x)
    s = cusum.cusum(z, np.ones(z.shape, dtype=bool), x, mean, 0.5, 4.75)
    assert s.day.tolist() == [3] and s.start.tolist() == [2] and s.direction.tolist() == [1]
    assert s.statistic[0] == pytest.approx(5.0)
    assert s.observed[0] == 11.0 and s.expected[0] == 2.0


def test_hand_computed_lower_cusum_and_untested_days() -> None:
    # z = -2, (untested), -2, -2: S- = 1.5, 1.5, 3.0, 4.5 -> no alarm; one more -2 -> 6.0 alarm on day 4
    z = np.array([[-2.0, 9.0, -2.0, -2.0, -2.0]])
    tested = np.array([[True, False, True, True, True]])
    s = cusum.cusum(z, tested, np.zeros_like(z), np.ones_like(z), 0.5, 4.75)
    assert s.day.tolist() == [4] and s.start.tolist() == [0] and s.direction.tolist() == [-1]
    assert s.statistic[0] == pytest.approx(6.0)


def test_one_day_spike_is_not_a_shift() -> None:
    z = np.zeros((1, 10))
    z[0, 3] = 8.0
    s = cusum.cusum(z, np.ones(z.shape, dtype=bool), np.zeros_like(z), np.ones_like(z), 0.5, 4.75)
    assert s.day.size == 0


def test_threshold_solves_siegmund() -> None:
    h = cusum.threshold(365, 0.5)
    assert cusum.siegmund_arl(h, 0.5) == pytest.approx(730, rel=1e-6)
    assert 4.6 < h < 4.9  # the textbook value for k = 0.5 and a one-sided ARL near 730


def test_siegmund_run_length_on_independent_normal_scores() -> None:
    # the approximation the threshold rests on, against simulation (one side, 1,500 paths)
    rng = np.random.default_rng(11)
    h = cusum.threshold(365, 0.5)
    paths, days = 1500, 6000
    z = rng.standard_normal((paths, days))
    s = cusum.cusum(z, np.ones(z.shape, dtype=bool), np.zeros((paths, days)), np.ones((paths, days)), 0.5, h)
    up = s.direction == 1
    first = np.full(paths, days)
    np.minimum.at(first, s.series[up], s.day[up] + 1)
    assert (first < days).mean() > 0.99
    assert first.mean() == pytest.approx(730, rel=0.12)


@pytest.mark.parametrize("dispersion", [None, 5.0])
def test_in_control_run_length_is_about_a_year(dispersion: float | None) -> None:
    # whole detector (baseline, scores, both sides) on null series with a weekday pattern, mean 10
    rng = np.random.default_rng(5 if dispersion is None else 6)
    series, days, warm = 150, 2 * 365 + 60, 60
    mu = 10 * np.array([1.2, 1.2, 1.1, 1.0, 1.0, 0.7, 0.8])[np.arange(days) % 7]
    lam = np.broadcast_to(mu, (series, days))
    if dispersion is not None:
        lam = rng.gamma(dispersion, lam / dispersion)
    x = rng.poisson(lam).astype(float)
    testable = np.ones(x.shape, dtype=bool)
    testable[:, :warm] = False
    found = detect(frame_from_counts(x, [f"s{i:03d}" for i in range(series)], 20000, testable=testable),
                   AlertParams())
    shifts = sum(k == "shift" for k in found.kind)
    per_series_year = shifts / (series * (days - warm) / 365)
    assert 0.6 <= per_series_year <= 1.5, per_series_year
