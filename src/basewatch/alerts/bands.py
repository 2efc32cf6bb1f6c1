"""The expected band of a series over time (for charts): observed counts, expected mean, 95 % interval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from basewatch.alerts import model
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Band:
    series: str
    days: tuple[dt.date, ...]
    observed: tuple[float, ...]
    expected: tuple[float | None, ...]   # None: not tested (no baseline, incomplete day)
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]


def series_bands(ws: Workspace, names: Sequence[str], params: AlertParams | None = None,
                 first: dt.date | None = None, last: dt.date | None = None) -> list[Band]:
    """Bands of the named series (as in the alerts' `series`), between first and last (inclusive)."""
    from basewatch.alerts.engine import duckdb_alert_engine
    from basewatch.alerts.pipeline import count_frame
    from basewatch.alerts.store import data_extents

    params = params or AlertParams()
    eng = duckdb_alert_engine(ws)
    try:
        frame = count_frame(eng, data_extents(ws, params))
    finally:
        eng.close()
    valid = frame.valid.astype(np.float64)
    w, d = model.dispersion(frame.x, valid, params)
    pool = model.pooled_phi([(frame.kind, d, w.n)], max(len(frame.kinds), 1), frame.days, params.min_history_days)
    keys = frame.keys.column("series").to_pylist()
    wanted = [keys.index(n) for n in names if n in keys]
    if not wanted:
        return []
    rows = np.array(wanted)
    b = model.baseline(frame.x[rows], valid[rows], frame.testable[rows], frame.kind[rows], pool, params,
                       (_rows(w, rows), model.Dispersion(d.num[rows], d.den[rows], d.weekday[rows])))
    days = [EPOCH + dt.timedelta(days=frame.day0 + t) for t in range(frame.days)]
    cols = [t for t, day in enumerate(days) if (first is None or day >= first) and (last is None or day <= last)]
    out = []
    for i, r in enumerate(rows):
        ok = [t for t in cols if b.tested[i, t]]
        lo, hi = (model.interval(b.mean[i, ok], b.phi[i, ok], b.relvar[i, ok], b.shift[i, ok]) if ok
                  else (np.zeros(0), np.zeros(0)))
        low = dict(zip(ok, lo.tolist(), strict=True))
        high = dict(zip(ok, hi.tolist(), strict=True))
        out.append(Band(
            keys[int(r)], tuple(days[t] for t in cols), tuple(float(frame.x[r, t]) for t in cols),
            tuple(float(b.mean[i, t]) if b.tested[i, t] else None for t in cols),
            tuple(low.get(t) for t in cols), tuple(high.get(t) for t in cols)))
    return out


def _rows(w: model._Window, rows: model.I64) -> model._Window:
    return model._Window(w.n[rows], w.s1[rows], w.s2[rows], [c[rows] for c in w.cls_s], [c[rows] for c in w.cls_n])
