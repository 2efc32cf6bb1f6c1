"""All count detectors over one frame: surges and drawdowns, sustained shifts, new corridors.

The result is a `Found` set of alerts keyed by (series row, first day, last day) with their figures;
`basewatch.alerts.assemble` turns it (plus evidence) into the rows of the `alerts` table. Series are
processed in chunks of rows (each series is independent but for the pooled dispersion, summed in a
first pass), so memory stays bounded for thousands of series over years.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from basewatch.alerts import cusum as cs
from basewatch.alerts import model
from basewatch.alerts.carry import NONE_DAY, Carry, equal_over, last_count, partners, through
from basewatch.alerts.frame import Frame
from basewatch.alerts.multiple import bh_partial
from basewatch.alerts.params import AlertParams

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
CHUNK = 1000
WORKERS = 2  # threads over chunks (the target machine has 2 cores)
TAIL_SPLIT_MIN = 5000  # candidates per thread below which the tail values are computed on one


@dataclass(frozen=True)
class Found:
    """Alerts as columns (one entry per alert). Day fields are column indices of the frame."""

    kind: list[str]
    row: I64
    day: I64          # the day the alert is raised on
    first: I64        # first day of the evidence span (change point for shifts)
    observed: F64
    expected: F64     # NaN: none
    lower: F64
    upper: F64
    p_value: F64
    q_value: F64
    sigma: F64
    history: F64      # days of history behind the baseline
    weekday: npt.NDArray[np.bool_]
    pooled: npt.NDArray[np.bool_]
    tests: F64        # BH family size that day (surge/drawdown)
    statistic: F64    # CUSUM value at the alarm (shift); covered look-back days (new corridor)

    @property
    def size(self) -> int:
        return int(self.row.size)


def _chunks(n: int) -> list[slice]:
    return [slice(a, min(a + CHUNK, n)) for a in range(0, n, CHUNK)] or [slice(0, 0)]


@dataclass
class _Acc:
    kind: list[str]
    cols: dict[str, list[F64]]

    def add(self, kind: str, n: int, **cols: npt.NDArray[np.generic]) -> None:
        self.kind.extend([kind] * n)
        for name, values in cols.items():
            self.cols.setdefault(name, []).append(np.asarray(values, dtype=np.float64))

    def extend(self, other: _Acc) -> None:
        self.kind.extend(other.kind)
        for name, parts in other.cols.items():
            self.cols.setdefault(name, []).extend(parts)

    def found(self) -> Found:
        def col(name: str) -> F64:
            parts = self.cols.get(name, [])
            return np.concatenate(parts) if parts else np.zeros(0)

        return Found(
            self.kind, col("row").astype(np.int64), col("day").astype(np.int64), col("first").astype(np.int64),
            col("observed"), col("expected"), col("lower"), col("upper"), col("p_value"), col("q_value"),
            col("sigma"), col("history"), col("weekday") > 0, col("pooled") > 0, col("tests"), col("statistic"),
        )


def detect(frame: Frame, params: AlertParams) -> Found:
    """Every count alert of the frame."""
    done = detect_carried(frame, params)
    assert done is not None  # only a carried state can be outdated
    return done[0]


def detect_carried(frame: Frame, params: AlertParams, carry: Carry | None = None) -> tuple[Found, Carry] | None:
    """Every count alert of the frame on columns not yet processed (`carry`: all of them when None), and
    what the next run needs (`basewatch.alerts.carry`). None: the carried state no longer holds (an
    all-traffic series stopped or started being one actor's), the whole history must be redone.

    Two passes over chunks of series, each run on `WORKERS` threads (numpy and scipy release the GIL
    in their loops); the results are merged in chunk order, so they do not depend on the threads.
    """
    from concurrent.futures import ThreadPoolExecutor

    s_count, days = frame.x.shape
    start = carry or Carry.fresh(frame)
    valid = frame.valid.astype(np.float64)
    chunks = _chunks(s_count)
    last_col = np.full(s_count, days - 1, dtype=np.int64)
    partner = partners(frame)
    same = start.equal & equal_over(frame, start.from_col, last_col, partner)
    if carry is not None and bool((carry.known & (same != carry.same_used)).any()):
        return None
    testable = frame.testable & ~same[:, None]
    done = through(frame)
    corridors = corridor_rows(frame)
    first_new = int(start.from_col[start.known].min()) if carry is not None and start.known.any() else 0
    with ThreadPoolExecutor(WORKERS) as pool:
        prepared: list[tuple[model._Window, model.Dispersion] | None] = list(pool.map(
            lambda c: model.slim(*model.dispersion(frame.x[c], valid[c], params)), chunks))
        parts = [(frame.kind[c], p[1], np.where(same[c, None], 0.0, p[0].n))
                 for c, p in zip(chunks, prepared, strict=True) if p is not None]
        phi_pool = model.pooled_phi(parts, max(len(frame.kinds), 1), days, params.min_history_days)
        del parts
        h = cs.threshold(params.cusum_arl_days, params.cusum_k)

        def run(i: int) -> tuple[F64, dict[str, F64] | None, _Acc, tuple[cs.Side, cs.Side]]:
            prep, prepared[i] = prepared[i], None
            c = chunks[i]
            return _chunk_alerts(frame, c, valid[c], testable[c], phi_pool, params, prep, h,
                                 start.rows(c) if carry is not None else None, corridors, first_new)

        results = list(pool.map(run, range(len(chunks))))
    tests = np.zeros(days)
    cand: list[dict[str, F64]] = []
    acc = _Acc([], {})
    sides: list[tuple[cs.Side, cs.Side]] = []
    for chunk_tests, chunk_cand, chunk_acc, chunk_sides in results:
        tests += chunk_tests
        if chunk_cand is not None:
            cand.append(chunk_cand)
        acc.extend(chunk_acc)
        sides.append(chunk_sides)
    _surges(cand, tests, params, acc)
    end = Carry(np.ones(s_count, dtype=bool), done + 1, same,
                start.equal & equal_over(frame, start.from_col, done, partner), last_count(frame, start, done),
                start.first_valid, _joined([s[0] for s in sides]), _joined([s[1] for s in sides]))
    return acc.found(), end


def _joined(parts: list[cs.Side]) -> cs.Side:
    def cat(name: str) -> Any:
        return np.concatenate([getattr(p, name) for p in parts])

    return cs.Side(cat("stat"), cat("zero_day"), cat("quiet"), cat("rising"), cat("sum_x"), cat("sum_m"))


def _chunk_alerts(frame: Frame, c: slice, valid: F64, testable: npt.NDArray[np.bool_], phi_pool: F64,
                  params: AlertParams, prepared: tuple[model._Window, model.Dispersion] | None,
                  h: float, carry: Carry | None, corridors: npt.NDArray[np.bool_],
                  first_new: int = 0) -> tuple[F64, dict[str, F64] | None, _Acc, tuple[cs.Side, cs.Side]]:
    """One chunk's BH family sizes per day, surge/drawdown candidates, shift and new-corridor alerts, and
    the CUSUM state after its last day. With a carry, only columns from `carry.from_col` on are new."""
    x = frame.x[c]
    b = model.baseline(x, valid, testable, frame.kind[c], phi_pool, params, prepared)
    del prepared
    # Tarone: a drawdown test that cannot reach the level even at a count of 0 is left out of the
    # family (it could never raise an alert, and counting it would only cost the others power)
    can_drop = b.tested & (0.5 * b.zero <= params.level)
    # a series joins the day's family from its first count on (`multiple`): before it, every one of its
    # days is a zero that cannot raise an alert, and counting those days would make earlier days'
    # families depend on series first seen later (a rerun would then differ from the update)
    begun = np.cumsum(x > 0, axis=1) > 0
    if carry is not None:
        begun |= (carry.last_count > NONE_DAY // 2)[:, None]
    tests = np.asarray((b.tested & begun).sum(axis=0) + (can_drop & begun).sum(axis=0), dtype=np.float64)
    new = (np.arange(frame.days)[None, :] >= carry.from_col[:, None]) if carry is not None else None
    hit = (b.tested & (1 - b.u <= params.level)) | (can_drop & (b.u <= params.level))
    if carry is not None:  # a day new for any series: every series' candidates (one BH family a day)
        hit &= np.arange(frame.days)[None, :] >= first_new
    r, t = np.nonzero(hit)
    cand = None
    if r.size:
        cand = {"row": (r + c.start).astype(np.float64), "day": t.astype(np.float64), "x": x[r, t],
                "mean": b.mean[r, t], "phi": b.phi[r, t], "relvar": b.relvar[r, t], "shift": b.shift[r, t],
                "history": b.history[r, t], "u": b.u[r, t],
                "new": np.ones(r.size) if new is None else new[r, t].astype(np.float64),
                "weekday": b.weekday[r, t].astype(np.float64),
                "pooled": b.pooled[r, t].astype(np.float64)}
    acc = _Acc([], {})
    z = np.where(b.tested, model.ndtri_clipped(b.u), 0.0)
    shifts, sides = cs.cusum_carried(z, b.tested if new is None else b.tested & new, x, b.mean, params.cusum_k,
                                     h, None if carry is None else (carry.up, carry.down))
    if shifts.series.size:
        rr, tt = shifts.series, shifts.day
        acc.add("shift", rr.size, row=rr + c.start, day=tt, first=shifts.start, observed=shifts.observed,
                expected=shifts.expected, lower=np.full(rr.size, np.nan), upper=np.full(rr.size, np.nan),
                p_value=np.full(rr.size, np.nan), q_value=np.full(rr.size, np.nan),
                sigma=np.full(rr.size, np.nan), history=b.history[rr, tt], weekday=b.weekday[rr, tt],
                pooled=b.pooled[rr, tt], tests=np.full(rr.size, np.nan),
                statistic=shifts.statistic * shifts.direction)
    _new_corridors(frame, c, params, acc, carry, corridors[c])
    return tests, cand, acc, sides


def redundant(frame: Frame) -> npt.NDArray[np.bool_]:
    """All-traffic series identical, day by day, to one actor group's series of the same place.

    Where all the traffic at a site is one actor's (a military base with no civil flights), the two
    series are one test: the all-traffic copy is left out (of the tests, the BH family and the pooled
    dispersion), so each change is reported once, in the actor's series.
    """
    rows = frame.keys.num_rows
    return equal_over(frame, np.zeros(rows, dtype=np.int64), np.full(rows, frame.days - 1, dtype=np.int64))


def _tail_values(x: F64, mean: F64, phi: F64, relvar: F64, shift: F64, u: F64) -> tuple[F64, F64]:
    """`model.tail_values` over `WORKERS` threads (each candidate's values are its own: split and joined)."""
    from concurrent.futures import ThreadPoolExecutor

    n = x.size
    if n < 2 * TAIL_SPLIT_MIN:
        return model.tail_values(x, mean, phi, relvar, shift, u)
    bounds = np.linspace(0, n, WORKERS + 1).astype(np.int64)
    parts = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(WORKERS) as pool:
        done = list(pool.map(lambda c: model.tail_values(x[c], mean[c], phi[c], relvar[c], shift[c], u[c]),
                                 parts))
    return np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done])


SCREEN_MARGIN = 1e-9  # absolute slack on the screen's tail values (theirs agree with the exact ones to ~1e-11)


def _may_pass(col: dict[str, F64], tests: F64, level: float) -> npt.NDArray[np.bool_]:
    """Candidates that can pass Benjamini-Hochberg on their day; the others cannot (and are not computed).

    With K candidates (tail <= level) among m tests on a day, an alert needs p <= level j / m for some
    rank j <= K, so p <= level K / m. The screen reads p from the PIT u (1 - u above the mean, u below),
    which below `model.REFINE_TAIL` is the full mixture's (the exact tail values differ from it only by
    rounding, hence SCREEN_MARGIN); at a threshold near REFINE_TAIL nothing is screened. Every candidate
    that can pass ranks before every one screened out, so the alerts and their q-values are those of the
    whole candidate set.
    """
    day = col["day"].astype(np.int64)
    per_day = np.bincount(day, minlength=tests.size).astype(np.float64)
    m = np.maximum(tests[day], 1.0)
    limit = level * per_day[day] / m
    up = col["x"] > col["mean"]
    approx = np.where(up, 1.0 - col["u"], col["u"])
    return np.asarray((approx <= limit + SCREEN_MARGIN) | (limit >= 0.5 * model.REFINE_TAIL))


def _surges(cand: list[dict[str, F64]], tests: F64, params: AlertParams, acc: _Acc) -> None:
    if not cand:
        return
    col = {name: np.concatenate([c[name] for c in cand]) for name in cand[0]}
    keep_cand = _may_pass(col, tests, params.level)
    if not keep_cand.any():
        return
    col = {name: values[keep_cand] for name, values in col.items()}
    rows, day, x, mean = col["row"].astype(np.int64), col["day"].astype(np.int64), col["x"], col["mean"]
    phi, relvar, hist, wday, pool = col["phi"], col["relvar"], col["history"], col["weekday"], col["pooled"]
    shift = col["shift"]
    p_up, p_down = _tail_values(x, mean, phi, relvar, shift, col["u"])
    up = x > mean
    p = np.where(up, p_up, p_down)
    q = bh_partial(p, day, tests)
    keep = (q <= params.level) & (col["new"] > 0)  # the family is the whole day's; the alerts, new days'

    lower, upper = model.interval(mean[keep], phi[keep], relvar[keep], shift[keep])
    kinds = np.where(up[keep], "surge", "drawdown")
    for kind in ("surge", "drawdown"):
        m = kinds == kind
        if not m.any():
            continue
        sel = np.flatnonzero(keep)[m]
        acc.add(kind, int(m.sum()), row=rows[sel], day=day[sel], first=day[sel], observed=x[sel],
                expected=mean[sel], lower=lower[m], upper=upper[m], p_value=p[sel], q_value=q[sel],
                sigma=model.sigma(p_up[sel], p_down[sel]), history=hist[sel], weekday=wday[sel],
                pooled=pool[sel], tests=tests[day[sel]], statistic=np.full(int(m.sum()), np.nan))


def corridor_rows(frame: Frame) -> npt.NDArray[np.bool_]:
    """Series a new corridor can be raised on: movements of one actor group (not all traffic)."""
    import pyarrow.compute as pc

    keys = frame.keys
    if not keys.num_rows:
        return np.zeros(0, dtype=bool)
    mask = pc.and_(pc.equal(keys.column("direction"), "movements"), pc.is_valid(keys.column("actor")))
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _new_corridors(frame: Frame, c: slice, params: AlertParams, acc: _Acc, carry: Carry | None,
                   eligible: npt.NDArray[np.bool_]) -> None:
    """Movements on a corridor (of one actor group) silent for the whole look-back before."""
    if not eligible.any():
        return
    x = frame.x[c][eligible]
    look = params.corridor_lookback_days
    # the days with a count, row by row in day order; each one's previous day with a count (same row)
    r, t = np.nonzero(x > 0)
    prev = np.full(r.size, NONE_DAY, dtype=np.int64)
    same_row = np.r_[False, r[1:] == r[:-1]]
    prev[same_row] = t[np.flatnonzero(same_row) - 1]
    pv = model._prefix(frame.valid[c][eligible].astype(np.float64))
    covered = pv[r, t] - pv[r, np.clip(t - look, 0, None)]  # covered days t-look .. t-1 in the frame
    quiet = prev < t - look
    if carry is not None:  # the look-back reaches before the frame: the carried last count and cover
        first = carry.first_valid[eligible][r]
        covered = covered + np.maximum(0, np.minimum(-1, t - 1) - np.maximum(t - look, first) + 1)
        quiet &= carry.last_count[eligible][r] < t - look
        quiet &= t >= carry.from_col[eligible][r]  # days processed before are the stored run's
    hit = quiet & (covered >= params.corridor_min_lookback_days) & frame.testable[c][eligible][r, t]
    r, t, covered = r[hit], t[hit], covered[hit]
    if not r.size:
        return
    rows = np.flatnonzero(eligible)[r] + c.start
    nan = np.full(r.size, np.nan)
    acc.add("new-corridor", r.size, row=rows, day=t, first=t, observed=x[r, t], expected=np.zeros(r.size),
            lower=nan, upper=nan, p_value=nan, q_value=nan, sigma=nan, history=covered,
            weekday=np.zeros(r.size), pooled=np.zeros(r.size), tests=nan, statistic=covered)
