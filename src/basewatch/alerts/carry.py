"""What a run of the count detectors leaves for the next one, so a new day needs no rerun of the history.

Per series (one row of a frame), as of its last *complete* day (`through`, the last testable day of its
mode; a later, incomplete day is left untested and redone next time):

* the two CUSUM sides (`cusum.Side`): sums, last zero day, quiet flag, rising days, and the observed
  and expected counts since the last zero day (a shift's size from its change point);
* whether its all-traffic copy equals one actor group's series (`redundant`), and whether the run left
  it out for that reason (if a new day changes that, the history must be redone);
* the last day with a count (a new corridor needs 180 quiet days before it) and the first covered day.

Everything else a day needs (the 56-day window, the pooled dispersion, the day's BH family) is
recomputed from the counts of the window itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from basewatch.alerts.cusum import Side
from basewatch.alerts.frame import Frame

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
NONE_DAY = -(10**9)  # "no such day" in the day columns


@dataclass(frozen=True)
class Carry:
    """Per frame row; day fields are frame columns (negative: before the frame)."""

    known: Bool       # the series was in the stored state (False: new, its whole history is in the frame)
    from_col: I64     # first column not yet processed
    same_used: Bool   # left out as redundant in the stored run
    equal: Bool       # all-traffic series equal to an actor group's series through from_col - 1
    last_count: I64
    first_valid: I64
    up: Side
    down: Side

    @staticmethod
    def fresh(frame: Frame) -> Carry:
        s = frame.keys.num_rows
        first = np.where(frame.valid.any(axis=1), frame.valid.argmax(axis=1), NONE_DAY).astype(np.int64)
        return Carry(np.zeros(s, dtype=bool), np.zeros(s, dtype=np.int64), np.zeros(s, dtype=bool),
                     np.ones(s, dtype=bool), np.full(s, NONE_DAY, dtype=np.int64), first,
                     Side.start(s), Side.start(s))

    def rows(self, c: slice) -> Carry:
        def side(v: Side) -> Side:
            return Side(v.stat[c], v.zero_day[c], v.quiet[c], v.rising[c], v.sum_x[c], v.sum_m[c])

        return Carry(self.known[c], self.from_col[c], self.same_used[c], self.equal[c], self.last_count[c],
                     self.first_valid[c], side(self.up), side(self.down))


def through(frame: Frame) -> I64:
    """Per series, the frame column of its last complete (testable) day; -1 if none."""
    t = frame.testable
    last = t.shape[1] - 1 - np.argmax(t[:, ::-1], axis=1) if t.shape[1] else np.zeros(t.shape[0], dtype=np.int64)
    return np.where(t.any(axis=1), last, -1).astype(np.int64)


def partners(frame: Frame) -> I64:
    """Per series, the rows of the actor-group series of the same place if it is an all-traffic series
    (-1 pads; other series: all -1). Columns: as many as the most groups of one place."""
    import pyarrow.compute as pc

    from basewatch.alerts.frame import _combination
    from basewatch.alerts.series import PLACE_COLUMNS

    s = frame.keys.num_rows
    if not s:
        return np.full((0, 1), -1, dtype=np.int64)
    place = _combination(frame.keys, PLACE_COLUMNS)[0]
    everyone = np.asarray(pc.is_null(frame.keys.column("actor")).to_numpy(zero_copy_only=False), dtype=bool)
    groups = np.flatnonzero(~everyone)
    groups = groups[np.argsort(place[groups], kind="stable")]  # rows of each place together, in row order
    g_place = place[groups]
    bounds = np.searchsorted(g_place, np.arange(int(place.max()) + 2))
    size = np.diff(bounds)
    width = max(int(size.max(initial=1)), 1)
    out = np.full((s, width), -1, dtype=np.int64)
    rows = np.flatnonzero(everyone)
    for w in range(width):
        has = size[place[rows]] > w
        out[rows[has], w] = groups[bounds[place[rows[has]]] + w]
    return out


def equal_over(frame: Frame, lo: I64, hi: I64, partner: I64 | None = None) -> Bool:
    """All-traffic series equal, on columns lo..hi (inclusive, per series), to one actor group's series."""
    partner = partners(frame) if partner is None else partner
    out = np.zeros(frame.keys.num_rows, dtype=bool)
    cols = np.arange(frame.days)
    for w in range(partner.shape[1]):
        rows = np.flatnonzero(partner[:, w] >= 0)
        if not rows.size:
            continue
        outside = (cols[None, :] < lo[rows, None]) | (cols[None, :] > hi[rows, None])
        same = ((frame.x[rows] == frame.x[partner[rows, w]]) | outside).all(axis=1)
        out[rows] |= same
    return out


def last_count(frame: Frame, carry: Carry, upto: I64) -> I64:
    """Last column <= upto (per series) with a count, else the carried one."""
    cols = np.arange(frame.days)
    hit = (frame.x > 0) & (cols[None, :] <= upto[:, None])
    last = frame.days - 1 - np.argmax(hit[:, ::-1], axis=1) if frame.days else np.zeros(hit.shape[0], np.int64)
    return np.where(hit.any(axis=1), last, carry.last_count).astype(np.int64)
