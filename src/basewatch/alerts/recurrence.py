"""Negative-binomial and Poisson CDFs at integer counts by summing the probabilities, for many counts at once.

P(X < x) and P(X = x) of X ~ NB(size r, mean lam) (or Poisson(lam)) from P(X = 0) and the ratio
P(X = j + 1) / P(X = j) = (alpha + j beta) / (j + 1), with alpha = r lam / (r + lam), beta = lam / (r + lam)
(Poisson: alpha = lam, beta = 0). All terms are positive, so the sum keeps its relative precision; it
agrees with the incomplete beta / gamma functions to rounding (`tests/alerts/test_model.py` compares).

Counts are sorted once; step j works on the contiguous run of counts above j, so the work is the sum of
the counts (daily counts are small: about 1.5 on average at 1,000 sites) instead of one special-function
evaluation per count, which was most of a backfill's time. Counts above `MAX_COUNT` or levels above
`MAX_LEVEL` (where P(X = 0) would underflow) are left to the special functions (`handled` says which).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

MAX_COUNT = 2000
MAX_LEVEL = 500.0


def handled(x: F64, lam: F64) -> Bool:
    """Rows the summation takes: count at most MAX_COUNT, every level at most MAX_LEVEL."""
    top = lam.max(axis=1) if lam.ndim == 2 else lam
    return np.asarray((x <= MAX_COUNT) & (top <= MAX_LEVEL))


def below_and_at(x: F64, p0: F64, alpha: F64, beta: F64) -> tuple[F64, F64]:
    """(P(X < x), P(X = x)) per row; p0, alpha, beta: per row (n) or per row and component (n x m)."""
    n = x.size
    if n == 0:
        return np.zeros(p0.shape), np.zeros(p0.shape)
    order = np.argsort(x, kind="stable")
    xs = x[order].astype(np.int64)
    pmf = np.array(p0[order], dtype=np.float64)
    a, b = alpha[order], beta[order]
    below = np.zeros(pmf.shape)
    top = int(xs[-1])
    # starts[j]: first sorted row whose count exceeds j
    starts = np.searchsorted(xs, np.arange(top), side="right")
    step = np.empty(pmf.shape)
    for j in range(top):
        s = int(starts[j])
        run = slice(s, n)
        below[run] += pmf[run]
        np.multiply(b[run], float(j), out=step[run])
        step[run] += a[run]
        step[run] *= 1.0 / (j + 1)
        pmf[run] *= step[run]
    out_below = np.empty(below.shape)
    out_at = np.empty(pmf.shape)
    out_below[order] = below
    out_at[order] = pmf
    return out_below, out_at


def nb_terms(lam: F64, size: F64) -> tuple[F64, F64, F64]:
    """p0, alpha, beta of NB(size, mean lam)."""
    frac = lam / (size + lam)
    # exp(-r log(1 + lam / r)), not (r / (r + lam))^r: near Poisson (r large) the power loses r eps
    return np.exp(-size * np.log1p(lam / size)), size * frac, frac


def mixed_terms(lam: F64, size: F64, poisson: Bool) -> tuple[F64, F64, F64]:
    """p0, alpha, beta per component: Poisson(lam) where `poisson`, else NB(size, lam)."""
    safe = np.where(poisson, 1.0, size)
    p0, alpha, beta = nb_terms(lam, safe)
    return (np.where(poisson, np.exp(-lam), p0), np.where(poisson, lam, alpha), np.where(poisson, 0.0, beta))
