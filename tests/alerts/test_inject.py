"""Injected changes: how soon a 3x surge and a 2x sustained shift are flagged (delays in days).

Truth: the day the simulation changes the rate. Each trial is one series on its own (the family of
one series' tests that day), with a weekday pattern, 120 days of null history before the change.
"""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.alerts.detect import detect
from basewatch.alerts.frame import frame_from_counts
from basewatch.alerts.params import AlertParams

WEEKDAY = np.array([1.2, 1.2, 1.1, 1.0, 1.0, 0.7, 0.8])
ONSET, DAYS, TRIALS = 120, 150, 60


def _delays(mean: float, factor: float, kinds: tuple[str, ...], seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    lam = mean * WEEKDAY[np.arange(DAYS) % 7]
    lam[ONSET:] *= factor
    delays = []
    for _ in range(TRIALS):
        x = rng.poisson(lam).astype(float)[None, :]
        found = detect(frame_from_counts(x, ["s"], 20000), AlertParams())
        days = [int(d) for d, k in zip(found.day, found.kind, strict=True) if k in kinds and d >= ONSET]
        delays.append(min(days) - ONSET if days else DAYS)
    return delays


@pytest.mark.parametrize("mean", [2.0, 5.0])
def test_threefold_surge_flagged_within_a_day(mean: float) -> None:
    delays = _delays(mean, 3.0, ("surge",), seed=int(mean * 10))
    assert float(np.median(delays)) <= 1, delays


def test_twofold_shift_flagged_within_three_days() -> None:
    delays = _delays(5.0, 2.0, ("shift",), seed=7)
    assert float(np.median(delays)) <= 3, delays


def test_halving_is_flagged_as_a_downward_shift() -> None:
    delays = _delays(10.0, 0.5, ("shift",), seed=8)
    assert float(np.median(delays)) <= 3, delays


def test_no_change_no_alarm_in_the_same_setting() -> None:
    # the control: the same trials without a change are (almost) never flagged after day 120
    delays = _delays(5.0, 1.0, ("surge", "shift"), seed=9)
    assert sum(d < DAYS - ONSET for d in delays) <= 0.25 * TRIALS
