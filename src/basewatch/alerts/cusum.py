"""Sustained shifts: upper and lower CUSUM on each series' daily scores.

The score of a tested day is z = Phi^-1(u), u the mid-p PIT of its count under the day's baseline
(`basewatch.alerts.model`): about N(0, 1) when nothing changes, whatever the series' level, weekday
pattern or dispersion. Then S+ = max(0, S+ + z - k) and S- = max(0, S- - z - k) (k = 0.5: tuned for a
shift of one standard deviation of the daily score), an alarm when either passes h. Untested days
leave both sums as they are.

Threshold. For independent N(0, 1) scores Siegmund's approximation gives the one-sided in-control run
length ARL(h) = (exp(2 k b) - 2 k b - 1) / (2 k^2), b = h + 1.166. Each side gets twice the asked ARL,
so the two together raise about one false alarm per series per `arl_days` (h = 4.75 for a year at
k = 0.5). The scores of one series are not quite independent N(0, 1): they share the 56-day baseline,
whose error persists from day to day (shorter runs), and mid-p scores of small counts vary less than
N(0, 1) (longer runs). Simulated null series through the whole detector (Poisson and negative
binomial, weekday pattern, means 3 to 30) give 0.6 to 1.2 false alarms per series-year at this h
(`tests/alerts/test_cusum.py` measures it); below a mean of about 1 a day it is far quieter.

An alarm is raised on a day that adds to the sum, in an episode with at least two such days, so a
one-day spike (a surge) is not also reported as a shift while its effect decays. After an alarm the
side stays quiet until its sum returns to zero. The change point is the first day after the sum last
stood at zero; the size is the ratio of observed to expected counts from the change point to the alarm.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]

SIEGMUND_SHIFT = 1.166


def siegmund_arl(h: float, k: float) -> float:
    b = h + SIEGMUND_SHIFT
    if k == 0:
        return b * b
    x = 2 * k * b
    return (math.exp(x) - x - 1) / (2 * k * k)


@functools.lru_cache(maxsize=64)
def threshold(arl_days: float, k: float) -> float:
    """h such that each side's approximate in-control run length is 2 * arl_days (bisection)."""
    target = 2 * arl_days
    lo, hi = 0.0, 100.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if siegmund_arl(mid, k) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class Shifts:
    """One row per alarm."""

    series: I64        # row of the series
    day: I64           # day index of the alarm
    start: I64         # day index of the change point
    direction: I64     # +1 up, -1 down
    statistic: F64     # the CUSUM value at the alarm
    observed: F64      # counts from start to day
    expected: F64      # expected counts from start to day


@dataclass(frozen=True)
class Side:
    """One side's CUSUM state per series after its last processed day (see `cusum`).

    zero_day: last day the sum stood at zero (frame column; before the frame: negative); sum_x /
    sum_m: observed / expected counts of the tested days after zero_day, up to the last processed day.
    """

    stat: F64
    zero_day: I64
    quiet: Bool
    rising: I64
    sum_x: F64
    sum_m: F64

    @staticmethod
    def start(s_count: int) -> Side:
        """No history: the sum at zero before the first day."""
        return Side(np.zeros(s_count), np.full(s_count, -1, dtype=np.int64), np.zeros(s_count, dtype=bool),
                    np.zeros(s_count, dtype=np.int64), np.zeros(s_count), np.zeros(s_count))


def cusum(z: F64, tested: Bool, x: F64, mean: F64, k: float, h: float) -> Shifts:
    """Run both CUSUMs over every series at once (a loop over days, vectorised over series)."""
    return cusum_carried(z, tested, x, mean, k, h)[0]


def cusum_carried(z: F64, tested: Bool, x: F64, mean: F64, k: float, h: float,
                  carry: tuple[Side, Side] | None = None) -> tuple[Shifts, tuple[Side, Side]]:
    """`cusum` from a carried state (upper, lower side) instead of zero, and the state after the last day.

    Days already counted in the carried state must be left untested here (untested days leave every
    sum as it is), so a run from the stored state gives the alarms of the whole-history run.
    """
    s_count, days = z.shape
    found: list[tuple[int, int, int, int, float]] = []
    ok_by_day = np.ascontiguousarray(tested.T)  # days x series: each day's column read contiguously
    z0 = np.nan_to_num(z)
    begin = carry or (Side.start(s_count), Side.start(s_count))
    ends: list[Side] = []
    cum_x = np.concatenate([np.zeros((s_count, 1)), np.cumsum(np.where(tested, x, 0.0), axis=1)], axis=1)
    cum_m = np.concatenate([np.zeros((s_count, 1)), np.cumsum(np.where(tested, np.nan_to_num(mean), 0.0),
                                                              axis=1)], axis=1)
    # both sides in one pass over the days, as one array of 2 x series (upper side first): the day's
    # step for every series at once (0 on untested days, which leave the sum as it is: max(S + 0, 0) = S)
    steps = np.ascontiguousarray(np.concatenate([np.where(tested, z0 - k, 0.0), np.where(tested, -z0 - k, 0.0)]).T)
    ups = steps > 0
    ok2 = np.concatenate([ok_by_day, ok_by_day], axis=1)
    stat = np.concatenate([begin[0].stat, begin[1].stat])
    zero_day = np.concatenate([begin[0].zero_day, begin[1].zero_day])  # last day the sum stood at zero
    quiet = np.concatenate([begin[0].quiet, begin[1].quiet])
    rising = np.concatenate([begin[0].rising, begin[1].rising])  # days with a positive step since zero
    at_zero = np.empty(2 * s_count, dtype=bool)
    alarm = np.empty(2 * s_count, dtype=bool)
    for t in range(days):
        up = ups[t]
        np.add(stat, steps[t], out=stat)
        np.maximum(stat, 0.0, out=stat)
        np.equal(stat, 0.0, out=at_zero)
        np.logical_and(at_zero, ok2[t], out=at_zero)
        zero_day[at_zero] = t
        quiet[at_zero] = False
        rising += up
        rising[at_zero] = 0
        np.greater(stat, h, out=alarm)
        alarm &= up
        alarm &= ~quiet
        alarm &= rising >= 2
        if alarm.any():
            for i in np.flatnonzero(alarm):
                s, sign = (int(i), 1) if i < s_count else (int(i) - s_count, -1)
                found.append((s, t, int(zero_day[i]) + 1, sign, float(stat[i])))
            quiet |= alarm
    rows = np.arange(s_count)
    for j, side in enumerate(begin):
        part = slice(j * s_count, (j + 1) * s_count)
        zd = zero_day[part]
        carried = zd == side.zero_day  # still the carried zero day: its sums continue
        first = np.maximum(zd + 1, 0)
        ends.append(Side(stat[part].copy(), zd.copy(), quiet[part].copy(), rising[part].copy(),
                         np.where(carried, side.sum_x, 0.0) + cum_x[:, days] - cum_x[rows, first],
                         np.where(carried, side.sum_m, 0.0) + cum_m[:, days] - cum_m[rows, first]))
    end = (ends[0], ends[1])
    found.sort()
    if not found:
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return Shifts(empty_i, empty_i, empty_i, empty_i, empty_f, empty_f, empty_f), end
    rows = np.array([f[0] for f in found], dtype=np.int64)
    day = np.array([f[1] for f in found], dtype=np.int64)
    start = np.array([f[2] for f in found], dtype=np.int64)
    direction = np.array([f[3] for f in found], dtype=np.int64)
    # the change point carried in (not a zero day of this run): its sums cover it up to this run's days
    up_side = direction > 0
    before = start == np.where(up_side, begin[0].zero_day[rows], begin[1].zero_day[rows]) + 1
    carry_x = np.where(up_side, begin[0].sum_x[rows], begin[1].sum_x[rows])
    carry_m = np.where(up_side, begin[0].sum_m[rows], begin[1].sum_m[rows])
    lo = np.maximum(start, 0)
    obs = cum_x[rows, day + 1] - cum_x[rows, lo]
    exp = cum_m[rows, day + 1] - cum_m[rows, lo]
    if carry is not None:
        obs = np.where(before, carry_x + obs, obs)
        exp = np.where(before, carry_m + exp, exp)
    return Shifts(rows, day, start, direction, np.array([f[4] for f in found]), obs, exp), end
