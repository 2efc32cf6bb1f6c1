"""The count baseline: a negative-binomial predictive distribution for each series and day.

For day t the history is the trailing window t-guard-window .. t-guard-1 (default 56 days, guard 2),
restricted to days the data covers. Within it:

* **Level.** With a Jeffreys prior on a Poisson rate, S counts over n days give the posterior
  Gamma(S + 1/2, n), mean (S + 1/2)/n, relative variance 1/(S + 1/2). So the interval widens honestly
  with short or empty history: a corridor silent for 10 days that sees 2 flights gets p ~ 0.002, not 0.
* **Weekday effect.** With at least `weekday_min_days` (4 weeks) of history the level comes from the
  same weekday's days only (the maximum-likelihood fit of a level-per-weekday model: 8 days in a
  56-day window). Always, not after a test of equal weekday means: on simulated negative-binomial
  series with a +-20 % weekday pattern a chi-square test at 5 % missed the pattern half the time, and
  the high weekdays then raised 1.3 % false alarms at a nominal 1 % (1.1-1.2 % when always adjusted).
* **Overdispersion.** phi in Var = mu + phi mu^2 around the level, by moments: (within-weekday, if
  used) sample variance minus mean, over mean squared, floored at 0. A full window uses the series' own
  estimate shrunk halfway to its kind's (mode and direction) pooled value; a shorter one the pooled
  value (sum of numerators over sum of denominators across the kind's series that day).
* **Predictive.** The day's count is NB(level, phi) with the level itself uncertain (relative variance
  1/(S + 1/2) + phi/n), integrated by quadrature (`mixture_cdf`, which says how it is centred).

The tail values are exact sums of that distribution (mid-p: P(X > x) + P(X = x)/2, the standard
correction for discrete counts; the plain P(X >= x) is conservative, far below the nominal level at
small means). `u` = P(X < x) + P(X = x)/2 is the mid-p "probability integral transform": p_up = 1 - u,
p_down = u, and z = Phi^-1(u) is the score the CUSUM accumulates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from basewatch.alerts import recurrence as rc
from basewatch.alerts.params import AlertParams

F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]
TINY = 1e-300


@dataclass(frozen=True)
class Baseline:
    """Per series and day (arrays of one shape, series x days)."""

    mean: F64      # predictive mean (NaN where not tested)
    phi: F64       # day-to-day dispersion: Var = mu + phi mu^2 around the level
    relvar: F64    # relative variance of the level itself (estimated from the window)
    shift: F64     # log shift of the level's distribution (see mixture_cdf)
    history: F64   # days of history the level used
    weekday: Bool  # weekday-adjusted
    pooled: Bool   # dispersion pooled across the series' kind (short history)
    tested: Bool
    u: F64         # mid-p PIT; NaN where not tested
    zero: F64      # P(X = 0): a drawdown test is only possible where P(X = 0) / 2 <= level


@dataclass(frozen=True)
class _Window:
    n: F64
    s1: F64
    s2: F64
    cls_s: list[F64]   # per weekday class c = 0..6 (0: the same weekday as t)
    cls_n: list[F64]


def _prefix(x: F64) -> F64:
    out = np.zeros((x.shape[0], x.shape[1] + 1))
    np.cumsum(x, axis=1, out=out[:, 1:])
    return out


def _range_sum(prefix: F64, far: int, near: int) -> F64:
    """Sum over days t-far .. t-near (inclusive, clipped at the first day) for every t."""
    days = prefix.shape[1] - 1
    t = np.arange(days)
    hi = np.clip(t - near + 1, 0, days)
    lo = np.clip(t - far, 0, days)
    return np.asarray(prefix[:, hi] - prefix[:, lo])


def _stride_cum(x: F64) -> F64:
    """out[:, u] = x[:, u] + x[:, u-7] + x[:, u-14] + ..."""
    s, days = x.shape
    pad = (-days) % 7
    padded = np.concatenate([x, np.zeros((s, pad))], axis=1)
    # explicit sizes: with no series (s = 0) numpy cannot infer a -1 axis
    return np.asarray(padded.reshape(s, (days + pad) // 7, 7).cumsum(axis=1).reshape(s, days + pad)[:, :days])


def _class_sum(q: F64, c: int, far: int, near: int) -> F64:
    """Sum over the window's days u with u = t - c (mod 7): q shifted by two offsets (zeros before day 0)."""
    days = q.shape[1]
    off_hi = c + 7 * max(0, -(-(near - c) // 7))
    off_lo = c + 7 * ((far - c) // 7) + 7
    out = np.zeros(q.shape)
    if off_lo - 7 < off_hi:
        return out
    if off_hi < days:
        out[:, off_hi:] = q[:, : days - off_hi]
    if off_lo < days:
        out[:, off_lo:] -= q[:, : days - off_lo]
    return out


def _window(x: F64, valid: F64, p: AlertParams) -> _Window:
    far, near = p.guard_days + p.window_days, p.guard_days + 1
    qx, qv = _stride_cum(x), _stride_cum(valid)
    return _Window(
        n=_range_sum(_prefix(valid), far, near),
        s1=_range_sum(_prefix(x), far, near),
        s2=_range_sum(_prefix(x * x), far, near),
        cls_s=[_class_sum(qx, c, far, near) for c in range(7)],
        cls_n=[_class_sum(qv, c, far, near) for c in range(7)],
    )


@dataclass(frozen=True)
class Dispersion:
    """Moment pieces of phi per series-day: phi = max(0, num/den); the pooled value sums them."""

    num: F64
    den: F64
    weekday: Bool


def _div(a: F64, b: F64) -> F64:
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=b > 0)
    return out


def dispersion(x: F64, valid: F64, p: AlertParams) -> tuple[_Window, Dispersion]:
    w = _window(x, valid, p)
    n, s1, s2 = w.n, w.s1, w.s2
    m = _div(s1, n)
    df = np.maximum(n - 1, 0)
    num = s2 - _div(s1 * s1, n) - df * m
    den = df * m * m
    between = sum((_div(cs * cs, cn) for cs, cn in zip(w.cls_s, w.cls_n, strict=True)), np.zeros(n.shape))
    k = sum(((cn > 0).astype(np.float64) for cn in w.cls_n), np.zeros(n.shape))
    dfw = np.maximum(n - k, 0)
    num_w = s2 - between - dfw * m
    den_w = dfw * _div(between, n)
    weekday = (n >= p.weekday_min_days) & (m > 0) & (k == 7)
    return w, Dispersion(np.where(weekday, num_w, num), np.where(weekday, den_w, den), weekday)


def pooled_phi(parts: list[tuple[I64, Dispersion, F64]], kinds: int, days: int, min_history: int) -> F64:
    """phi per (kind, day): sums over the series of each kind with enough history."""
    num = np.zeros((kinds, days))
    den = np.zeros((kinds, days))
    for kind, disp, n in parts:
        ok = n >= min_history
        for k in np.unique(kind):  # row by row in order, as np.add.at would, at a fraction of its cost
            rows = kind == k
            num[k] += np.where(ok[rows], disp.num[rows], 0.0).sum(axis=0)
            den[k] += np.where(ok[rows], disp.den[rows], 0.0).sum(axis=0)
    return np.maximum(_div(num, den), 0.0)


def baseline(x: F64, valid: F64, testable: Bool, kind: I64, phi_pool: F64, p: AlertParams,
             prepared: tuple[_Window, Dispersion] | None = None) -> Baseline:
    """The predictive distribution of each series-day and the mid-p PIT of its observed count."""
    w, disp = prepared if prepared is not None else dispersion(x, valid, p)
    weekday = disp.weekday
    s = np.where(weekday, w.cls_s[0], w.s1)
    n = np.where(weekday, w.cls_n[0], w.n)
    short = w.n < p.window_days
    own = np.maximum(_div(disp.num, disp.den), 0.0)
    # a full window: the series' own phi, shrunk halfway to its kind's (one series' 56-day moment
    # estimate is noisy, and an underestimate narrows the interval); short history: the kind's
    phi = np.where(short, phi_pool[kind], 0.5 * (own + phi_pool[kind]))
    tested = testable & (w.n >= p.min_history_days) & (n > 0)
    mean = np.where(tested, _div(s + 0.5, n), np.nan)
    rel_phi = _div(phi, n)
    relvar = 1.0 / (s + 0.5) + rel_phi
    shift = np.log1p(rel_phi)
    u = np.full(x.shape, np.nan)
    zero = np.ones(x.shape)
    if tested.any():
        args = (mean[tested], phi[tested], relvar[tested], shift[tested])
        u[tested], zero[tested] = pit_and_zero(x[tested], *args, zero_refine_below=4 * p.level)
    return Baseline(mean, phi, relvar, shift, n, weekday, short, tested, u, zero)


# Gauss-Hermite nodes (probabilists') for the lognormal mixture over the uncertain level
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(7)
_GH_WEIGHTS = _GH_WEIGHTS / _GH_WEIGHTS.sum()
POISSON_PHI = 1e-6


def _cdf(k: F64, lam: F64, phi: F64) -> F64:
    """P(X <= k) for X ~ NB(mean lam, Var = lam + phi lam^2) (Poisson where phi is ~0); 0 for k < 0."""
    from scipy.special import betainc, gammaincc

    kk, lam, phi = np.broadcast_arrays(np.maximum(k, 0.0), lam, phi)
    pois = phi < POISSON_PHI
    out = np.empty(lam.shape)
    out[pois] = gammaincc(kk[pois] + 1.0, lam[pois])
    nb = ~pois
    size = 1.0 / phi[nb]
    out[nb] = betainc(size, kk[nb] + 1.0, size / (size + lam[nb]))
    return np.asarray(np.where(k < 0, 0.0, out))


def _levels(mean: F64, relvar: F64, shift: F64) -> tuple[F64, F64]:
    """Nodes (n x 7) of the day's level: lognormal with the point estimate's mean and relative variance."""
    s2 = np.log1p(relvar)[:, None]
    lam = mean[:, None] * np.exp(np.sqrt(s2) * _GH_NODES[None, :] - s2 / 2 + shift[:, None])
    return lam, np.broadcast_to(_GH_WEIGHTS, lam.shape)


def mixture_cdf(k: F64, mean: F64, phi: F64, relvar: F64, shift: F64) -> F64:
    """P(X <= k): the day's count is NB around a level itself uncertain (estimated from the window).

    The level's uncertainty is integrated by 7-point Gauss-Hermite quadrature over a lognormal with
    relative variance 1/(S + 1/2) + phi/n. Its two parts are centred differently. The Poisson part is
    the Jeffreys posterior of the rate, whose mean is (S + 1/2)/n itself (mean-preserving). The phi/n
    part is the sampling error of the estimate: if the estimate is the level times a lognormal of mean
    1, the level given the estimate is the estimate times the inverse, whose mean is larger by the
    factor 1 + phi/n (`shift` = log(1 + phi/n)). Without it the upper tail is too thin (measured 1.2 %
    false alarms at a nominal 1 % with 8 days of negative-binomial history); a moment-matched single
    NB is thinner still (1.4 %).
    """
    lam, wts = _levels(mean, relvar, shift)
    cdf = _cdf(k[:, None], lam, phi[:, None])
    return np.asarray((cdf * wts).sum(axis=1))


def p_zero(mean: F64, phi: F64, relvar: F64, shift: F64) -> F64:
    """P(X = 0) under the predictive (closed form per quadrature node)."""
    lam, wts = _levels(mean, relvar, shift)
    ph = phi[:, None]
    pois = ph < POISSON_PHI
    nb = np.power(1.0 + np.where(pois, 1.0, ph) * lam, -1.0 / np.where(pois, 1.0, ph))
    return np.asarray((np.where(pois, np.exp(-lam), nb) * wts).sum(axis=1))


def _moments(mean: F64, phi: F64, relvar: F64, shift: F64) -> tuple[F64, F64]:
    """Mean and NB size of a single negative binomial with the mixture's mean and variance."""
    e = mean * np.exp(shift)
    var = e + phi * e * e * (1 + relvar) + relvar * e * e
    return e, e * e / np.maximum(var - e, 1e-12)


def fast_p_zero(mean: F64, phi: F64, relvar: F64, shift: F64, refine_below: float) -> F64:
    """P(X = 0): the moment-matched NB's, and the full mixture's where the former is below refine_below."""
    e, size = _moments(mean, phi, relvar, shift)
    out = np.power(size / (size + e), size)
    small = out < refine_below
    if small.any():
        out[small] = p_zero(mean[small], phi[small], relvar[small], shift[small])
    return np.asarray(out)


REFINE_TAIL = 0.05  # fast_mid_pit computes the full mixture where either tail is below this


def _nb_pmf(k: F64, mean: F64, size: F64) -> F64:
    from scipy.special import gammaln

    prob = size / (size + mean)
    return np.asarray(np.exp(gammaln(k + size) - gammaln(size) - gammaln(k + 1.0) + size * np.log(prob)
                             + k * np.log1p(-prob)))


def fast_mid_pit(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64) -> F64:
    """`mid_pit` at a fraction of the cost, equal to it where it decides anything (see `pit_and_zero`)."""
    return pit_and_zero(x, mean, phi, relvar, shift, 0.0)[0]


def pit_and_zero(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64,
                 zero_refine_below: float) -> tuple[F64, F64]:
    """The mid-p PIT u of each count (as `mid_pit` where it decides anything) and P(X = 0) (as
    `fast_p_zero(..., zero_refine_below)`), sharing the moment-matched pieces.

    A count of 0: u = P(X = 0)/2 (closed form; the mixture's where it is small). Elsewhere first a
    single negative binomial with the mixture's mean and variance (one incomplete beta function instead
    of fourteen); where either of its tails is below `REFINE_TAIL` (the only places a p-value can
    matter, and where the two differ most) the full mixture replaces it. The bulk feeds only the CUSUM
    scores, where the two agree closely (the CUSUM run-length test measures the result).
    """
    from scipy.special import betainc

    e, size = _moments(mean, phi, relvar, shift)
    p0 = np.power(size / (size + e), size)  # the moment-matched NB's P(X = 0)
    is_zero = x == 0
    mix = (p0 < zero_refine_below) | (is_zero & (p0 < 2 * REFINE_TAIL))
    p0_mix = p0.copy()
    if mix.any():
        p0_mix[mix] = p_zero(mean[mix], phi[mix], relvar[mix], shift[mix])
    zero = np.where(p0 < zero_refine_below, p0_mix, p0)
    u = np.empty(x.shape)
    if is_zero.any():
        u[is_zero] = 0.5 * p0_mix[is_zero]
    rest = ~is_zero
    if rest.any():
        xr, er, sr = x[rest], e[rest], size[rest]
        ur = np.empty(xr.shape)
        summed = rc.handled(xr, er)
        below, at = rc.below_and_at(xr[summed], *rc.nb_terms(er[summed], sr[summed]))
        ur[summed] = below + 0.5 * at
        other = ~summed
        if other.any():
            xo, eo, so = xr[other], er[other], sr[other]
            ur[other] = betainc(so, xo, so / (so + eo)) + 0.5 * _nb_pmf(xo, eo, so)
        refine = np.minimum(ur, 1 - ur) < REFINE_TAIL
        if refine.any():
            idx = np.flatnonzero(rest)[refine]
            ur[refine] = fast_mixture_mid_pit(x[idx], mean[idx], phi[idx], relvar[idx], shift[idx])
        u[rest] = ur
    return u, zero


def fast_mixture_mid_pit(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64) -> F64:
    """`mid_pit` by summed probabilities (`basewatch.alerts.recurrence`) where it applies."""
    lam, wts = _levels(mean, relvar, shift)
    out = np.empty(x.shape)
    summed = rc.handled(x, lam)
    if summed.any():
        ph = phi[summed][:, None]
        pois = ph < POISSON_PHI
        terms = rc.mixed_terms(lam[summed], 1.0 / np.where(pois, 1.0, ph), pois)
        below, at = rc.below_and_at(x[summed], *terms)
        out[summed] = ((below + 0.5 * at) * wts[summed]).sum(axis=1)
    other = ~summed
    if other.any():
        out[other] = mid_pit(x[other], mean[other], phi[other], relvar[other], shift[other])
    return out


def mid_pit(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64) -> F64:
    """P(X < x) + P(X = x)/2 under the predictive distribution."""
    return np.asarray(0.5 * (mixture_cdf(x - 1.0, mean, phi, relvar, shift) + mixture_cdf(x, mean, phi, relvar, shift)))


def tail_values(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64,
                known_u: F64 | None = None) -> tuple[F64, F64]:
    """(p_up, p_down), mid-p; the upper one from survival functions so tiny values keep their precision.

    known_u: `fast_mid_pit`'s values for these counts, if at hand. Where that function computed the full
    mixture (a count above 0 with a tail below `REFINE_TAIL`) it is p_down exactly, and is reused.
    """
    from scipy.special import betaincc, gammainc

    lam, wts = _levels(mean, relvar, shift)
    pois = phi < POISSON_PHI
    size = (1.0 / np.where(pois, 1.0, phi))[:, None]

    def sf(k: F64) -> F64:  # P(X > k), each node by its own family (Poisson or NB) only
        kk = np.broadcast_to((np.maximum(k, 0.0) + 1.0)[:, None], lam.shape)
        out = np.empty(lam.shape)
        out[pois] = gammainc(kk[pois], lam[pois])
        nb = ~pois
        sz = np.broadcast_to(size, lam.shape)[nb]
        out[nb] = betaincc(sz, kk[nb], sz / (sz + lam[nb]))
        out[k < 0] = 1.0
        return np.asarray((out * wts).sum(axis=1))

    p_down = np.empty(x.shape)
    reuse = np.zeros(x.shape, dtype=bool)
    if known_u is not None:
        reuse = (x > 0) & (np.minimum(known_u, 1 - known_u) < REFINE_TAIL)
        p_down[reuse] = known_u[reuse]
    rest = ~reuse
    if rest.any():
        p_down[rest] = mid_pit(x[rest], mean[rest], phi[rest], relvar[rest], shift[rest])
    p_up = 0.5 * (sf(x) + sf(x - 1.0))
    return np.asarray(p_up), p_down


def interval(mean: F64, phi: F64, relvar: F64, shift: F64, coverage: float = 0.95) -> tuple[F64, F64]:
    """Central prediction interval of the count: the predictive's 2.5 % and 97.5 % quantiles.

    The CDF of every count 0 .. mean + 12 sd + 10 of every alert in one call (the alerts' ranges laid end
    to end), then each alert's two quantiles by a search within its own range.
    """
    a = (1 - coverage) / 2
    n = mean.size
    if n == 0:
        return np.zeros(0), np.zeros(0)
    sd = np.sqrt(mean + (phi + relvar * (1 + phi)) * mean ** 2)
    sizes = np.ceil(mean + 12 * sd + 10).astype(np.int64)
    owner = np.repeat(np.arange(n), sizes)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    ks = (np.arange(owner.size) - starts[owner]).astype(np.float64)
    cdf = mixture_cdf(ks, mean[owner], phi[owner], relvar[owner], shift[owner])
    # per alert, the first k whose CDF reaches a (and 1 - a): count the k below within its range
    lo_idx = np.bincount(owner, weights=cdf < a, minlength=n).astype(np.int64)
    hi_idx = np.minimum(np.bincount(owner, weights=cdf < 1 - a, minlength=n).astype(np.int64), sizes - 1)
    return lo_idx.astype(np.float64), hi_idx.astype(np.float64)


def sigma(p_up: F64, p_down: F64) -> F64:
    """The normal quantile of the smaller tail value, signed (+ above expectation, - below)."""
    from scipy.special import ndtri

    up = p_up <= p_down
    pm = np.clip(np.where(up, p_up, p_down), TINY, 0.5)
    return np.asarray(np.where(up, 1.0, -1.0) * -ndtri(pm))


def ndtri_clipped(u: F64) -> F64:
    """Phi^-1(u), u clipped into (0, 1) (NaN stays NaN)."""
    from scipy.special import ndtri

    return np.asarray(ndtri(np.clip(u, 1e-16, 1 - 1e-16)))


def slim(w: _Window, d: Dispersion) -> tuple[_Window, Dispersion]:
    """What `baseline` still needs of a window (the same-weekday class, not the other six)."""
    return _Window(w.n, w.s1, w.s2, [w.cls_s[0]], [w.cls_n[0]]), d
