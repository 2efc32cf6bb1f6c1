"""Multiple testing: Benjamini-Hochberg across all the tests of one day.

The family of a day is every tested series' two one-sided tails (surge and drawdown) that day, less
the drawdown tests that cannot reach the level even at a count of zero (Tarone's rule for discrete
tests: a series expecting 0.2 a day cannot show a significant drop in one day), and less the days of
a series before its first count (all zeros: none can raise an alert; counted, they made a day's family
grow whenever a series was first seen later, so a whole rerun gave other q-values on earlier days than
the day-by-day update that had stored them). With m
tests and p-values sorted p(1) <= ... <= p(m), q(i) = min over j >= i of m p(j) / j (capped at 1);
an alert is raised where q <= level. Under the global null (nothing changed anywhere) this raises at
least one false alarm on about `level` of days whatever the size of the watchlist, so the whole
watchlist expects about 30 * level false alarms a month (`false_alarms_per_month`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def bh_by_group(p: F64, group: I64) -> F64:
    """q-values of `p` with a separate BH family per value of `group`."""
    q = np.ones(p.shape)
    if p.size == 0:
        return q
    order = np.lexsort((p, group))
    g, ps = group[order], p[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], g.size]
    for a, b in zip(starts, ends, strict=True):
        m = b - a
        raw = ps[a:b] * m / np.arange(1, m + 1)
        q[order[a:b]] = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    return q


def bh_partial(p: F64, group: I64, tests: F64) -> F64:
    """BH q-values for the candidates `p` (those <= level) of families of `tests[g]` tests each.

    The tests left out all have p > level, so they cannot pull any q at or below the level lower: the
    q-values that decide an alert are exact (others may be overstated, and are not alerts).
    """
    q = np.ones(p.shape)
    if p.size == 0:
        return q
    order = np.lexsort((p, group))
    g, ps = group[order], p[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], g.size]
    for a, b in zip(starts, ends, strict=True):
        m = tests[g[a]]
        raw = ps[a:b] * m / np.arange(1, b - a + 1)
        q[order[a:b]] = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    return q


def false_alarms_per_month(level: float) -> float:
    return 30.0 * level
