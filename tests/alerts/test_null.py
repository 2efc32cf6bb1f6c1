"""False alarms on simulated null series (nothing changes): measured rates against the nominal level.

Truth: the simulation's own law (Poisson or negative binomial, with a weekday pattern), known without
the detector. 150 series x 2 years per case after a 60-day warm-up: about 110,000 tests per tail and
case, so a 1 % rate is measured to about +-3 % (one standard error).
"""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.alerts import model
from basewatch.alerts.detect import detect
from basewatch.alerts.frame import frame_from_counts
from basewatch.alerts.params import AlertParams

WEEKDAY = np.array([1.2, 1.2, 1.1, 1.0, 1.0, 0.7, 0.8])
SERIES, DAYS, WARM = 150, 2 * 365 + 60, 60
LEVEL = 0.01


def _simulate(mean: float, dispersion: float | None, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lam = np.broadcast_to(mean * WEEKDAY[np.arange(DAYS) % 7], (SERIES, DAYS))
    if dispersion is not None:
        lam = rng.gamma(dispersion, lam / dispersion)
    return rng.poisson(lam).astype(float)


def _testable() -> np.ndarray:
    t = np.ones((SERIES, DAYS), dtype=bool)
    t[:, :WARM] = False
    return t


def _pit(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = AlertParams()
    valid = np.ones_like(x)
    kind = np.zeros(x.shape[0], dtype=np.int64)
    w, d = model.dispersion(x, valid, p)
    pool = model.pooled_phi([(kind, d, w.n)], 1, x.shape[1], p.min_history_days)
    b = model.baseline(x, valid, _testable(), kind, pool, p, (w, d))
    return b.u[b.tested], b.zero[b.tested]


@pytest.mark.parametrize(("mean", "dispersion"), [(5.0, None), (20.0, None), (5.0, 5.0), (20.0, 5.0)])
def test_surge_false_alarm_rate_is_nominal(mean: float, dispersion: float | None) -> None:
    u, _ = _pit(_simulate(mean, dispersion, seed=int(mean) + (0 if dispersion is None else 100)))
    rate = float((1 - u <= LEVEL).mean())
    assert 0.7 * LEVEL <= rate <= 1.3 * LEVEL, rate


@pytest.mark.parametrize("dispersion", [None, 5.0])
def test_drawdown_false_alarm_rate_is_nominal(dispersion: float | None) -> None:
    # a drop needs room below: at a mean of 20 a day (at 5 a day zero is still 0.7 % likely: fewer alarms)
    u, _ = _pit(_simulate(20.0, dispersion, seed=300 if dispersion is None else 301))
    rate = float((u <= LEVEL).mean())
    assert 0.7 * LEVEL <= rate <= 1.3 * LEVEL, rate


def test_benjamini_hochberg_days_with_a_false_alarm() -> None:
    # a watchlist of 150 null series with means from 2 to 30: under the global null, BH at level 0.01
    # raises at least one alarm on at most about 1 % of days (fewer here: discrete counts, Tarone's rule)
    rng = np.random.default_rng(42)
    means = np.geomspace(2, 30, SERIES)[:, None] * WEEKDAY[np.arange(DAYS) % 7][None, :]
    days_with_alarm = 0
    tested_days = 0
    for rep in range(3):
        lam = rng.gamma(5.0, means / 5.0) if rep % 2 else means
        x = rng.poisson(lam).astype(float)
        found = detect(frame_from_counts(x, [f"s{i:03d}" for i in range(SERIES)], 20000, testable=_testable()),
                       AlertParams(level=LEVEL))
        alarms = {int(d) for d, k in zip(found.day, found.kind, strict=True) if k in ("surge", "drawdown")}
        days_with_alarm += len(alarms)
        tested_days += DAYS - WARM
    share = days_with_alarm / tested_days
    assert share <= 1.3 * LEVEL, share
    assert share >= 0.3 * LEVEL, share  # not a detector that never speaks
